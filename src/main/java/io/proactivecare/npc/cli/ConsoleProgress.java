package io.proactivecare.npc.cli;

import io.proactivecare.npc.jobs.ProgressListener;
import io.proactivecare.npc.warehouse.RunManifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Progress on standard output as it happens: a line when a step starts (with the local time) and
 * when it ends (rows, seconds), each note when the step makes it, and an ingest's reconciliation.
 * Plain lines, flushed one by one, with no terminal control codes, so a scheduler's log reads the
 * same as a terminal. Counts and times only, never person-level values.
 */
final class ConsoleProgress implements ProgressListener {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final PrintWriter out;
  private final Path warehouse;

  ConsoleProgress(PrintWriter out, Path warehouse) {
    this.out = out;
    this.warehouse = warehouse;
  }

  @Override
  public void runStarted(String runId, String job, LocalDate asOf, int steps) {
    out.printf(
        "run %s: job %s as of %s, %d step%s, warehouse %s%n",
        runId, job, asOf, steps, steps == 1 ? "" : "s", warehouse);
    out.flush();
  }

  @Override
  public void stepStarted(int index, int total, String step) {
    out.printf("[%d/%d] %-24s started at %s%n", index, total, step, LocalTime.now().format(TIME));
    out.flush();
  }

  @Override
  public void note(String step, String note) {
    out.println("  note: " + note);
    out.flush();
  }

  @Override
  public void stepFinished(int index, int total, RunManifest.StepRecord record) {
    out.printf(
        "[%d/%d] %-24s %,14d rows %9.1f s  ok%n",
        index, total, record.name(), record.rows(), record.durationMs() / 1000.0);
    for (RunManifest.TableCount t : record.tables()) {
      out.printf(
          "  %-18s read %,10d = accepted %,10d + quarantined %,8d (%.2f%%)%n",
          t.table(), t.read(), t.accepted(), t.quarantined(), 100 * t.quarantineShare());
    }
    out.flush();
  }

  @Override
  public void runPublished(String runId, long catalogVersion, int outputs) {
    out.printf(
        "published %d output%s as catalog version %d (details: bin/npc runs show %s)%n",
        outputs, outputs == 1 ? "" : "s", catalogVersion, runId);
    out.flush();
  }
}

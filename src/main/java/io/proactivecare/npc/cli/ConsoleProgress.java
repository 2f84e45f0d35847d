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
 * same as a terminal. At an interactive terminal a live progress bar ({@link LiveProgress}) is
 * drawn below the step's line while it runs and erased before each line, so the lines are the same.
 * Counts and times only, never person-level values.
 */
final class ConsoleProgress implements ProgressListener {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final PrintWriter out;
  private final Path warehouse;
  private LiveProgress live;

  ConsoleProgress(PrintWriter out, Path warehouse) {
    this.out = out;
    this.warehouse = warehouse;
  }

  /**
   * Adds the live progress bar, redrawn every {@code interval} from {@code tasks} (the stages
   * running now), on a terminal {@code width} columns wide.
   */
  ConsoleProgress withLiveBar(
      java.util.function.Supplier<java.util.Optional<LiveProgress.Tasks>> tasks,
      java.time.Duration interval,
      int width) {
    live = new LiveProgress(out, this, tasks, interval, width);
    return this;
  }

  /** Erases the live bar, if any, before a line is printed. */
  private void clearBar() {
    if (live != null) {
      live.clear();
    }
  }

  /** Stops the live bar (the step ended or the run failed) and erases it. */
  synchronized void stopBar() {
    if (live != null) {
      live.stop();
    }
  }

  @Override
  public synchronized void runStarted(String runId, String job, LocalDate asOf, int steps) {
    clearBar();
    out.printf(
        "run %s: job %s as of %s, %d step%s, warehouse %s%n",
        runId, job, asOf, steps, steps == 1 ? "" : "s", warehouse);
    out.flush();
  }

  @Override
  public synchronized void stepStarted(int index, int total, String step) {
    clearBar();
    out.printf("[%d/%d] %-24s started at %s%n", index, total, step, LocalTime.now().format(TIME));
    out.flush();
    if (live != null) {
      live.start(String.format("[%d/%d] %s", index, total, step));
    }
  }

  @Override
  public synchronized void note(String step, String note) {
    clearBar();
    out.println("  note: " + note);
    out.flush();
  }

  @Override
  public synchronized void stepFinished(int index, int total, RunManifest.StepRecord record) {
    stopBar();
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
  public synchronized void stepFailed(int index, int total, String step, long millis) {
    stopBar();
    out.printf("[%d/%d] %-24s %19s %9.1f s  failed%n", index, total, step, "", millis / 1000.0);
    out.flush();
  }

  @Override
  public synchronized void runPublished(String runId, long catalogVersion, int outputs) {
    stopBar();
    out.printf(
        "published %d output%s as catalog version %d (details: bin/npc runs show %s)%n",
        outputs, outputs == 1 ? "" : "s", catalogVersion, runId);
    out.flush();
  }
}

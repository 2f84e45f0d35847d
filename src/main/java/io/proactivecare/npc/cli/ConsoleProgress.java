package io.proactivecare.npc.cli;

import io.proactivecare.npc.jobs.ProgressListener;
import java.io.PrintWriter;
import java.time.LocalDate;

/** One line per step on standard output: counts and times only, never person-level values. */
final class ConsoleProgress implements ProgressListener {
  private final PrintWriter out;

  ConsoleProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void runStarted(String runId, String job, LocalDate asOf, int steps) {
    out.printf(
        "run %s: job %s as of %s, %d step%s%n", runId, job, asOf, steps, steps == 1 ? "" : "s");
    out.flush();
  }

  @Override
  public void stepFinished(int index, int total, String step, long rows, long durationMs) {
    out.printf(
        "[%d/%d] %-24s %,14d rows %9.1f s  ok%n", index, total, step, rows, durationMs / 1000.0);
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

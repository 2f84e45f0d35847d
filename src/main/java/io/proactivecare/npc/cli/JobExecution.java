package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.io.SparkSessions;
import io.proactivecare.npc.jobs.JobRunner;
import io.proactivecare.npc.jobs.JobSpec;
import io.proactivecare.npc.warehouse.RunManifest;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** Runs a job for a command: resolves the as-of date, starts Spark only when a step needs it. */
final class JobExecution {
  private JobExecution() {}

  static int run(
      ConfigLoader.Loaded loaded,
      JobSpec job,
      Optional<LocalDate> asOf,
      Optional<LocalDate> extractDate,
      PrintWriter out) {
    LocalDate date = Engine.asOf(loaded.config(), job, asOf, extractDate);
    SparkSession[] session = new SparkSession[1];
    JobRunner runner =
        new JobRunner(
            () -> {
              if (session[0] == null) {
                session[0] = SparkSessions.create(loaded.config().spark());
              }
              return session[0];
            },
            loaded.config(),
            loaded.hash(),
            Engine.version(),
            Clock.systemUTC());
    JobRunner.Result result = runner.run(job, date, extractDate, new ConsoleProgress(out));
    for (RunManifest.StepRecord s : result.manifest().steps()) {
      for (RunManifest.TableCount t : s.tables()) {
        out.printf(
            "  %-18s read %,10d = accepted %,10d + quarantined %,8d (%.2f%%)%n",
            t.table(), t.read(), t.accepted(), t.quarantined(), 100 * t.quarantineShare());
      }
      s.notes().forEach(n -> out.println("  note: " + n));
    }
    for (String d : result.manifest().delivered()) {
      out.println("  delivered to " + loaded.config().publish() + ": " + d);
    }
    out.flush();
    return 0;
  }
}

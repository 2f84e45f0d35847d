package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.ingest.Extract;
import io.proactivecare.npc.ingest.ExtractLoader;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.io.CodeGeneration;
import io.proactivecare.npc.io.SparkSessions;
import io.proactivecare.npc.jobs.JobLock;
import io.proactivecare.npc.jobs.JobRunner;
import io.proactivecare.npc.jobs.JobSpec;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a job for a command, holding the job's lock (one run of a job at a time): one date, each
 * date of a backfill in order, or the rest of a failed run. Starts Spark only when a step needs it.
 */
final class JobExecution {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobExecution.class);

  private JobExecution() {}

  /**
   * What to run.
   *
   * @param asOf the date (else the job's default: its extract's date)
   * @param from first date of a backfill (with {@code to})
   * @param to last date of a backfill
   * @param extractDate overrides the extract's own date
   * @param skipDone skip a date that already succeeded with the same fingerprint
   * @param resume a failed run to continue
   */
  record Plan(
      Optional<LocalDate> asOf,
      Optional<LocalDate> from,
      Optional<LocalDate> to,
      Optional<LocalDate> extractDate,
      boolean skipDone,
      Optional<String> resume) {}

  /**
   * Bytes on disk of what the job reads first, which decides whether Spark compiles its queries
   * ({@link CodeGeneration}): the extract's files for a job that ingests, else the newest published
   * version of each conformed table.
   */
  static long inputBytes(ConfigLoader.Loaded loaded, JobSpec job) {
    Optional<IngestStep> ingest = ingestOf(job);
    if (ingest.isPresent()) {
      try {
        List<Path> files = new ArrayList<>();
        ExtractLoader.load(
                ingest.get().extractDir(loaded.config()), loaded.config(), Optional.empty())
            .files()
            .forEach(f -> files.addAll(f.parts()));
        return CodeGeneration.bytesUnder(files);
      } catch (RuntimeException e) {
        // The extract is refused with its own message by the step that reads it.
        return 0;
      }
    }
    Warehouse warehouse = new Warehouse(loaded.config().warehouse());
    Catalog catalog = warehouse.catalog();
    return CodeGeneration.bytesUnder(
        catalog.outputs().keySet().stream()
            .filter(name -> name.startsWith(IngestStep.conformed("")))
            .flatMap(name -> catalog.latest(name).stream())
            .map(v -> warehouse.resolve(v.path()))
            .toList());
  }

  /** The job's ingest step, if it has one. */
  private static Optional<IngestStep> ingestOf(JobSpec job) {
    return job.steps().stream()
        .map(JobSpec.StepSpec::step)
        .filter(IngestStep.class::isInstance)
        .map(IngestStep.class::cast)
        .findFirst();
  }

  /** One date, never skipped (the single commands: npc ingest, npc cohort, ...). */
  static int run(
      ConfigLoader.Loaded loaded,
      JobSpec job,
      Optional<LocalDate> asOf,
      Optional<LocalDate> extractDate,
      PrintWriter out) {
    return run(
        loaded,
        job,
        new Plan(asOf, Optional.empty(), Optional.empty(), extractDate, false, Optional.empty()),
        out);
  }

  static int run(ConfigLoader.Loaded loaded, JobSpec job, Plan plan, PrintWriter out) {
    SparkSession[] session = new SparkSession[1];
    JobRunner runner =
        new JobRunner(
            () -> {
              if (session[0] == null) {
                session[0] = SparkSessions.create(loaded.config().spark());
                long bytes = inputBytes(loaded, job);
                boolean compiles = CodeGeneration.apply(session[0], loaded.config().spark(), bytes);
                LOG.info(
                    "inputs {} MB: Spark {} its queries (spark.code_generation {})",
                    String.format("%.1f", bytes / (1024.0 * 1024)),
                    compiles ? "compiles" : "interprets",
                    loaded.config().spark().codeGeneration());
              }
              return session[0];
            },
            loaded.config(),
            loaded.hash(),
            Engine.version(),
            Clock.systemUTC());
    Warehouse warehouse = new Warehouse(loaded.config().warehouse());
    ConsoleProgress progress = new ConsoleProgress(out, warehouse.root());
    java.util.Map<String, String> env = System.getenv();
    if (LiveProgress.wanted(System.console() != null, env)) {
      progress.withLiveBar(
          () ->
              java.util.Optional.ofNullable(session[0])
                  .flatMap(s -> LiveProgress.running(s.sparkContext().statusTracker())),
          java.time.Duration.ofMillis(Long.getLong("npc.progress.interval-ms", 500)),
          LiveProgress.width(env));
    }
    String what =
        plan.resume()
            .map(r -> "resuming run " + r)
            .orElse(
                plan.from().isPresent()
                    ? "a backfill from " + plan.from().get() + " to " + plan.to().get()
                    : "as of " + plan.asOf().map(LocalDate::toString).orElse("its default date"));
    // The dates first: an extract refused up front is refused before anything is written.
    List<LocalDate> dates = plan.resume().isPresent() ? List.of() : dates(loaded, job, plan);
    try (JobLock lock =
        JobLock.acquire(
            warehouse.root(),
            job.name(),
            what,
            said -> {
              out.println("npc: " + said);
              out.flush();
            })) {
      if (plan.resume().isPresent()) {
        RunManifest failed = resumable(warehouse, job, plan.resume().get(), loaded.hash());
        delivered(runner.resume(job, failed, progress), loaded, out);
        return 0;
      }
      for (int i = 0; i < dates.size(); i++) {
        LocalDate date = dates.get(i);
        if (dates.size() > 1) {
          out.printf("backfill: %s, date %d of %d%n", date, i + 1, dates.size());
        }
        if (plan.skipDone()) {
          Optional<RunManifest> done =
              runner.done(job, date, runner.fingerprint(job, date, plan.extractDate()));
          if (done.isPresent()) {
            out.printf(
                "skipped: job %s as of %s already succeeded in run %s with the same inputs and"
                    + " configuration (--force runs it again), warehouse %s%n",
                job.name(), date, done.get().runId(), warehouse.root());
            continue;
          }
        }
        try {
          delivered(runner.run(job, date, plan.extractDate(), progress), loaded, out);
        } catch (RuntimeException | Error e) {
          if (dates.size() > 1) {
            out.printf(
                "backfill stopped at %s (date %d of %d): the dates after it were not run; fix the"
                    + " cause and run the same backfill again (dates done are skipped)%n",
                date, i + 1, dates.size());
            out.flush();
          }
          throw e;
        }
      }
      out.flush();
      return 0;
    } finally {
      // A failed step leaves no half-drawn bar before the error line.
      progress.stopBar();
    }
  }

  /** The dates to run, in order. */
  private static List<LocalDate> dates(ConfigLoader.Loaded loaded, JobSpec job, Plan plan) {
    List<LocalDate> dates = new ArrayList<>();
    if (plan.from().isEmpty()) {
      dates.add(Engine.asOf(loaded.config(), job, plan.asOf(), plan.extractDate()));
    } else {
      for (LocalDate d = plan.from().get(); !d.isAfter(plan.to().get()); d = d.plusDays(1)) {
        dates.add(d);
      }
    }
    requireExtractCovers(loaded, job, plan, dates.get(dates.size() - 1));
    return dates;
  }

  /**
   * Refuses, before anything runs, a job that ingests an extract dated before the last date asked
   * for: nothing after an extract's date is known, so its later steps would refuse the date after a
   * whole ingest. Under a scheduler this is the day's extract not yet arrived (exit code 3).
   */
  private static void requireExtractCovers(
      ConfigLoader.Loaded loaded, JobSpec job, Plan plan, LocalDate last) {
    Optional<IngestStep> ingest = ingestOf(job);
    if (ingest.isEmpty()) {
      return;
    }
    Extract extract =
        ExtractLoader.load(
            ingest.get().extractDir(loaded.config()), loaded.config(), plan.extractDate());
    if (last.isAfter(extract.extractDate())) {
      throw Errors.refused(
          extract.dir().resolve("extract.yaml"),
          "the extract is dated "
              + extract.extractDate()
              + ", before the as-of date "
              + last
              + ", and nothing after an extract's date is known (has the day's extract"
              + " arrived?)",
          "run again once a newer extract is in place, or pass --as-of "
              + extract.extractDate()
              + " or earlier (without --as-of a run takes the extract's date)");
    }
  }

  /** The failed run {@code runId} of {@code job}, if it can be resumed with this configuration. */
  private static RunManifest resumable(
      Warehouse warehouse, JobSpec job, String runId, String configHash) {
    RunManifest m =
        warehouse
            .manifest(runId)
            .orElseThrow(
                () ->
                    Errors.usage(
                        "No run '" + runId + "' in warehouse " + warehouse.root(),
                        "list runs with: bin/npc runs list"));
    if (!m.job().equals(job.name())) {
      throw Errors.usage(
          "Run " + runId + " is of job " + m.job() + ", not " + job.name(),
          "resume it with its own job file (" + m.jobFile() + ")");
    }
    if (RunManifest.SUCCEEDED.equals(m.status())) {
      throw Errors.usage("Run " + runId + " succeeded: there is nothing to resume", "");
    }
    if (!m.configHash().equals(configHash)) {
      throw Errors.usage(
          "The configuration changed since run "
              + runId
              + " (sha256 "
              + m.configHash().substring(0, 12)
              + ", now "
              + configHash.substring(0, 12)
              + "); a resumed run must finish with the configuration it started with",
          "resume with the same configuration and flags, or start a new run");
    }
    return m;
  }

  private static void delivered(
      JobRunner.Result result, ConfigLoader.Loaded loaded, PrintWriter out) {
    for (String d : result.manifest().delivered()) {
      out.println("  delivered to " + loaded.config().publish() + ": " + d);
    }
    out.flush();
  }
}

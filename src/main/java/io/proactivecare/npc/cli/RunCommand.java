package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.Install;
import io.proactivecare.npc.jobs.JobLoader;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code npc run JOB}: runs a job file's steps in order and publishes their outputs together. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a job file, e.g. jobs/nightly.yaml.",
      "",
      "Validates the job, runs its steps in order into a new run folder, writes the run manifest,"
          + " then publishes all outputs at once; a failed run publishes none.",
      "",
      "Safe to start from a scheduler: one run of a job at a time (exit code 5 if one is under"
          + " way), a date that already succeeded with the same inputs and configuration is skipped,"
          + " --from/--to backfill missed dates, --resume continues a failed run (docs/operations.md)."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      index = "0",
      paramLabel = "JOB",
      description =
          "The job file, or a job of the installation by name (nightly: its jobs/nightly.yaml).")
  Path job;

  @Option(
      names = "--as-of",
      paramLabel = "yyyy-MM-dd",
      description = "As-of date (default: the job's extract date).")
  LocalDate asOf;

  @Option(
      names = "--extract-date",
      paramLabel = "yyyy-MM-dd",
      description = "Extract date, overriding extract.yaml's extract_date.")
  LocalDate extractDate;

  @Option(
      names = "--force",
      description =
          "Run even if this date already succeeded with the same inputs and configuration.")
  boolean force;

  @Option(
      names = "--from",
      paramLabel = "yyyy-MM-dd",
      description = "Backfill: run each date from this one to --to, in order, each as its own run.")
  LocalDate from;

  @Option(names = "--to", paramLabel = "yyyy-MM-dd", description = "Last date of a backfill.")
  LocalDate to;

  @Option(
      names = "--resume",
      paramLabel = "RUN",
      description = "Resume failed run RUN at the first unfinished step.")
  String resume;

  @Override
  public Integer call() {
    if ((from == null) != (to == null)) {
      throw Errors.usage(
          "A backfill needs both --from and --to",
          "give both, e.g. --from 2025-03-01 --to 2025-03-31");
    }
    if (from != null && from.isAfter(to)) {
      throw Errors.usage(
          "--from " + from + " is after --to " + to, "give the earlier date as --from");
    }
    if (from != null && asOf != null) {
      throw Errors.usage("--as-of cannot be given with --from/--to", "use one or the other");
    }
    if (resume != null && (from != null || asOf != null || extractDate != null)) {
      throw Errors.usage(
          "--resume continues a run with its own date",
          "drop --as-of, --from/--to and --extract-date");
    }
    ConfigLoader.Loaded loaded = common.load();
    return JobExecution.run(
        loaded,
        JobLoader.load(Install.job(job), Engine.standardSteps()),
        new JobExecution.Plan(
            Optional.ofNullable(asOf),
            Optional.ofNullable(from),
            Optional.ofNullable(to),
            Optional.ofNullable(extractDate),
            !force,
            Optional.ofNullable(resume)),
        spec.commandLine().getOut());
  }
}

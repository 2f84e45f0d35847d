package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
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
      "Validates the job, runs its steps in order into a new run folder, writes the run manifest,",
      "then publishes every output at once. A failed run publishes nothing."
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
      description = "As-of date (default: the extract date of the job's input).")
  LocalDate asOf;

  @Option(
      names = "--extract-date",
      paramLabel = "yyyy-MM-dd",
      description = "Extract date, overriding extract.yaml's extract_date.")
  LocalDate extractDate;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = common.load();
    return JobExecution.run(
        loaded,
        JobLoader.load(Install.job(job), Engine.standardSteps()),
        Optional.ofNullable(asOf),
        Optional.ofNullable(extractDate),
        spec.commandLine().getOut());
  }
}

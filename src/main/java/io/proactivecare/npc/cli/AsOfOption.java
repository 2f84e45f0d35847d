package io.proactivecare.npc.cli;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.jobs.JobSpec;
import java.time.LocalDate;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --as-of}, for commands that run one job as of a date on the published warehouse. */
final class AsOfOption {
  @Option(
      names = "--as-of",
      paramLabel = "yyyy-MM-dd",
      description = "As-of date (default: the date of the newest published extract).")
  LocalDate asOf;

  /** Runs {@code job} as of the date given (or the default), printing to the command's output. */
  int run(ConfigLoader.Loaded loaded, JobSpec job, CommandSpec spec) {
    return JobExecution.run(
        loaded, job, Optional.ofNullable(asOf), Optional.empty(), spec.commandLine().getOut());
  }
}

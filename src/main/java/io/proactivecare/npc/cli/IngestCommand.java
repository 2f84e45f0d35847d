package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code npc ingest}: validates an extract and publishes conformed tables and the quarantine. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Validate an extract and publish conformed tables and a quarantine table.",
      "",
      "Reads extract.yaml and its CSV, CSV.gz or Parquet files with their column mappings, validates"
          + " every row, and publishes conformed tables and a quarantine table to the warehouse. For every"
          + " table, rows read = accepted + quarantined, checked and written to the run manifest."
    })
final class IngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

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
        Engine.ingestJob(Optional.empty()),
        Optional.ofNullable(extractDate),
        Optional.ofNullable(extractDate),
        spec.commandLine().getOut());
  }
}

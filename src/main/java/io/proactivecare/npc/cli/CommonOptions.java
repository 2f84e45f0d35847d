package io.proactivecare.npc.cli;

import io.proactivecare.npc.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every working command takes: where the configuration is and flag overrides of it. */
public final class CommonOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "Configuration file (default: $NPC_CONFIG, else conf/npc.yaml if present, else built-in defaults).")
  Path config;

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      description = "Warehouse folder (overrides 'warehouse').")
  Path warehouse;

  @Option(
      names = "--extract",
      paramLabel = "DIR",
      description = "Folder holding extract.yaml (overrides 'extract').")
  Path extract;

  @Option(
      names = "--spark-master",
      paramLabel = "URL",
      description = "Spark master, e.g. local[2] (sets 'spark.master').")
  String sparkMaster;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override any configuration key (repeatable), e.g."
              + " --set quality.max_quarantine_share=0.1.")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(
      names = "--verbose",
      description =
          "Log more (npc's INFO lines, Spark's warnings) and show stack traces of errors.")
  boolean verbose;

  /** Loads the configuration: defaults < file < these flags. */
  ConfigLoader.Loaded load() {
    Map<String, String> overrides = new LinkedHashMap<>(set);
    if (warehouse != null) {
      overrides.put("warehouse", warehouse.toString());
    }
    if (extract != null) {
      overrides.put("extract", extract.toString());
    }
    if (sparkMaster != null) {
      overrides.put("spark.master", sparkMaster);
    }
    return ConfigLoader.load(ConfigLoader.locate(config), overrides);
  }
}

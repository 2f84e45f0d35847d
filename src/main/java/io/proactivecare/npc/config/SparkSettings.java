package io.proactivecare.npc.config;

import java.util.Map;

/**
 * Spark session settings.
 *
 * @param master Spark master URL; ignored when launched by spark-submit, which sets its own
 * @param shufflePartitions {@code spark.sql.shuffle.partitions}
 * @param codeGeneration whether Spark compiles its queries: {@link #AUTO}, {@link #ALWAYS} or
 *     {@link #NEVER} (docs/configuration.md, "Code generation")
 * @param codeGenerationAboveBytes in {@link #AUTO} mode, compile when a run's inputs are larger
 * @param settings any further {@code spark.*} settings, passed through unchanged
 */
public record SparkSettings(
    String master,
    int shufflePartitions,
    String codeGeneration,
    long codeGenerationAboveBytes,
    Map<String, String> settings) {
  public static final String AUTO = "auto";
  public static final String ALWAYS = "always";
  public static final String NEVER = "never";

  public SparkSettings {
    settings = Map.copyOf(settings);
  }
}

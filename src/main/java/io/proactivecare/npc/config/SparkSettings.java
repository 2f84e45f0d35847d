package io.proactivecare.npc.config;

import java.util.Map;

/**
 * Spark session settings.
 *
 * @param master Spark master URL; ignored when launched by spark-submit, which sets its own
 * @param shufflePartitions {@code spark.sql.shuffle.partitions}
 * @param settings any further {@code spark.*} settings, passed through unchanged
 */
public record SparkSettings(String master, int shufflePartitions, Map<String, String> settings) {
  public SparkSettings {
    settings = Map.copyOf(settings);
  }
}

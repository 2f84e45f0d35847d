package io.proactivecare.npc.io;

import io.proactivecare.npc.config.SparkSettings;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session from the configuration. Under spark-submit the master and resources come
 * from spark-submit; otherwise {@code spark.master} (default {@code local[*]}) is used, so no
 * server is needed on a laptop.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(SparkSettings settings) {
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("npc")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.ansi.enabled", "true")
            .config("spark.sql.shuffle.partitions", String.valueOf(settings.shufflePartitions()))
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    if (System.getProperty("spark.master") == null) {
      b = b.master(settings.master()).config("spark.ui.enabled", "false");
    }
    for (var e : settings.settings().entrySet()) {
      b = b.config(e.getKey(), e.getValue());
    }
    return b.getOrCreate();
  }
}

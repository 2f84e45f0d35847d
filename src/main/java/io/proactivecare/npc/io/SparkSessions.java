package io.proactivecare.npc.io;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.SparkSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session from the configuration. Under spark-submit the master and resources come
 * from spark-submit; otherwise {@code spark.master} (default {@code local[*]}) is used, so no
 * server is needed on a laptop.
 */
public final class SparkSessions {
  /** Memory page size of Spark's sorters and hash maps (docs/configuration.md). */
  public static final String PAGE_SIZE = "4m";

  /**
   * Whether Spark compresses the cached columns (docs/configuration.md): off, since the ingest
   * step's cache of a large table's checked rows (held in columns, {@code ingest.cache}) spent
   * about a tenth of its CPU on the compression's per-value dictionary statistics.
   */
  public static final String CACHE_COMPRESSED = "false";

  /**
   * The setting that gives {@code file:} paths to {@link LocalFiles}: folders' permissions set
   * through Java, not by a {@code chmod} process for each folder and file a write makes (the
   * sample's nightly job 35.7 s against 37.8 s on average, docs/benchmarks.md).
   */
  public static final String LOCAL_FILES = "spark.hadoop." + LocalFiles.HADOOP_SETTING;

  private SparkSessions() {}

  /**
   * The settings the engine fixes in every session it builds ({@code spark.settings} may override
   * them), and the tests' shared session too.
   */
  public static Map<String, String> fixedSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("spark.sql.session.timeZone", "UTC");
    m.put("spark.sql.ansi.enabled", "true");
    m.put("spark.ui.showConsoleProgress", "false");
    m.put("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    // The feature and frailty plans hold many sorts in one task; each takes a memory page up
    // front, so small pages keep a wide plan within a small executor's memory.
    m.put("spark.buffer.pageSize", PAGE_SIZE);
    m.put("spark.sql.inMemoryColumnarStorage.compressed", CACHE_COMPRESSED);
    m.put(LOCAL_FILES, LocalFiles.class.getName());
    return m;
  }

  public static SparkSession create(SparkSettings settings) {
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("npc")
            .config("spark.sql.shuffle.partitions", String.valueOf(settings.shufflePartitions()));
    for (var e : fixedSettings().entrySet()) {
      b = b.config(e.getKey(), e.getValue());
    }
    if (System.getProperty("spark.master") == null) {
      b = b.master(settings.master()).config("spark.ui.enabled", "false");
    }
    for (var e : settings.settings().entrySet()) {
      b = b.config(e.getKey(), e.getValue());
    }
    try {
      return b.getOrCreate();
    } catch (Exception e) { // Scala throws checked exceptions (FileNotFoundException) undeclared.
      // Spark refuses to start only over its own settings (a missing event-log folder, a bad
      // master URL, a port in use): the configuration's to fix, in one line.
      throw Errors.config(
          "configuration",
          "spark",
          "Spark did not start: "
              + Errors.firstLine(String.valueOf(Errors.rootCause(e).getMessage())),
          "check spark.master and spark.settings (docs/configuration.md), or run again with"
              + " --verbose for Spark's own account",
          e);
    }
  }
}

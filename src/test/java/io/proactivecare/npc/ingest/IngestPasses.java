package io.proactivecare.npc.ingest;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.io.CodeGeneration;
import io.proactivecare.npc.io.SparkSessions;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.TableContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

/**
 * A benchmark, not a test: where the ingest of one table spends its time, pass by pass, on one core
 * with compiled queries (as a Leeds-sized run): reading the file, mapping and checking its rows,
 * filling the cache of checked rows (and its size), finding duplicates, the tally, and the two
 * writes. Each pass is timed on its own, after a first round that warms the JVM. Run by {@code
 * bin/bench passes EXTRACT TABLE [ROUNDS]}; docs/benchmarks.md, "The ingest's passes".
 */
public final class IngestPasses {
  private IngestPasses() {}

  private static void time(String pass, Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    System.out.printf("  %-44s %7.2f s%n", pass, (System.nanoTime() - t0) / 1e9);
  }

  private static void noop(Dataset<Row> d) {
    d.write().format("noop").mode("overwrite").save();
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: bin/bench passes EXTRACT_FOLDER TABLE [ROUNDS] [rows|columns]");
      System.exit(2);
    }
    Path extractDir = Path.of(args[0]);
    String table = args[1];
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    // How the checked rows are held (ingest.cache): columns unless told.
    boolean asRows = args.length > 3 && args[3].equals("rows");
    NpcConfig config =
        ConfigLoader.load(
                Optional.empty(),
                Map.of("spark.master", "local[1]", "spark.code_generation", "always"))
            .config();
    SparkSession spark = SparkSessions.create(config.spark());
    CodeGeneration.apply(spark, config.spark(), Long.MAX_VALUE);
    Extract extract = ExtractLoader.load(extractDir, config, Optional.empty());
    Extract.SourceFile f =
        extract.files().stream()
            .filter(x -> x.table().equals(table))
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException("no table " + table + " in the extract"));
    TableContract contract = Contracts.byName(table).orElseThrow();
    List<String> header = SourceReader.check(spark, f);
    Map<String, String> dateFormats = IngestStep.dateFormats(f);
    Path out = Files.createTempDirectory("npc-passes");
    for (int round = 1; round <= rounds; round++) {
      System.out.println(
          "round "
              + round
              + (round == 1 ? " (warms the JVM)" : "")
              + ": "
              + f.path()
              + ", "
              + table);
      time("read", () -> noop(SourceReader.read(spark, f, header)));
      time(
          "read, map",
          () -> noop(RowValidator.map(SourceReader.read(spark, f, header), contract, f.mapping())));
      Dataset<Row> checked =
          IngestStep.checkedRows(
              spark,
              f,
              header,
              contract,
              dateFormats,
              extract,
              config.ingest(),
              RowValidator.References.none());
      time("read, map, check", () -> noop(checked));
      Dataset<Row> cached = IngestStep.hold(checked, asRows);
      time("read, map, check, fill the cache", cached::count);
      for (RDDInfo i : spark.sparkContext().getRDDStorageInfo()) {
        System.out.printf(
            "  %-44s %7.1f MB in memory, %.1f MB on disk%n",
            "the cache", i.memSize() / 1e6, i.diskSize() / 1e6);
      }
      time("read the cache", () -> noop(cached));
      Dataset<Row> withPlace = SourceReader.withPlace(cached, f);
      Dataset<Row> later =
          RowValidator.laterDuplicates(withPlace, contract).persist(StorageLevel.MEMORY_AND_DISK());
      time("duplicates", later::count);
      Dataset<Row> validated = RowValidator.markDuplicates(withPlace, later, contract);
      time("tally", () -> IngestStep.Tally.of(validated, contract));
      time(
          "accepted rows written",
          () ->
              RowValidator.accepted(validated, contract, dateFormats)
                  .write()
                  .mode("overwrite")
                  .parquet(out.resolve("accepted").toString()));
      time(
          "quarantined rows written",
          () ->
              RowValidator.quarantine(validated, contract, f.mapping())
                  .write()
                  .mode("overwrite")
                  .parquet(out.resolve("quarantine").toString()));
      later.unpersist();
      IngestStep.release(cached, asRows);
    }
    spark.stop();
    try (java.util.stream.Stream<Path> s = Files.walk(out)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

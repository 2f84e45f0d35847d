package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.IngestSettings;
import io.proactivecare.npc.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ingest decides for each table before reading it: {@link IngestStep#tableSlots}, its
 * share of the {@code ingest.concurrent_tables} slots by the tasks its read runs in against the
 * cores, and {@link IngestStep#holdsRows}, whether its checked rows are held as rows or in columns.
 */
class TablePlanTest {
  /** Spark's default {@code spark.sql.files.maxPartitionBytes}. */
  private static final long SPLIT = 128L << 20;

  private static final SourceMapping MAPPING =
      new SourceMapping("t", "t.yaml", ",", "yyyy-MM-dd", List.of(), Map.of());

  @TempDir Path dir;

  private Extract.SourceFile table(String name, int parts) throws IOException {
    Path path;
    if (parts == 0) {
      path = dir.resolve(name + ".csv");
      Files.writeString(path, "a\n1\n");
    } else {
      path = dir.resolve(name);
      Files.createDirectories(path);
      for (int i = 0; i < parts; i++) {
        Files.writeString(path.resolve(String.format("part-%05d.csv", i)), "a\n1\n");
      }
    }
    return new Extract.SourceFile(name, path, MAPPING);
  }

  @Test
  void aSingleFileLeavesCoresToOthersAndAFolderOfPartsTakesItsShare() throws IOException {
    Extract.SourceFile single = table("single", 0);
    Extract.SourceFile twenty = table("twenty", 20);
    Extract.SourceFile four = table("four", 4);
    // 2 slots on 2 cores (this machine): a file takes 1 slot of 2; 20 parts, 40/2 = 20 -> all 2.
    assertEquals(1, IngestStep.tableSlots(single, 2, 2, SPLIT));
    assertEquals(2, IngestStep.tableSlots(twenty, 2, 2, SPLIT));
    // 16 cores: 4 parts x 2 slots / 16 cores = 0.5, rounded up to 1; 20 parts: 40/16 -> 3 -> 2.
    assertEquals(1, IngestStep.tableSlots(four, 2, 16, SPLIT));
    assertEquals(2, IngestStep.tableSlots(twenty, 2, 16, SPLIT));
    // 4 slots on 8 cores: 4 parts x 4 / 8 = 2 slots; a file 4/8 -> 1.
    assertEquals(2, IngestStep.tableSlots(four, 4, 8, SPLIT));
    assertEquals(1, IngestStep.tableSlots(single, 4, 8, SPLIT));
  }

  @Test
  void aParquetFileCountsOneTaskPer128Megabytes() throws IOException {
    Path small = sized("small.parquet", 4);
    // A sparse file of 3 x 128 MB + 1 byte: four splits.
    Path large = sized("large.parquet", 3 * SPLIT + 1);
    // 1 task x 8 slots / 8 cores = 1; 4 tasks x 8 / 8 = 4.
    assertEquals(
        1, IngestStep.tableSlots(new Extract.SourceFile("s", small, MAPPING), 8, 8, SPLIT));
    assertEquals(
        4, IngestStep.tableSlots(new Extract.SourceFile("l", large, MAPPING), 8, 8, SPLIT));
  }

  private Path sized(String name, long bytes) throws IOException {
    Path p = dir.resolve(name);
    try (var ch =
        java.nio.channels.FileChannel.open(
            p, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      ch.position(bytes - 1);
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
    }
    return p;
  }

  @Test
  void rowsAreEstimatedFromEachFilesSizeByItsKind() throws IOException {
    // 50 times a gzip CSV, 6 times a plain one, 80 times Parquet, summed over a folder's parts.
    Path gz = sized("a.csv.gz", 1_000);
    Path csv = sized("b.csv", 1_000);
    Path parquet = sized("c.parquet", 1_000);
    Path parts = dir.resolve("parts");
    Files.createDirectories(parts);
    Files.move(sized("p0.csv.gz", 300), parts.resolve("part-00000.csv.gz"));
    Files.move(sized("p1.csv.gz", 700), parts.resolve("part-00001.csv.gz"));
    assertEquals(50_000, IngestStep.rowsEstimate(new Extract.SourceFile("a", gz, MAPPING)));
    assertEquals(6_000, IngestStep.rowsEstimate(new Extract.SourceFile("b", csv, MAPPING)));
    assertEquals(80_000, IngestStep.rowsEstimate(new Extract.SourceFile("c", parquet, MAPPING)));
    assertEquals(50_000, IngestStep.rowsEstimate(new Extract.SourceFile("d", parts, MAPPING)));
  }

  @Test
  void autoHoldsRowsOnlyWithinTheBudgetAndTheOtherSettingsFixIt() {
    assertTrue(IngestStep.holdsRows(IngestSettings.AUTO, 1_000, 1_000));
    assertFalse(IngestStep.holdsRows(IngestSettings.AUTO, 1_001, 1_000));
    assertTrue(IngestStep.holdsRows(IngestSettings.ROWS, 1L << 40, 1_000));
    assertFalse(IngestStep.holdsRows(IngestSettings.COLUMNS, 0, 1_000));
  }

  @Test
  void eachTableIsHeldByItsOwnEstimateAgainstTheBudget() throws IOException {
    Extract.SourceFile small = new Extract.SourceFile("small", sized("s.csv.gz", 1_000), MAPPING);
    Extract.SourceFile large = new Extract.SourceFile("large", sized("l.csv.gz", 3_000), MAPPING);
    // 50,000 and 150,000 bytes as rows against a budget of 100,000.
    assertEquals(
        Map.of(small, true, large, false),
        IngestStep.heldAsRows(List.of(small, large), IngestSettings.AUTO, 100_000));
    assertEquals(
        Map.of(small, true, large, true),
        IngestStep.heldAsRows(List.of(small, large), IngestSettings.ROWS, 0));
    assertEquals(
        Map.of(small, false, large, false),
        IngestStep.heldAsRows(List.of(small, large), IngestSettings.COLUMNS, 1L << 40));
  }

  @Test
  void theStorageATablesRowsMayUseIsOnePlacesNotTheClustersNorTheDriversOnACluster() {
    // Local mode: the driver is the one executor.
    assertEquals(4_000, IngestStep.storagePerPlace(true, "driver:1", Map.of("driver:1", 4_000L)));
    // A cluster: the smallest executor's, the driver's left out however large.
    assertEquals(
        3_000,
        IngestStep.storagePerPlace(
            false, "driver:1", Map.of("driver:1", 1_000L, "exec-a:2", 5_000L, "exec-b:3", 3_000L)));
    assertEquals(
        3_000,
        IngestStep.storagePerPlace(
            false, "driver:1", Map.of("driver:1", 9_000L, "exec-b:3", 3_000L)));
    // No executor registered yet: nothing is held as rows.
    assertEquals(0, IngestStep.storagePerPlace(false, "driver:1", Map.of("driver:1", 4_000L)));
  }

  @Test
  void theBudgetSharesHalfOfTheLocalSessionsStorageAmongTheSlots() {
    org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
    // Local mode: Spark's unified memory, (heap - 300 MB) x spark.memory.fraction (0.6).
    long unified = (long) ((Runtime.getRuntime().maxMemory() - 300L * 1024 * 1024) * 0.6);
    long budget = IngestStep.rowsBudget(spark, 1);
    assertTrue(Math.abs(budget - unified / 2) < unified / 100, budget + " against " + unified / 2);
    assertEquals(budget / 4, IngestStep.rowsBudget(spark, 4), 1);
  }
}

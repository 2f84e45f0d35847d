package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IngestStep#tableSlots}: a table's share of the {@code ingest.concurrent_tables} slots, by
 * the tasks its read runs in against the cores.
 */
class TableSlotsTest {
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
    SourceMapping mapping =
        new SourceMapping("t", "t.yaml", ",", "yyyy-MM-dd", List.of(), Map.of());
    return new Extract.SourceFile(name, path, mapping);
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
    Path small = dir.resolve("small.parquet");
    Files.write(small, new byte[] {'P', 'A', 'R', '1'});
    Path large = dir.resolve("large.parquet");
    try (var out = Files.newOutputStream(large)) {
      out.write(new byte[] {'P', 'A', 'R', '1'});
    }
    // A sparse file of 3 x 128 MB + 1 byte: four splits.
    try (var ch =
        java.nio.channels.FileChannel.open(large, java.nio.file.StandardOpenOption.WRITE)) {
      ch.position(3 * SPLIT);
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
    }
    SourceMapping mapping =
        new SourceMapping("t", "t.yaml", ",", "yyyy-MM-dd", List.of(), Map.of());
    // 1 task x 8 slots / 8 cores = 1; 4 tasks x 8 / 8 = 4.
    assertEquals(
        1, IngestStep.tableSlots(new Extract.SourceFile("s", small, MAPPING), 8, 8, SPLIT));
    assertEquals(
        4, IngestStep.tableSlots(new Extract.SourceFile("l", large, MAPPING), 8, 8, SPLIT));
  }
}

package io.proactivecare.npc.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ContentChecksum}: the same rows and schema give the same checksum however they are
 * ordered, partitioned or written; a changed value, column order, name or type, a null moved to the
 * next column, or a row written twice gives another.
 */
class ContentChecksumTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("person_id", DataTypes.StringType, false)
          .add("pcn", DataTypes.StringType, true)
          .add("age", DataTypes.IntegerType, true)
          .add("efi", DataTypes.DoubleType, true)
          .add("reasons", DataTypes.createArrayType(DataTypes.StringType, true), true);

  @TempDir Path tmp;

  private static List<Row> rows() {
    return rows(40);
  }

  private static List<Row> rows(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(
          RowFactory.create(
              "P" + i,
              i % 3 == 0 ? null : "U" + (i % 4),
              i % 7 == 0 ? null : 60 + i,
              i / 36.0,
              i % 5 == 0 ? null : java.util.Arrays.asList("r" + i, i % 2 == 0 ? null : "x")));
    }
    return rows;
  }

  private static Dataset<Row> table(List<Row> rows) {
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static String sum(List<Row> rows) {
    return ContentChecksum.of(table(rows));
  }

  private static String schemaPart(String checksum) {
    return checksum.split("-")[0];
  }

  @Test
  void aTableSummedAsItIsWrittenHasTheChecksumOfItsFilesReadBack() {
    // Nulls, arrays with null elements, doubles, over several partitions; and an empty table.
    for (List<Row> rows : List.of(rows(300), List.<Row>of())) {
      Path dir = tmp.resolve("watched-" + rows.size());
      ContentChecksum.Watched watched = ContentChecksum.watch(table(rows).repartition(5));
      watched.data().write().parquet(dir.toString());
      String readBack =
          ContentChecksum.ofFolders(SparkTestSession::get, Map.of("t", dir)).getOrDefault("t", "");
      String expected = rows.isEmpty() ? ContentChecksum.of(table(rows)) : readBack;
      assertEquals(expected, watched.checksum().orElseThrow(), rows.size() + " rows");
      assertTrue(watched.checksum().orElseThrow().contains("-" + rows.size() + "-"));
    }
  }

  @Test
  void theSameRowsInAnotherOrderOrLayoutHaveTheSameChecksum() throws IOException {
    String once = sum(rows());
    List<Row> shuffled = new ArrayList<>(rows());
    Collections.shuffle(shuffled, new java.util.Random(7));
    assertEquals(once, sum(shuffled), "another row order");

    // Written as Parquet in 1 file and in 7, read back: the files' layout does not count.
    Path one = tmp.resolve("one");
    Path seven = tmp.resolve("seven");
    table(rows()).coalesce(1).write().parquet(one.toString());
    table(shuffled).repartition(7).write().parquet(seven.toString());
    Map<String, Path> folders = new LinkedHashMap<>();
    folders.put("one", one);
    folders.put("seven", seven);
    Map<String, String> sums = ContentChecksum.ofFolders(SparkTestSession::get, folders);
    assertEquals(Map.of("one", once, "seven", once), sums);
    assertTrue(once.matches("[0-9a-f]{8}-40-[0-9a-f]{16}"), once);
  }

  @Test
  void aChangedValueGivesAnotherChecksum() {
    List<Row> changed = new ArrayList<>(rows());
    Row r = changed.get(11);
    changed.set(11, RowFactory.create(r.get(0), r.get(1), r.get(2), 0.5000001, r.get(4)));
    String a = sum(rows());
    String b = sum(changed);
    assertNotEquals(a, b);
    assertEquals(schemaPart(a), schemaPart(b), "the same schema");
  }

  @Test
  void anotherColumnOrderNameOrTypeGivesAnotherChecksum() {
    Dataset<Row> t = table(rows());
    String a = ContentChecksum.of(t);
    String swapped = ContentChecksum.of(t.select("pcn", "person_id", "age", "efi", "reasons"));
    String renamed = ContentChecksum.of(t.withColumnRenamed("efi", "hfrs"));
    // Spark hashes a date as its day number: only the schema part tells these two apart.
    String retyped =
        ContentChecksum.of(
            t.select(
                col("person_id"),
                col("pcn"),
                date_from_unix_date(col("age")).as("age"),
                col("efi"),
                col("reasons")));
    for (String other : List.of(swapped, renamed, retyped)) {
      assertNotEquals(schemaPart(a), schemaPart(other), other);
    }
    // The values of two columns of one type swapped, the names kept: the content part differs.
    String valuesSwapped =
        ContentChecksum.of(
            t.select(
                col("pcn").as("person_id"),
                col("person_id").as("pcn"),
                col("age"),
                col("efi"),
                col("reasons")));
    assertEquals(schemaPart(a), schemaPart(valuesSwapped));
    assertNotEquals(a, valuesSwapped);
  }

  @Test
  void aNullMovedToTheNextColumnOrInsideAListCounts() {
    StructType two =
        new StructType()
            .add("a", DataTypes.StringType, true)
            .add("b", DataTypes.StringType, true)
            .add("l", DataTypes.createArrayType(DataTypes.StringType, true), true);
    String left =
        ContentChecksum.of(
            SparkTestSession.get()
                .createDataFrame(
                    List.of(RowFactory.create(null, "x", java.util.Arrays.asList("y", null))),
                    two));
    String right =
        ContentChecksum.of(
            SparkTestSession.get()
                .createDataFrame(
                    List.of(RowFactory.create("x", null, java.util.Arrays.asList("y", null))),
                    two));
    String listMoved =
        ContentChecksum.of(
            SparkTestSession.get()
                .createDataFrame(
                    List.of(RowFactory.create(null, "x", java.util.Arrays.asList(null, "y"))),
                    two));
    assertNotEquals(left, right);
    assertNotEquals(left, listMoved);
  }

  @Test
  void aRowWrittenAgainCounts() {
    List<Row> more = new ArrayList<>(rows());
    more.add(more.get(3));
    more.add(more.get(3));
    // Under an exclusive or the two more copies of row 3 would cancel: only the count would differ.
    assertNotEquals(sum(rows()).split("-")[2], sum(more).split("-")[2]);
  }

  @Test
  void theContentIsTheSumOfTheRowHashesModuloTwoToTheSixtyFour() {
    // 2,000 rows: their 64-bit hashes, half of them negative, overflow a long many times over.
    // Java's long addition wraps modulo 2^64, so adding the hashes Spark gives row by row here is
    // the expected content, whichever way the engine sums them.
    Dataset<Row> data = table(rows(2000));
    long expected = 0;
    int negative = 0;
    for (Row r : data.select(ContentChecksum.rowHash(data.schema())).collectAsList()) {
      expected += r.getLong(0);
      negative += r.getLong(0) < 0 ? 1 : 0;
    }
    assertTrue(negative > 900 && negative < 1100, negative + " negative hashes");
    assertEquals(
        String.format(java.util.Locale.ROOT, "2000-%016x", expected),
        ContentChecksum.of(data).substring(9));
  }

  @Test
  void theContentIsTheSumsSixtyFourBitsInHexAndAFolderNotATableHasNone() throws IOException {
    // The content is the sum's 64 bits in hex: a negative sum is its two's complement.
    assertEquals("abcd0123-2-0000000000000005", ContentChecksum.format("abcd0123", 2, 5L));
    assertEquals("abcd0123-1-ffffffffffffffff", ContentChecksum.format("abcd0123", 1, -1L));
    assertEquals("abcd0123-00000000", ContentChecksum.shortForm("abcd0123-1-0000000000000005"));
    assertEquals("-", ContentChecksum.shortForm(""));

    Path model = Files.createDirectories(tmp.resolve("model"));
    table(rows()).write().parquet(model.resolve("metrics").toString());
    Files.writeString(model.resolve("card.json"), "{}");
    Path text = Files.createDirectories(tmp.resolve("text"));
    Files.writeString(text.resolve("part-0.txt"), "x");
    Map<String, Path> folders = new LinkedHashMap<>();
    folders.put("model", model);
    folders.put("text", text);
    folders.put("missing", tmp.resolve("missing"));
    assertEquals(
        Map.of(),
        ContentChecksum.ofFolders(
            () -> {
              throw new AssertionError("no Spark for folders that are not tables");
            },
            folders));
  }
}

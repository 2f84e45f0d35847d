package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.RuleCheck;
import io.proactivecare.npc.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SourceReader}: file-level checks and reading, on small files in a temporary folder. */
class SourceReaderTest {
  private static final String PRACTICE_HEADER =
      "practice_code,practice_name,pcn_code,pcn_name,valid_from,valid_to";

  @TempDir Path tmp;

  private Extract.SourceFile file(String table, String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return new Extract.SourceFile(table, p, RuleCheck.canonical());
  }

  private static NpcException refused(Runnable r) {
    NpcException e = assertThrows(NpcException.class, r::run);
    assertEquals(ExitCode.INPUT_REFUSED, e.exitCode(), e.getMessage());
    return e;
  }

  /** Issue 15 item 11: the advice for a tab-separated file is a value the mapping loader takes. */
  @Test
  void theAdviceForATabSeparatedFileLoadsAsAMapping() throws IOException {
    Extract.SourceFile f =
        file(
            "practice_pcn",
            "practice_pcn.csv",
            PRACTICE_HEADER.replace(',', '\t') + "\nB86001\tPark\tU12345\tC\t2019-07-01\t\n");
    String message = refused(() -> SourceReader.csvHeader(f)).getMessage();
    Matcher advice = Pattern.compile("set (delimiter: \\S+) in").matcher(message);
    assertTrue(advice.find(), message);
    Path mappings = Files.createDirectories(tmp.resolve("mappings"));
    Files.writeString(
        mappings.resolve("tsv.yaml"),
        advice.group(1)
            + "\ntables:\n  practice_pcn:\n    practice_code: practice_code\n"
            + "    pcn_code: pcn_code\n    valid_from: valid_from\n");
    assertEquals("\t", MappingLoader.load(mappings, "tsv").delimiter(), advice.group(1));
  }

  /**
   * Issue 15 item 5: a quoted field holding a line break (RFC 4180) is one field of one record; the
   * records after it keep their data row numbers.
   */
  @Test
  void aQuotedLineBreakStaysInsideItsField() throws IOException {
    Extract.SourceFile f =
        file(
            "practice_pcn",
            "practice_pcn.csv",
            PRACTICE_HEADER
                + "\nB86001,\"Park\nSurgery\",U12345,Central PCN,2019-07-01,\n"
                + "B86002,Hill Surgery,U12345,Central PCN,2019-07-01,\n");
    List<String> columns = SourceReader.check(SparkTestSession.get(), f);
    List<Row> rows =
        SourceReader.read(SparkTestSession.get(), f, columns)
            .orderBy(SourceReader.ROW)
            .collectAsList();
    assertEquals(2, rows.size(), rows.toString());
    Row first = rows.get(0);
    assertEquals("Park\nSurgery", first.getAs(Cols.PRACTICE_NAME));
    assertNull(first.getAs(SourceReader.CORRUPT));
    assertEquals(1L, (long) first.<Long>getAs(SourceReader.ROW));
    assertEquals("B86002", rows.get(1).getAs(Cols.PRACTICE_CODE));
    assertEquals(2L, (long) rows.get(1).<Long>getAs(SourceReader.ROW));
  }

  /**
   * Issue 15 item 6: a file named .parquet that is not Parquet is refused in one plain line,
   * without asking Spark (whose failure logs pages of errors and quotes its internals).
   */
  @Test
  void aFileNamedParquetThatIsNotParquetIsRefusedPlainly() throws IOException {
    Extract.SourceFile f = file("practice_pcn", "practice_pcn.parquet", PRACTICE_HEADER + "\n");
    String message = refused(() -> SourceReader.check(SparkTestSession.get(), f)).getMessage();
    assertTrue(message.contains("practice_pcn.parquet"), message);
    assertTrue(message.contains("is not a Parquet file"), message);
    assertFalse(message.contains("["), "no Spark error class: " + message);
    assertFalse(message.contains("org.apache"), message);
  }

  /** Issue 15 item 6: a folder where a CSV file is named is refused as a folder, not as Parquet. */
  @Test
  void aFolderWhereAFileIsNamedIsRefusedAsAFolder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("practice_pcn.csv"));
    Files.writeString(dir.resolve("notes.txt"), "not data");
    Extract.SourceFile f = new Extract.SourceFile("practice_pcn", dir, RuleCheck.canonical());
    String message = refused(() -> SourceReader.check(SparkTestSession.get(), f)).getMessage();
    assertTrue(message.contains("is a folder"), message);
    assertFalse(message.contains("Parquet file ("), message);
  }

  /** Per practice code read, "part:row" as the reader numbered it. */
  private static java.util.Map<String, String> whereEachRowIs(Extract.SourceFile f) {
    List<String> columns = SourceReader.check(SparkTestSession.get(), f);
    java.util.Map<String, String> where = new java.util.TreeMap<>();
    List<String> parts = f.parts().stream().map(Path::toString).toList();
    org.apache.spark.sql.Dataset<Row> read = SourceReader.read(SparkTestSession.get(), f, columns);
    // The ingest step caches rows without their part and row; both come back from the position.
    org.apache.spark.sql.Dataset<Row> narrowed = SourceReader.withoutPlace(read);
    assertFalse(List.of(narrowed.columns()).contains(SourceReader.FILE));
    assertFalse(List.of(narrowed.columns()).contains(SourceReader.ROW));
    String[] place = {Cols.PRACTICE_CODE, SourceReader.FILE, SourceReader.ROW};
    assertEquals(
        read.selectExpr(place).orderBy(Cols.PRACTICE_CODE).collectAsList(),
        SourceReader.withPlace(narrowed, f)
            .selectExpr(place)
            .orderBy(Cols.PRACTICE_CODE)
            .collectAsList());
    for (Row r : read.collectAsList()) {
      // The position is the part's index (name order) in the high bits, the row below them.
      long part = parts.indexOf(r.<String>getAs(SourceReader.FILE));
      assertEquals(
          (part << SourceReader.ROW_BITS) + r.<Long>getAs(SourceReader.ROW),
          (long) r.<Long>getAs(SourceReader.POSITION));
      String file = Path.of(r.<String>getAs(SourceReader.FILE)).getFileName().toString();
      where.put(r.getAs(Cols.PRACTICE_CODE), file + ":" + r.<Long>getAs(SourceReader.ROW));
    }
    return where;
  }

  private static void gzip(Path target, String text) throws IOException {
    try (java.io.OutputStream out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(target))) {
      out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /**
   * Issue 16: a table given as a folder of parts is read part by part (each on its own task), and
   * every row carries its part and its data row within that part, so a quarantined row can be
   * found.
   */
  @Test
  void aFolderOfCsvPartsNumbersEachRowWithinItsPart() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("practice_pcn"));
    Files.writeString(
        dir.resolve("part-0.csv"),
        PRACTICE_HEADER
            + "\nB86001,Park,U12345,Central PCN,2019-07-01,\n"
            + "B86002,\"Hill\nSurgery\",U12345,Central PCN,2019-07-01,\n");
    gzip(
        dir.resolve("part-1.csv.gz"),
        PRACTICE_HEADER
            + "\nB86003,Dale,U12346,East PCN,2019-07-01,\n"
            + "B86004,Moor,U12346,East PCN,2019-07-01,\n"
            + "B86005,Vale,U12346,East PCN,2019-07-01,\n");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Extract.SourceFile f = new Extract.SourceFile("practice_pcn", dir, RuleCheck.canonical());
    assertFalse(f.isParquet());
    java.util.Map<String, String> where = whereEachRowIs(f);
    assertEquals(
        java.util.Map.of(
            "B86001", "part-0.csv:1",
            "B86002", "part-0.csv:2",
            "B86003", "part-1.csv.gz:1",
            "B86004", "part-1.csv.gz:2",
            "B86005", "part-1.csv.gz:3"),
        where);
  }

  /** Issue 16: parts must agree on their header; the one that differs is named. */
  @Test
  void aPartWhoseHeaderDiffersIsRefusedByName() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("practice_pcn"));
    Files.writeString(
        dir.resolve("part-0.csv"), PRACTICE_HEADER + "\nB86001,Park,U12345,C,2019-07-01,\n");
    String swapped = "practice_name,practice_code,pcn_code,pcn_name,valid_from,valid_to";
    Files.writeString(dir.resolve("part-1.csv"), swapped + "\nPark,B86001,U12345,C,2019-07-01,\n");
    Extract.SourceFile f = new Extract.SourceFile("practice_pcn", dir, RuleCheck.canonical());
    String message = refused(() -> SourceReader.check(SparkTestSession.get(), f)).getMessage();
    assertTrue(message.contains("part-1.csv"), message);
    assertTrue(message.contains("differs from the first part"), message);
  }

  /** Issue 16: a folder mixing CSV and Parquet parts is refused. */
  @Test
  void aFolderMixingCsvAndParquetIsRefused() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("practice_pcn"));
    Files.writeString(dir.resolve("a.csv"), PRACTICE_HEADER + "\n");
    Files.writeString(dir.resolve("b.parquet"), "PAR1....PAR1");
    Extract.SourceFile f = new Extract.SourceFile("practice_pcn", dir, RuleCheck.canonical());
    String message = refused(() -> SourceReader.check(SparkTestSession.get(), f)).getMessage();
    assertTrue(message.contains("both CSV and Parquet"), message);
  }

  /**
   * Issue 16: Parquet parts are numbered within each part whichever split reads a row (a part with
   * several row groups may be read by several tasks).
   */
  @Test
  void parquetPartsAreNumberedWithinEachPart() throws IOException {
    org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
    Path dir = Files.createDirectories(tmp.resolve("practice_pcn"));
    for (int part = 0; part < 2; part++) {
      List<String> lines = new java.util.ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        lines.add("B8" + part + "00" + i + ",P,U12345,C,2019-07-01,");
      }
      Path csv = tmp.resolve("in" + part + ".csv");
      Files.writeString(csv, PRACTICE_HEADER + "\n" + String.join("\n", lines) + "\n");
      Path out = tmp.resolve("out" + part);
      spark
          .read()
          .option("header", "true")
          .csv(csv.toString())
          .coalesce(1)
          .write()
          .parquet(out.toString());
      try (java.util.stream.Stream<Path> files = Files.list(out)) {
        Path written =
            files.filter(x -> x.toString().endsWith(".parquet")).findFirst().orElseThrow();
        Files.move(written, dir.resolve("part-" + part + ".parquet"));
      }
    }
    Extract.SourceFile f = new Extract.SourceFile("practice_pcn", dir, RuleCheck.canonical());
    assertTrue(f.isParquet());
    java.util.Map<String, String> where = whereEachRowIs(f);
    assertEquals(
        java.util.Map.of(
            "B80001", "part-0.parquet:1",
            "B80002", "part-0.parquet:2",
            "B80003", "part-0.parquet:3",
            "B81001", "part-1.parquet:1",
            "B81002", "part-1.parquet:2",
            "B81003", "part-1.parquet:3"),
        where);
  }
}

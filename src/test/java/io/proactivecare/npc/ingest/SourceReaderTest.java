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
}

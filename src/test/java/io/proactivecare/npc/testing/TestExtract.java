package io.proactivecare.npc.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a small extract folder (extract.yaml and CSV files) for tests. Rows are written as given,
 * so a test can put any text, good or bad, in any field.
 *
 * <pre>
 * Path dir = TestExtract.in(tmp).date("2025-03-31")
 *     .csv("practice_pcn", "practice_code,pcn_code,valid_from", "B86001,U12345,2019-07-01")
 *     .write();
 * </pre>
 */
public final class TestExtract {
  private final Path dir;
  private String date = "2025-03-31";
  private String mapping = "canonical";
  private final Map<String, String> files = new LinkedHashMap<>();

  private TestExtract(Path dir) {
    this.dir = dir;
  }

  public static TestExtract in(Path dir) {
    return new TestExtract(dir);
  }

  public TestExtract date(String extractDate) {
    this.date = extractDate;
    return this;
  }

  public TestExtract mapping(String name) {
    this.mapping = name;
    return this;
  }

  /** A CSV file for {@code table}: the header line, then the data lines. */
  public TestExtract csv(String table, String header, String... rows) {
    return file(
        table,
        table + ".csv",
        header + "\n" + String.join("\n", rows) + (rows.length == 0 ? "" : "\n"));
  }

  /** A file with exactly this text. */
  public TestExtract file(String table, String fileName, String text) {
    write(dir.resolve(fileName), text.getBytes(StandardCharsets.UTF_8), fileName.endsWith(".gz"));
    files.put(table, fileName);
    return this;
  }

  /** Names a file in extract.yaml without creating it. */
  public TestExtract missingFile(String table, String fileName) {
    files.put(table, fileName);
    return this;
  }

  /**
   * The reference and register every person-keyed fixture needs: one practice, one PCN, persons
   * P1..Pn.
   */
  public TestExtract basics(int persons) {
    csv(
        "practice_pcn",
        "practice_code,practice_name,pcn_code,pcn_name,valid_from,valid_to",
        "B86001,Park Surgery,U12345,Central PCN,2019-07-01,");
    StringBuilder reg = new StringBuilder();
    String[] rows = new String[persons];
    for (int i = 1; i <= persons; i++) {
      rows[i - 1] = "P" + i + ",B86001,1950,F,E01024001,A,2010-01-01,,";
    }
    return csv(
        "gp_registrations",
        "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death",
        rows);
  }

  /** Writes extract.yaml and returns the folder. */
  public Path write() {
    StringBuilder y =
        new StringBuilder("extract_date: " + date + "\nmapping: " + mapping + "\ntables:\n");
    files.forEach((t, f) -> y.append("  ").append(t).append(": ").append(f).append('\n'));
    write(dir.resolve("extract.yaml"), y.toString().getBytes(StandardCharsets.UTF_8), false);
    return dir;
  }

  private static void write(Path file, byte[] bytes, boolean gzip) {
    try {
      Files.createDirectories(file.getParent());
      try (OutputStream out =
          gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Convenience for tests that list rows. */
  public static String[] rows(List<String> rows) {
    return rows.toArray(String[]::new);
  }
}

package io.proactivecare.npc.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes small tables as CSV files for people (per-PCN lists, published aggregates): a header row,
 * then one row per record, every field as text, quoted where needed (univocity's CSV writer, the
 * one Spark and Tablesaw use; Tablesaw's own table is not built for it, as its class scans the
 * whole class path when first used, over a second in every run that writes a CSV).
 */
public final class CsvTables {
  private CsvTables() {}

  /**
   * Writes {@code rows} (each the size of {@code header}; null is written as an empty field) to
   * {@code file}.
   */
  public static void write(Path file, List<String> header, List<List<String>> rows) {
    // Every row checked before the file is opened, so a bad one leaves no file half written.
    for (List<String> row : rows) {
      requireWidth(row, header);
    }
    stream(file, header, rows.iterator());
  }

  private static void requireWidth(List<String> row, List<String> header) {
    if (row.size() != header.size()) {
      throw new IllegalArgumentException(
          "row of " + row.size() + " fields for " + header.size() + " columns: " + header);
    }
  }

  /**
   * Writes {@code rows} to {@code file} as they come, without holding them all (e.g. a query's
   * result); a null is written as an empty field.
   */
  public static void stream(Path file, List<String> header, java.util.Iterator<List<String>> rows) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (java.io.Writer w =
          Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8)) {
        com.univocity.parsers.csv.CsvWriter csv =
            new com.univocity.parsers.csv.CsvWriter(
                w, new com.univocity.parsers.csv.CsvWriterSettings());
        csv.writeHeaders(header);
        while (rows.hasNext()) {
          List<String> row = rows.next();
          requireWidth(row, header);
          csv.writeRow(row);
        }
        csv.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

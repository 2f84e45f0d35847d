package io.proactivecare.npc.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Writes small tables as CSV files for people (per-PCN lists, published aggregates): a header row,
 * then one row per record, every field as text, quoted where needed (Tablesaw's writer).
 */
public final class CsvTables {
  private CsvTables() {}

  /**
   * Writes {@code rows} (each the size of {@code header}; null is written as an empty field) to
   * {@code file}.
   */
  public static void write(Path file, List<String> header, List<List<String>> rows) {
    StringColumn[] columns = new StringColumn[header.size()];
    for (int i = 0; i < header.size(); i++) {
      columns[i] = StringColumn.create(header.get(i));
    }
    for (List<String> row : rows) {
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(
            "row of " + row.size() + " fields for " + header.size() + " columns: " + header);
      }
      for (int i = 0; i < header.size(); i++) {
        String v = row.get(i);
        columns[i].append(v == null ? "" : v);
      }
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Table.create(file.getFileName().toString(), columns).write().csv(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Writes {@code rows} to {@code file} as they come, without holding them all (e.g. a query's
   * result): the same quoting as {@link #write}, a null written as an empty field.
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
          if (row.size() != header.size()) {
            throw new IllegalArgumentException(
                "row of " + row.size() + " fields for " + header.size() + " columns: " + header);
          }
          csv.writeRow(row);
        }
        csv.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

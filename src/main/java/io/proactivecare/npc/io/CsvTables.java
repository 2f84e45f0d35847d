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
}

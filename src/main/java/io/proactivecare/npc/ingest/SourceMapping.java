package io.proactivecare.npc.ingest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A per-source column mapping ({@code conf/sources/<name>.yaml}): how one provider's files map to
 * the canonical tables.
 *
 * @param name mapping name (file name without .yaml)
 * @param file where it was read from, for messages
 * @param delimiter CSV field delimiter
 * @param dateFormat default date pattern of the provider
 * @param nullValues provider values that mean "not recorded"
 * @param tables per canonical table, the column mappings
 */
public record SourceMapping(
    String name,
    String file,
    String delimiter,
    String dateFormat,
    List<String> nullValues,
    Map<String, Map<String, ColumnMapping>> tables) {

  public SourceMapping {
    nullValues = List.copyOf(nullValues);
    tables = Map.copyOf(tables);
  }

  public Optional<Map<String, ColumnMapping>> table(String table) {
    return Optional.ofNullable(tables.get(table));
  }

  /** The date pattern a column is written in by this provider. */
  public String dateFormatOf(ColumnMapping column) {
    return column.dateFormat().orElse(dateFormat);
  }
}

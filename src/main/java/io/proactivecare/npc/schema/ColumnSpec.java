package io.proactivecare.npc.schema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One canonical column: its type, nullability and the value rules ingest applies to it.
 *
 * @param name canonical name (a {@link Cols} constant)
 * @param type stored type
 * @param required refuse the row when the value is missing (MISSING)
 * @param description one line for docs/data-contracts.md
 * @param codes allowed values (BAD_CODE when another value appears); empty for any
 * @param pattern regular expression every value (or list element) must match (BAD_FORMAT)
 * @param patternBy pattern chosen by the value of another column (e.g. by code system)
 * @param patternByColumn the column that chooses the pattern in {@code patternBy}
 * @param min smallest allowed number (OUT_OF_RANGE)
 * @param max largest allowed number (OUT_OF_RANGE)
 */
public record ColumnSpec(
    String name,
    ColumnType type,
    boolean required,
    String description,
    Set<String> codes,
    Optional<String> pattern,
    Map<String, String> patternBy,
    Optional<String> patternByColumn,
    Optional<Double> min,
    Optional<Double> max) {

  public ColumnSpec {
    codes = Set.copyOf(new TreeSet<>(codes));
    patternBy = Map.copyOf(patternBy);
  }

  static ColumnSpec of(String name, ColumnType type, String description) {
    return new ColumnSpec(
        name,
        type,
        false,
        description,
        Set.of(),
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  ColumnSpec mandatory() {
    return new ColumnSpec(
        name, type, true, description, codes, pattern, patternBy, patternByColumn, min, max);
  }

  ColumnSpec codes(String... values) {
    return new ColumnSpec(
        name,
        type,
        required,
        description,
        Set.of(values),
        pattern,
        patternBy,
        patternByColumn,
        min,
        max);
  }

  ColumnSpec pattern(String regex) {
    return new ColumnSpec(
        name,
        type,
        required,
        description,
        codes,
        Optional.of(regex),
        patternBy,
        patternByColumn,
        min,
        max);
  }

  ColumnSpec patternBy(String column, Map<String, String> byValue) {
    return new ColumnSpec(
        name,
        type,
        required,
        description,
        codes,
        pattern,
        new LinkedHashMap<>(byValue),
        Optional.of(column),
        min,
        max);
  }

  ColumnSpec range(double lo, double hi) {
    return new ColumnSpec(
        name,
        type,
        required,
        description,
        codes,
        pattern,
        patternBy,
        patternByColumn,
        Optional.of(lo),
        Optional.of(hi));
  }

  ColumnSpec atLeast(double lo) {
    return new ColumnSpec(
        name,
        type,
        required,
        description,
        codes,
        pattern,
        patternBy,
        patternByColumn,
        Optional.of(lo),
        max);
  }
}

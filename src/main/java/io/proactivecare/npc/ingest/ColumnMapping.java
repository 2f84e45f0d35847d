package io.proactivecare.npc.ingest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one canonical column is made from a provider's columns. Exactly one of {@code from}, {@code
 * join} or {@code constant} is set.
 *
 * @param target canonical column
 * @param from provider column copied (trimmed; the mapping's null values become empty)
 * @param join provider columns joined into a list column, empty and {@code skip} values left out
 * @param skip values left out of a join (placeholders such as "-")
 * @param constant a fixed value for every row (e.g. the code system of a SNOMED-only extract)
 * @param dateFormat how a date column is written by this provider (java.time pattern)
 * @param values translation of provider codes to canonical codes; other values pass unchanged
 */
public record ColumnMapping(
    String target,
    Optional<String> from,
    List<String> join,
    List<String> skip,
    Optional<String> constant,
    Optional<String> dateFormat,
    Map<String, String> values) {

  public ColumnMapping {
    join = List.copyOf(join);
    skip = List.copyOf(skip);
    values = Map.copyOf(values);
  }

  /** The provider columns this mapping reads. */
  public List<String> sourceColumns() {
    return from.map(List::of).orElse(join);
  }
}

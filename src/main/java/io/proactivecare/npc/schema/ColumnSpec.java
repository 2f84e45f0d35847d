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
 * @param pattern the form every whole value (or list element) must have (BAD_FORMAT), of the kind
 *     {@link io.proactivecare.npc.ingest.CodePattern} reads
 * @param patternBy pattern chosen by the value of another column (e.g. by code system)
 * @param patternByColumn the column that chooses the pattern in {@code patternBy}
 * @param min smallest allowed number (OUT_OF_RANGE)
 * @param max largest allowed number (OUT_OF_RANGE)
 * @param maxLength longest allowed text, in characters (TOO_LONG); for a list column, of the whole
 *     field; empty for non-text columns and coded or patterned ones (their rule limits them)
 * @param identifier a key or record id: a valid NHS number in it refuses the whole file
 * @param unknownCode for an optional descriptive column: a value that is not one of {@code codes}
 *     becomes this code (e.g. 99, not known) and is counted, instead of quarantining the row
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
    Optional<Double> max,
    Optional<Integer> maxLength,
    boolean identifier,
    Optional<String> unknownCode) {

  public ColumnSpec {
    codes = Set.copyOf(new TreeSet<>(codes));
    patternBy = Map.copyOf(patternBy);
  }

  /** Longest text of a text column whose contract sets no limit of its own. */
  public static final int TEXT_LIMIT = 100;

  /** Longest field of a list column (all its codes and separators) without a limit of its own. */
  public static final int LIST_LIMIT = 1000;

  /** Starts the spec of an optional column with no value rules; Contracts adds the rules. */
  static Draft of(String name, ColumnType type, String description) {
    return new Draft(name, type, description);
  }

  /** A column spec being written by {@link Contracts}: each rule is one call. */
  static final class Draft {
    private final String name;
    private final ColumnType type;
    private final String description;
    private boolean required;
    private Set<String> codes = Set.of();
    private Optional<String> pattern = Optional.empty();
    private Map<String, String> patternBy = Map.of();
    private Optional<String> patternByColumn = Optional.empty();
    private Optional<Double> min = Optional.empty();
    private Optional<Double> max = Optional.empty();
    private Optional<Integer> maxLength = Optional.empty();
    private boolean identifier;
    private Optional<String> unknownCode = Optional.empty();

    private Draft(String name, ColumnType type, String description) {
      this.name = name;
      this.type = type;
      this.description = description;
    }

    Draft mandatory() {
      required = true;
      return this;
    }

    Draft codes(String... values) {
      codes = Set.of(values);
      return this;
    }

    Draft pattern(String regex) {
      pattern = Optional.of(regex);
      return this;
    }

    Draft patternBy(String column, Map<String, String> byValue) {
      patternBy = new LinkedHashMap<>(byValue);
      patternByColumn = Optional.of(column);
      return this;
    }

    Draft range(double lo, double hi) {
      min = Optional.of(lo);
      max = Optional.of(hi);
      return this;
    }

    Draft atLeast(double lo) {
      min = Optional.of(lo);
      return this;
    }

    Draft maxLength(int characters) {
      maxLength = Optional.of(characters);
      return this;
    }

    /** A key or record id, guarded against NHS numbers; at most 128 characters. */
    Draft identifier() {
      identifier = true;
      return maxLength(128);
    }

    /** An invalid code becomes {@code code} and is counted; only for optional coded columns. */
    Draft unknownAs(String code) {
      unknownCode = Optional.of(code);
      return this;
    }

    ColumnSpec build() {
      if (unknownCode.isPresent() && (required || !codes.contains(unknownCode.get()))) {
        throw new IllegalStateException(
            name + ": unknownAs needs an optional column and one of its codes");
      }
      // A coded or patterned column is limited by its codes or pattern; free text needs a limit.
      boolean free = codes.isEmpty() && pattern.isEmpty() && patternBy.isEmpty();
      Optional<Integer> limit =
          switch (type) {
            case STRING -> free ? Optional.of(maxLength.orElse(TEXT_LIMIT)) : maxLength;
            case STRING_LIST -> Optional.of(maxLength.orElse(LIST_LIMIT));
            default -> Optional.empty();
          };
      return new ColumnSpec(
          name,
          type,
          required,
          description,
          codes,
          pattern,
          patternBy,
          patternByColumn,
          min,
          max,
          limit,
          identifier,
          unknownCode);
    }
  }
}

package io.proactivecare.npc.disclosure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Disclosure control for every aggregate output (docs/disclosure.md): one pure function, {@link
 * #control}, from exact cells to what may be published.
 *
 * <ol>
 *   <li><b>Primary suppression.</b> A cell is suppressed when its value is {@value
 *       #SMALLEST_SUPPRESSED}..{@value #LARGEST_SUPPRESSED} or its contributors are {@value
 *       #SMALLEST_SUPPRESSED}..{@value #LARGEST_SUPPRESSED}. Zero is published as 0.
 *   <li><b>Rounding.</b> Every unsuppressed value is rounded to the nearest multiple of {@value
 *       #ROUNDING_BASE}: {@code x mod 5} in {0, 1, 2} rounds down, in {3, 4} up. A non-zero value
 *       never rounds to 0, since 1..7 are suppressed (8 becomes 10).
 *   <li><b>Secondary suppression.</b> For every {@link Sum}, whose members are its total and its
 *       parts: if exactly one member is suppressed, suppress one more, namely the unsuppressed part
 *       with the smallest non-zero exact value (ties: the first in the Sum's part order); failing
 *       that the first unsuppressed part (all are zero); failing that the total. Sums are visited
 *       in input order, pass after pass, until a pass changes nothing, so afterwards every Sum has
 *       either no suppressed member or at least two. The same input always gives the same output.
 *   <li><b>Ratios</b> are suppressed with their counts (numerator or denominator suppressed, or a
 *       rounded denominator of 0, gives no ratio) and are computed from the rounded numerator and
 *       denominator, so a published percentage never reveals an exact count that rounding hid.
 *   <li><b>Bugs fail loudly</b> with an {@link IllegalArgumentException} naming the cell at fault:
 *       a duplicate cell id, a Sum or Ratio naming an unknown cell, a negative value or
 *       contributors, a value of 0 with contributors, a non-zero value without contributors, a Sum
 *       naming a cell twice or having no parts, a Sum whose parts do not add up exactly to its
 *       total, a duplicate ratio id or a ratio scale that is not finite.
 * </ol>
 */
public final class Disclosure {
  private Disclosure() {}

  /** Counts from this value up to {@link #LARGEST_SUPPRESSED} are suppressed. */
  public static final long SMALLEST_SUPPRESSED = 1;

  /** The largest suppressed count. */
  public static final long LARGEST_SUPPRESSED = 7;

  /** Every other count is rounded to the nearest multiple of this. */
  public static final long ROUNDING_BASE = 5;

  /** How a suppressed cell is shown. */
  public static final String SUPPRESSED = "*";

  /**
   * One cell: an id unique in the table, its exact value (>= 0), and how many people contribute to
   * it (for a count of people, contributors == value; for a sum such as bed days or cost in whole
   * pounds, the number of people with a non-zero amount).
   */
  public record Cell(String id, long value, long contributors) {
    /** A count of people: each person contributes one. */
    public static Cell count(String id, long people) {
      return new Cell(id, people, people);
    }
  }

  /** An additive relation among cells: total == sum of parts (exactly, before control). */
  public record Sum(String total, List<String> parts) {
    public Sum {
      Objects.requireNonNull(parts, "parts");
      // Not List.copyOf: a null id is reported by control() with the Sum it is in.
      parts = Collections.unmodifiableList(new ArrayList<>(parts));
    }
  }

  /**
   * A value derived from two cells: numerator / denominator * scale (e.g. scale 100 for a
   * percentage).
   */
  public record Ratio(String id, String numerator, String denominator, double scale) {}

  /**
   * What may be published.
   *
   * @param counts every cell id, in input order, to its rounded value, or empty when suppressed
   * @param ratios every ratio id, in input order, to its value computed from the rounded numerator
   *     and denominator, or empty when either is suppressed or the rounded denominator is 0
   * @param primary ids suppressed by primary suppression (small value or few contributors), in
   *     input order
   * @param secondary ids suppressed only to protect a suppressed member of a Sum, in input order
   */
  public record Controlled(
      Map<String, OptionalLong> counts,
      Map<String, OptionalDouble> ratios,
      Set<String> primary,
      Set<String> secondary) {
    public Controlled {
      counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
      ratios = Collections.unmodifiableMap(new LinkedHashMap<>(ratios));
      primary = Collections.unmodifiableSet(new LinkedHashSet<>(primary));
      secondary = Collections.unmodifiableSet(new LinkedHashSet<>(secondary));
    }

    /**
     * {@value Disclosure#SUPPRESSED} when the cell is suppressed, else its rounded value, e.g.
     * "1005".
     */
    public String display(String id) {
      OptionalLong value = counts.get(id);
      if (value == null) {
        throw new IllegalArgumentException("no cell '" + id + "' in this output");
      }
      return value.isPresent() ? Long.toString(value.getAsLong()) : SUPPRESSED;
    }
  }

  /**
   * Applies the rules above.
   *
   * @param cells the table's cells, ids unique
   * @param sums additive relations among the cells (may be empty)
   * @param ratios values derived from the cells (may be empty)
   * @return what may be published, in input order
   * @throws IllegalArgumentException when the input breaks a precondition (a bug in the caller)
   */
  public static Controlled control(List<Cell> cells, List<Sum> sums, List<Ratio> ratios) {
    Objects.requireNonNull(cells, "cells");
    Objects.requireNonNull(sums, "sums");
    Objects.requireNonNull(ratios, "ratios");
    Map<String, Cell> byId = checkedCells(cells);
    for (Sum sum : sums) {
      checkSum(sum, byId);
    }
    checkRatios(ratios, byId);

    Set<String> suppressed = new HashSet<>();
    for (Cell cell : cells) {
      if (isSmall(cell.value()) || isSmall(cell.contributors())) {
        suppressed.add(cell.id());
      }
    }
    Set<String> primary = inInputOrder(cells, suppressed);
    suppressSecondary(sums, byId, suppressed);
    Set<String> secondary = inInputOrder(cells, suppressed);
    secondary.removeAll(primary);

    Map<String, OptionalLong> counts = new LinkedHashMap<>();
    for (Cell cell : cells) {
      counts.put(
          cell.id(),
          suppressed.contains(cell.id())
              ? OptionalLong.empty()
              : OptionalLong.of(round(cell.value())));
    }
    Map<String, OptionalDouble> ratioValues = new LinkedHashMap<>();
    for (Ratio ratio : ratios) {
      OptionalLong numerator = counts.get(ratio.numerator());
      OptionalLong denominator = counts.get(ratio.denominator());
      boolean publishable =
          numerator.isPresent() && denominator.isPresent() && denominator.getAsLong() != 0;
      ratioValues.put(
          ratio.id(),
          publishable
              ? OptionalDouble.of(
                  (double) numerator.getAsLong() / denominator.getAsLong() * ratio.scale())
              : OptionalDouble.empty());
    }
    return new Controlled(counts, ratioValues, primary, secondary);
  }

  /** Whether a count is in the suppressed range. */
  static boolean isSmall(long count) {
    return count >= SMALLEST_SUPPRESSED && count <= LARGEST_SUPPRESSED;
  }

  /** The nearest multiple of {@link #ROUNDING_BASE}; halves cannot occur for an odd base. */
  static long round(long value) {
    long below = value - value % ROUNDING_BASE;
    return value % ROUNDING_BASE * 2 > ROUNDING_BASE ? Math.addExact(below, ROUNDING_BASE) : below;
  }

  /**
   * Rule 3: visits the Sums in order, pass after pass, until no Sum has exactly one suppressed
   * member. Each change suppresses one more cell, so it ends within as many passes as there are
   * cells.
   */
  private static void suppressSecondary(
      List<Sum> sums, Map<String, Cell> byId, Set<String> suppressed) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Sum sum : sums) {
        int count = suppressed.contains(sum.total()) ? 1 : 0;
        for (String part : sum.parts()) {
          count += suppressed.contains(part) ? 1 : 0;
        }
        if (count == 1) {
          suppressed.add(secondChoice(sum, byId, suppressed));
          changed = true;
        }
      }
    }
  }

  /**
   * The member to suppress when only one member of a Sum is suppressed: the unsuppressed part with
   * the smallest non-zero value (first on ties), else the first unsuppressed part (all zero), else
   * the total. Members are distinct and there are at least two, so one is always unsuppressed.
   */
  private static String secondChoice(Sum sum, Map<String, Cell> byId, Set<String> suppressed) {
    String smallestNonZero = null;
    long smallest = Long.MAX_VALUE;
    String firstZero = null;
    for (String part : sum.parts()) {
      if (suppressed.contains(part)) {
        continue;
      }
      long value = byId.get(part).value();
      if (value == 0) {
        firstZero = firstZero == null ? part : firstZero;
      } else if (value < smallest) {
        smallest = value;
        smallestNonZero = part;
      }
    }
    if (smallestNonZero != null) {
      return smallestNonZero;
    }
    return firstZero != null ? firstZero : sum.total();
  }

  private static Set<String> inInputOrder(List<Cell> cells, Set<String> ids) {
    Set<String> ordered = new LinkedHashSet<>();
    for (Cell cell : cells) {
      if (ids.contains(cell.id())) {
        ordered.add(cell.id());
      }
    }
    return ordered;
  }

  private static Map<String, Cell> checkedCells(List<Cell> cells) {
    Map<String, Cell> byId = new HashMap<>();
    for (int i = 0; i < cells.size(); i++) {
      Cell cell = cells.get(i);
      if (cell == null || cell.id() == null) {
        throw new IllegalArgumentException("cell " + i + " (0-based) is null or has a null id");
      }
      String id = cell.id();
      if (byId.putIfAbsent(id, cell) != null) {
        throw new IllegalArgumentException("duplicate cell id '" + id + "' (cell " + i + ")");
      }
      if (cell.value() < 0) {
        throw new IllegalArgumentException(
            "cell '" + id + "' has a negative value " + cell.value());
      }
      if (cell.contributors() < 0) {
        throw new IllegalArgumentException(
            "cell '" + id + "' has negative contributors " + cell.contributors());
      }
      if (cell.value() == 0 && cell.contributors() > 0) {
        throw new IllegalArgumentException(
            "cell '"
                + id
                + "' has value 0 but "
                + cell.contributors()
                + " contributors (a zero value has no contributors)");
      }
      if (cell.value() > 0 && cell.contributors() == 0) {
        throw new IllegalArgumentException(
            "cell '"
                + id
                + "' has value "
                + cell.value()
                + " but no contributors (a non-zero value has at least one)");
      }
    }
    return byId;
  }

  private static void checkSum(Sum sum, Map<String, Cell> byId) {
    if (sum == null) {
      throw new IllegalArgumentException("a Sum is null");
    }
    String where = "Sum with total '" + sum.total() + "'";
    if (sum.parts().isEmpty()) {
      throw new IllegalArgumentException(where + " has no parts");
    }
    Set<String> members = new HashSet<>();
    List<String> all = new ArrayList<>();
    all.add(sum.total());
    all.addAll(sum.parts());
    for (String id : all) {
      if (id == null || !byId.containsKey(id)) {
        throw new IllegalArgumentException(where + " names unknown cell '" + id + "'");
      }
      if (!members.add(id)) {
        throw new IllegalArgumentException(where + " names cell '" + id + "' twice");
      }
    }
    long partsTotal = 0;
    for (String part : sum.parts()) {
      partsTotal = Math.addExact(partsTotal, byId.get(part).value());
    }
    long total = byId.get(sum.total()).value();
    if (partsTotal != total) {
      throw new IllegalArgumentException(
          where + ": its parts " + sum.parts() + " add up to " + partsTotal + ", not " + total);
    }
  }

  private static void checkRatios(List<Ratio> ratios, Map<String, Cell> byId) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < ratios.size(); i++) {
      Ratio ratio = ratios.get(i);
      if (ratio == null || ratio.id() == null) {
        throw new IllegalArgumentException("ratio " + i + " (0-based) is null or has a null id");
      }
      if (!ids.add(ratio.id())) {
        throw new IllegalArgumentException("duplicate ratio id '" + ratio.id() + "'");
      }
      for (String id : Arrays.asList(ratio.numerator(), ratio.denominator())) {
        if (id == null || !byId.containsKey(id)) {
          throw new IllegalArgumentException(
              "ratio '" + ratio.id() + "' names unknown cell '" + id + "'");
        }
      }
      if (!Double.isFinite(ratio.scale())) {
        throw new IllegalArgumentException(
            "ratio '" + ratio.id() + "' has scale " + ratio.scale() + " (must be finite)");
      }
    }
  }
}

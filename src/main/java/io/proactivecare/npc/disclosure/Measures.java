package io.proactivecare.npc.disclosure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The one typed, long-format table of aggregate figures that every stage's aggregates are built
 * from and that {@link Disclosure#control} takes whole (docs/disclosure.md, "The measures table").
 *
 * <p>A figure is named by a {@link Key}: what is counted ({@code measure}: people, unplanned bed
 * days, pounds of cost, ...), among whom ({@code population}: the cohort, the eligible population,
 * the people listed, ...), and in which part of the population ({@code breakdown}, e.g. {@code
 * pcn_code}, and its {@code level}, e.g. {@code U10001}; the whole population is breakdown {@value
 * #OVERALL}, level {@value #ALL}). A stage adds its exact figures, the additive relations among
 * them (a total and its parts) and the ratios it publishes, then calls {@link #control()} once, so
 * a figure shown in two tables is suppressed in both or neither. The controlled figures are looked
 * up by key (never by parsing an id) and written as rows of {@link #SCHEMA}, one per figure and one
 * per ratio, in the order they were added.
 */
public final class Measures {
  /** The breakdown and level of a figure over the whole population. */
  public static final String OVERALL = "overall";

  public static final String ALL = "all";

  /** What one figure counts, among whom, and in which part of the population. */
  public record Key(String measure, String population, String breakdown, String level) {
    public Key {
      Objects.requireNonNull(measure, "measure");
      Objects.requireNonNull(population, "population");
      Objects.requireNonNull(breakdown, "breakdown");
      Objects.requireNonNull(level, "level");
    }

    /** The same figure over the whole population. */
    public static Key overall(String measure, String population) {
      return new Key(measure, population, OVERALL, ALL);
    }

    /** The same measure and population, at another breakdown and level. */
    public Key at(String breakdown, String level) {
      return new Key(measure, population, breakdown, level);
    }

    /** The same measure, breakdown and level, among another population. */
    public Key of(String population) {
      return new Key(measure, population, breakdown, level);
    }
  }

  /** Why a published figure is empty (null in Parquet, {@code *} in CSV). */
  public static final String SMALL = "small";

  public static final String SECONDARY = "secondary";
  public static final String FROM_COUNTS = "from_counts";

  /**
   * The published long format, shared by every stage's {@code measures} output: one row per figure
   * (denominator and its population empty, value the rounded figure) and one per ratio (numerator
   * and denominator the rounded figures it is computed from, value the ratio).
   */
  public static final StructType SCHEMA =
      io.proactivecare.npc.schema.OutputContract.schemaOf(
          io.proactivecare.npc.schema.Outputs.MEASURE_COLUMNS);

  private record RatioOf(Key numerator, Key denominator, double scale) {}

  private record StatisticOf(double value, List<Key> over) {}

  private final Map<Key, Disclosure.Cell> cells = new LinkedHashMap<>();
  private final List<Disclosure.Sum> sums = new ArrayList<>();
  private final Map<Key, RatioOf> ratios = new LinkedHashMap<>();
  private final Map<Key, StatisticOf> statistics = new LinkedHashMap<>();

  /**
   * A count of people: each contributes one. The same key given again must carry the same value
   * (two tables showing one figure), else it is a bug and fails loudly.
   */
  public Key count(Key key, long people) {
    return amount(key, people, people);
  }

  /**
   * A sum over people, such as bed days or whole pounds, and how many people have a non-zero amount
   * (its contributors).
   */
  public Key amount(Key key, long value, long contributors) {
    Disclosure.Cell cell = new Disclosure.Cell(id(key), value, contributors);
    Disclosure.Cell before = cells.putIfAbsent(key, cell);
    if (before != null && !before.equals(cell)) {
      throw new IllegalStateException(
          "figure " + key + " given two values: " + before.value() + " and " + value);
    }
    return key;
  }

  /** An additive relation: total == sum of parts, exactly, before control. */
  public void sum(Key total, List<Key> parts) {
    sums.add(new Disclosure.Sum(id(total), parts.stream().map(Measures::id).toList()));
  }

  /**
   * A published ratio, numerator / denominator * scale (100 for a percentage), computed after
   * control from the rounded figures. Its key names the ratio, e.g. (unplanned_bed_days,
   * cohort_share_of_eligible, pcn_code, U10001).
   */
  public void ratio(Key key, Key numerator, Key denominator, double scale) {
    if (ratios.putIfAbsent(key, new RatioOf(numerator, denominator, scale)) != null) {
      throw new IllegalStateException("ratio " + key + " given twice");
    }
  }

  /**
   * A published statistic that is not a count or a ratio of two (a population stability index, an
   * AUROC), computed from the exact rows of the people counted by the figures {@code over}: it is
   * published only when every one of them is (else, as a ratio is, it is empty with reason {@value
   * #FROM_COUNTS}), and its row's numerator is the first of them, rounded. NaN is never published.
   */
  public void statistic(Key key, double value, List<Key> over) {
    if (over.isEmpty()) {
      throw new IllegalArgumentException("statistic " + key + " is over no figure");
    }
    if (statistics.putIfAbsent(key, new StatisticOf(value, List.copyOf(over))) != null) {
      throw new IllegalStateException("statistic " + key + " given twice");
    }
  }

  /** Whether the figure has been added. */
  public boolean has(Key key) {
    return cells.containsKey(key);
  }

  /** The exact figure, before control: for the stage's own decisions, never for publishing. */
  public long exact(Key key) {
    Disclosure.Cell cell = cells.get(key);
    if (cell == null) {
      throw new IllegalArgumentException("no figure " + key);
    }
    return cell.value();
  }

  /**
   * The levels of a breakdown that have a figure of this measure and population, in order added.
   */
  public List<String> levels(String measure, String population, String breakdown) {
    Set<String> out = new LinkedHashSet<>();
    for (Key k : cells.keySet()) {
      if (k.measure().equals(measure)
          && k.population().equals(population)
          && k.breakdown().equals(breakdown)) {
        out.add(k.level());
      }
    }
    return List.copyOf(out);
  }

  /** Applies disclosure control to every figure and ratio at once. */
  public Controlled control() {
    List<Disclosure.Ratio> rs = new ArrayList<>();
    ratios.forEach(
        (k, r) ->
            rs.add(new Disclosure.Ratio(id(k), id(r.numerator()), id(r.denominator()), r.scale())));
    return new Controlled(
        Disclosure.control(List.copyOf(cells.values()), sums, rs),
        Collections.unmodifiableMap(new LinkedHashMap<>(ratios)),
        List.copyOf(cells.keySet()),
        Collections.unmodifiableMap(new LinkedHashMap<>(statistics)));
  }

  /**
   * A cell of a row of {@link #SCHEMA} as CSV text ({@link AggregateCsv}): a suppressed number
   * ({@code numerator}, {@code value}, a ratio's {@code denominator}) is {@value
   * Disclosure#SUPPRESSED}; a figure's denominator (which it does not have) and an empty reason are
   * empty; a number as {@link #text(double)} writes it.
   */
  static String cell(Row r, int i, String name) {
    if (r.isNullAt(i)) {
      boolean ratio = !r.isNullAt(5);
      boolean number = name.equals("numerator") || name.equals("value");
      return number || (ratio && name.equals("denominator")) ? Disclosure.SUPPRESSED : "";
    }
    return r.get(i) instanceof Double d ? text(d) : r.get(i).toString();
  }

  /** A value as CSV text: a whole number without decimals, else rounded to four decimals. */
  public static String text(double value) {
    return new java.math.BigDecimal(value)
        .setScale(4, java.math.RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }

  /** The id a figure has inside {@link Disclosure}: used only there, in its messages. */
  private static String id(Key key) {
    return key.measure() + "|" + key.population() + "|" + key.breakdown() + "|" + key.level();
  }

  /** The figures and ratios after control, looked up by key. */
  public static final class Controlled {
    private final Disclosure.Controlled controlled;
    private final Map<Key, RatioOf> ratios;
    private final List<Key> figures;
    private final Map<Key, StatisticOf> statistics;
    private final Map<Key, String> ids = new HashMap<>();

    private Controlled(
        Disclosure.Controlled controlled,
        Map<Key, RatioOf> ratios,
        List<Key> keys,
        Map<Key, StatisticOf> statistics) {
      this.controlled = controlled;
      this.ratios = ratios;
      this.figures = keys;
      this.statistics = statistics;
      keys.forEach(k -> ids.put(k, id(k)));
      ratios.keySet().forEach(k -> ids.put(k, id(k)));
    }

    private String idOf(Key key, boolean ratio) {
      String id = ids.get(key);
      if (id == null || ratios.containsKey(key) != ratio) {
        throw new IllegalArgumentException("no " + (ratio ? "ratio " : "figure ") + key);
      }
      return id;
    }

    /** The rounded figure, or null when suppressed. */
    public Long value(Key key) {
      OptionalLong v = controlled.counts().get(idOf(key, false));
      return v.isPresent() ? v.getAsLong() : null;
    }

    /** The ratio from the rounded figures, or null when either is suppressed or it divides by 0. */
    public Double ratio(Key key) {
      OptionalDouble v = controlled.ratios().get(idOf(key, true));
      return v.isPresent() ? v.getAsDouble() : null;
    }

    /**
     * The statistic, or null when a figure it is computed over is suppressed or it is not a number.
     */
    public Double statistic(Key key) {
      StatisticOf s = statistics.get(key);
      if (s == null) {
        throw new IllegalArgumentException("no statistic " + key);
      }
      boolean published = s.over().stream().allMatch(k -> value(k) != null);
      return published && !Double.isNaN(s.value()) ? s.value() : null;
    }

    /**
     * Why a figure is empty: {@value #SMALL} (1..7, or 1..7 people contribute), {@value #SECONDARY}
     * (hidden to protect a suppressed figure beside its total), or null when published.
     */
    public String suppressed(Key key) {
      String id = idOf(key, false);
      return controlled.primary().contains(id)
          ? SMALL
          : controlled.secondary().contains(id) ? SECONDARY : null;
    }

    /** The figures suppressed by each rule, for tests and notes. */
    public int suppressedCount() {
      return controlled.primary().size() + controlled.secondary().size();
    }

    /**
     * The whole table as rows of {@link #SCHEMA}: the figures, then the ratios, then the
     * statistics, as added.
     */
    public List<Row> rows() {
      List<Row> out = new ArrayList<>();
      for (Key k : figures) {
        Long v = value(k);
        out.add(row(k, v, null, null, v == null ? null : v.doubleValue(), suppressed(k)));
      }
      ratios.forEach(
          (k, r) -> {
            Double value = ratio(k);
            out.add(
                row(
                    k,
                    value(r.numerator()),
                    r.denominator().population(),
                    value(r.denominator()),
                    value,
                    value == null ? FROM_COUNTS : null));
          });
      statistics.forEach(
          (k, s) -> {
            Double value = statistic(k);
            out.add(
                row(
                    k,
                    value(s.over().get(0)),
                    null,
                    null,
                    value,
                    value == null ? FROM_COUNTS : null));
          });
      return out;
    }

    /** One row of {@link #SCHEMA}. */
    private static Row row(
        Key k,
        Long numerator,
        String denominatorPopulation,
        Long denominator,
        Double value,
        String suppressed) {
      return RowFactory.create(
          k.measure(),
          k.population(),
          k.breakdown(),
          k.level(),
          numerator,
          denominatorPopulation,
          denominator,
          value,
          suppressed);
    }
  }
}

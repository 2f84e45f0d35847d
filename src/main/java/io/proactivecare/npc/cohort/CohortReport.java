package io.proactivecare.npc.cohort;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.CohortSettings;
import io.proactivecare.npc.disclosure.Measures;
import io.proactivecare.npc.disclosure.Measures.Key;
import io.proactivecare.npc.frailty.EfiScores;
import io.proactivecare.npc.schema.Cols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The cohort's aggregate outputs (docs/cohort.md): concentration of activity and cost, the cohort's
 * make-up against the eligible population's, churn per PCN list and the selection funnel. Every
 * figure is a typed {@link Measures} figure, and the whole table passes through disclosure control
 * in one call, so a number shown in two tables is suppressed in both or neither.
 */
public final class CohortReport {
  /** A concentration measure: its name and the person-level column summed (null: people). */
  public record Measure(String name, String column) {}

  public static final List<Measure> MEASURES =
      List.of(
          new Measure("people", null),
          new Measure("unplanned_bed_days", Cols.UNPLANNED_BED_DAYS_12M),
          new Measure("emergency_admissions", Cols.EMERGENCY_ADMISSIONS_12M),
          new Measure("ae_attendances", Cols.AE_ATTENDANCES_12M),
          new Measure("outpatient_attendances", Cols.OUTPATIENT_ATTENDANCES_12M),
          new Measure("social_care_packages", Cols.SOCIAL_CARE_SERVICES_12M),
          new Measure("cost", Cols.COST_12M));

  /** The populations shares are taken of: the eligible population, and everyone registered. */
  public static final List<String> BASES = List.of("eligible", "registered");

  /** The breakdowns of the concentration table. */
  public static final String OVERALL = "overall";

  public static final List<String> SCOPES = List.of(OVERALL, Cols.PCN_CODE, Cols.IMD_QUINTILE);

  /** The cohort's make-up is reported by these. */
  public static final String AGE_BAND = "age_band";

  public static final List<String> PROFILE =
      List.of(Cols.IMD_QUINTILE, Cols.SEX, AGE_BAND, Cols.ETHNIC_CATEGORY);

  /** The group of the overall row; a missing PCN or quintile. */
  public static final String ALL = "all";

  public static final String NONE = "none";
  public static final String UNKNOWN = "unknown";

  private static final String COHORT = "cohort";

  /** One row of the concentration table: suppressed values are empty. */
  public record Concentration(
      String base,
      String scope,
      String group,
      String measure,
      Long cohortValue,
      Long populationValue,
      Double cohortSharePct) {}

  /** One row of the profile table. */
  public record Profile(
      String dimension,
      String group,
      Long cohortPeople,
      Double cohortPct,
      Long populationPeople,
      Double populationPct,
      Double representationRatio) {}

  /** One row of the churn table ({@code pcn_code} "all" for the total over every list). */
  public record Churn(
      String pcnCode,
      Long previousSize,
      Long stayed,
      Long entered,
      Long left,
      Map<String, Long> leftBy,
      Long currentSize) {}

  /** One stage of the selection funnel. */
  public record Funnel(String stage, Long people) {}

  /**
   * Everything published, after disclosure control: the four tables, and the measures table they
   * are read from (published whole as {@code cohort/measures}).
   */
  public record Tables(
      List<Concentration> concentration,
      List<Profile> profile,
      List<Churn> churn,
      List<Funnel> funnel,
      Measures.Controlled measures) {}

  private final Measures m = new Measures();

  private CohortReport() {}

  /**
   * Builds the aggregate tables.
   *
   * @param selected everyone registered at the date, from {@link Cohort#select} (with the
   *     eligibility columns)
   * @param lists every PCN's list, from {@link Cohort#lists}
   */
  public static Tables build(Dataset<Row> selected, Dataset<Row> lists, CohortSettings settings) {
    CohortReport r = new CohortReport();
    List<Row> activity = activity(selected);
    List<Row> makeUp = makeUp(selected, settings);
    List<Row> funnel =
        selected
            .groupBy(col(Cols.EXCLUSION), col(Cols.SELECTED), col(Cols.RETAINED))
            .agg(count(lit(1)).as("n"))
            .collectAsList();
    List<Row> changes =
        lists
            .groupBy(col(Cols.PCN_CODE), col(Cols.STATUS), col(Cols.CHANGE_REASON))
            .agg(count(lit(1)).as("n"))
            .collectAsList();
    List<String> groupsOfPcn = r.concentrationCells(activity);
    r.profileCells(makeUp);
    r.efiCells(makeUp);
    List<String> listPcns = r.churnCells(changes, groupsOfPcn);
    r.funnelCells(funnel);
    Measures.Controlled c = r.m.control();
    return new Tables(
        r.concentration(c), r.profile(c, makeUp), r.churn(c, listPcns), r.funnel(c), c);
  }

  // ---------------------------------------------------------------------------------------------
  // Aggregation (small results, collected)

  private static String group(Object value, String missing) {
    return value == null ? missing : value.toString();
  }

  private static List<Row> activity(Dataset<Row> selected) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("n_people"));
    for (Measure m : MEASURES) {
      if (m.column() != null) {
        aggs.add(coalesce(sum(col(m.column())).cast("long"), lit(0L)).as("v_" + m.name()));
        aggs.add(count(when(col(m.column()).gt(0), 1)).as("n_" + m.name()));
      }
    }
    return selected
        .groupBy(
            col(Cols.ELIGIBLE), col(Cols.IN_COHORT), col(Cols.PCN_CODE), col(Cols.IMD_QUINTILE))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .collectAsList();
  }

  private static List<Row> makeUp(Dataset<Row> selected, CohortSettings settings) {
    Column band =
        io.proactivecare.npc.population.AgeBands.label(col(Cols.AGE), settings.ageBands());
    return selected
        .where(col(Cols.ELIGIBLE))
        .withColumn(AGE_BAND, band)
        .groupBy(
            col(Cols.IN_COHORT),
            col(Cols.IMD_QUINTILE),
            col(Cols.SEX),
            col(AGE_BAND),
            col(Cols.ETHNIC_CATEGORY),
            col(Cols.EFI_CATEGORY))
        .agg(count(lit(1)).as("n"))
        .collectAsList();
  }

  // ---------------------------------------------------------------------------------------------
  // Figures
  //
  // Who a figure counts (its population): the cohort, the eligible population, everyone
  // registered, and the two complements a reader could work out by subtraction (rest = eligible −
  // cohort, ineligible = registered − eligible), controlled so that subtraction cannot reveal what
  // suppression hides.
  private static final String REGISTERED = "registered";
  private static final String ELIGIBLE = "eligible";
  private static final String REST = "rest";
  private static final String INELIGIBLE = "ineligible";
  private static final List<String> KINDS = List.of(COHORT, REST, INELIGIBLE, ELIGIBLE, REGISTERED);
  private static final String PEOPLE = "people";

  /** The ratio publishing the cohort's share of a base's figure. */
  private static Key share(Key cohort, String base) {
    return cohort.of(COHORT + "_share_of_" + base);
  }

  /** The ratio publishing a group's share of a population (the cohort or the eligible). */
  private static Key makeUp(Key group) {
    return group.of(group.population() + "_make_up");
  }

  /**
   * Concentration figures for every scope, group and measure: the cohort, the eligible and the
   * registered population and the complements, with every additive relation among them. Returns the
   * PCN groups.
   */
  private List<String> concentrationCells(List<Row> activity) {
    List<String> pcns = new ArrayList<>();
    for (String scope : SCOPES) {
      Map<String, Map<String, long[]>> by = new LinkedHashMap<>();
      for (Row x : activity) {
        String g =
            switch (scope) {
              case OVERALL -> ALL;
              case Cols.PCN_CODE -> group(x.getAs(Cols.PCN_CODE), NONE);
              default -> group(x.getAs(Cols.IMD_QUINTILE), UNKNOWN);
            };
        Map<String, long[]> kinds = by.computeIfAbsent(g, k -> new LinkedHashMap<>());
        boolean eligible = Boolean.TRUE.equals(x.getAs(Cols.ELIGIBLE));
        boolean inCohort = Boolean.TRUE.equals(x.getAs(Cols.IN_COHORT));
        for (String kind : KINDS) {
          long[] acc = kinds.computeIfAbsent(kind, k -> new long[2 * MEASURES.size()]);
          boolean counts =
              switch (kind) {
                case COHORT -> inCohort;
                case REST -> eligible && !inCohort;
                case INELIGIBLE -> !eligible;
                case ELIGIBLE -> eligible;
                default -> true;
              };
          if (counts) {
            add(acc, x);
          }
        }
      }
      List<String> groups = new ArrayList<>(new TreeSet<>(by.keySet()));
      if (scope.equals(Cols.PCN_CODE)) {
        pcns.addAll(groups);
      }
      for (int i = 0; i < MEASURES.size(); i++) {
        String name = MEASURES.get(i).name();
        for (String g : groups) {
          for (Map.Entry<String, long[]> k : by.get(g).entrySet()) {
            m.amount(
                new Key(name, k.getKey(), scope, g), k.getValue()[2 * i], k.getValue()[2 * i + 1]);
          }
          Key cohort = new Key(name, COHORT, scope, g);
          m.sum(cohort.of(ELIGIBLE), List.of(cohort, cohort.of(REST)));
          m.sum(cohort.of(REGISTERED), List.of(cohort.of(ELIGIBLE), cohort.of(INELIGIBLE)));
          for (String base : BASES) {
            m.ratio(share(cohort, base), cohort, cohort.of(base), 100);
          }
        }
        if (!scope.equals(OVERALL)) {
          for (String kind : KINDS) {
            m.sum(
                Key.overall(name, kind),
                groups.stream().map(g -> new Key(name, kind, scope, g)).toList());
          }
        }
      }
    }
    return pcns;
  }

  /** Adds one aggregated row's people and measures to {@code acc} (value, contributors pairs). */
  private static void add(long[] acc, Row x) {
    long people = x.getAs("n_people");
    acc[0] += people;
    acc[1] += people;
    for (int m = 1; m < MEASURES.size(); m++) {
      String name = MEASURES.get(m).name();
      acc[2 * m] += (long) x.getAs("v_" + name);
      acc[2 * m + 1] += (long) x.getAs("n_" + name);
    }
  }

  /** The cohort's make-up among the eligible: cohort, eligible and rest by each dimension. */
  private void profileCells(List<Row> makeUp) {
    for (String dim : PROFILE) {
      Map<String, long[]> counts = new LinkedHashMap<>();
      for (Row x : makeUp) {
        String g = group(x.getAs(dim), UNKNOWN);
        long[] c = counts.computeIfAbsent(g, k -> new long[2]);
        long n = x.getAs("n");
        c[1] += n;
        if (Boolean.TRUE.equals(x.getAs(Cols.IN_COHORT))) {
          c[0] += n;
        }
      }
      List<String> groups = new ArrayList<>(new TreeSet<>(counts.keySet()));
      // The quintile's figures and sums are the concentration table's already.
      boolean shared = dim.equals(Cols.IMD_QUINTILE);
      for (String g : groups) {
        long cohort = counts.get(g)[0];
        long eligible = counts.get(g)[1];
        Key inCohort = m.count(new Key(PEOPLE, COHORT, dim, g), cohort);
        m.count(inCohort.of(ELIGIBLE), eligible);
        m.count(inCohort.of(REST), eligible - cohort);
        if (!shared) {
          m.sum(inCohort.of(ELIGIBLE), List.of(inCohort, inCohort.of(REST)));
        }
        for (String kind : List.of(COHORT, ELIGIBLE)) {
          m.ratio(makeUp(inCohort.of(kind)), inCohort.of(kind), Key.overall(PEOPLE, kind), 100);
        }
      }
      if (!shared) {
        for (String kind : List.of(COHORT, ELIGIBLE, REST)) {
          m.sum(
              Key.overall(PEOPLE, kind),
              groups.stream().map(g -> new Key(PEOPLE, kind, dim, g)).toList());
        }
      }
    }
  }

  /** The eFI categories, mildest first; a person with no eFI at the date is {@value #UNKNOWN}. */
  public static final List<String> EFI_CATEGORIES =
      List.of(EfiScores.FIT, EfiScores.MILD, EfiScores.MODERATE, EfiScores.SEVERE);

  /** The breakdowns the eligible population's eFI categories are counted by (two cross-tables). */
  public static final List<String> EFI_BREAKDOWNS = List.of(AGE_BAND, Cols.IMD_QUINTILE);

  /**
   * The population of a cell of the eFI cross-tables: the eligible people in one eFI category, e.g.
   * {@code eligible_efi_moderate}.
   */
  public static String efiPopulation(String category) {
    return ELIGIBLE + "_efi_" + category;
  }

  /**
   * The eligible population by eFI category and age band, and by eFI category and deprivation
   * quintile: two cross-tables whose rows (a band's or quintile's eligible people, the profile's
   * figures) and columns (a category's people overall) are sums, controlled with everything else.
   * Every cell is added, zero or not, so the tables are complete.
   */
  private void efiCells(List<Row> makeUp) {
    List<String> categories = new ArrayList<>(EFI_CATEGORIES);
    Map<String, Long> overall = new LinkedHashMap<>();
    for (Row x : makeUp) {
      String category = group(x.getAs(Cols.EFI_CATEGORY), UNKNOWN);
      if (!categories.contains(category)) {
        categories.add(category);
      }
      overall.merge(category, (long) x.getAs("n"), Long::sum);
    }
    for (String category : categories) {
      m.count(Key.overall(PEOPLE, efiPopulation(category)), overall.getOrDefault(category, 0L));
    }
    m.sum(
        Key.overall(PEOPLE, ELIGIBLE),
        categories.stream().map(c -> Key.overall(PEOPLE, efiPopulation(c))).toList());
    for (String dim : EFI_BREAKDOWNS) {
      Map<String, Map<String, Long>> by = new java.util.TreeMap<>();
      for (Row x : makeUp) {
        by.computeIfAbsent(group(x.getAs(dim), UNKNOWN), k -> new LinkedHashMap<>())
            .merge(group(x.getAs(Cols.EFI_CATEGORY), UNKNOWN), (long) x.getAs("n"), Long::sum);
      }
      for (Map.Entry<String, Map<String, Long>> level : by.entrySet()) {
        List<Key> cells = new ArrayList<>();
        for (String category : categories) {
          cells.add(
              m.count(
                  new Key(PEOPLE, efiPopulation(category), dim, level.getKey()),
                  level.getValue().getOrDefault(category, 0L)));
        }
        m.sum(new Key(PEOPLE, ELIGIBLE, dim, level.getKey()), cells);
      }
      for (String category : categories) {
        m.sum(
            Key.overall(PEOPLE, efiPopulation(category)),
            by.keySet().stream()
                .map(l -> new Key(PEOPLE, efiPopulation(category), dim, l))
                .toList());
      }
    }
  }

  /** The change on a PCN's list (or every list, for {@link #ALL}): stayed, entered, left, ... */
  private static Key churn(String pcn, String what) {
    Key k = Key.overall(PEOPLE, "list_" + what);
    return pcn.equals(ALL) ? k : k.at(Cols.PCN_CODE, pcn);
  }

  /** A list's current size: the cohort's people in its PCN (the concentration figure). */
  private static Key current(String pcn) {
    Key k = Key.overall(PEOPLE, COHORT);
    return pcn.equals(ALL) ? k : k.at(Cols.PCN_CODE, pcn);
  }

  /** Churn figures; returns the PCNs that have a list. */
  private List<String> churnCells(List<Row> changes, List<String> eligiblePcns) {
    Map<String, Map<String, Long>> by = new LinkedHashMap<>();
    for (Row x : changes) {
      String pcn = x.getAs(Cols.PCN_CODE);
      String status = x.getAs(Cols.STATUS);
      String what = Cohort.LEAVING.equals(status) ? "left_" + x.getAs(Cols.CHANGE_REASON) : status;
      by.computeIfAbsent(pcn, k -> new LinkedHashMap<>())
          .merge(what, (long) x.getAs("n"), Long::sum);
    }
    TreeSet<String> pcns = new TreeSet<>(by.keySet());
    pcns.addAll(eligiblePcns);
    List<String> out = new ArrayList<>(pcns);
    Map<String, Long> totals = new LinkedHashMap<>();
    for (String pcn : out) {
      Map<String, Long> n = by.getOrDefault(pcn, Map.of());
      long stayed = n.getOrDefault(Cohort.CONTINUING, 0L);
      long entered = n.getOrDefault(Cohort.NEW, 0L);
      long left = 0;
      for (String reason : Cohort.LEAVING_REASONS) {
        long k = n.getOrDefault("left_" + reason, 0L);
        left += k;
        m.count(churn(pcn, "left_" + reason), k);
        totals.merge("left_" + reason, k, Long::sum);
      }
      m.count(churn(pcn, "stayed"), stayed);
      m.count(churn(pcn, "entered"), entered);
      m.count(churn(pcn, "left"), left);
      m.count(churn(pcn, "previous"), stayed + left);
      m.count(current(pcn), stayed + entered);
      totals.merge("stayed", stayed, Long::sum);
      totals.merge("entered", entered, Long::sum);
      totals.merge("left", left, Long::sum);
      totals.merge("previous", stayed + left, Long::sum);
      churnRowSums(pcn);
    }
    totals.forEach((what, n) -> m.count(churn(ALL, what), n));
    for (String what : totals.keySet()) {
      m.sum(churn(ALL, what), out.stream().map(p -> churn(p, what)).toList());
    }
    m.sum(current(ALL), out.stream().map(CohortReport::current).toList());
    churnRowSums(ALL);
    return out;
  }

  /**
   * Within a churn row: current = stayed + entered, previous = stayed + left, left = its reasons.
   */
  private void churnRowSums(String pcn) {
    m.sum(current(pcn), List.of(churn(pcn, "stayed"), churn(pcn, "entered")));
    m.sum(churn(pcn, "previous"), List.of(churn(pcn, "stayed"), churn(pcn, "left")));
    m.sum(
        churn(pcn, "left"),
        Cohort.LEAVING_REASONS.stream().map(r -> churn(pcn, "left_" + r)).toList());
  }

  /** The funnel's stages, in order. */
  public static final List<String> FUNNEL =
      List.of(
          "registered",
          "excluded_" + Cohort.UNDER_AGE,
          "excluded_" + Cohort.OUTSIDE_AREA,
          "excluded_" + Cohort.NOT_SCORED,
          "excluded_" + Cohort.CARE_HOME,
          "excluded_" + Cohort.PALLIATIVE,
          "eligible",
          "selected",
          "retained",
          "in_cohort");

  /** A stage's figure: the people of that population overall (in_cohort is the cohort). */
  private static Key funnel(String stage) {
    return Key.overall(PEOPLE, stage.equals("in_cohort") ? COHORT : stage);
  }

  private void funnelCells(List<Row> funnel) {
    Map<String, Long> n = new LinkedHashMap<>();
    for (Row x : funnel) {
      String exclusion = x.getAs(Cols.EXCLUSION);
      long people = x.getAs("n");
      if (exclusion != null) {
        n.merge("excluded_" + exclusion, people, Long::sum);
      }
      if (Boolean.TRUE.equals(x.getAs(Cols.SELECTED))) {
        n.merge("selected", people, Long::sum);
      }
      if (Boolean.TRUE.equals(x.getAs(Cols.RETAINED))) {
        n.merge("retained", people, Long::sum);
      }
    }
    for (String stage : FUNNEL) {
      if (!m.has(funnel(stage))) { // registered, eligible and the cohort are counted already
        m.count(funnel(stage), n.getOrDefault(stage, 0L));
      }
    }
    // The ineligible (registered − eligible) are the exclusions; the concentration figures
    // already hold registered = eligible + ineligible.
    m.sum(
        Key.overall(PEOPLE, INELIGIBLE),
        Cohort.EXCLUSIONS.stream().map(e -> funnel("excluded_" + e)).toList());
    m.sum(funnel("in_cohort"), List.of(funnel("selected"), funnel("retained")));
  }

  // ---------------------------------------------------------------------------------------------
  // Tables from the controlled figures

  private List<Concentration> concentration(Measures.Controlled c) {
    List<Concentration> out = new ArrayList<>();
    for (String base : BASES) {
      for (String scope : SCOPES) {
        for (String g : new TreeSet<>(m.levels(PEOPLE, REGISTERED, scope))) {
          if (m.exact(new Key(PEOPLE, base, scope, g)) == 0) {
            continue; // e.g. the eligible population of people in no PCN: nobody
          }
          for (Measure x : MEASURES) {
            Key cohort = new Key(x.name(), COHORT, scope, g);
            out.add(
                new Concentration(
                    base,
                    scope,
                    g,
                    x.name(),
                    c.value(cohort),
                    c.value(cohort.of(base)),
                    c.ratio(share(cohort, base))));
          }
        }
      }
    }
    return out;
  }

  private List<Profile> profile(Measures.Controlled c, List<Row> makeUp) {
    List<Profile> out = new ArrayList<>();
    for (String dim : PROFILE) {
      TreeSet<String> groups = new TreeSet<>();
      for (Row x : makeUp) {
        groups.add(group(x.getAs(dim), UNKNOWN));
      }
      for (String g : groups) {
        Key cohort = new Key(PEOPLE, COHORT, dim, g);
        Double cohortPct = c.ratio(makeUp(cohort));
        Double populationPct = c.ratio(makeUp(cohort.of(ELIGIBLE)));
        out.add(
            new Profile(
                dim,
                g,
                c.value(cohort),
                cohortPct,
                c.value(cohort.of(ELIGIBLE)),
                populationPct,
                cohortPct == null || populationPct == null || populationPct == 0
                    ? null
                    : cohortPct / populationPct));
      }
    }
    return out;
  }

  private List<Churn> churn(Measures.Controlled c, List<String> listPcns) {
    List<Churn> out = new ArrayList<>();
    List<String> rows = new ArrayList<>(listPcns);
    rows.add(ALL);
    for (String pcn : rows) {
      Map<String, Long> leftBy = new LinkedHashMap<>();
      for (String reason : Cohort.LEAVING_REASONS) {
        leftBy.put(reason, c.value(churn(pcn, "left_" + reason)));
      }
      out.add(
          new Churn(
              pcn,
              c.value(churn(pcn, "previous")),
              c.value(churn(pcn, "stayed")),
              c.value(churn(pcn, "entered")),
              c.value(churn(pcn, "left")),
              leftBy,
              c.value(current(pcn))));
    }
    return out;
  }

  private List<Funnel> funnel(Measures.Controlled c) {
    return FUNNEL.stream().map(s -> new Funnel(s, c.value(funnel(s)))).toList();
  }
}

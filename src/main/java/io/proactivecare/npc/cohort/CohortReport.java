package io.proactivecare.npc.cohort;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.CohortSettings;
import io.proactivecare.npc.disclosure.Disclosure;
import io.proactivecare.npc.schema.Cols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The cohort's aggregate outputs (docs/cohort.md): concentration of activity and cost, the cohort's
 * make-up against the eligible population's, churn per PCN list and the selection funnel. Every
 * figure passes through {@link Disclosure#control} in one call, so a number shown in two tables is
 * suppressed in both or neither.
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

  /** Everything published, after disclosure control. */
  public record Tables(
      List<Concentration> concentration,
      List<Profile> profile,
      List<Churn> churn,
      List<Funnel> funnel,
      Disclosure.Controlled controlled) {}

  private final Map<String, Disclosure.Cell> cells = new LinkedHashMap<>();
  private final List<Disclosure.Sum> sums = new ArrayList<>();
  private final List<Disclosure.Ratio> ratios = new ArrayList<>();

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
    List<String> listPcns = r.churnCells(changes, groupsOfPcn);
    r.funnelCells(funnel);
    Disclosure.Controlled c = Disclosure.control(List.copyOf(r.cells.values()), r.sums, r.ratios);
    return new Tables(
        r.concentration(c),
        r.profile(c, makeUp),
        r.churn(c, listPcns, groupsOfPcn),
        r.funnel(c),
        c);
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
            col(Cols.ETHNIC_CATEGORY))
        .agg(count(lit(1)).as("n"))
        .collectAsList();
  }

  // ---------------------------------------------------------------------------------------------
  // Cells

  private void cell(String id, long value, long contributors) {
    Disclosure.Cell c = new Disclosure.Cell(id, value, contributors);
    Disclosure.Cell before = cells.putIfAbsent(id, c);
    if (before != null && !before.equals(c)) {
      throw new IllegalStateException("cell " + id + " given two values: " + before + ", " + c);
    }
  }

  // What a cell counts: the cohort, the eligible population, everyone registered, and the two
  // complements a reader could work out by subtraction (never published, but controlled, so that
  // subtraction cannot reveal what suppression hides).
  private static final String REGISTERED = "registered";
  private static final String ELIGIBLE = "eligible";
  private static final String REST = "rest";
  private static final String INELIGIBLE = "ineligible";

  private static String id(String kind, String scope, String group, String measure) {
    return kind + "|" + scope + "|" + group + "|" + measure;
  }

  private static String ratioId(String kind, String scope, String group, String measure) {
    return "ratio|" + id(kind, scope, group, measure);
  }

  /**
   * Concentration cells for every scope, group and measure: the cohort, the eligible and the
   * registered population, and the complements rest = eligible − cohort and ineligible = registered
   * − eligible, with every additive relation among them. Returns the PCN groups.
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
        for (String kind : List.of(COHORT, REST, INELIGIBLE, ELIGIBLE, REGISTERED)) {
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
      for (int m = 0; m < MEASURES.size(); m++) {
        String name = MEASURES.get(m).name();
        for (String g : groups) {
          for (Map.Entry<String, long[]> k : by.get(g).entrySet()) {
            cell(id(k.getKey(), scope, g, name), k.getValue()[2 * m], k.getValue()[2 * m + 1]);
          }
          sums.add(
              new Disclosure.Sum(
                  id(ELIGIBLE, scope, g, name),
                  List.of(id(COHORT, scope, g, name), id(REST, scope, g, name))));
          sums.add(
              new Disclosure.Sum(
                  id(REGISTERED, scope, g, name),
                  List.of(id(ELIGIBLE, scope, g, name), id(INELIGIBLE, scope, g, name))));
          for (String base : BASES) {
            ratios.add(
                new Disclosure.Ratio(
                    ratioId(base, scope, g, name),
                    id(COHORT, scope, g, name),
                    id(base, scope, g, name),
                    100));
          }
        }
        if (!scope.equals(OVERALL)) {
          for (String kind : List.of(COHORT, REST, INELIGIBLE, ELIGIBLE, REGISTERED)) {
            sums.add(
                new Disclosure.Sum(
                    id(kind, OVERALL, ALL, name),
                    groups.stream().map(g -> id(kind, scope, g, name)).toList()));
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
      // The quintile's cells and sums are the concentration table's already.
      boolean shared = dim.equals(Cols.IMD_QUINTILE);
      for (String g : groups) {
        long cohort = counts.get(g)[0];
        long eligible = counts.get(g)[1];
        cell(id(COHORT, dim, g, "people"), cohort, cohort);
        cell(id(ELIGIBLE, dim, g, "people"), eligible, eligible);
        cell(id(REST, dim, g, "people"), eligible - cohort, eligible - cohort);
        if (!shared) {
          sums.add(
              new Disclosure.Sum(
                  id(ELIGIBLE, dim, g, "people"),
                  List.of(id(COHORT, dim, g, "people"), id(REST, dim, g, "people"))));
        }
        for (String kind : List.of(COHORT, ELIGIBLE)) {
          ratios.add(
              new Disclosure.Ratio(
                  ratioId(kind + "_pct", dim, g, "people"),
                  id(kind, dim, g, "people"),
                  id(kind, OVERALL, ALL, "people"),
                  100));
        }
      }
      if (!shared) {
        for (String kind : List.of(COHORT, ELIGIBLE, REST)) {
          sums.add(
              new Disclosure.Sum(
                  id(kind, OVERALL, ALL, "people"),
                  groups.stream().map(g -> id(kind, dim, g, "people")).toList()));
        }
      }
    }
  }

  private static final String CHURN = "churn";

  private static String churnId(String pcn, String what) {
    return CHURN + "|" + pcn + "|" + what;
  }

  /** The id of a list's current size: the concentration table's cohort count for its PCN. */
  private static String currentId(String pcn, List<String> eligiblePcns) {
    return pcn.equals(ALL)
        ? id(COHORT, OVERALL, ALL, "people")
        : eligiblePcns.contains(pcn)
            ? id(COHORT, Cols.PCN_CODE, pcn, "people")
            : churnId(pcn, "current");
  }

  /** Churn cells; returns the PCNs that have a list. */
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
      Map<String, Long> m = by.getOrDefault(pcn, Map.of());
      long stayed = m.getOrDefault(Cohort.CONTINUING, 0L);
      long entered = m.getOrDefault(Cohort.NEW, 0L);
      long left = 0;
      for (String reason : Cohort.LEAVING_REASONS) {
        long n = m.getOrDefault("left_" + reason, 0L);
        left += n;
        cell(churnId(pcn, "left_" + reason), n, n);
        totals.merge("left_" + reason, n, Long::sum);
      }
      cell(churnId(pcn, "stayed"), stayed, stayed);
      cell(churnId(pcn, "entered"), entered, entered);
      cell(churnId(pcn, "left"), left, left);
      cell(churnId(pcn, "previous"), stayed + left, stayed + left);
      cell(currentId(pcn, eligiblePcns), stayed + entered, stayed + entered);
      totals.merge("stayed", stayed, Long::sum);
      totals.merge("entered", entered, Long::sum);
      totals.merge("left", left, Long::sum);
      totals.merge("previous", stayed + left, Long::sum);
      churnRowSums(pcn, eligiblePcns);
    }
    totals.forEach((what, n) -> cell(churnId(ALL, what), n, n));
    for (String what : totals.keySet()) {
      sums.add(
          new Disclosure.Sum(churnId(ALL, what), out.stream().map(p -> churnId(p, what)).toList()));
    }
    sums.add(
        new Disclosure.Sum(
            currentId(ALL, eligiblePcns),
            out.stream().map(p -> currentId(p, eligiblePcns)).toList()));
    churnRowSums(ALL, eligiblePcns);
    return out;
  }

  /**
   * Within a churn row: current = stayed + entered, previous = stayed + left, left = its reasons.
   */
  private void churnRowSums(String pcn, List<String> eligiblePcns) {
    sums.add(
        new Disclosure.Sum(
            currentId(pcn, eligiblePcns),
            List.of(churnId(pcn, "stayed"), churnId(pcn, "entered"))));
    sums.add(
        new Disclosure.Sum(
            churnId(pcn, "previous"), List.of(churnId(pcn, "stayed"), churnId(pcn, "left"))));
    sums.add(
        new Disclosure.Sum(
            churnId(pcn, "left"),
            Cohort.LEAVING_REASONS.stream().map(r -> churnId(pcn, "left_" + r)).toList()));
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

  private static String funnelId(String stage) {
    return switch (stage) {
      case "registered" -> id(REGISTERED, OVERALL, ALL, "people");
      case "eligible" -> id(ELIGIBLE, OVERALL, ALL, "people");
      case "in_cohort" -> id(COHORT, OVERALL, ALL, "people");
      default -> "funnel|" + stage;
    };
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
      if (!funnelId(stage).startsWith("funnel|")) {
        continue;
      }
      long v = n.getOrDefault(stage, 0L);
      cell(funnelId(stage), v, v);
    }
    // The ineligible (registered − eligible) are the exclusions; the concentration cells already
    // hold registered = eligible + ineligible.
    List<String> parts = new ArrayList<>();
    for (String e : Cohort.EXCLUSIONS) {
      parts.add(funnelId("excluded_" + e));
    }
    sums.add(new Disclosure.Sum(id(INELIGIBLE, OVERALL, ALL, "people"), parts));
    sums.add(
        new Disclosure.Sum(
            funnelId("in_cohort"), List.of(funnelId("selected"), funnelId("retained"))));
  }

  // ---------------------------------------------------------------------------------------------
  // Tables from the controlled cells

  private static Long value(Disclosure.Controlled c, String id) {
    var v = Objects.requireNonNull(c.counts().get(id), id);
    return v.isPresent() ? v.getAsLong() : null;
  }

  private static Double ratio(Disclosure.Controlled c, String id) {
    var v = Objects.requireNonNull(c.ratios().get(id), id);
    return v.isPresent() ? v.getAsDouble() : null;
  }

  private List<Concentration> concentration(Disclosure.Controlled c) {
    List<Concentration> out = new ArrayList<>();
    for (String base : BASES) {
      for (String scope : SCOPES) {
        TreeSet<String> groups = new TreeSet<>();
        String prefix = REGISTERED + "|" + scope + "|";
        for (String id : cells.keySet()) {
          if (id.startsWith(prefix)) {
            groups.add(id.substring(prefix.length(), id.indexOf('|', prefix.length())));
          }
        }
        for (String g : groups) {
          if (cells.get(id(base, scope, g, "people")).value() == 0) {
            continue; // e.g. the eligible population of people in no PCN: nobody
          }
          for (Measure m : MEASURES) {
            out.add(
                new Concentration(
                    base,
                    scope,
                    g,
                    m.name(),
                    value(c, id(COHORT, scope, g, m.name())),
                    value(c, id(base, scope, g, m.name())),
                    ratio(c, ratioId(base, scope, g, m.name()))));
          }
        }
      }
    }
    return out;
  }

  private List<Profile> profile(Disclosure.Controlled c, List<Row> makeUp) {
    List<Profile> out = new ArrayList<>();
    for (String dim : PROFILE) {
      TreeSet<String> groups = new TreeSet<>();
      for (Row x : makeUp) {
        groups.add(group(x.getAs(dim), UNKNOWN));
      }
      for (String g : groups) {
        Double cohortPct = ratio(c, ratioId(COHORT + "_pct", dim, g, "people"));
        Double populationPct = ratio(c, ratioId(ELIGIBLE + "_pct", dim, g, "people"));
        out.add(
            new Profile(
                dim,
                g,
                value(c, id(COHORT, dim, g, "people")),
                cohortPct,
                value(c, id(ELIGIBLE, dim, g, "people")),
                populationPct,
                cohortPct == null || populationPct == null || populationPct == 0
                    ? null
                    : cohortPct / populationPct));
      }
    }
    return out;
  }

  private List<Churn> churn(
      Disclosure.Controlled c, List<String> listPcns, List<String> eligiblePcns) {
    List<Churn> out = new ArrayList<>();
    List<String> rows = new ArrayList<>(listPcns);
    rows.add(ALL);
    for (String pcn : rows) {
      Map<String, Long> leftBy = new LinkedHashMap<>();
      for (String reason : Cohort.LEAVING_REASONS) {
        leftBy.put(reason, value(c, churnId(pcn, "left_" + reason)));
      }
      out.add(
          new Churn(
              pcn,
              value(c, churnId(pcn, "previous")),
              value(c, churnId(pcn, "stayed")),
              value(c, churnId(pcn, "entered")),
              value(c, churnId(pcn, "left")),
              leftBy,
              value(c, currentId(pcn, eligiblePcns))));
    }
    return out;
  }

  private List<Funnel> funnel(Disclosure.Controlled c) {
    return FUNNEL.stream().map(s -> new Funnel(s, value(c, funnelId(s)))).toList();
  }
}

package io.proactivecare.npc.monitoring;

import io.proactivecare.npc.config.MonitoringSettings;
import io.proactivecare.npc.config.MonitoringSettings.Threshold;
import io.proactivecare.npc.disclosure.Measures;
import io.proactivecare.npc.disclosure.Measures.Key;
import io.proactivecare.npc.risk.Metrics;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.RunManifest.MonitoringCheck;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The nightly run's monitoring measures (docs/operations.md, "Monitoring"): each a pure function of
 * plain numbers, checkable by hand, and {@link #evaluate} that makes the run's checks (for the
 * manifest) and its measures table (for publishing, after disclosure control) from them.
 */
public final class Monitoring {
  private Monitoring() {}

  /** A bin's share below this is taken as this in the PSI, so an empty bin gives a finite term. */
  public static final double EPSILON = 1e-4;

  public static final String QUARANTINE_SHARE = "quarantine_share";
  public static final String ROWS_READ = "rows_read";
  public static final String PSI = "psi";
  public static final String CHURN_SHARE = "churn_share";
  public static final String AUROC = "auroc";
  public static final String OBSERVED_OVER_EXPECTED = "observed_over_expected";
  public static final String CALIBRATION_IN_THE_LARGE = "calibration_in_the_large";

  // ---------------------------------------------------------------------------------------------
  // The measures, one by one

  /** The median: the middle value, or the mean of the two middle ones; NaN for none. */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /**
   * The population stability index of {@code actual} against {@code expected}, bin by bin: {@code
   * PSI = sum_i (a_i - e_i) ln(a_i / e_i)}, where {@code e_i} and {@code a_i} are the shares of
   * each in bin {@code i}, each at least {@link #EPSILON}. 0 for the same distribution.
   */
  public static double psi(long[] expected, long[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          "bins: " + expected.length + " expected, " + actual.length + " actual");
    }
    double totalE = Arrays.stream(expected).sum();
    double totalA = Arrays.stream(actual).sum();
    if (totalE == 0 || totalA == 0) {
      return Double.NaN;
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i] / totalE, EPSILON);
      double a = Math.max(actual[i] / totalA, EPSILON);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /**
   * The bin edges from the previous run's score deciles (the 10th to 90th percentiles): each
   * distinct edge once, in order, so tied deciles make fewer, wider bins.
   */
  public static double[] edges(double[] deciles) {
    return Arrays.stream(deciles).distinct().sorted().toArray();
  }

  /** The bin of {@code value}: how many edges lie below it (bin 0 holds values up to the first). */
  public static int bin(double value, double[] edges) {
    int b = 0;
    for (double e : edges) {
      if (value > e) {
        b++;
      }
    }
    return b;
  }

  /** Churn: the share of the lists' rows that are new or leaving; NaN when the lists are empty. */
  public static double churnShare(long stayed, long entered, long left) {
    long rows = stayed + entered + left;
    return rows == 0 ? Double.NaN : (double) (entered + left) / rows;
  }

  /**
   * The discrimination and calibration of matured predictions {@code p} against their outcomes
   * {@code y}.
   *
   * @param expected the sum of the predictions: the events the model expected
   * @param observedOverExpected events / expected (1 is calibrated; above 1, risk was understated)
   * @param calibrationInTheLarge the intercept {@code a} of {@code logit P(y) = a + logit(p)}: 0 is
   *     calibrated, above 0 the risk was understated
   */
  public record Matured(
      long n,
      long events,
      double expected,
      double auroc,
      double observedOverExpected,
      double calibrationInTheLarge) {}

  public static Matured matured(double[] p, int[] y) {
    long events = Arrays.stream(y).filter(v -> v == 1).count();
    double expected = Arrays.stream(p).sum();
    return new Matured(
        p.length,
        events,
        expected,
        Metrics.auroc(p, y),
        expected == 0 ? Double.NaN : events / expected,
        events == 0 || events == p.length ? Double.NaN : Metrics.calibrationInTheLarge(p, y));
  }

  // ---------------------------------------------------------------------------------------------
  // The checks: a measure against the usual, and its alert

  /**
   * A table's quarantined share against the median of earlier runs': an alert when it is above by
   * more than the limit.
   */
  public static MonitoringCheck quarantineShare(
      String table, double share, List<Double> earlier, Threshold t) {
    double usual = median(earlier);
    return check(
        QUARANTINE_SHARE, table, share, earlier, usual, t, share - usual > t.limit() + 1e-12);
  }

  /**
   * A table's rows read against the median of earlier runs': an alert when it is below by more than
   * the limit's share of it.
   */
  public static MonitoringCheck rowsRead(
      String table, long rows, List<Double> earlier, Threshold t) {
    double usual = median(earlier);
    return check(
        ROWS_READ,
        table,
        rows,
        earlier,
        usual,
        t,
        usual > 0 && (usual - rows) / usual > t.limit() + 1e-12);
  }

  /** Churn against the median of earlier runs': an alert when above by more than the limit. */
  public static MonitoringCheck churn(double share, List<Double> earlier, Threshold t) {
    double usual = median(earlier);
    return check(
        CHURN_SHARE, "cohort/list", share, earlier, usual, t, share - usual > t.limit() + 1e-12);
  }

  /** The PSI against the previous published scores (version {@code previous}). */
  public static MonitoringCheck psi(double psi, String previous, Threshold t) {
    return new MonitoringCheck(
        PSI,
        "risk/scores",
        finite(psi),
        0.0,
        "against risk/scores version " + previous,
        t.limit(),
        t.action(),
        Double.isNaN(psi) ? MonitoringCheck.NO_BASELINE : status(psi > t.limit(), t));
  }

  /**
   * The checks of the scores published as of {@code version}, on outcomes matured since: the AUROC
   * against its floor, and the calibration (without an alert).
   */
  public static List<MonitoringCheck> matured(Matured m, String version, Threshold floor) {
    String basis = "risk/scores version " + version + ", " + m.n() + " people, " + m.events();
    basis += " with the outcome";
    return List.of(
        new MonitoringCheck(
            AUROC,
            "risk/scores",
            finite(m.auroc()),
            null,
            basis,
            floor.limit(),
            floor.action(),
            Double.isNaN(m.auroc())
                ? MonitoringCheck.NO_BASELINE
                : status(m.auroc() < floor.limit(), floor)),
        new MonitoringCheck(
            OBSERVED_OVER_EXPECTED,
            "risk/scores",
            finite(m.observedOverExpected()),
            1.0,
            basis + String.format(Locale.ROOT, ", %.1f expected", m.expected()),
            null,
            "",
            MonitoringCheck.OK),
        new MonitoringCheck(
            CALIBRATION_IN_THE_LARGE,
            "risk/scores",
            finite(m.calibrationInTheLarge()),
            0.0,
            basis,
            null,
            "",
            MonitoringCheck.OK));
  }

  /**
   * Which published scores the matured check evaluates, or why none: the version named, else the
   * reason ("not matured: ...") in {@code notMatured}.
   */
  public record MaturedVersion(String version, String notMatured) {}

  /**
   * The newest of the published score versions {@code published} (as-of dates) keyed on or before
   * {@code asOf} less {@code horizonDays}, so that their outcome window has passed, if it is at
   * most {@code maxAgeDays} before {@code asOf}. Older scores are passed over: after a gap in the
   * runs they would judge the model of long ago, not the one the lists come from now.
   */
  public static MaturedVersion maturedVersion(
      java.util.Collection<String> published, LocalDate asOf, int horizonDays, int maxAgeDays) {
    LocalDate target = asOf.minusDays(horizonDays);
    Optional<LocalDate> newest =
        published.stream()
            .map(LocalDate::parse)
            .filter(d -> !d.isAfter(target))
            .max(java.util.Comparator.naturalOrder());
    if (newest.isEmpty()) {
      return new MaturedVersion(
          null,
          "not matured: no risk/scores published on or before "
              + target
              + " (the as-of date less risk.horizon_days, "
              + horizonDays
              + ")");
    }
    long age = java.time.temporal.ChronoUnit.DAYS.between(newest.get(), asOf);
    if (age > maxAgeDays) {
      return new MaturedVersion(
          null,
          "not matured: the newest risk/scores published on or before "
              + target
              + " are version "
              + newest.get()
              + ", "
              + age
              + " days before the as-of date, older than monitoring.matured_max_age_days ("
              + maxAgeDays
              + "); runs resumed after a gap, and scores that old would judge an old model");
    }
    return new MaturedVersion(newest.get().toString(), null);
  }

  /** The AUROC's check when no scores have matured yet: said, never a number. */
  public static MonitoringCheck notMatured(String why, Threshold floor) {
    return new MonitoringCheck(
        AUROC, "risk/scores", null, null, why, floor.limit(), floor.action(), "not_matured");
  }

  private static MonitoringCheck check(
      String measure,
      String subject,
      double value,
      List<Double> earlier,
      double usual,
      Threshold t,
      boolean alert) {
    if (earlier.isEmpty()) {
      return new MonitoringCheck(
          measure,
          subject,
          value,
          null,
          "no earlier run to compare with",
          t.limit(),
          t.action(),
          MonitoringCheck.NO_BASELINE);
    }
    return new MonitoringCheck(
        measure,
        subject,
        finite(value),
        usual,
        "median of the last "
            + earlier.size()
            + " successful run"
            + (earlier.size() == 1 ? "" : "s"),
        t.limit(),
        t.action(),
        status(alert, t));
  }

  private static String status(boolean alert, Threshold t) {
    return !alert ? MonitoringCheck.OK : t.fails() ? MonitoringCheck.FAIL : MonitoringCheck.WARN;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Earlier runs

  /**
   * The values {@code of} gives for the newest {@code n} of {@code earlier} runs (oldest first)
   * that have one: runs without the measure are passed over, not counted.
   */
  public static List<Double> lastValues(
      List<RunManifest> earlier, Function<RunManifest, Optional<Double>> of, int n) {
    List<Double> out = new ArrayList<>();
    for (int i = earlier.size() - 1; i >= 0 && out.size() < n; i--) {
      of.apply(earlier.get(i)).ifPresent(v -> out.add(0, v));
    }
    return out;
  }

  /** An ingested table's count in a run's manifest. */
  static Optional<RunManifest.TableCount> table(RunManifest m, String table) {
    return m.steps().stream()
        .filter(s -> RunManifest.SUCCEEDED.equals(s.status()))
        .flatMap(s -> s.tables().stream())
        .filter(t -> t.table().equals(table))
        .findFirst();
  }

  /** A monitoring check's value in a run's manifest. */
  static Optional<Double> checked(RunManifest m, String measure) {
    return m.monitoring().stream()
        .filter(c -> c.measure().equals(measure) && c.value() != null)
        .map(MonitoringCheck::value)
        .findFirst();
  }

  // ---------------------------------------------------------------------------------------------
  // One run

  /** The previous run's and this run's scores, counted in the previous run's decile bins. */
  public record Scores(String previousVersion, long[] previous, long[] current) {}

  /** The lists' rows by status. */
  public record Lists(long stayed, long entered, long left, boolean first) {}

  /**
   * The scores published a horizon before, with their outcomes ({@code p}, {@code y}); or, in
   * {@code notMatured}, why there are none.
   */
  public record MaturedScores(String version, double[] p, int[] y, String notMatured) {
    public static MaturedScores none(String why) {
      return new MaturedScores(null, null, null, why);
    }
  }

  /**
   * What a run found.
   *
   * @param checks for the manifest, in order: the tables, the scores, the lists, the outcomes
   * @param measures the aggregate, controlled: rows of {@link Measures#SCHEMA}
   */
  public record Result(List<MonitoringCheck> checks, Measures.Controlled measures) {}

  /**
   * The checks and the measures table of a run.
   *
   * @param tables this run's ingest counts (none when it ingested nothing)
   * @param scores empty when there are no previous scores
   * @param lists empty when the run has no cohort list
   * @param earlier the job's earlier successful runs, oldest first
   */
  public static Result evaluate(
      List<RunManifest.TableCount> tables,
      Optional<Scores> scores,
      Optional<Lists> lists,
      MaturedScores outcomes,
      List<RunManifest> earlier,
      MonitoringSettings s) {
    List<MonitoringCheck> checks = new ArrayList<>();
    Measures m = new Measures();
    int n = s.historyRuns();
    for (RunManifest.TableCount t : tables) {
      checks.add(
          quarantineShare(
              t.table(),
              t.quarantineShare(),
              lastValues(earlier, r -> table(r, t.table()).map(c -> c.quarantineShare()), n),
              s.quarantineShareRise()));
      checks.add(
          rowsRead(
              t.table(),
              t.read(),
              lastValues(earlier, r -> table(r, t.table()).map(c -> (double) c.read()), n),
              s.volumeDrop()));
      Key read = m.count(new Key("rows", "read", "table", t.table()), t.read());
      Key quarantined = m.count(read.of("quarantined"), t.quarantined());
      m.ratio(read.of("quarantined_share_of_read"), quarantined, read, 100);
    }
    if (scores.isEmpty()) {
      checks.add(
          new MonitoringCheck(
              PSI,
              "risk/scores",
              null,
              null,
              "no earlier published risk/scores to compare with",
              s.psi().limit(),
              s.psi().action(),
              MonitoringCheck.NO_BASELINE));
    }
    scores.ifPresent(
        x -> {
          double stability = psi(x.previous(), x.current());
          checks.add(psi(stability, x.previousVersion(), s.psi()));
          // The PSI is computed from every bin's count, so it is published only when all of
          // them are: a bin of 1-7 people could otherwise be read back from it.
          List<Key> over = new ArrayList<>(bins(m, "scores_current", x.current()));
          over.addAll(bins(m, "scores_previous", x.previous()));
          m.statistic(Key.overall(PSI, "scores_current"), stability, over);
        });
    lists.ifPresent(
        l -> {
          double share = churnShare(l.stayed(), l.entered(), l.left());
          if (l.first()) {
            checks.add(
                new MonitoringCheck(
                    CHURN_SHARE,
                    "cohort/list",
                    // Not churn (everyone is new), and never part of a later run's usual.
                    null,
                    null,
                    "the first list: everyone is new",
                    s.churnRise().limit(),
                    s.churnRise().action(),
                    MonitoringCheck.NO_BASELINE));
          } else {
            checks.add(
                churn(share, lastValues(earlier, r -> checked(r, CHURN_SHARE), n), s.churnRise()));
          }
          // The list's counts are published by the cohort step (cohort/measures, cohort/churn),
          // under its own disclosure control; publishing them again here, controlled apart,
          // could undo its secondary suppression, so only the manifest's check carries churn.
        });
    if (outcomes.notMatured() != null) {
      checks.add(notMatured(outcomes.notMatured(), s.aurocFloor()));
    } else {
      Matured r = matured(outcomes.p(), outcomes.y());
      checks.addAll(matured(r, outcomes.version(), s.aurocFloor()));
      Key scored = m.count(Key.overall("people", "matured_scored"), r.n());
      Key events = m.count(Key.overall("people", "matured_events"), r.events());
      Key none = m.count(Key.overall("people", "matured_non_events"), r.n() - r.events());
      m.sum(scored, List.of(events, none));
      Key expected =
          m.amount(
              Key.overall("expected_events", "matured_scored"), Math.round(r.expected()), r.n());
      m.ratio(Key.overall("events", "matured_observed_over_expected"), events, expected, 1);
      m.statistic(Key.overall(AUROC, "matured_scored"), r.auroc(), List.of(events, none));
      m.statistic(
          Key.overall(CALIBRATION_IN_THE_LARGE, "matured_scored"),
          r.calibrationInTheLarge(),
          List.of(events, none));
    }
    return new Result(List.copyOf(checks), m.control());
  }

  /**
   * People per score bin (levels 1, 2, ...) and their total; returns the total's and the bins'
   * keys.
   */
  private static List<Key> bins(Measures m, String population, long[] counts) {
    List<Key> parts = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      parts.add(
          m.count(new Key("people", population, "risk_bin", String.valueOf(i + 1)), counts[i]));
    }
    Key total = m.count(Key.overall("people", population), Arrays.stream(counts).sum());
    m.sum(total, parts);
    List<Key> keys = new ArrayList<>(List.of(total));
    keys.addAll(parts);
    return keys;
  }

  /** One line for people: a check's value against the usual, and when it alerts. */
  public static String describe(MonitoringCheck c) {
    String value = c.value() == null ? "-" : number(c.measure(), c.value());
    String against =
        c.baseline() == null || c.measure().equals(PSI)
            ? ""
            : " against " + number(c.measure(), c.baseline());
    return c.measure() + " of " + c.subject() + " " + value + against + " (" + basis(c) + ")";
  }

  /** Where a check's baseline is from, and when it alerts. */
  public static String basis(MonitoringCheck c) {
    String when = alertWhen(c);
    return c.basis() + (when.isEmpty() ? "" : "; alert " + when);
  }

  /**
   * When a check alerts, and what the alert does: "on a rise of more than 2.00 points (warn)";
   * empty for a measure without an alert.
   */
  public static String alertWhen(MonitoringCheck c) {
    if (c.limit() == null) {
      return "";
    }
    return switch (c.measure()) {
          case ROWS_READ -> "on a drop of more than " + pct(c.limit());
          case QUARANTINE_SHARE, CHURN_SHARE ->
              "on a rise of more than " + pct(c.limit()).replace("%", " points");
          case AUROC -> "below " + number(c.measure(), c.limit());
          default -> "above " + number(c.measure(), c.limit());
        }
        + " ("
        + c.action()
        + ")";
  }

  /**
   * What a run's monitoring found, in a word or two: "-" (no checks), "ok", "2 warn", "1 fail, 1
   * warn", or "no baseline" when nothing could be compared yet (every check without a baseline or
   * not matured: a first run).
   */
  public static String summary(List<MonitoringCheck> checks) {
    if (checks.isEmpty()) {
      return "-";
    }
    long fail = checks.stream().filter(c -> MonitoringCheck.FAIL.equals(c.status())).count();
    long warn = checks.stream().filter(c -> MonitoringCheck.WARN.equals(c.status())).count();
    if (fail + warn == 0) {
      boolean compared = checks.stream().anyMatch(c -> MonitoringCheck.OK.equals(c.status()));
      return compared ? "ok" : "no baseline";
    }
    return (fail > 0 ? fail + " fail" : "")
        + (fail > 0 && warn > 0 ? ", " : "")
        + (warn > 0 ? warn + " warn" : "");
  }

  /** A value of {@code measure} as people read it: rows with separators, shares as percentages. */
  public static String number(String measure, double v) {
    return switch (measure) {
      case ROWS_READ -> String.format(Locale.ROOT, "%,.0f", v);
      case QUARANTINE_SHARE, CHURN_SHARE -> pct(v);
      default -> String.format(Locale.ROOT, "%.3f", v);
    };
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }
}

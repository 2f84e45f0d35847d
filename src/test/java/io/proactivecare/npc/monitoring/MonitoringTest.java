package io.proactivecare.npc.monitoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.MonitoringSettings;
import io.proactivecare.npc.config.MonitoringSettings.Threshold;
import io.proactivecare.npc.disclosure.Measures.Key;
import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.RunManifest.MonitoringCheck;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Each monitoring measure on numbers small enough to work on paper (docs/operations.md,
 * "Monitoring"), the checks against the usual, and the published measures table.
 */
class MonitoringTest {
  private static final Threshold WARN_2_POINTS = new Threshold(0.02, "warn");

  // ---------------------------------------------------------------------------------------------
  // PSI

  @Test
  void psiOfTwoTenBinDistributionsWorkedByHand() {
    // Previous run: 10 people in each of 10 bins, shares 0.1. This run: 5, 5, 10 x 6, 15, 15.
    long[] expected = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
    long[] actual = {5, 5, 10, 10, 10, 10, 10, 10, 15, 15};
    // Bins 1-2: (0.05 - 0.1) ln(0.05 / 0.1) = 0.05 ln 2 each; bins 9-10: 0.05 ln 1.5 each; the rest
    // 0. Total 0.1 ln 2 + 0.1 ln 1.5 = 0.1 ln 3 = 0.109861.
    assertEquals(0.1 * Math.log(3), Monitoring.psi(expected, actual), 1e-12);
    assertEquals(0.109861, Monitoring.psi(expected, actual), 1e-6);
    // The same distribution, at any size, is 0.
    assertEquals(0.0, Monitoring.psi(expected, new long[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}), 1e-15);
  }

  @Test
  void anEmptyBinCountsAsEpsilonSoThePsiStaysFinite() {
    long[] expected = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
    // Bin 1 empty, bin 2 doubled: (0.0001 - 0.1) ln(0.0001 / 0.1) + (0.2 - 0.1) ln 2
    //   = 0.0999 x 6.907755 + 0.069315 = 0.690085 + 0.069315 = 0.759400.
    long[] actual = {0, 20, 10, 10, 10, 10, 10, 10, 10, 10};
    assertEquals(1e-4, Monitoring.EPSILON);
    assertEquals(0.759400, Monitoring.psi(expected, actual), 1e-6);
  }

  @Test
  void binsAreTheDistinctDecileEdgesAndAValueOnAnEdgeIsInTheLowerBin() {
    // Tied deciles make fewer, wider bins.
    double[] edges = Monitoring.edges(new double[] {0.1, 0.1, 0.2, 0.2, 0.2, 0.3, 0.4, 0.4, 0.5});
    assertArrayEquals(new double[] {0.1, 0.2, 0.3, 0.4, 0.5}, edges);
    assertEquals(0, Monitoring.bin(0.05, edges));
    assertEquals(0, Monitoring.bin(0.1, edges));
    assertEquals(1, Monitoring.bin(0.15, edges));
    assertEquals(5, Monitoring.bin(0.9, edges));
  }

  @Test
  void sparkCountsEachBinAsTheHandRuleDoes() {
    double[] p = {0.05, 0.1, 0.15, 0.2, 0.25, 0.9, 0.1};
    double[] edges = {0.1, 0.2};
    Dataset<Row> scores =
        SparkTestSession.get()
            .createDataset(java.util.Arrays.stream(p).boxed().toList(), Encoders.DOUBLE())
            .toDF(Scoring.PROBABILITY);
    // Up to 0.1: 0.05, 0.1, 0.1; up to 0.2: 0.15, 0.2; above: 0.25, 0.9.
    long[] byHand = new long[3];
    for (double v : p) {
      byHand[Monitoring.bin(v, edges)]++;
    }
    assertArrayEquals(new long[] {3, 2, 2}, byHand);
    assertArrayEquals(byHand, MonitoringStep.binCounts(scores, edges));
  }

  @Test
  void psiAlertsAboveItsLimit() {
    Threshold t = new Threshold(0.1, "fail");
    assertEquals(MonitoringCheck.FAIL, Monitoring.psi(0.109861, "2025-03-30", t).status());
    assertEquals(MonitoringCheck.OK, Monitoring.psi(0.1, "2025-03-30", t).status());
  }

  // ---------------------------------------------------------------------------------------------
  // Quarantine share and volumes against the usual

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(0.011, Monitoring.median(List.of(0.012, 0.010, 0.011)), 1e-15);
    assertEquals(0.0115, Monitoring.median(List.of(0.010, 0.012, 0.011, 0.050)), 1e-15);
    assertTrue(Double.isNaN(Monitoring.median(List.of())));
  }

  @Test
  void quarantineShareAlertsOnARiseAboveTheMedianOfEarlierRuns() {
    // Earlier runs 1.0%, 1.2%, 1.1%, 5.0% (one bad night): median 1.15%, mean 2.08%.
    List<Double> earlier = List.of(0.010, 0.012, 0.011, 0.050);
    // 3.20% is 2.05 points above the median: an alert. (Against the mean it would be 1.12: none.)
    MonitoringCheck c = Monitoring.quarantineShare("gp_events", 0.032, earlier, WARN_2_POINTS);
    assertEquals(MonitoringCheck.WARN, c.status());
    assertEquals(0.0115, c.baseline(), 1e-15);
    assertEquals("median of the last 4 successful runs", c.basis());
    // 3.10% is 1.95 points above: none.
    assertEquals(
        MonitoringCheck.OK,
        Monitoring.quarantineShare("gp_events", 0.031, earlier, WARN_2_POINTS).status());
    // With action fail the same alert fails the run.
    assertEquals(
        MonitoringCheck.FAIL,
        Monitoring.quarantineShare("gp_events", 0.032, earlier, new Threshold(0.02, "fail"))
            .status());
    // No earlier run: nothing to compare with, never an alert.
    MonitoringCheck first = Monitoring.quarantineShare("gp_events", 0.5, List.of(), WARN_2_POINTS);
    assertEquals(MonitoringCheck.NO_BASELINE, first.status());
    assertNull(first.baseline());
  }

  @Test
  void aDropInRowsReadOfMoreThanTheLimitIsAnAlert() {
    Threshold half = new Threshold(0.5, "fail");
    // Earlier 1,000, 1,200, 1,100 rows: median 1,100. 540 rows is 560 / 1,100 = 50.9% below.
    List<Double> earlier = List.of(1000.0, 1200.0, 1100.0);
    MonitoringCheck c = Monitoring.rowsRead("apc_spells", 540, earlier, half);
    assertEquals(MonitoringCheck.FAIL, c.status());
    assertEquals(1100.0, c.baseline());
    // 560 rows is 540 / 1,100 = 49.1% below: none; a rise is never an alert.
    assertEquals(
        MonitoringCheck.OK, Monitoring.rowsRead("apc_spells", 560, earlier, half).status());
    assertEquals(
        MonitoringCheck.OK, Monitoring.rowsRead("apc_spells", 9000, earlier, half).status());
  }

  @Test
  void theUsualIsTheNewestRunsThatHaveTheMeasure() {
    // Oldest first: a run of 100 rows, one without the table, then 200, 300, 400.
    List<RunManifest> earlier =
        List.of(
            run("r1", counts("gp_events", 100, 1)),
            run("r2", counts("apc_spells", 50, 0)),
            run("r3", counts("gp_events", 200, 2)),
            run("r4", counts("gp_events", 300, 3)),
            run("r5", counts("gp_events", 400, 4)));
    List<Double> rows =
        Monitoring.lastValues(
            earlier, r -> Monitoring.table(r, "gp_events").map(t -> (double) t.read()), 3);
    assertEquals(List.of(200.0, 300.0, 400.0), rows);
    assertEquals(
        List.of(100.0, 200.0, 300.0, 400.0),
        Monitoring.lastValues(
            earlier, r -> Monitoring.table(r, "gp_events").map(t -> (double) t.read()), 7));
  }

  // ---------------------------------------------------------------------------------------------
  // Churn

  @Test
  void churnIsTheShareOfTheListsRowsThatAreNewOrLeaving() {
    // 150 stayed, 10 new, 5 leaving: 15 / 165 = 0.090909.
    assertEquals(15 / 165.0, Monitoring.churnShare(150, 10, 5), 1e-15);
    Threshold t = new Threshold(0.1, "warn");
    // Usually 4%, 5%, 6%: median 5%. 9.09% is 4.09 points above: none.
    List<Double> usual = List.of(0.04, 0.06, 0.05);
    assertEquals(MonitoringCheck.OK, Monitoring.churn(15 / 165.0, usual, t).status());
    // 150 stayed, 40 new, 20 leaving: 60 / 210 = 28.57%, 23.57 points above: an alert.
    assertEquals(
        MonitoringCheck.WARN,
        Monitoring.churn(Monitoring.churnShare(150, 40, 20), usual, t).status());
  }

  // ---------------------------------------------------------------------------------------------
  // Matured outcomes

  @Test
  void aurocAndCalibrationOnSixPeopleWorkedByHand() {
    double[] p = {0.1, 0.2, 0.3, 0.4, 0.6, 0.8};
    int[] y = {0, 0, 1, 0, 1, 1};
    Monitoring.Matured m = Monitoring.matured(p, y);
    // Event/non-event pairs ranked right: 0.3 beats 0.1 and 0.2 but not 0.4; 0.6 and 0.8 beat all
    // three: 8 of 9.
    assertEquals(8 / 9.0, m.auroc(), 1e-12);
    assertEquals(6, m.n());
    assertEquals(3, m.events());
    // Expected 0.1 + 0.2 + 0.3 + 0.4 + 0.6 + 0.8 = 2.4 events; observed 3: O/E 1.25.
    assertEquals(2.4, m.expected(), 1e-12);
    assertEquals(1.25, m.observedOverExpected(), 1e-12);
    // Calibration in the large a: the shift of every logit that makes the expected events 3.
    double shifted = 0;
    for (double q : p) {
      shifted += 1 / (1 + Math.exp(-(m.calibrationInTheLarge() + Math.log(q / (1 - q)))));
    }
    assertEquals(3.0, shifted, 1e-6);
    assertTrue(m.calibrationInTheLarge() > 0, "risk was understated");
  }

  @Test
  void calibrationInTheLargeOfEqualPredictionsIsTheirLogOdds() {
    // Six people at 0.25, three events: a + logit(0.25) = logit(0.5), so a = ln 3; O/E 3 / 1.5 = 2.
    double[] p = {0.25, 0.25, 0.25, 0.25, 0.25, 0.25};
    int[] y = {1, 0, 1, 0, 1, 0};
    Monitoring.Matured m = Monitoring.matured(p, y);
    assertEquals(Math.log(3), m.calibrationInTheLarge(), 1e-6);
    assertEquals(2.0, m.observedOverExpected(), 1e-12);
    assertEquals(0.5, m.auroc(), 1e-12);
  }

  @Test
  void theAurocAlertsBelowItsFloorAndNotMaturedIsSaidNotComputed() {
    Monitoring.Matured m =
        Monitoring.matured(
            new double[] {0.1, 0.2, 0.3, 0.4, 0.6, 0.8}, new int[] {0, 0, 1, 0, 1, 1});
    assertEquals(
        MonitoringCheck.WARN,
        Monitoring.matured(m, "2024-03-31", new Threshold(0.9, "warn")).get(0).status());
    assertEquals(
        MonitoringCheck.OK,
        Monitoring.matured(m, "2024-03-31", new Threshold(0.85, "warn")).get(0).status());
    MonitoringCheck none = Monitoring.notMatured("not matured: none", new Threshold(0.9, "fail"));
    assertEquals(MonitoringCheck.NOT_MATURED, none.status());
    assertNull(none.value());
  }

  /**
   * The matured scores are the newest published a horizon (365 days) or more before the as-of date,
   * and at most monitoring.matured_max_age_days (395) before it. 2024-01-31 + 395 days: 366 to
   * 2025-01-31 (2024 is a leap year), 29 more to 2025-03-01.
   */
  @Test
  void maturedScoresAreAHorizonOldButNoOlderThanTheBound() {
    List<String> nightly = List.of("2024-01-30", "2024-01-31", "2024-03-31", "2025-02-28");
    // Nightly runs: the version exactly a horizon before 2025-03-31 is there (2024-03-31).
    assertEquals(
        "2024-03-31",
        Monitoring.maturedVersion(nightly, LocalDate.parse("2025-03-31"), 365, 395).version());
    // Runs stopped after 2024-01-31: 395 days before 2025-03-01 fits, 396 before 2025-03-02 not.
    List<String> gap = List.of("2024-01-30", "2024-01-31");
    assertEquals(
        "2024-01-31",
        Monitoring.maturedVersion(gap, LocalDate.parse("2025-03-01"), 365, 395).version());
    Monitoring.MaturedVersion tooOld =
        Monitoring.maturedVersion(gap, LocalDate.parse("2025-03-02"), 365, 395);
    assertNull(tooOld.version());
    assertEquals(
        "not matured: the newest risk/scores published on or before 2024-03-02 are version"
            + " 2024-01-31, 396 days before the as-of date, older than"
            + " monitoring.matured_max_age_days (395); runs resumed after a gap, and scores that"
            + " old would judge an old model",
        tooOld.notMatured());
    // Nothing a horizon old yet: the reason names the date it looked for.
    Monitoring.MaturedVersion young =
        Monitoring.maturedVersion(List.of("2025-02-28"), LocalDate.parse("2025-03-31"), 365, 395);
    assertNull(young.version());
    assertEquals(
        "not matured: no risk/scores published on or before 2024-03-31 (the as-of date less"
            + " risk.horizon_days, 365)",
        young.notMatured());
  }

  // ---------------------------------------------------------------------------------------------
  // One run: checks and the measures table

  @Test
  void aRunsChecksAndItsControlledMeasures() {
    MonitoringSettings s =
        new MonitoringSettings(
            7,
            WARN_2_POINTS,
            new Threshold(0.5, "fail"),
            new Threshold(0.1, "warn"),
            new Threshold(0.1, "warn"),
            new Threshold(0.65, "warn"),
            395);
    List<RunManifest> earlier = List.of(run("r1", counts("gp_events", 1000, 10)));
    long[] previous = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100};
    long[] current = {50, 50, 100, 100, 100, 100, 100, 100, 150, 150};
    Monitoring.Result r =
        Monitoring.evaluate(
            List.of(counts("gp_events", 400, 3)),
            Optional.of(new Monitoring.Scores("2025-03-30", previous, current)),
            Optional.of(new Monitoring.Lists(150, 10, 5, false)),
            Monitoring.MaturedScores.none("not matured: no scores a year ago"),
            earlier,
            s);
    // The first list is not churn: no value, so it never becomes a later run's usual.
    MonitoringCheck firstList =
        Monitoring.evaluate(
                List.of(),
                Optional.empty(),
                Optional.of(new Monitoring.Lists(0, 165, 0, true)),
                Monitoring.MaturedScores.none("not matured"),
                List.of(),
                s)
            .checks()
            .get(1);
    assertEquals("churn_share no_baseline", firstList.measure() + " " + firstList.status());
    assertNull(firstList.value());
    List<String> statuses = r.checks().stream().map(c -> c.measure() + " " + c.status()).toList();
    assertEquals(
        List.of(
            "quarantine_share ok",
            // 400 rows against 1,000: a 60% drop.
            "rows_read fail",
            // 0.1 ln 3 = 0.1099 > 0.1.
            "psi warn",
            // No earlier run measured churn.
            "churn_share no_baseline",
            "auroc not_matured"),
        statuses);
    // The measures table: the PSI is published with the counts it rests on; 3 quarantined rows
    // are suppressed, and so is their share.
    Row psi = row(r, "psi", "scores_current");
    assertEquals(0.1 * Math.log(3), psi.getDouble(7), 1e-12);
    assertEquals(1000L, psi.getLong(4));
    assertTrue(row(r, "rows", "quarantined").isNullAt(4));
    assertEquals("small", row(r, "rows", "quarantined").getString(8));
    assertTrue(row(r, "rows", "quarantined_share_of_read").isNullAt(7));
    assertEquals(400L, row(r, "rows", "read").getLong(4));
    // The list's counts are the cohort step's to publish: not here again.
    assertTrue(
        r.measures().rows().stream().noneMatch(x -> x.getString(1).startsWith("list_")),
        "list counts in monitoring/measures");
    assertEquals(1000L, r.measures().value(Key.overall("people", "scores_previous")).longValue());
  }

  /**
   * A bin of 1-7 people this run is suppressed, and so is the PSI: from the PSI and the other
   * (rounded) bins, the small bin's count could be read back (0.591 for 1 person, 0.521 for 2, ...
   * with the sample's sizes).
   */
  @Test
  void thePsiIsWithheldWhenABinItRestsOnIsSmall() {
    long[] previous = {335, 335, 335, 335, 335, 335, 335, 335, 335, 339};
    long[] current = {3, 372, 372, 372, 372, 372, 372, 372, 372, 375};
    Monitoring.Result r =
        Monitoring.evaluate(
            List.of(),
            Optional.of(new Monitoring.Scores("2025-03-30", previous, current)),
            Optional.empty(),
            Monitoring.MaturedScores.none("not matured"),
            List.of(),
            new MonitoringSettings(
                7,
                WARN_2_POINTS,
                new Threshold(0.5, "fail"),
                new Threshold(0.1, "warn"),
                new Threshold(0.1, "warn"),
                new Threshold(0.65, "warn"),
                395));
    Row psi = row(r, "psi", "scores_current");
    assertTrue(psi.isNullAt(7), "the PSI was published: " + psi);
    // The manifest's check (in the warehouse, not shared) keeps the exact value.
    MonitoringCheck check = r.checks().get(0);
    assertEquals("psi", check.measure());
    assertEquals(Monitoring.psi(previous, current), check.value(), 1e-12);
  }

  private static Row row(Monitoring.Result r, String measure, String population) {
    return r.measures().rows().stream()
        .filter(x -> x.getString(0).equals(measure) && x.getString(1).equals(population))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + measure + " " + population));
  }

  // ---------------------------------------------------------------------------------------------
  // Manifests

  static RunManifest.TableCount counts(String table, long read, long quarantined) {
    return new RunManifest.TableCount(
        table, read, read - quarantined, quarantined, (double) quarantined / read, 0.05, true);
  }

  static RunManifest run(String id, RunManifest.TableCount... tables) {
    List<RunManifest.StepRecord> steps = new ArrayList<>();
    steps.add(
        new RunManifest.StepRecord(
            "ingest",
            "ingest",
            RunManifest.SUCCEEDED,
            "2025-03-31T02:00:00Z",
            0,
            0,
            List.of(),
            List.of(tables),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            false,
            List.of(),
            List.of(),
            null,
            null));
    return new RunManifest(
        id,
        "nightly",
        "jobs/nightly.yaml",
        RunManifest.SUCCEEDED,
        new RunManifest.Host("h", 1),
        "2025-03-31",
        "test",
        "hash",
        "2025-03-31T02:00:00Z",
        "2025-03-31T02:01:00Z",
        60_000,
        0,
        "",
        List.of(),
        steps,
        1,
        List.of(),
        "");
  }
}

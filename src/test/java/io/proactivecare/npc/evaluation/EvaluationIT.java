package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc evaluate} end to end on two generated populations whose truth is known: the same
 * people (same seed, so the same enrolments), once with the generator's default effect of proactive
 * care and once with none. The generator enrols people after a crisis, as real programmes do, and
 * writes what each enrolled person's year after enrolment would have been without the programme
 * (truth/enrolled_outcomes), so the realised true effect among the matched is known.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluationIT {
  private static final String SEED = "5";

  @TempDir static Path tmp;
  private Run effect;
  private Run none;

  /** A generated extract, its warehouse and what the evaluation published. */
  record Run(Path extract, Path warehouse, Map<String, Row> estimates, List<Row> balance) {
    /** The estimate of {@code measure} overall by {@code estimator} with {@code interval}. */
    Row overall(String measure, String estimator, String interval) {
      Row r = estimates.get(measure + "|overall|all|" + estimator + "|" + interval);
      if (r == null) {
        throw new AssertionError("no estimate " + measure + " " + estimator + " " + interval);
      }
      return r;
    }
  }

  private Run evaluate(String name, String people, String... effects) {
    Path extract = tmp.resolve(name);
    Path wh = tmp.resolve(name + "-wh");
    List<String> gen =
        new ArrayList<>(
            List.of(
                "generate",
                "--people",
                people,
                "--seed",
                SEED,
                "--faults",
                "0",
                "--pilot-pcns",
                "3",
                "--pilot-start",
                "2022-04-01",
                "--out",
                extract.toString()));
    gen.addAll(List.of(effects));
    Npc.Result g = Npc.run(wh, gen.toArray(String[]::new));
    assertEquals(0, g.exitCode(), g.err());
    Npc.Result i = Npc.run(wh, "ingest", "--extract", extract.toString());
    assertEquals(0, i.exitCode(), i.err());
    Npc.Result e = Npc.run(wh, "evaluate", "--set", "evaluation.bootstrap_replicates=499");
    assertEquals(0, e.exitCode(), e.err() + e.out());
    Map<String, Row> estimates = new HashMap<>();
    for (Row r : table(wh, EvaluationStep.ESTIMATES).collectAsList()) {
      estimates.put(
          String.join(
              "|",
              r.<String>getAs(Cols.MEASURE),
              r.<String>getAs(Cols.BREAKDOWN),
              r.<String>getAs(Cols.GROUP),
              r.<String>getAs(Cols.ESTIMATOR),
              r.<String>getAs(Cols.INTERVAL)),
          r);
    }
    return new Run(extract, wh, estimates, table(wh, EvaluationStep.BALANCE).collectAsList());
  }

  private static Dataset<Row> table(Path wh, String name) {
    Catalog.Entry e = new Warehouse(wh).catalog().entry(name).orElseThrow();
    Catalog.TableVersion v = e.versions().get(e.latestKey().orElseThrow());
    return SparkTestSession.get().read().parquet(wh.resolve(v.path()).toString());
  }

  @BeforeAll
  void evaluateBoth() {
    // About 800 enrolled people followed up: enough that chance imbalance stays under 0.1.
    effect = evaluate("effect", "12000");
    none = evaluate("none", "8000", "--effect-admissions", "0", "--effect-deficits", "0");
  }

  private static double d(Row r, String column) {
    return r.<Double>getAs(column);
  }

  private static void covers(Row estimate, double value, String what) {
    double low = d(estimate, Cols.CI_LOW);
    double high = d(estimate, Cols.CI_HIGH);
    assertTrue(
        low <= value && value <= high,
        what + ": " + value + " outside [" + low + ", " + high + "]");
  }

  @Test
  void everyCovariateIsBalancedAfterMatching() {
    for (Row b : effect.balance()) {
      String c = b.getAs("covariate");
      for (String smd : List.of("smd_att_after", "smd_pooled_after")) {
        if (!b.isNullAt(b.fieldIndex(smd))) {
          assertTrue(Math.abs(d(b, smd)) < 0.1, c + " " + smd + " = " + d(b, smd));
        }
      }
    }
  }

  /**
   * The realised true effect among the matched enrolled people: the mean of their outcome in the
   * year after enrolment with the programme minus without it (truth/enrolled_outcomes).
   */
  private static Map<String, Double> realisedTruth(Run run) {
    Set<String> matched =
        table(run.warehouse(), EvaluationStep.MATCHED)
            .where(col(Cols.ROLE).equalTo(RiskSets.TREATED).and(col(Cols.MATCHED_SET).isNotNull()))
            .select(Cols.PERSON_ID)
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .collect(Collectors.toSet());
    List<Row> truth =
        SparkTestSession.get()
            .read()
            .option("header", "true")
            .option("inferSchema", "true")
            .csv(run.extract().resolve("truth/enrolled_outcomes.csv.gz").toString())
            .collectAsList();
    double admissions = 0;
    double beds = 0;
    double efi = 0;
    int n = 0;
    for (Row t : truth) {
      if (!matched.contains(t.<String>getAs(Cols.PERSON_ID))) {
        continue;
      }
      n++;
      admissions +=
          num(t, "emergency_admissions_after_treated")
              - num(t, "emergency_admissions_after_untreated");
      beds +=
          num(t, "unplanned_bed_days_after_treated") - num(t, "unplanned_bed_days_after_untreated");
      efi +=
          (num(t, "deficits_at_index_365_treated")
                  - num(t, "deficits_at_index_treated")
                  - (num(t, "deficits_at_index_365_untreated")
                      - num(t, "deficits_at_index_untreated")))
              / 36.0;
    }
    assertEquals(matched.size(), n, "every matched enrolled person is in the truth");
    return Map.of(
        OutcomeWindows.EMERGENCY_ADMISSIONS, admissions / n,
        OutcomeWindows.UNPLANNED_BED_DAYS, beds / n,
        EvaluationStep.EFI, efi / n);
  }

  private static double num(Row r, String column) {
    return ((Number) r.getAs(column)).doubleValue();
  }

  @Test
  void theMatchedIntervalsCoverTheRealisedTrueEffect() {
    Map<String, Double> truth = realisedTruth(effect);
    assertTrue(
        truth.get(OutcomeWindows.EMERGENCY_ADMISSIONS) < 0, "the programme helped: " + truth);
    for (Map.Entry<String, Double> t : truth.entrySet()) {
      for (String interval : List.of(Estimation.BOOTSTRAP, Estimation.CLUSTER_ROBUST)) {
        covers(
            effect.overall(t.getKey(), Estimation.MATCHED_DIFFERENCE, interval),
            t.getValue(),
            t.getKey() + " " + interval);
      }
    }
  }

  @Test
  void withNoEffectTheIntervalsCoverZero() {
    Map<String, Double> truth = realisedTruth(none);
    for (Map.Entry<String, Double> t : truth.entrySet()) {
      assertEquals(0, t.getValue(), 1e-12, "no effect: both worlds are the same " + t.getKey());
      for (String estimator :
          List.of(Estimation.MATCHED_DIFFERENCE, Estimation.REGRESSION_ADJUSTED)) {
        String interval =
            estimator.equals(Estimation.MATCHED_DIFFERENCE)
                ? Estimation.BOOTSTRAP
                : Estimation.CLUSTER_ROBUST;
        covers(none.overall(t.getKey(), estimator, interval), 0, t.getKey() + " " + estimator);
      }
    }
  }

  /**
   * With no effect at all, the enrolled people's own before/after change in emergency admissions is
   * clearly negative: they were enrolled after a crisis and regress to the mean. The naive estimate
   * mistakes that for an effect; the matched estimate does not.
   */
  @Test
  void theNaiveBeforeAfterChangeIsBiasedByRegressionToTheMean() {
    Row naive =
        none.overall(
            OutcomeWindows.EMERGENCY_ADMISSIONS,
            Estimation.NAIVE_BEFORE_AFTER,
            Estimation.CLUSTER_ROBUST);
    assertTrue(d(naive, Cols.CI_HIGH) < 0, "naive before/after excludes 0: " + naive);
    Row matched =
        none.overall(
            OutcomeWindows.EMERGENCY_ADMISSIONS,
            Estimation.MATCHED_DIFFERENCE,
            Estimation.BOOTSTRAP);
    covers(matched, 0, "matched difference with no effect");
    assertFalse(
        d(naive, Cols.ESTIMATE) > d(matched, Cols.CI_LOW), "naive below the matched interval");
  }
}

package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc evaluate} end to end on two generated populations: one with the generator's default
 * effect of proactive care (12,000 people) and one with none (8,000), every PCN enrolling from
 * 2022-04-01. The generator enrols people after a crisis, as real programmes do.
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
   * With no effect at all, the enrolled people's own before/after change in emergency admissions is
   * clearly negative: they were enrolled after a crisis and regress to the mean. The naive estimate
   * mistakes that for an effect.
   *
   * <p>Not asserted yet: that the matched intervals cover the realised true effect
   * (truth/enrolled_outcomes). On these populations they do not, because the generator enrols on
   * the risk a clinician sees including the unrecorded risk multiplier that also drives admissions:
   * unmeasured confounding, which no matching on recorded covariates removes (docs/evaluation.md).
   */
  @Test
  void theNaiveBeforeAfterChangeIsBiasedByRegressionToTheMean() {
    Row naive =
        none.overall(
            OutcomeWindows.EMERGENCY_ADMISSIONS,
            Estimation.NAIVE_BEFORE_AFTER,
            Estimation.CLUSTER_ROBUST);
    assertTrue(d(naive, Cols.CI_HIGH) < 0, "naive before/after excludes 0: " + naive);
  }
}

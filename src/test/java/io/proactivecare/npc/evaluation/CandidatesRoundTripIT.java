package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.risk.Encoder;
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
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse step and {@code npc evaluate --candidates} are one method: the step's own
 * candidates and outcomes, exported as a table of the documented layout and fed back through the
 * file mode, give the same propensity model, the same matches and the same estimates.
 */
class CandidatesRoundTripIT {
  @TempDir Path tmp;

  private static Dataset<Row> table(Path wh, String name) {
    Catalog.Entry e = new Warehouse(wh).catalog().entry(name).orElseThrow();
    Catalog.TableVersion v = e.versions().get(e.latestKey().orElseThrow());
    return SparkTestSession.get().read().parquet(wh.resolve(v.path()).toString());
  }

  @Test
  void theStepsCandidatesFedBackGiveTheSameEstimates() {
    Path extract = tmp.resolve("extract");
    Path wh = tmp.resolve("wh");
    // A small population whose programme started 15 months before the extract date, so three
    // monthly risk sets have a complete year of follow-up (13 eligible enrolled people, 11 matched:
    // enough that the overall estimates are not withheld).
    Npc.Result g =
        Npc.run(
            wh,
            "generate",
            "--people",
            "1500",
            "--seed",
            "3",
            "--faults",
            "0",
            "--as-of",
            "2024-08-31",
            "--pilot-pcns",
            "3",
            "--pilot-start",
            "2023-06-01",
            "--out",
            extract.toString());
    assertEquals(0, g.exitCode(), g.err());
    assertEquals(0, Npc.run(wh, "ingest", "--extract", extract.toString()).exitCode());
    Npc.Result e = Npc.run(wh, "evaluate", "--set", "evaluation.bootstrap_replicates=19");
    assertEquals(0, e.exitCode(), e.err() + e.out());

    // The export: the engine's covariates as the encoder reads them (a missing deprivation decile
    // as 0 with its own flag, a missing number as 0), and each measure's columns.
    EvaluationSettings s =
        ConfigLoader.load(Optional.of(Npc.HOME.resolve("conf/npc.yaml")), Map.of())
            .config()
            .evaluation();
    Encoder engine = Propensity.encoder(s.covariates());
    Dataset<Row> candidates = table(wh, EvaluationStep.CANDIDATES);
    Dataset<Row> outcomes = table(wh, EvaluationStep.OUTCOMES).drop(Cols.ROLE);
    List<Column> export = new ArrayList<>();
    export.add(col(Cols.PERSON_ID).as("id"));
    export.add(col(Cols.INDEX_DATE).as("index"));
    export.add(when(col(Cols.ROLE).equalTo(RiskSets.TREATED), 1).otherwise(0).as("enrolled"));
    List<String> numeric = new ArrayList<>();
    for (String c : engine.numeric()) {
      export.add(coalesce(col(c).cast("double"), lit(0.0)).as(c));
      numeric.add(c);
    }
    export.add(when(col(Cols.IMD_DECILE).isNull(), 1).otherwise(0).as(Encoder.IMD_UNKNOWN));
    numeric.add(Encoder.IMD_UNKNOWN);
    export.add(col(Cols.SEX));
    List<String> outcomeOptions = new ArrayList<>();
    for (String m : OutcomeWindows.RATES) {
      for (String w : List.of(OutcomeWindows.PRE, OutcomeWindows.POST)) {
        String c = OutcomeWindows.column(m, w);
        export.add(coalesce(col(c).cast("double"), lit(0.0)).as(c));
      }
      outcomeOptions.add(
          m
              + "="
              + OutcomeWindows.column(m, OutcomeWindows.PRE)
              + ":"
              + OutcomeWindows.column(m, OutcomeWindows.POST)
              + ":years_post:years_pre");
    }
    export.add(col("years_post"));
    export.add(col("years_pre"));
    export.add(when(col(Cols.DIED), 1.0).otherwise(0.0).as("died_in_follow_up"));
    export.add(col(Cols.EFI_AFTER).minus(col(Cols.EFI_AT_INDEX)).as("efi_change"));
    outcomeOptions.add(EvaluationStep.DEATH + "=:died_in_follow_up");
    outcomeOptions.add(EvaluationStep.EFI + "=:efi_change");
    Path file = tmp.resolve("export.parquet");
    candidates
        .join(outcomes, new String[] {Cols.PERSON_ID, Cols.INDEX_DATE})
        .select(export.toArray(Column[]::new))
        .write()
        .parquet(file.toString());

    List<String> args =
        new ArrayList<>(
            List.of(
                "evaluate",
                "--candidates",
                file.toString(),
                "--out",
                tmp.resolve("out").toString(),
                "--id",
                "id",
                "--treated",
                "enrolled",
                "--index-date",
                "index",
                "--covariates",
                String.join(",", numeric),
                "--categorical",
                Cols.SEX,
                "--set",
                "evaluation.bootstrap_replicates=19"));
    for (String o : outcomeOptions) {
      args.add("--outcome");
      args.add(o);
    }
    Npc.Result f = Npc.run(wh, args.toArray(String[]::new));
    assertEquals(0, f.exitCode(), f.err() + f.out());
    Path out = tmp.resolve("out");

    // The same matches.
    assertEquals(
        sets(table(wh, EvaluationStep.MATCHED)),
        sets(SparkTestSession.get().read().parquet(out.resolve("matched").toString())));

    // The same estimates overall, for every measure and estimator; the bootstrap intervals
    // resample the same sets but may visit them in another order, so only their estimate is
    // compared.
    Map<String, Row> step = overall(table(wh, EvaluationStep.ESTIMATES));
    Map<String, Row> mine =
        overall(SparkTestSession.get().read().parquet(out.resolve("estimates").toString()));
    int compared = 0;
    for (Map.Entry<String, Row> x : step.entrySet()) {
      Row a = x.getValue();
      Row b = mine.get(x.getKey());
      assertTrue(b != null, "the file mode has " + x.getKey());
      List<String> columns =
          new ArrayList<>(List.of(Cols.ESTIMATE, Cols.TREATED_MEAN, Cols.CONTROL_MEAN));
      if (!Estimation.BOOTSTRAP.equals(a.getAs(Cols.INTERVAL))) {
        columns.addAll(List.of(Cols.CI_LOW, Cols.CI_HIGH));
      }
      for (String c : columns) {
        Double va = a.getAs(c);
        Double vb = b.getAs(c);
        if (va == null || vb == null) {
          assertEquals(va, vb, x.getKey() + " " + c);
        } else {
          assertEquals(va, vb, 1e-9 * Math.max(1, Math.abs(va)), x.getKey() + " " + c);
          compared++;
        }
      }
      assertEquals(a.<Object>getAs(Cols.N_TREATED), b.getAs(Cols.N_TREATED), x.getKey());
    }
    assertTrue(compared > 50, "compared " + compared + " values");
  }

  /** Each matched set: the treated person, index date and their controls. */
  private static Map<String, List<String>> sets(Dataset<Row> matched) {
    Map<String, List<String>> out = new HashMap<>();
    for (Row r : matched.where(col(Cols.MATCHED_SET).isNotNull()).collectAsList()) {
      String key = r.getAs(Cols.MATCHED_SET) + "@" + r.getAs(Cols.INDEX_DATE);
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getAs(Cols.PERSON_ID));
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  private static Map<String, Row> overall(Dataset<Row> estimates) {
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        estimates.where(col(Cols.BREAKDOWN).equalTo(EvaluationStep.OVERALL)).collectAsList()) {
      out.put(
          r.getAs(Cols.MEASURE) + "|" + r.getAs(Cols.ESTIMATOR) + "|" + r.getAs(Cols.INTERVAL), r);
    }
    return out;
  }
}

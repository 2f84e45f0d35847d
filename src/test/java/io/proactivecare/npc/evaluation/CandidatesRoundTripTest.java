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
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse step and {@code npc evaluate --candidates} are one method. Risk sets shaped as the
 * step hands them to {@link MatchedAnalysis} (its covariates, breakdown columns and outcome
 * columns, two index dates) are analysed with the step's design ({@link EvaluationStep#measures},
 * {@link Propensity#encoder} of the configured covariates, its exact strata), then exported as a
 * table of the documented layout and fed back through the command line: the same matches and the
 * same estimates. (That the step itself is unchanged by the split into {@link MatchedAnalysis} was
 * checked by running it before and after on sample-data: byte-identical aggregates.)
 */
class CandidatesRoundTripTest {
  @TempDir Path tmp;

  private static final StructType RISK_SETS =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType, false)
          .add(Cols.INDEX_DATE, DataTypes.DateType, false)
          .add(Cols.ROLE, DataTypes.StringType, false)
          .add("age", DataTypes.IntegerType, false)
          .add(Cols.SEX, DataTypes.StringType, false)
          .add("imd_decile", DataTypes.IntegerType, true)
          .add(Cols.EFI_SCORE, DataTypes.DoubleType, false)
          .add(Cols.EFI_CATEGORY, DataTypes.StringType, false)
          .add("long_term_conditions", DataTypes.IntegerType, false)
          .add("emergency_admissions_12m", DataTypes.IntegerType, false)
          .add("emergency_admissions_36m", DataTypes.IntegerType, false)
          .add("emergency_admissions_recent", DataTypes.IntegerType, false)
          .add("unplanned_bed_days_12m", DataTypes.IntegerType, false)
          .add("days_since_emergency_admission", DataTypes.IntegerType, true)
          .add("ae_attendances_12m", DataTypes.IntegerType, false)
          .add("outpatient_attendances_12m", DataTypes.IntegerType, false)
          .add(Cols.SOCIAL_CARE_ACTIVE, DataTypes.BooleanType, false)
          .add(Cols.PCN_CODE, DataTypes.StringType, false)
          .add(Cols.IMD_QUINTILE, DataTypes.IntegerType, true)
          .add(Cols.AGE_BAND, DataTypes.StringType, false);

  /**
   * 240 seeded person-dates: two index dates, a fifth enrolled, enrolment likelier with more
   * admissions; outcomes of the step's layout (counts before and after, years, death, eFI).
   */
  private record RiskSetsAndOutcomes(Dataset<Row> candidates, Dataset<Row> outcomes) {}

  private static RiskSetsAndOutcomes riskSets(SparkSession spark) {
    Random r = new Random(7);
    List<Row> people = new ArrayList<>();
    List<Row> outcomes = new ArrayList<>();
    StructType out =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType, false)
            .add(Cols.INDEX_DATE, DataTypes.DateType, false)
            .add(Cols.ROLE, DataTypes.StringType, false)
            .add("years_pre", DataTypes.DoubleType, true)
            .add("years_post", DataTypes.DoubleType, true)
            .add(Cols.DIED, DataTypes.BooleanType, false)
            .add(Cols.EFI_AFTER, DataTypes.DoubleType, true)
            .add(Cols.EFI_AT_INDEX, DataTypes.DoubleType, false);
    for (String m : OutcomeWindows.RATES) {
      out = out.add(OutcomeWindows.column(m, OutcomeWindows.PRE), DataTypes.LongType, true);
      out = out.add(OutcomeWindows.column(m, OutcomeWindows.POST), DataTypes.LongType, true);
    }
    for (int i = 0; i < 240; i++) {
      String id = String.format("p%03d", i % 200);
      Date index = Date.valueOf(i < 120 ? "2024-01-01" : "2024-02-01");
      int admissions = r.nextInt(4);
      boolean treated = r.nextDouble() < 0.08 + 0.08 * admissions;
      String role = treated ? RiskSets.TREATED : RiskSets.CANDIDATE;
      int age = 40 + r.nextInt(55);
      Integer imd = r.nextInt(12) == 0 ? null : 1 + r.nextInt(10);
      double efi = Math.round(r.nextDouble() * 500) / 1000.0;
      people.add(
          RowFactory.create(
              id,
              index,
              role,
              age,
              r.nextBoolean() ? "F" : "M",
              imd,
              efi,
              efi <= 0.12 ? "fit" : efi <= 0.24 ? "mild" : efi <= 0.36 ? "moderate" : "severe",
              r.nextInt(6),
              admissions,
              admissions + r.nextInt(3),
              r.nextInt(1 + admissions),
              admissions * r.nextInt(5),
              admissions == 0 ? null : r.nextInt(365),
              r.nextInt(3),
              r.nextInt(8),
              r.nextInt(10) == 0,
              "U1000" + r.nextInt(3),
              imd == null ? null : (imd + 1) / 2,
              age < 65 ? "18-64" : "65+"));
      double years = r.nextInt(8) == 0 ? 0.25 + r.nextDouble() / 2 : 1.0;
      List<Object> o = new ArrayList<>();
      o.add(id);
      o.add(index);
      o.add(role);
      o.add(1.0);
      o.add(years);
      o.add(years < 1 && r.nextBoolean());
      o.add(years < 1 ? null : efi + r.nextDouble() / 20);
      o.add(efi);
      for (int k = 0; k < OutcomeWindows.RATES.size(); k++) {
        o.add((long) r.nextInt(1 + admissions + k % 3));
        o.add(r.nextInt(15) == 0 ? null : (long) r.nextInt(1 + admissions + (treated ? 0 : 1)));
      }
      outcomes.add(RowFactory.create(o.toArray()));
    }
    return new RiskSetsAndOutcomes(
        spark.createDataFrame(people, RISK_SETS), spark.createDataFrame(outcomes, out));
  }

  @Test
  void theStepsDesignAndTheFileModeGiveTheSameMatchesAndEstimates() {
    SparkSession spark = SparkTestSession.get();
    EvaluationSettings s =
        ConfigLoader.load(
                Optional.of(Npc.HOME.resolve("conf/npc.yaml")),
                Map.of("evaluation.bootstrap_replicates", "19"))
            .config()
            .evaluation();
    RiskSetsAndOutcomes sets = riskSets(spark);
    Map<String, String> breakdowns = new LinkedHashMap<>();
    s.breakdowns().forEach(b -> breakdowns.put(b, Matching.column(b)));
    Encoder engine = Propensity.encoder(s.covariates());
    MatchedAnalysis.Design design =
        new MatchedAnalysis.Design(
            engine,
            s.exact().stream().map(Matching::stratum).toList(),
            breakdowns,
            EvaluationStep.measures(),
            List.of(new MatchedAnalysis.Count("eligible", 0)),
            "candidate person-dates in the risk sets",
            controls -> List.of());
    Path step = tmp.resolve("step");
    MatchedAnalysis.run(
        sets.candidates(),
        c -> sets.outcomes(),
        design,
        s,
        CandidatesFile.sink(spark, step, n -> {}));

    // The export: the engine's covariates as its encoder reads them (a missing number as 0, a
    // missing deprivation decile with its own flag), and each measure's columns.
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
    export.add(col(Cols.EFI_CATEGORY));
    // The exact strata as the engine derives them, named as evaluation.exact names them.
    // Sex and the eFI category are exported above as they are.
    for (String x : s.exact()) {
      if (!x.equals(Cols.SEX) && !x.equals(Cols.EFI_CATEGORY)) {
        export.add(Matching.stratum(x).as(x));
      }
    }
    List<String> outcomeOptions = new ArrayList<>();
    for (String m : OutcomeWindows.RATES) {
      String pre = OutcomeWindows.column(m, OutcomeWindows.PRE);
      String post = OutcomeWindows.column(m, OutcomeWindows.POST);
      // The step counts no events as 0.
      export.add(coalesce(col(pre).cast("double"), lit(0.0)).as(pre));
      export.add(coalesce(col(post).cast("double"), lit(0.0)).as(post));
      outcomeOptions.add(m + "=" + pre + ":" + post + ":years_post:years_pre");
    }
    export.add(col("years_post"));
    export.add(col("years_pre"));
    export.add(when(col(Cols.DIED), 1.0).otherwise(0.0).as("died_in_follow_up"));
    export.add(col(Cols.EFI_AFTER).minus(col(Cols.EFI_AT_INDEX)).as("efi_change"));
    outcomeOptions.add(EvaluationStep.DEATH + "=:died_in_follow_up");
    outcomeOptions.add(EvaluationStep.EFI + "=:efi_change");
    Path file = tmp.resolve("export.parquet");
    sets.candidates()
        .join(sets.outcomes().drop(Cols.ROLE), new String[] {Cols.PERSON_ID, Cols.INDEX_DATE})
        .select(export.toArray(Column[]::new))
        .write()
        .parquet(file.toString());

    Path out = tmp.resolve("out");
    List<String> args =
        new ArrayList<>(
            List.of(
                "evaluate",
                "--candidates",
                file.toString(),
                "--out",
                out.toString(),
                "--id=id",
                "--treated=enrolled",
                "--index-date=index",
                "--covariates=" + String.join(",", numeric),
                "--categorical=" + Cols.SEX + "," + Cols.EFI_CATEGORY,
                "--set=evaluation.bootstrap_replicates=19"));
    outcomeOptions.forEach(o -> args.add("--outcome=" + o));
    Npc.Result f = Npc.run(tmp.resolve("wh"), args.toArray(String[]::new));
    assertEquals(0, f.exitCode(), f.err() + f.out());

    Map<String, List<String>> matchedSets = sets(read(step, "matched"));
    assertTrue(matchedSets.size() >= 10, "matched sets: " + matchedSets.size());
    assertEquals(matchedSets, sets(read(out, "matched")));

    // The same estimates overall, for every measure and estimator, intervals included: the
    // matched sample is taken in a fixed order, so the seeded bootstrap draws the same sets.
    Map<String, Row> mine = overall(read(out, "estimates"));
    int compared = 0;
    for (Map.Entry<String, Row> x : overall(read(step, "estimates")).entrySet()) {
      Row a = x.getValue();
      Row b = mine.get(x.getKey());
      assertTrue(b != null, "the file mode has " + x.getKey());
      List<String> columns =
          List.of(Cols.ESTIMATE, Cols.TREATED_MEAN, Cols.CONTROL_MEAN, Cols.CI_LOW, Cols.CI_HIGH);
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
    assertTrue(compared > 200, "compared " + compared + " values");
  }

  private static Dataset<Row> read(Path dir, String table) {
    return SparkTestSession.get().read().parquet(dir.resolve(table).toString());
  }

  /** Each matched set (treated person and index date): its members. */
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

package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.config.RiskSettings;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.SparkTestSession;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The pieces {@link Training#train} composes, each on a case small enough to check on paper. */
class TrainingTest {
  private static RiskSettings settings(Map<String, String> overrides) {
    return ConfigLoader.load(Optional.empty(), overrides).config().risk();
  }

  /** A learner whose probability is the vector's first entry. */
  private static Learner firstEntry(String kind) {
    return new Learner() {
      @Override
      public String kind() {
        return kind;
      }

      @Override
      public double probability(double[] x) {
        return x[0];
      }

      @Override
      public double[] contributions(double[] x) {
        return x.clone();
      }
    };
  }

  private static Design oneColumn(double[] values, int[] y) {
    double[][] x = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      x[i] = new double[] {values[i]};
    }
    return new Design(x, y);
  }

  private static Map<String, String> levels(String sex, String age, String imd, String ethnic) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Cols.SEX, sex);
    m.put(Training.AGE_BAND, age);
    m.put(Cols.IMD_QUINTILE, imd);
    m.put(Cols.ETHNIC_CATEGORY, ethnic);
    return m;
  }

  @Test
  void theCutoffsAreWholeMonthsBeforeTheAsOfDateTheHoldOutLast() {
    // The shipped settings: training 24 and 36 months back, the hold-out 12.
    Training.Cutoffs c = Training.Cutoffs.of(LocalDate.parse("2025-03-31"), settings(Map.of()));
    assertEquals(
        List.of(LocalDate.parse("2023-03-31"), LocalDate.parse("2022-03-31")), c.training());
    assertEquals(LocalDate.parse("2024-03-31"), c.holdout());
    assertEquals(
        List.of(
            LocalDate.parse("2023-03-31"),
            LocalDate.parse("2022-03-31"),
            LocalDate.parse("2024-03-31")),
        c.all());
    assertEquals(List.of("2023-03-31", "2022-03-31"), c.trainingDates());
  }

  @Test
  void theGroupIsTheHashedShareCutAtTheHoldOutThenTheCalibrationShare() {
    // Hold-out below 0.2; calibration the next 25% of the rest, below 0.2 + 0.8 x 0.25 = 0.4.
    StructType schema = new StructType().add("share", DataTypes.DoubleType);
    List<Row> shares = new ArrayList<>();
    for (double s : new double[] {0.0, 0.1999, 0.2, 0.3999, 0.4, 0.9999}) {
      shares.add(RowFactory.create(s));
    }
    List<String> groups =
        SparkTestSession.get()
            .createDataFrame(shares, schema)
            .select(Training.group(functions.col("share"), 0.2, 0.25))
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    assertEquals(
        List.of(
            Training.HOLDOUT,
            Training.HOLDOUT,
            Training.CALIBRATE,
            Training.CALIBRATE,
            Training.FIT,
            Training.FIT),
        groups);
  }

  @Test
  void aPersonHasOneShareAtEveryDate() {
    StructType schema =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType)
            .add(Cols.AS_OF, DataTypes.StringType);
    List<Row> rows =
        List.of(
            RowFactory.create("P1", "2022-03-31"),
            RowFactory.create("P1", "2024-03-31"),
            RowFactory.create("P2", "2022-03-31"));
    List<Double> shares =
        SparkTestSession.get()
            .createDataFrame(rows, schema)
            .select(Training.share(7))
            .collectAsList()
            .stream()
            .map(r -> r.getDouble(0))
            .toList();
    assertEquals(shares.get(0), shares.get(1));
    shares.forEach(s -> assertTrue(s >= 0 && s < 1, "share " + s));
    // In steps of 1/10,000.
    shares.forEach(s -> assertEquals(Math.rint(s * 10_000), s * 10_000, 1e-6));
  }

  /** People P0..P(n-1), each a row at the two training cutoffs and at the hold-out cutoff. */
  private static org.apache.spark.sql.Dataset<Row> population(int people, int age) {
    StructType schema =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType)
            .add(Cols.AS_OF, DataTypes.DateType)
            .add(Cols.AGE, DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < people; i++) {
      for (String d : new String[] {"2022-03-31", "2023-03-31", "2024-03-31"}) {
        rows.add(RowFactory.create("P" + i, java.sql.Date.valueOf(d), age));
      }
    }
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  private static List<String> keys(org.apache.spark.sql.Dataset<Row> rows) {
    return rows.orderBy(Cols.PERSON_ID, Cols.AS_OF).collectAsList().stream()
        .map(r -> r.getString(0) + "@" + r.get(1))
        .toList();
  }

  @Test
  void trainingRowsAreChosenBeforeFeaturesHoldOutPeopleOnlyAtTheHoldOutCutoff() {
    // 4 people, 3 dates each, all kept (12 rows is far below the sample size): the hold-out
    // group's people only at 2024-03-31, everyone else only at the two training cutoffs; a row
    // of someone below risk.min_age (18) is not a row at all.
    RiskSettings s = settings(Map.of());
    org.apache.spark.sql.Dataset<Row> people =
        population(4, 40)
            .unionByName(population(1, 17).withColumn(Cols.PERSON_ID, functions.lit("Y")));
    List<String> groups =
        people
            .where(
                functions
                    .col(Cols.AS_OF)
                    .equalTo(functions.lit(java.sql.Date.valueOf("2024-03-31"))))
            .where(functions.col(Cols.AGE).geq(18))
            .orderBy(Cols.PERSON_ID)
            .select(
                Training.group(Training.share(s.seed()), s.holdoutShare(), s.calibrationShare()))
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      if (groups.get(i).equals(Training.HOLDOUT)) {
        expected.add("P" + i + "@2024-03-31");
      } else {
        expected.add("P" + i + "@2022-03-31");
        expected.add("P" + i + "@2023-03-31");
      }
    }
    List<String> chosen = keys(Training.chosen(people, LocalDate.parse("2024-03-31"), s));
    assertEquals(expected, chosen);
    assertTrue(chosen.stream().noneMatch(k -> k.startsWith("Y@")), chosen.toString());
  }

  @Test
  void aSampleKeepsEveryRowWithTheSameChanceAndTheSameRowsHoweverPartitioned() {
    // 3,000 people: 20% (about 600) are hold-out rows at the hold-out cutoff, and the other 2,400
    // people's 4,800 training rows. A sample of 1,000 keeps each training row with chance
    // 1,000 / 4,800 (about 1,000 rows: binomial sd about 28) and every hold-out row (about 600 <
    // 1,000).
    RiskSettings s = settings(Map.of("risk.training_sample", "1000"));
    org.apache.spark.sql.Dataset<Row> people = population(3000, 50);
    LocalDate hold = LocalDate.parse("2024-03-31");
    List<String> one = keys(Training.chosen(people.repartition(1), hold, s));
    List<String> seven = keys(Training.chosen(people.repartition(7), hold, s));
    assertEquals(one, seven);
    long held = one.stream().filter(k -> k.endsWith("2024-03-31")).count();
    long training = one.size() - held;
    assertTrue(held > 500 && held < 700, "hold-out rows " + held);
    assertTrue(training > 1000 - 4 * 28 && training < 1000 + 4 * 28, "training rows " + training);
    // Neither cutoff is favoured: each holds about half the training rows.
    long early = one.stream().filter(k -> k.endsWith("2022-03-31")).count();
    assertTrue(Math.abs(early - training / 2.0) < 4 * Math.sqrt(training / 4.0), "2022: " + early);
    // Another seed chooses other rows.
    RiskSettings other = settings(Map.of("risk.training_sample", "1000", "risk.seed", "7"));
    assertNotEquals(one, keys(Training.chosen(people, hold, other)));
  }

  @Test
  void theSampledShareIsTheSampleSizeOverTheRows() {
    // 10,000 rows at a sample of 2,500: the kept hash values are those below a quarter of 2^30.
    org.apache.spark.sql.Dataset<Row> df =
        population(10_000, 50)
            .where(
                functions
                    .col(Cols.AS_OF)
                    .equalTo(functions.lit(java.sql.Date.valueOf("2023-03-31"))));
    long kept = df.where(Training.sampled(10_000, 2_500, 3)).count();
    // Binomial(10,000, 0.25): sd 43.3.
    assertTrue(Math.abs(kept - 2_500) < 4 * 43.3, "kept " + kept);
    assertEquals(10_000, df.where(Training.sampled(10_000, 10_000, 3)).count());
    assertEquals(
        df.where(Training.sampled(10_000, 2_500, 3)).count(),
        df.where(
                functions
                    .pmod(
                        functions.xxhash64(
                            functions.col(Cols.PERSON_ID),
                            functions.col(Cols.AS_OF),
                            functions.lit(3L)),
                        functions.lit(1L << 30))
                    .lt(functions.lit((1L << 30) / 4)))
            .count());
  }

  @Test
  void aRowsSubgroupsAreItsSexAgeBandQuintileAndEthnicCategory() {
    StructType schema =
        new StructType()
            .add(Cols.SEX, DataTypes.StringType)
            .add(Cols.AGE, DataTypes.IntegerType)
            .add(Cols.IMD_QUINTILE, DataTypes.IntegerType)
            .add(Cols.ETHNIC_CATEGORY, DataTypes.StringType);
    assertEquals(
        List.of(levels("F", "65-74", "unknown", "White"), levels("M", "0-17", "2", "null")),
        Training.subgroups(
            List.of(
                new GenericRowWithSchema(new Object[] {"F", 70, null, "White"}, schema),
                new GenericRowWithSchema(new Object[] {"M", 17, 2, null}, schema))));
  }

  @Test
  void tooFewRowsToTrainIsRefusedWithTheCounts() {
    Training.Designs d =
        new Training.Designs(
            oneColumn(new double[] {0.5, 0.6}, new int[] {0, 1}),
            oneColumn(new double[] {}, new int[] {}),
            oneColumn(new double[] {0.5}, new int[] {1}));
    NpcException e = assertThrows(NpcException.class, () -> d.requireEnough(settings(Map.of())));
    assertTrue(
        e.getMessage()
            .contains(
                "Too little data to train: 2 fitting, 0 calibration and 1 hold-out rows, 1"
                    + " outcomes to fit on"),
        e.getMessage());
    // The furthest training cutoff of the shipped settings.
    assertTrue(e.getMessage().contains("reach back 36 months"), e.getMessage());
  }

  @Test
  void eachCandidateIsCalibratedOnTheCalibrationRowsAndJudgedOnTheHoldOut() {
    // Isotonic on raw 0.1, 0.2, 0.3, 0.4 with outcomes 0, 1, 0, 1: 0.2 and 0.3 pool to 0.5 at
    // 0.25, so the steps are (0.1, 0), (0.25, 0.5), (0.4, 1).
    Design cal = oneColumn(new double[] {0.1, 0.2, 0.3, 0.4}, new int[] {0, 1, 0, 1});
    // The hold-out's raw 0.1, 0.4, 0.25 calibrate to 0, 1, 0.5.
    Design test = oneColumn(new double[] {0.1, 0.4, 0.25}, new int[] {0, 1, 1});
    Learner l = firstEntry("first");
    List<Training.Candidate> c =
        Training.candidates(List.of(l), cal, test, Calibrator.Isotonic.KIND);
    assertEquals(1, c.size());
    assertSame(l, c.get(0).learner());
    assertEquals(0.5, c.get(0).calibrator().calibrate(0.25), 1e-12);
    assertEquals(1.0, c.get(0).probability(new double[] {0.4}), 1e-12);
    // Both events (1, 0.5) above the non-event (0).
    assertEquals(1.0, c.get(0).auroc(), 1e-12);
    // (0 - 0)^2 + (1 - 1)^2 + (0.5 - 1)^2 over 3.
    assertEquals(0.25 / 3, c.get(0).brier(), 1e-12);
  }

  @Test
  void theBestCandidateHasTheHighestHoldOutAurocTheFirstOfEquals() {
    Training.Candidate a = new Training.Candidate(firstEntry("a"), null, 0.70, 0.1);
    Training.Candidate b = new Training.Candidate(firstEntry("b"), null, 0.80, 0.1);
    Training.Candidate c = new Training.Candidate(firstEntry("c"), null, 0.80, 0.1);
    assertSame(b, Training.best(List.of(a, b, c)));
    assertSame(b, Training.best(List.of(b, a)));
    Training.Candidate nan = new Training.Candidate(firstEntry("n"), null, Double.NaN, 0.1);
    assertSame(a, Training.best(List.of(nan, a)));
    assertThrows(IllegalStateException.class, () -> Training.best(List.of(nan)));
  }

  /**
   * Five hold-out rows: predictions 0.9, 0.8, 0.3, 0.2, 0.1, outcomes 1, 0, 1, 0, 0; women the
   * first two, men the rest; one level of every other subgroup. The top 5% is ceil(0.25) = 1 row,
   * the 0.9.
   */
  private static Training.Evaluation fiveRows(int replicates) {
    List<Map<String, String>> groups = new ArrayList<>();
    for (String sex : List.of("F", "F", "M", "M", "M")) {
      groups.add(levels(sex, "65-74", "1", "White"));
    }
    return Training.evaluate(
        new double[] {0.9, 0.8, 0.3, 0.2, 0.1}, new int[] {1, 0, 1, 0, 0}, groups, replicates, 7);
  }

  @Test
  void theHoldOutIsReportedOverallAndPerSubgroupLevelByTheWholeTopFivePercent() {
    Training.Evaluation e = fiveRows(0);
    // Overall: 0.9 above all three non-events, 0.3 above two of them: 5 of 6 pairs.
    assertEquals(5, e.overall().n());
    assertEquals(2, e.overall().events());
    assertEquals(5 / 6.0, e.overall().auroc(), 1e-12);
    assertEquals(0.5, e.overall().sensitivityTop5(), 1e-12);
    assertTrue(e.intervals().isEmpty(), "no intervals without replicates");
    assertEquals(Training.SUBGROUPS, List.copyOf(e.bySubgroup().keySet()));
    Map<String, Metrics.Report> bySex = e.bySubgroup().get(Cols.SEX);
    assertEquals(List.of("F", "M"), List.copyOf(bySex.keySet()));
    // Women: the flagged 0.9 is their one event. Men: their event at 0.3 is not flagged.
    assertEquals(2, bySex.get("F").n());
    assertEquals(1.0, bySex.get("F").sensitivityTop5(), 1e-12);
    assertEquals(1.0, bySex.get("F").ppvTop5(), 1e-12);
    assertEquals(3, bySex.get("M").n());
    assertEquals(1.0, bySex.get("M").auroc(), 1e-12);
    assertEquals(0.0, bySex.get("M").sensitivityTop5(), 1e-12);
    assertTrue(Double.isNaN(bySex.get("M").ppvTop5()), "no man flagged");
    assertEquals(5, e.bySubgroup().get(Training.AGE_BAND).get("65-74").n());
  }

  @Test
  void aSubgroupBelowTheMinimumGivesItsSizeOnly() {
    // At least 3 people and 1 event: the two women are too few.
    RiskSettings s =
        settings(Map.of("risk.subgroup_min_people", "3", "risk.subgroup_min_events", "1"));
    Training.Evaluation e = fiveRows(0);

    Map<String, Object> card = Training.subgroupCard(e, s);
    assertEquals(
        List.of(
            "holdout_by_sex",
            "holdout_by_age_band",
            "holdout_by_imd_quintile",
            "holdout_by_ethnic_category"),
        List.copyOf(card.keySet()));
    @SuppressWarnings("unchecked")
    Map<String, Object> bySex = (Map<String, Object>) card.get("holdout_by_sex");
    assertEquals(Map.of("n", 2L, "events", 1L, Training.SUPPRESSED, true), bySex.get("F"));
    assertEquals(Training.reportMap(e.bySubgroup().get(Cols.SEX).get("M")), bySex.get("M"));

    List<Training.MetricRow> rows = Training.metricRows("m1", e, s);
    assertEquals(new Training.MetricRow("m1", "all", "all", "events", 2, 5), rows.get(0));
    assertEquals(new Training.MetricRow("m1", "all", "all", "auroc", 5 / 6.0, 5), rows.get(1));
    assertEquals(
        List.of(
            new Training.MetricRow("m1", Cols.SEX, "F", "events", 1, 2),
            new Training.MetricRow("m1", Cols.SEX, "F", Training.SUPPRESSED, 1, 2)),
        rows.stream().filter(r -> r.level().equals("F")).toList());
    assertTrue(
        rows.contains(new Training.MetricRow("m1", Cols.SEX, "M", "sensitivity_top5", 0, 3)));
    // Each reported level: 8 metrics and 10 deciles' predicted and observed; the overall's too.
    assertEquals(5 * 28 + 2, rows.size());
  }

  @Test
  void theIntervalsFollowTheOverallMetrics() {
    Training.Evaluation e = fiveRows(20);
    List<String> metrics =
        Training.metricRows("m1", e, settings(Map.of())).stream()
            .skip(28)
            .limit(6)
            .map(Training.MetricRow::metric)
            .toList();
    assertEquals(
        List.of(
            "auroc_ci_low",
            "auroc_ci_high",
            "calibration_slope_ci_low",
            "calibration_slope_ci_high",
            "sensitivity_top5_ci_low",
            "sensitivity_top5_ci_high"),
        metrics);
  }

  @Test
  void theCardSaysWhatWasTrainedOnWhichRowsAndHowItDid() {
    RiskSettings s = settings(Map.of());
    Training.Candidate regression = new Training.Candidate(firstEntry("r"), null, 0.7, 0.2);
    Training.Candidate trees =
        new Training.Candidate(firstEntry("t"), new Calibrator.Platt(0, 1), 0.8, 0.1);
    Training.Designs designs =
        new Training.Designs(
            oneColumn(new double[] {1, 2, 3}, new int[] {0, 1, 1}),
            oneColumn(new double[] {1, 2}, new int[] {0, 1}),
            oneColumn(new double[] {1, 2, 3, 4, 5}, new int[] {1, 0, 1, 0, 0}));
    Map<String, Object> card =
        Training.card(
            "m1",
            LocalDate.parse("2025-03-31"),
            List.of("2023-03-31", "2022-03-31"),
            LocalDate.parse("2024-03-31"),
            s,
            trees,
            List.of(regression, trees),
            designs,
            List.of("age"),
            fiveRows(0));
    assertEquals(
        List.of(
            "model_id",
            "learner",
            "calibration",
            "as_of",
            "training_cutoffs",
            "holdout_cutoff",
            "outcome",
            "min_age",
            "fit_rows",
            "calibration_rows",
            "holdout_rows",
            "fit_outcomes",
            "holdout_outcomes",
            "features",
            "candidates",
            "holdout_auroc",
            "holdout",
            "intervals",
            "subgroup_minimum"),
        List.copyOf(card.keySet()));
    assertEquals("t", card.get("learner"));
    assertEquals(Calibrator.Platt.KIND, card.get("calibration"));
    assertEquals(List.of("2023-03-31", "2022-03-31"), card.get("training_cutoffs"));
    assertEquals("2024-03-31", card.get("holdout_cutoff"));
    assertEquals("emergency admission or death within 365 days", card.get("outcome"));
    assertEquals(
        List.of(3, 2, 5),
        List.of(card.get("fit_rows"), card.get("calibration_rows"), card.get("holdout_rows")));
    assertEquals(List.of(2L, 2L), List.of(card.get("fit_outcomes"), card.get("holdout_outcomes")));
    assertEquals(
        Map.of(
            "r", Map.of("holdout_auroc", 0.7, "holdout_brier", 0.2),
            "t", Map.of("holdout_auroc", 0.8, "holdout_brier", 0.1)),
        card.get("candidates"));
    assertEquals(5 / 6.0, (double) card.get("holdout_auroc"), 1e-12);
  }

  @Test
  void theTruthIsComparedOnTheHoldOutRowsItCovers() {
    // D is not in the truth. On A, B, C (outcomes 1, 0, 0): the true risk ranks the event A
    // first (AUROC 1); the model ranks it last (0); the recorded risk between B and C (0.5).
    Training.Truth truth =
        new Training.Truth(
            Map.of("A", 0.9, "B", 0.1, "C", 0.5), Map.of("A", 0.4, "B", 0.7, "C", 0.1));
    List<String> ids = List.of("A", "B", "C", "D");
    double[] p = {0.1, 0.3, 0.2, 0.99};
    int[] y = {1, 0, 0, 1};
    Map<String, Object> card = Training.againstTruth(truth, ids, p, y);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("recorded_risk_auroc", 0.5);
    expected.put("auroc_gap_hidden_factors", 0.5);
    expected.put("true_risk_rows", 3);
    expected.put("true_risk_auroc", 1.0);
    expected.put("model_auroc_on_true_risk_rows", 0.0);
    expected.put("auroc_gap_to_true_risk", 1.0);
    assertEquals(List.copyOf(expected.entrySet()), List.copyOf(card.entrySet()));

    Map<String, Object> noRecorded =
        Training.againstTruth(new Training.Truth(truth.risk(), Map.of()), ids, p, y);
    assertEquals(
        List.of(
            "true_risk_rows",
            "true_risk_auroc",
            "model_auroc_on_true_risk_rows",
            "auroc_gap_to_true_risk"),
        List.copyOf(noRecorded.keySet()));
  }

  @Test
  void theCurrentModelIsScoredOnTheSameHoldOutOrNoted() {
    RiskModel current =
        new RiskModel(
            "cur",
            "2024-03-31",
            List.of(),
            "2023-03-31",
            new Encoder(List.of(Cols.AGE), List.of(), List.of()),
            firstEntry("first"),
            new Calibrator.Platt(0, 1),
            null,
            Map.of());
    StructType withAge = new StructType().add(Cols.AGE, DataTypes.DoubleType);
    List<Row> rows =
        List.of(
            new GenericRowWithSchema(new Object[] {0.9}, withAge),
            new GenericRowWithSchema(new Object[] {0.1}, withAge),
            new GenericRowWithSchema(new Object[] {0.5}, withAge));
    // The event has the highest score.
    assertEquals(
        Map.of("current_model", "cur", "current_model_holdout_auroc", 1.0),
        Training.againstCurrent(current, rows, new int[] {1, 0, 0}));

    StructType noAge = new StructType().add(Cols.PERSON_ID, DataTypes.StringType);
    Map<String, Object> note =
        Training.againstCurrent(
            current, List.of(new GenericRowWithSchema(new Object[] {"P1"}, noAge)), new int[] {1});
    assertEquals("cur", note.get("current_model"));
    assertTrue(
        ((String) note.get("current_model_note")).startsWith("could not score this hold-out: "),
        note.toString());
  }
}

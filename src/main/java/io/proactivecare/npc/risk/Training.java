package io.proactivecare.npc.risk;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.config.RiskSettings;
import io.proactivecare.npc.features.Features;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.schema.Cols;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Trains the risk model (docs/model.md): features and outcomes at past cutoffs, people split by a
 * hash of their id into fit, calibration and hold-out groups, a regularised logistic regression and
 * boosted trees fitted, each calibrated on the calibration group, the better on the temporal
 * hold-out chosen, and every metric reported overall and by subgroup.
 */
public final class Training {
  private Training() {}

  public static final String GROUP = "_group";
  static final String FIT = "fit";
  static final String CALIBRATE = "calibrate";
  static final String HOLDOUT = "holdout";

  /** Marks a subgroup below risk.subgroup_min_people or _min_events: its metrics are not given. */
  static final String SUPPRESSED = "suppressed";

  /** What training produced: the model and the hold-out predictions, for the metrics table. */
  public record Result(RiskModel model, List<MetricRow> metrics) {}

  /** One metric of one subgroup, for the Parquet metrics table. */
  public record MetricRow(
      String model, String subgroup, String level, String metric, double value, long n) {}

  /** A row collected to the driver: its encoded vector, outcome and subgroup values. */
  record Example(double[] x, int y, Map<String, String> groups) {}

  /**
   * Builds the training and hold-out rows and trains. The model's id is a hash of its content
   * ({@link RiskModel#contentId}).
   *
   * @param truth true 12-month risk of a generated population at the hold-out cutoff ({@code
   *     person_id, true_risk}), to report the best AUROC any model could reach on these data
   */
  public static Result train(
      FeaturesStep.Sources sources,
      LocalDate asOf,
      NpcConfig config,
      Optional<Dataset<Row>> truth,
      Optional<RiskModel> current) {
    RiskSettings s = config.risk();
    List<LocalDate> cutoffs = new ArrayList<>();
    for (int m : s.trainingCutoffsMonths()) {
      cutoffs.add(asOf.minusMonths(m));
    }
    LocalDate holdoutCutoff = asOf.minusMonths(s.holdoutMonths());
    List<LocalDate> dates = new ArrayList<>(cutoffs);
    dates.add(holdoutCutoff);

    Dataset<Row> population =
        sources.population(dates, config).where(col(Cols.AGE).geq(s.minAge()));
    Dataset<Row> features =
        Features.build(sources.inputs(), population, sources.efi(), sources.hfrs(), config);
    Dataset<Row> labelled =
        Outcomes.label(features, sources.inputs().spells(), sources.deaths(), s.horizonDays());
    Column h = pmod(xxhash64(col(Cols.PERSON_ID), lit(s.seed())), lit(10_000)).divide(10_000.0);
    double calibrateBelow = s.holdoutShare() + (1 - s.holdoutShare()) * s.calibrationShare();
    Column group =
        when(h.lt(s.holdoutShare()), HOLDOUT).when(h.lt(calibrateBelow), CALIBRATE).otherwise(FIT);
    Dataset<Row> grouped = labelled.withColumn(GROUP, group).cache();
    java.sql.Date hold = java.sql.Date.valueOf(holdoutCutoff);
    Dataset<Row> training =
        grouped.where(col(GROUP).notEqual(HOLDOUT).and(col(Cols.AS_OF).notEqual(lit(hold))));
    Dataset<Row> holdout =
        grouped.where(col(GROUP).equalTo(HOLDOUT).and(col(Cols.AS_OF).equalTo(lit(hold))));

    // The configured inputs only (risk.inputs): not every column the features table has.
    Encoder encoder =
        Encoder.of(
            s.inputs(),
            features.schema(),
            sources.efi().deficits().values().stream().map(Features::flag).toList());
    // Sorted, so the fit sees the rows in the same order on every run and machine.
    List<Row> trainRows =
        sample(training, s.trainingSample(), s.seed())
            .orderBy(Cols.PERSON_ID, Cols.AS_OF)
            .collectAsList();
    List<Row> holdRows =
        sample(holdout, s.trainingSample(), s.seed() + 1)
            .orderBy(Cols.PERSON_ID, Cols.AS_OF)
            .collectAsList();
    grouped.unpersist();
    List<Example> fit = new ArrayList<>();
    List<Example> cal = new ArrayList<>();
    for (Row r : trainRows) {
      (FIT.equals(r.getAs(GROUP)) ? fit : cal).add(example(encoder, r));
    }
    List<Example> test = new ArrayList<>();
    for (Row r : holdRows) {
      test.add(example(encoder, r));
    }
    if (fit.isEmpty() || cal.isEmpty() || test.isEmpty() || events(fit) == 0) {
      throw io.proactivecare.npc.config.Errors.usage(
          String.format(
              "Too little data to train: %d fitting, %d calibration and %d hold-out rows, %d"
                  + " outcomes to fit on",
              fit.size(), cal.size(), test.size(), events(fit)),
          "the extract must reach back "
              + s.trainingCutoffsMonths().stream().max(Integer::compare).orElse(0)
              + " months before the as-of date with people and emergency admissions");
    }

    double[][] x = fit.stream().map(Example::x).toArray(double[][]::new);
    int[] y = fit.stream().mapToInt(Example::y).toArray();
    Learner regression = Learner.Regression.fit(x, y, s.regressionLambda());
    // The trees' row subsampling draws from Smile's random numbers: seed them, so the same data and
    // settings train the same model.
    smile.math.MathEx.setSeed(s.seed());
    RiskSettings.Trees t = s.trees();
    Learner trees =
        Learner.Trees.fit(
            x,
            y,
            encoder.names(),
            new Learner.Trees.Settings(
                t.count(), t.maxDepth(), t.maxNodes(), t.nodeSize(), t.shrinkage(), t.subsample()));

    Map<String, Object> card = new LinkedHashMap<>();
    int[] yTest = test.stream().mapToInt(Example::y).toArray();
    Learner best = null;
    Calibrator bestCal = null;
    double bestAuc = Double.NEGATIVE_INFINITY;
    Map<String, Object> candidates = new LinkedHashMap<>();
    for (Learner l : List.of(regression, trees)) {
      Calibrator c =
          Calibrator.fit(
              s.calibration(),
              cal.stream().mapToDouble(e -> l.probability(e.x())).toArray(),
              cal.stream().mapToInt(Example::y).toArray());
      double[] p = test.stream().mapToDouble(e -> c.calibrate(l.probability(e.x()))).toArray();
      double auc = Metrics.auroc(p, yTest);
      candidates.put(
          l.kind(), Map.of("holdout_auroc", auc, "holdout_brier", Metrics.brier(p, yTest)));
      if (auc > bestAuc) {
        bestAuc = auc;
        best = l;
        bestCal = c;
      }
    }
    Learner chosen = best;
    Calibrator chosenCal = bestCal;
    Map<String, String> deficitNames = new LinkedHashMap<>();
    sources.efi().deficits().values().forEach(n -> deficitNames.put(Features.flag(n), n));
    Reasons reasons =
        new Reasons(
            deficitNames, config.features().recencyCapDays(), config.features().recentWindowDays());
    List<String> cutoffDates = cutoffs.stream().map(LocalDate::toString).toList();
    String modelId =
        RiskModel.contentId(
            encoder,
            chosen,
            chosenCal,
            reasons,
            asOf.toString(),
            cutoffDates,
            holdoutCutoff.toString(),
            s);
    double[] p =
        test.stream().mapToDouble(e -> chosenCal.calibrate(chosen.probability(e.x()))).toArray();
    boolean[] top5 = Metrics.topFlags(p, 0.05);
    Metrics.Report overall = Metrics.report(p, yTest, top5);

    card.put("model_id", modelId);
    card.put("learner", chosen.kind());
    card.put("calibration", chosenCal.kind());
    card.put("as_of", asOf.toString());
    card.put("training_cutoffs", cutoffDates);
    card.put("holdout_cutoff", holdoutCutoff.toString());
    card.put("outcome", "emergency admission or death within " + s.horizonDays() + " days");
    card.put("min_age", s.minAge());
    card.put("fit_rows", fit.size());
    card.put("calibration_rows", cal.size());
    card.put("holdout_rows", test.size());
    card.put("fit_outcomes", events(fit));
    card.put("holdout_outcomes", events(test));
    card.put("features", encoder.names());
    card.put("candidates", candidates);
    card.put("holdout_auroc", overall.auroc());
    Map<String, Object> holdoutReport = reportMap(overall);
    // Intervals: a percentile bootstrap of the hold-out rows (seeded), on primitive arrays.
    Map<String, double[]> intervals =
        Bootstrap.intervals(p, yTest, s.bootstrapReplicates(), s.seed());
    intervals.forEach((metric, ci) -> holdoutReport.put(metric + "_ci", List.of(ci[0], ci[1])));
    card.put("holdout", holdoutReport);
    card.put(
        "intervals",
        Map.of(
            "method",
            "percentile bootstrap of the hold-out rows",
            "level",
            Bootstrap.LEVEL,
            "replicates",
            s.bootstrapReplicates(),
            "seed",
            s.seed()));
    card.put(
        "subgroup_minimum",
        Map.of("people", s.subgroupMinPeople(), "events", s.subgroupMinEvents()));
    truth.ifPresent(
        tr -> {
          Map<String, Double> risk = new java.util.HashMap<>();
          Map<String, Double> recorded = new java.util.HashMap<>();
          for (Row r : tr.collectAsList()) {
            risk.put(r.getString(0), r.getDouble(1));
            if (r.size() > 2 && !r.isNullAt(2)) {
              recorded.put(r.getString(0), r.getDouble(2));
            }
          }
          // Compare on the hold-out rows the truth covers (it counts registration differently
          // on the cutoff day itself), both the model and the truth on the same rows.
          List<Integer> known = new ArrayList<>();
          for (int i = 0; i < holdRows.size(); i++) {
            if (risk.containsKey((String) holdRows.get(i).getAs(Cols.PERSON_ID))) {
              known.add(i);
            }
          }
          double[] q = new double[known.size()];
          double[] pm = new double[known.size()];
          int[] yk = new int[known.size()];
          for (int k = 0; k < known.size(); k++) {
            int i = known.get(k);
            q[k] = risk.get((String) holdRows.get(i).getAs(Cols.PERSON_ID));
            pm[k] = p[i];
            yk[k] = yTest[i];
          }
          double trueAuc = Metrics.auroc(q, yk);
          if (!recorded.isEmpty()) {
            double[] qr = new double[known.size()];
            for (int k = 0; k < known.size(); k++) {
              qr[k] =
                  recorded.getOrDefault(
                      (String) holdRows.get(known.get(k)).getAs(Cols.PERSON_ID), Double.NaN);
            }
            // The true risk from recorded factors only: what the hidden factors take away.
            double recordedAuc = Metrics.auroc(qr, yk);
            card.put("recorded_risk_auroc", recordedAuc);
            card.put("auroc_gap_hidden_factors", trueAuc - recordedAuc);
          }
          double modelAuc = Metrics.auroc(pm, yk);
          card.put("true_risk_rows", known.size());
          card.put("true_risk_auroc", trueAuc);
          card.put("model_auroc_on_true_risk_rows", modelAuc);
          card.put("auroc_gap_to_true_risk", trueAuc - modelAuc);
        });
    current.ifPresent(
        m -> {
          try {
            double[] pc =
                holdRows.stream().mapToDouble(r -> m.probability(m.encoder().encode(r))).toArray();
            card.put("current_model", m.id());
            card.put("current_model_holdout_auroc", Metrics.auroc(pc, yTest));
          } catch (RuntimeException e) {
            card.put("current_model", m.id());
            card.put("current_model_note", "could not score this hold-out: " + e.getMessage());
          }
        });

    List<MetricRow> rows = new ArrayList<>();
    addMetrics(rows, modelId, "all", "all", overall);
    intervals.forEach(
        (metric, ci) -> {
          rows.add(new MetricRow(modelId, "all", "all", metric + "_ci_low", ci[0], overall.n()));
          rows.add(new MetricRow(modelId, "all", "all", metric + "_ci_high", ci[1], overall.n()));
        });
    for (String g : List.of(Cols.SEX, "age_band", Cols.IMD_QUINTILE, Cols.ETHNIC_CATEGORY)) {
      Map<String, List<Integer>> byLevel = new java.util.TreeMap<>();
      for (int i = 0; i < test.size(); i++) {
        byLevel.computeIfAbsent(test.get(i).groups().get(g), k -> new ArrayList<>()).add(i);
      }
      Map<String, Object> sub = new LinkedHashMap<>();
      for (Map.Entry<String, List<Integer>> e : byLevel.entrySet()) {
        double[] ps = e.getValue().stream().mapToDouble(i -> p[i]).toArray();
        int[] ys = e.getValue().stream().mapToInt(i -> yTest[i]).toArray();
        boolean[] fs = new boolean[ps.length];
        for (int k = 0; k < fs.length; k++) {
          fs[k] = top5[e.getValue().get(k)];
        }
        Metrics.Report r = Metrics.report(ps, ys, fs);
        if (r.n() < s.subgroupMinPeople() || r.events() < s.subgroupMinEvents()) {
          // Too few to judge: the size only, the metrics suppressed.
          rows.add(new MetricRow(modelId, g, e.getKey(), "events", r.events(), r.n()));
          rows.add(new MetricRow(modelId, g, e.getKey(), SUPPRESSED, 1, r.n()));
          Map<String, Object> small = new LinkedHashMap<>();
          small.put("n", r.n());
          small.put("events", r.events());
          small.put(SUPPRESSED, true);
          sub.put(e.getKey(), small);
          continue;
        }
        addMetrics(rows, modelId, g, e.getKey(), r);
        sub.put(e.getKey(), reportMap(r));
      }
      card.put("holdout_by_" + g, sub);
    }
    RiskModel model =
        new RiskModel(
            modelId,
            asOf.toString(),
            cutoffDates,
            holdoutCutoff.toString(),
            encoder,
            chosen,
            chosenCal,
            reasons,
            card);
    return new Result(model, rows);
  }

  /**
   * About {@code max} rows when there are more: a sample stratified by outcome, the same share of
   * rows with and without it, so the sample keeps the outcome rate and the calibration.
   */
  private static Dataset<Row> sample(Dataset<Row> rows, int max, long seed) {
    long n = rows.count();
    if (n <= max) {
      return rows;
    }
    double share = (double) max / n;
    return rows.stat().sampleBy(Outcomes.OUTCOME, Map.of(0, share, 1, share), seed);
  }

  private static long events(List<Example> examples) {
    return examples.stream().filter(e -> e.y() == 1).count();
  }

  static Example example(Encoder encoder, Row r) {
    Map<String, String> groups = new LinkedHashMap<>();
    groups.put(Cols.SEX, String.valueOf((Object) r.getAs(Cols.SEX)));
    groups.put(
        "age_band",
        io.proactivecare.npc.population.AgeBands.label(
            r.<Integer>getAs(Cols.AGE), io.proactivecare.npc.population.AgeBands.STANDARD));
    Object q = r.getAs(Cols.IMD_QUINTILE);
    groups.put(Cols.IMD_QUINTILE, q == null ? "unknown" : q.toString());
    groups.put(Cols.ETHNIC_CATEGORY, String.valueOf((Object) r.getAs(Cols.ETHNIC_CATEGORY)));
    return new Example(encoder.encode(r), r.<Integer>getAs(Outcomes.OUTCOME), groups);
  }

  private static void addMetrics(
      List<MetricRow> rows, String model, String subgroup, String level, Metrics.Report r) {
    rows.add(new MetricRow(model, subgroup, level, "events", r.events(), r.n()));
    rows.add(new MetricRow(model, subgroup, level, "auroc", r.auroc(), r.n()));
    rows.add(new MetricRow(model, subgroup, level, "auprc", r.auprc(), r.n()));
    rows.add(new MetricRow(model, subgroup, level, "brier", r.brier(), r.n()));
    rows.add(
        new MetricRow(model, subgroup, level, "calibration_slope", r.calibrationSlope(), r.n()));
    rows.add(
        new MetricRow(
            model, subgroup, level, "calibration_intercept", r.calibrationIntercept(), r.n()));
    rows.add(new MetricRow(model, subgroup, level, "sensitivity_top5", r.sensitivityTop5(), r.n()));
    rows.add(new MetricRow(model, subgroup, level, "ppv_top5", r.ppvTop5(), r.n()));
    for (Metrics.Decile d : r.deciles()) {
      rows.add(
          new MetricRow(
              model,
              subgroup,
              level,
              "decile_" + d.decile() + "_predicted",
              d.meanPredicted(),
              d.n()));
      rows.add(
          new MetricRow(
              model, subgroup, level, "decile_" + d.decile() + "_observed", d.observed(), d.n()));
    }
  }

  static Map<String, Object> reportMap(Metrics.Report r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", r.n());
    m.put("events", r.events());
    m.put("auroc", r.auroc());
    m.put("auprc", r.auprc());
    m.put("brier", r.brier());
    m.put("calibration_slope", r.calibrationSlope());
    m.put("calibration_intercept", r.calibrationIntercept());
    m.put("sensitivity_top5", r.sensitivityTop5());
    m.put("ppv_top5", r.ppvTop5());
    List<Map<String, Object>> deciles = new ArrayList<>();
    for (Metrics.Decile d : r.deciles()) {
      deciles.add(
          Map.of(
              "decile", d.decile(),
              "n", d.n(),
              "mean_predicted", d.meanPredicted(),
              "observed", d.observed()));
    }
    m.put("calibration_deciles", deciles);
    return m;
  }
}

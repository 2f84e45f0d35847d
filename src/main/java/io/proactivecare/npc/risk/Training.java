package io.proactivecare.npc.risk;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.config.RiskSettings;
import io.proactivecare.npc.features.Features;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.frailty.EfiDefinition;
import io.proactivecare.npc.population.AgeBands;
import io.proactivecare.npc.schema.Cols;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Trains the risk model (docs/model.md): features and outcomes at past cutoffs, people split by a
 * hash of their id into fit, calibration and hold-out groups, a regularised logistic regression and
 * boosted trees fitted, each calibrated on the calibration group, the better on the temporal
 * hold-out chosen, and every metric reported overall and by subgroup.
 *
 * <p>{@link #train} only composes the pieces, each a function of its own so it can be checked, and
 * used, alone: the dates ({@link Cutoffs}), the rows collected by hashed group ({@link #group},
 * {@link #collect}), their design matrices ({@link Design}), the fits ({@link #fit}), calibration
 * and choice ({@link #candidates}, {@link #best}), the hold-out metrics ({@link #evaluate}) and the
 * model card ({@link #card}, {@link #subgroupCard}, {@link #againstTruth}, {@link
 * #againstCurrent}).
 */
public final class Training {
  private Training() {}

  public static final String GROUP = "_group";
  static final String FIT = "fit";
  static final String CALIBRATE = "calibrate";
  static final String HOLDOUT = "holdout";

  /** Marks a subgroup below risk.subgroup_min_people or _min_events: its metrics are not given. */
  static final String SUPPRESSED = "suppressed";

  static final String AGE_BAND = "age_band";

  /** The subgroups every hold-out metric is also reported for, in the card's order. */
  static final List<String> SUBGROUPS =
      List.of(Cols.SEX, AGE_BAND, Cols.IMD_QUINTILE, Cols.ETHNIC_CATEGORY);

  /** The share flagged for sensitivity and PPV: the cohort's top 5%. */
  static final double TOP_SHARE = 0.05;

  /** What training produced: the model and the hold-out predictions, for the metrics table. */
  public record Result(RiskModel model, List<MetricRow> metrics) {}

  /** One metric of one subgroup, for the Parquet metrics table. */
  public record MetricRow(
      String model, String subgroup, String level, String metric, double value, long n) {}

  /** The dates training reads: the training cutoffs, and the temporal hold-out's after them. */
  record Cutoffs(List<LocalDate> training, LocalDate holdout) {
    /** risk.training_cutoffs_months and risk.holdout_months before {@code asOf}. */
    static Cutoffs of(LocalDate asOf, RiskSettings s) {
      List<LocalDate> training = new ArrayList<>();
      for (int m : s.trainingCutoffsMonths()) {
        training.add(asOf.minusMonths(m));
      }
      return new Cutoffs(List.copyOf(training), asOf.minusMonths(s.holdoutMonths()));
    }

    /** Every date: the training cutoffs, then the hold-out's. */
    List<LocalDate> all() {
      List<LocalDate> dates = new ArrayList<>(training);
      dates.add(holdout);
      return dates;
    }

    /** The training cutoffs as the card and the model record them. */
    List<String> trainingDates() {
      return training.stream().map(LocalDate::toString).toList();
    }
  }

  /** The rows collected to the driver, each list sorted by person and date. */
  record Collected(List<Row> fit, List<Row> calibrate, List<Row> holdout) {}

  /** The design matrices of the fitting, calibration and hold-out rows. */
  record Designs(Design fit, Design calibrate, Design holdout) {
    static Designs of(Collected rows, Encoder encoder) {
      return new Designs(
          Design.of(rows.fit(), encoder, Training::outcome),
          Design.of(rows.calibrate(), encoder, Training::outcome),
          Design.of(rows.holdout(), encoder, Training::outcome));
    }

    /** Refuses to train without rows in each group and outcomes to fit on. */
    void requireEnough(RiskSettings s) {
      if (fit.isEmpty() || calibrate.isEmpty() || holdout.isEmpty() || fit.events() == 0) {
        throw Errors.usage(
            String.format(
                "Too little data to train: %d fitting, %d calibration and %d hold-out rows, %d"
                    + " outcomes to fit on",
                fit.size(), calibrate.size(), holdout.size(), fit.events()),
            "the extract must reach back "
                + s.trainingCutoffsMonths().stream().max(Integer::compare).orElse(0)
                + " months before the as-of date with people and emergency admissions");
      }
    }
  }

  /** A fitted learner, its calibration, and how its calibrated predictions did on the hold-out. */
  record Candidate(Learner learner, Calibrator calibrator, double auroc, double brier) {
    /** The calibrated probability of an encoded row. */
    double probability(double[] x) {
      return calibrator.calibrate(learner.probability(x));
    }
  }

  /**
   * The chosen model on the hold-out rows.
   *
   * @param p each row's calibrated probability
   * @param overall the report of every row, the top 5% flagged
   * @param intervals the bootstrap interval of each metric {@link Bootstrap} gives one for
   * @param bySubgroup per subgroup ({@link #SUBGROUPS}), each level's report, levels sorted; a
   *     level is judged by the flags of the whole hold-out's top 5%
   */
  record Evaluation(
      double[] p,
      Metrics.Report overall,
      Map<String, double[]> intervals,
      Map<String, Map<String, Metrics.Report>> bySubgroup) {}

  /**
   * A generated population's true 12-month risk at the hold-out cutoff, by person: from every
   * factor, and from the recorded factors only (empty when the truth does not give it).
   */
  record Truth(Map<String, Double> risk, Map<String, Double> recorded) {
    /** Collects {@code person_id, true_risk[, recorded_risk]} rows. */
    static Truth of(Dataset<Row> truth) {
      Map<String, Double> risk = new HashMap<>();
      Map<String, Double> recorded = new HashMap<>();
      for (Row r : truth.collectAsList()) {
        risk.put(r.getString(0), r.getDouble(1));
        if (r.size() > 2 && !r.isNullAt(2)) {
          recorded.put(r.getString(0), r.getDouble(2));
        }
      }
      return new Truth(risk, recorded);
    }
  }

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
    Cutoffs cutoffs = Cutoffs.of(asOf, s);
    // The rows are chosen before their features are built: only the sampled rows pay for them.
    Dataset<Row> features =
        Features.build(
            sources.inputs(),
            chosen(sources.population(cutoffs.all(), config), cutoffs.holdout(), s),
            sources.efi(),
            sources.hfrs(),
            config);
    Map<String, String> deficits = deficitNames(sources.efi());
    // The configured inputs only (risk.inputs): not every column the features table has.
    Encoder encoder = Encoder.of(s.inputs(), features.schema(), deficits.keySet());
    Collected rows =
        collect(
            Outcomes.label(features, sources.inputs().spells(), sources.deaths(), s.horizonDays()),
            cutoffs.holdout(),
            s);
    Designs designs = Designs.of(rows, encoder);
    designs.requireEnough(s);

    List<Candidate> candidates =
        candidates(
            fit(designs.fit(), encoder.names(), s),
            designs.calibrate(),
            designs.holdout(),
            s.calibration());
    Candidate chosen = best(candidates);
    // One list for the card and the model, so model.bin holds it once, as it always has.
    List<String> trainingDates = cutoffs.trainingDates();
    Reasons reasons =
        new Reasons(
            deficits, config.features().recencyCapDays(), config.features().recentWindowDays());
    String modelId =
        RiskModel.contentId(
            encoder,
            chosen.learner(),
            chosen.calibrator(),
            reasons,
            asOf.toString(),
            trainingDates,
            cutoffs.holdout().toString(),
            s);

    Design test = designs.holdout();
    Evaluation holdout =
        evaluate(
            test.predict(chosen::probability),
            test.y(),
            subgroups(rows.holdout()),
            s.bootstrapReplicates(),
            s.seed());
    Map<String, Object> card =
        card(
            modelId,
            asOf,
            trainingDates,
            cutoffs.holdout(),
            s,
            chosen,
            candidates,
            designs,
            encoder.names(),
            holdout);
    truth.ifPresent(
        t -> card.putAll(againstTruth(Truth.of(t), ids(rows.holdout()), holdout.p(), test.y())));
    current.ifPresent(m -> card.putAll(againstCurrent(m, rows.holdout(), test.y())));
    card.putAll(subgroupCard(holdout, s));
    RiskModel model =
        new RiskModel(
            modelId,
            asOf.toString(),
            trainingDates,
            cutoffs.holdout().toString(),
            encoder,
            chosen.learner(),
            chosen.calibrator(),
            reasons,
            card);
    return new Result(model, metricRows(modelId, holdout, s));
  }

  // ---------------------------------------------------------------------------------------------
  // The rows

  /**
   * The population rows training uses, before any feature is built: people aged risk.min_age or
   * more; at the training cutoffs those outside the hold-out group, at the hold-out cutoff those in
   * it; each of the two sets sampled to about risk.training_sample rows when it has more ({@link
   * #sampled}).
   */
  static Dataset<Row> chosen(Dataset<Row> population, LocalDate holdoutCutoff, RiskSettings s) {
    java.sql.Date hold = java.sql.Date.valueOf(holdoutCutoff);
    Column held = col(GROUP).equalTo(HOLDOUT);
    Column atHold = col(Cols.AS_OF).equalTo(lit(hold));
    Column training = not(held).and(not(atHold));
    Column holdout = held.and(atHold);
    Dataset<Row> rows =
        population
            .where(col(Cols.AGE).geq(s.minAge()))
            .withColumn(GROUP, group(share(s.seed()), s.holdoutShare(), s.calibrationShare()))
            .where(training.or(holdout))
            .localCheckpoint(true);
    Row n = rows.agg(count(when(training, 1)), count(when(holdout, 1))).first();
    Column keep =
        when(training, sampled(n.getLong(0), s.trainingSample(), s.seed()))
            .otherwise(sampled(n.getLong(1), s.trainingSample(), s.seed() + 1));
    return rows.where(keep).drop(GROUP);
  }

  /**
   * Keeps each of {@code n} rows with probability {@code max / n} (all of them when {@code n <=
   * max}), decided by a hash of the person and the date seeded with {@code seed}: about {@code max}
   * rows, every row as likely as any other, so the outcome rate is kept; and the same rows on every
   * run, machine and partitioning.
   */
  static Column sampled(long n, int max, long seed) {
    if (n <= max) {
      return lit(true);
    }
    long scale = 1L << 30;
    long below = Math.round((double) max / n * scale);
    return pmod(xxhash64(col(Cols.PERSON_ID), col(Cols.AS_OF), lit(seed)), lit(scale))
        .lt(lit(below));
  }

  /** Each deficit's flag column in the features, with the deficit's name, in deficit order. */
  private static Map<String, String> deficitNames(EfiDefinition efi) {
    Map<String, String> names = new LinkedHashMap<>();
    efi.deficits().values().forEach(n -> names.put(Features.flag(n), n));
    return names;
  }

  /**
   * A person's place in [0, 1), in steps of 1/10,000, from a hash of the id seeded with {@code
   * seed}: the same person falls in the same group at every cutoff and on every run.
   */
  static Column share(long seed) {
    return pmod(xxhash64(col(Cols.PERSON_ID), lit(seed)), lit(10_000)).divide(10_000.0);
  }

  /**
   * The group of a person at {@code share}: below {@code holdoutShare} the hold-out; of the rest,
   * the first {@code calibrationShare} calibrates; the others fit.
   */
  static Column group(Column share, double holdoutShare, double calibrationShare) {
    double calibrateBelow = holdoutShare + (1 - holdoutShare) * calibrationShare;
    return when(share.lt(holdoutShare), HOLDOUT)
        .when(share.lt(calibrateBelow), CALIBRATE)
        .otherwise(FIT);
  }

  /**
   * The labelled rows collected in their groups: the fitting and calibration rows are the training
   * cutoffs' rows ({@link #chosen}), the hold-out rows the hold-out cutoff's (held out by person
   * and by time). Each list is sorted by person and date, so the fit sees the same rows in the same
   * order on every run and machine.
   */
  static Collected collect(Dataset<Row> labelled, LocalDate holdoutCutoff, RiskSettings s) {
    java.sql.Date hold = java.sql.Date.valueOf(holdoutCutoff);
    // Built once for both lists.
    Dataset<Row> grouped =
        labelled
            .withColumn(GROUP, group(share(s.seed()), s.holdoutShare(), s.calibrationShare()))
            .cache();
    List<Row> trainRows = sorted(grouped.where(col(Cols.AS_OF).notEqual(lit(hold))));
    List<Row> holdRows = sorted(grouped.where(col(Cols.AS_OF).equalTo(lit(hold))));
    grouped.unpersist();
    List<Row> fit = new ArrayList<>();
    List<Row> cal = new ArrayList<>();
    for (Row r : trainRows) {
      (FIT.equals(r.getAs(GROUP)) ? fit : cal).add(r);
    }
    return new Collected(fit, cal, holdRows);
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.orderBy(Cols.PERSON_ID, Cols.AS_OF).collectAsList();
  }

  private static int outcome(Row r) {
    return r.<Integer>getAs(Outcomes.OUTCOME);
  }

  private static List<String> ids(List<Row> rows) {
    return rows.stream().map(r -> r.<String>getAs(Cols.PERSON_ID)).toList();
  }

  /** Each row's level of each subgroup ({@link #SUBGROUPS}), a missing quintile "unknown". */
  static List<Map<String, String>> subgroups(List<Row> rows) {
    return rows.stream().map(Training::subgroups).toList();
  }

  static Map<String, String> subgroups(Row r) {
    Map<String, String> groups = new LinkedHashMap<>();
    groups.put(Cols.SEX, String.valueOf((Object) r.getAs(Cols.SEX)));
    groups.put(AGE_BAND, AgeBands.label(r.<Integer>getAs(Cols.AGE), AgeBands.STANDARD));
    Object q = r.getAs(Cols.IMD_QUINTILE);
    groups.put(Cols.IMD_QUINTILE, q == null ? "unknown" : q.toString());
    groups.put(Cols.ETHNIC_CATEGORY, String.valueOf((Object) r.getAs(Cols.ETHNIC_CATEGORY)));
    return groups;
  }

  // ---------------------------------------------------------------------------------------------
  // Fitting, calibration and the choice

  /**
   * The learners fitted on {@code fit}: the L2 logistic regression (risk.regression_lambda), then
   * the boosted trees (risk.trees). The trees' row subsampling draws from Smile's random numbers:
   * they are seeded with risk.seed, so the same data and settings train the same model.
   */
  static List<Learner> fit(Design fit, List<String> names, RiskSettings s) {
    Learner regression = Learner.Regression.fit(fit.x(), fit.y(), s.regressionLambda());
    smile.math.MathEx.setSeed(s.seed());
    RiskSettings.Trees t = s.trees();
    Learner trees =
        Learner.Trees.fit(
            fit.x(),
            fit.y(),
            names,
            new Learner.Trees.Settings(
                t.count(), t.maxDepth(), t.maxNodes(), t.nodeSize(), t.shrinkage(), t.subsample()));
    return List.of(regression, trees);
  }

  /** Each learner calibrated ({@code calibration}) on {@code cal}, and judged on {@code test}. */
  static List<Candidate> candidates(
      List<Learner> learners, Design cal, Design test, String calibration) {
    List<Candidate> out = new ArrayList<>();
    for (Learner l : learners) {
      Calibrator c = Calibrator.fit(calibration, cal.predict(l::probability), cal.y());
      double[] p = test.predict(x -> c.calibrate(l.probability(x)));
      out.add(new Candidate(l, c, Metrics.auroc(p, test.y()), Metrics.brier(p, test.y())));
    }
    return out;
  }

  /** The candidate with the highest hold-out AUROC; of equals, the first. */
  static Candidate best(List<Candidate> candidates) {
    Candidate best = null;
    for (Candidate c : candidates) {
      if (c.auroc() > (best == null ? Double.NEGATIVE_INFINITY : best.auroc())) {
        best = c;
      }
    }
    if (best == null) {
      // NaN for every candidate: a hold-out of one class.
      throw new IllegalStateException("no candidate has a hold-out AUROC to choose by");
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // The hold-out metrics

  /**
   * The hold-out report of predictions {@code p} of outcomes {@code y}: the top 5% flagged, the
   * overall report, its bootstrap intervals ({@code replicates} resamples seeded with {@code
   * seed}), and each subgroup level's report.
   */
  static Evaluation evaluate(
      double[] p, int[] y, List<Map<String, String>> groups, int replicates, long seed) {
    boolean[] top = Metrics.topFlags(p, TOP_SHARE);
    return new Evaluation(
        p,
        Metrics.report(p, y, top),
        Bootstrap.intervals(p, y, replicates, seed),
        bySubgroup(p, y, top, groups));
  }

  /**
   * For each subgroup, the report of each of its levels (sorted), on the rows of that level with
   * {@code flagged} as the whole hold-out flags them, so a subgroup is judged by the cut the cohort
   * uses.
   */
  static Map<String, Map<String, Metrics.Report>> bySubgroup(
      double[] p, int[] y, boolean[] flagged, List<Map<String, String>> groups) {
    Map<String, Map<String, Metrics.Report>> out = new LinkedHashMap<>();
    for (String g : SUBGROUPS) {
      Map<String, List<Integer>> byLevel = new TreeMap<>();
      for (int i = 0; i < groups.size(); i++) {
        byLevel.computeIfAbsent(groups.get(i).get(g), k -> new ArrayList<>()).add(i);
      }
      Map<String, Metrics.Report> reports = new LinkedHashMap<>();
      byLevel.forEach(
          (level, rows) -> {
            double[] ps = rows.stream().mapToDouble(i -> p[i]).toArray();
            int[] ys = rows.stream().mapToInt(i -> y[i]).toArray();
            boolean[] fs = new boolean[ps.length];
            for (int k = 0; k < fs.length; k++) {
              fs[k] = flagged[rows.get(k)];
            }
            reports.put(level, Metrics.report(ps, ys, fs));
          });
      out.put(g, reports);
    }
    return out;
  }

  /** Whether a subgroup is too small to judge: its size only is given, its metrics suppressed. */
  static boolean suppressed(Metrics.Report r, RiskSettings s) {
    return r.n() < s.subgroupMinPeople() || r.events() < s.subgroupMinEvents();
  }

  /** The metrics table's rows: overall with its intervals, then each subgroup level's. */
  static List<MetricRow> metricRows(String modelId, Evaluation e, RiskSettings s) {
    List<MetricRow> rows = new ArrayList<>();
    Metrics.Report overall = e.overall();
    addMetrics(rows, modelId, "all", "all", overall);
    e.intervals()
        .forEach(
            (metric, ci) -> {
              rows.add(
                  new MetricRow(modelId, "all", "all", metric + "_ci_low", ci[0], overall.n()));
              rows.add(
                  new MetricRow(modelId, "all", "all", metric + "_ci_high", ci[1], overall.n()));
            });
    e.bySubgroup()
        .forEach(
            (g, levels) ->
                levels.forEach(
                    (level, r) -> {
                      if (suppressed(r, s)) {
                        rows.add(new MetricRow(modelId, g, level, "events", r.events(), r.n()));
                        rows.add(new MetricRow(modelId, g, level, SUPPRESSED, 1, r.n()));
                      } else {
                        addMetrics(rows, modelId, g, level, r);
                      }
                    }));
    return rows;
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

  // ---------------------------------------------------------------------------------------------
  // The model card

  /**
   * The card's entries up to the subgroup minimum: what was trained, on which rows, the candidates,
   * and the hold-out metrics with their intervals. The comparisons with the truth and the current
   * model, then the subgroups, follow ({@link #train}).
   */
  static Map<String, Object> card(
      String modelId,
      LocalDate asOf,
      List<String> trainingCutoffs,
      LocalDate holdoutCutoff,
      RiskSettings s,
      Candidate chosen,
      List<Candidate> candidates,
      Designs designs,
      List<String> features,
      Evaluation holdout) {
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("model_id", modelId);
    card.put("learner", chosen.learner().kind());
    card.put("calibration", chosen.calibrator().kind());
    card.put("as_of", asOf.toString());
    card.put("training_cutoffs", trainingCutoffs);
    card.put("holdout_cutoff", holdoutCutoff.toString());
    card.put("outcome", "emergency admission or death within " + s.horizonDays() + " days");
    card.put("min_age", s.minAge());
    card.put("fit_rows", designs.fit().size());
    card.put("calibration_rows", designs.calibrate().size());
    card.put("holdout_rows", designs.holdout().size());
    card.put("fit_outcomes", designs.fit().events());
    card.put("holdout_outcomes", designs.holdout().events());
    card.put("features", features);
    Map<String, Object> judged = new LinkedHashMap<>();
    for (Candidate c : candidates) {
      judged.put(
          c.learner().kind(), Map.of("holdout_auroc", c.auroc(), "holdout_brier", c.brier()));
    }
    card.put("candidates", judged);
    card.put("holdout_auroc", holdout.overall().auroc());
    Map<String, Object> overall = reportMap(holdout.overall());
    // Intervals: a percentile bootstrap of the hold-out rows (seeded), on primitive arrays.
    holdout.intervals().forEach((metric, ci) -> overall.put(metric + "_ci", List.of(ci[0], ci[1])));
    card.put("holdout", overall);
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
    return card;
  }

  /**
   * The card's {@code holdout_by_SUBGROUP} entries: each level's report, or for a level too small
   * to judge its size and events only, marked suppressed.
   */
  static Map<String, Object> subgroupCard(Evaluation e, RiskSettings s) {
    Map<String, Object> card = new LinkedHashMap<>();
    e.bySubgroup()
        .forEach(
            (g, levels) -> {
              Map<String, Object> sub = new LinkedHashMap<>();
              levels.forEach(
                  (level, r) -> {
                    if (suppressed(r, s)) {
                      Map<String, Object> small = new LinkedHashMap<>();
                      small.put("n", r.n());
                      small.put("events", r.events());
                      small.put(SUPPRESSED, true);
                      sub.put(level, small);
                    } else {
                      sub.put(level, reportMap(r));
                    }
                  });
              card.put("holdout_by_" + g, sub);
            });
    return card;
  }

  /**
   * The model against a generated population's true risk, on the hold-out rows the truth covers (it
   * counts registration differently on the cutoff day itself), both on the same rows: the AUROC of
   * the true risk (the best any model could reach), the model's, and the gap; with the true risk
   * from recorded factors only, also its AUROC and what the hidden factors take away.
   *
   * @param ids the hold-out rows' people, in the order of {@code p} and {@code y}
   */
  static Map<String, Object> againstTruth(Truth truth, List<String> ids, double[] p, int[] y) {
    List<Integer> known = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (truth.risk().containsKey(ids.get(i))) {
        known.add(i);
      }
    }
    double[] q = new double[known.size()];
    double[] pm = new double[known.size()];
    int[] yk = new int[known.size()];
    for (int k = 0; k < known.size(); k++) {
      int i = known.get(k);
      q[k] = truth.risk().get(ids.get(i));
      pm[k] = p[i];
      yk[k] = y[i];
    }
    Map<String, Object> card = new LinkedHashMap<>();
    double trueAuc = Metrics.auroc(q, yk);
    if (!truth.recorded().isEmpty()) {
      double[] qr = new double[known.size()];
      for (int k = 0; k < known.size(); k++) {
        qr[k] = truth.recorded().getOrDefault(ids.get(known.get(k)), Double.NaN);
      }
      double recordedAuc = Metrics.auroc(qr, yk);
      card.put("recorded_risk_auroc", recordedAuc);
      card.put("auroc_gap_hidden_factors", trueAuc - recordedAuc);
    }
    double modelAuc = Metrics.auroc(pm, yk);
    card.put("true_risk_rows", known.size());
    card.put("true_risk_auroc", trueAuc);
    card.put("model_auroc_on_true_risk_rows", modelAuc);
    card.put("auroc_gap_to_true_risk", trueAuc - modelAuc);
    return card;
  }

  /**
   * The current model's AUROC on the same hold-out rows, for the registry's refusal rule; a note
   * instead when it cannot score them (its inputs are not in these features).
   */
  static Map<String, Object> againstCurrent(RiskModel current, List<Row> holdout, int[] y) {
    Map<String, Object> card = new LinkedHashMap<>();
    try {
      double[] pc =
          holdout.stream()
              .mapToDouble(r -> current.probability(current.encoder().encode(r)))
              .toArray();
      card.put("current_model", current.id());
      card.put("current_model_holdout_auroc", Metrics.auroc(pc, y));
    } catch (RuntimeException e) {
      card.put("current_model", current.id());
      card.put("current_model_note", "could not score this hold-out: " + e.getMessage());
    }
    return card;
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

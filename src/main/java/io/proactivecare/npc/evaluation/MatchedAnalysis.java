package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;

import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.disclosure.Measures;
import io.proactivecare.npc.risk.Encoder;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The method after the candidates are known (docs/evaluation.md, sections 3 to 9): the propensity
 * model fitted on a sample and applied as a column, greedy matching within blocks of index date and
 * exact strata, balance, the effect estimates, attrition and the disclosure-controlled aggregates.
 * The warehouse step ({@link EvaluationStep}) and a user's own candidates table ({@link
 * CandidatesFile}) both run it, so they are one method.
 *
 * <p>Input, the candidates: one row per person and index date with {@code person_id, index_date,
 * role} ({@code treated} or {@code candidate}), the encoder's covariate columns, and the exact and
 * breakdown columns the design names. Outputs, through the {@link Sink}: {@code
 * evaluation/candidates} (with {@code propensity_logit, propensity}), {@code evaluation/matched},
 * {@code evaluation/outcomes} and the four aggregates.
 */
public final class MatchedAnalysis {
  private MatchedAnalysis() {}

  /** Where the analysis writes its tables, and its notes for the run. */
  public interface Sink {
    /** Writes a patient-level table as Parquet output {@code name}; returns it read back. */
    Dataset<Row> write(String name, Dataset<Row> data);

    /** Writes an aggregate, after disclosure control, as Parquet and as CSV. */
    void aggregate(String name, StructType schema, List<Row> rows);

    /** A one-line note, counts only. */
    void note(String note);
  }

  /**
   * One outcome measure: per person, the value after the index date over its years of exposure and
   * (optionally) the value before over its years, as column expressions over the outcomes table. A
   * null value is "not known" (the person is left out of the measure); a null or non-positive
   * exposure likewise.
   *
   * @param pre null when the measure has no pre-period (no difference-in-differences, no naive
   *     before/after)
   * @param naive whether the unmatched comparison of everyone treated with every candidate is made
   */
  public record Measure(
      String name,
      String unit,
      Column post,
      Column postYears,
      Column pre,
      Column preYears,
      boolean naive) {
    boolean withPre() {
      return pre != null;
    }
  }

  /** A row of the attrition table that comes before matching. */
  public record Count(String description, long people) {}

  /**
   * What is analysed and how it is described.
   *
   * @param encoder the propensity model's covariates
   * @param exact the values matched exactly, besides the index date (expressions over the
   *     candidates)
   * @param breakdowns breakdown name to column (taken from the treated person of each set)
   * @param measures the outcome measures, in the order of the estimates table
   * @param attrition the attrition rows before matching
   * @param candidatesLabel how the attrition table names the candidate rows
   * @param afterMatching the last attrition rows, counted on the matched controls' rows (the
   *     candidates' columns and the matched table's)
   */
  public record Design(
      Encoder encoder,
      List<Column> exact,
      Map<String, String> breakdowns,
      List<Measure> measures,
      List<Count> attrition,
      String candidatesLabel,
      java.util.function.Function<List<Row>, List<Count>> afterMatching) {}

  /** Adds "{@code part} N.N s" since {@code since} to {@code timings}; returns now. */
  private static long lap(List<String> timings, String part, long since) {
    long now = System.nanoTime();
    timings.add(String.format(Locale.ROOT, "%s %.1f s", part, (now - since) / 1e9));
    return now;
  }

  /** What the analysis found, for the caller's own notes and checks. */
  public record Result(long treated, long matchedTreated, long matchedControls) {}

  /**
   * Runs the method.
   *
   * @param analysed the candidates (see the class comment)
   * @param outcomesOf the outcomes table of the written candidates: {@code person_id, index_date,
   *     role} and the columns the measures read
   */
  public static Result run(
      Dataset<Row> analysed,
      UnaryOperator<Dataset<Row>> outcomesOf,
      Design design,
      EvaluationSettings s,
      Sink sink) {
    long started = System.nanoTime();
    List<String> timings = new ArrayList<>();
    Map<String, Long> roles = countBy(analysed, Cols.ROLE);
    started = lap(timings, "covariates", started);
    long treatedEligible = roles.getOrDefault(RiskSets.TREATED, 0L);
    long candidateRows = roles.getOrDefault(RiskSets.CANDIDATE, 0L);

    // The propensity model, fitted on the driver from a sample, applied as a column.
    Encoder encoder = design.encoder();
    encoder.requireColumns(analysed.schema(), "the evaluation's covariates");
    double fraction =
        candidateRows == 0
            ? 1
            : Math.min(1.0, Math.max(1, s.maxFitRows() - treatedEligible) / (double) candidateRows);
    List<String> fitColumns = new ArrayList<>(List.of(Cols.ROLE));
    for (String c : encoder.columns()) {
      if (!fitColumns.contains(c)) {
        fitColumns.add(c);
      }
    }
    List<Row> fitRows =
        Propensity.fitSample(analysed, fraction, s.seed())
            .select(
                fitColumns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
            .collectAsList();
    Propensity.Model model = Propensity.fit(fitRows, encoder, s.lambda(), fraction);
    Column logit = model.logit();
    Dataset<Row> scored =
        analysed
            .withColumn(Cols.PROPENSITY_LOGIT, logit)
            .withColumn(
                Cols.PROPENSITY,
                lit(1.0)
                    .divide(lit(1.0).plus(org.apache.spark.sql.functions.exp(logit.multiply(-1)))));
    Dataset<Row> candidates = sink.write(EvaluationStep.CANDIDATES, scored);
    started = lap(timings, "propensity model and scores", started);

    // Matching within blocks of index date and exact strata.
    Row spread = candidates.agg(stddev_samp(Cols.PROPENSITY_LOGIT)).first();
    double sdLogit = spread.isNullAt(0) ? 0 : spread.getDouble(0);
    double caliper = s.caliper() > 0 ? s.caliper() * sdLogit : Double.POSITIVE_INFINITY;
    GreedyMatcher.Order order =
        EvaluationSettings.CLOSEST.equals(s.order())
            ? GreedyMatcher.Order.CLOSEST
            : GreedyMatcher.Order.LARGEST;
    Dataset<Row> matched =
        sink.write(
            EvaluationStep.MATCHED,
            Matching.matchOn(
                candidates, design.exact(), s.mahalanobis(), caliper, s.ratio(), order));
    started = lap(timings, "matching", started);

    // Outcomes before and after the index date, for everyone analysed.
    Dataset<Row> outcomes = sink.write(EvaluationStep.OUTCOMES, outcomesOf.apply(candidates));
    started = lap(timings, "outcomes", started);

    // The matched sample on the driver: one row per matched person, with the set's groups and
    // each measure's values.
    List<Column> setCols = new ArrayList<>();
    setCols.add(col(Cols.PERSON_ID).as("_set"));
    design.breakdowns().forEach((b, c) -> setCols.add(col(c).cast("string").as("_g_" + b)));
    Dataset<Row> setGroups =
        candidates
            .where(col(Cols.ROLE).equalTo(RiskSets.TREATED))
            .select(setCols.toArray(Column[]::new));
    Dataset<Row> sample =
        matched
            .where(col(Cols.MATCHED_SET).isNotNull())
            .join(candidates, new String[] {Cols.PERSON_ID, Cols.INDEX_DATE})
            .drop(candidates.col(Cols.ROLE))
            .join(outcomes.drop(Cols.ROLE), new String[] {Cols.PERSON_ID, Cols.INDEX_DATE})
            .join(setGroups, col(Cols.MATCHED_SET).equalTo(col("_set")));
    List<Measure> measures = design.measures();
    for (int k = 0; k < measures.size(); k++) {
      Measure m = measures.get(k);
      sample =
          sample
              .withColumn(value(k, POST), m.post().cast("double"))
              .withColumn(value(k, POST_YEARS), m.postYears().cast("double"));
      if (m.withPre()) {
        sample =
            sample
                .withColumn(value(k, PRE), m.pre().cast("double"))
                .withColumn(value(k, PRE_YEARS), m.preYears().cast("double"));
      }
    }
    // In a fixed order, whatever Spark's partitioning: the seeded bootstrap then draws the same
    // sets on every run.
    List<Row> rows =
        sample.orderBy(Cols.MATCHED_SET, Cols.PERSON_ID, Cols.INDEX_DATE).collectAsList();
    Map<String, List<Row>> byRole = new HashMap<>();
    for (Row r : rows) {
      byRole.computeIfAbsent(r.getAs(Cols.ROLE), k -> new ArrayList<>()).add(r);
    }

    started = lap(timings, "matched sample", started);

    // Balance, before (everyone in the risk sets) and after (the matched sample).
    List<Balance.Row> balance = balance(candidates, rows, encoder);
    started = lap(timings, "balance", started);
    List<String> flagged = new ArrayList<>();
    for (Balance.Row b : balance) {
      if (b.imbalanced(s.balanceThreshold())) {
        flagged.add(b.covariate());
      }
    }
    if (!flagged.isEmpty()) {
      sink.note(
          "balance: |SMD| >= "
              + s.balanceThreshold()
              + " after matching for "
              + String.join(", ", flagged));
    }

    // Estimates, overall and by group.
    List<Object[]> estimates = new ArrayList<>();
    estimateAll(rows, encoder, design, s, estimates);
    started =
        lap(timings, "estimates (" + s.bootstrapReplicates() + " bootstrap replicates)", started);
    naive(candidates, outcomes, design, s, estimates);
    started = lap(timings, "naive estimates", started);

    // Attrition.
    Map<String, Long> reasons =
        countBy(matched.where(col(Cols.ROLE).equalTo(RiskSets.TREATED)), Cols.UNMATCHED_REASON);
    long matchedTreated = byRole.getOrDefault(RiskSets.TREATED, List.of()).size();
    long matchedControls = byRole.getOrDefault(RiskSets.CONTROL, List.of()).size();
    List<Object[]> attrition = new ArrayList<>();
    int step = 1;
    for (Count c : design.attrition()) {
      attrition.add(new Object[] {step++, c.description(), c.people()});
    }
    attrition.add(new Object[] {step++, "matched", matchedTreated});
    for (GreedyMatcher.Reason r : GreedyMatcher.Reason.values()) {
      String key = r.name().toLowerCase(Locale.ROOT);
      attrition.add(
          new Object[] {
            step++, "unmatched: " + key.replace('_', ' '), reasons.getOrDefault(key, 0L)
          });
    }
    attrition.add(new Object[] {step++, design.candidatesLabel(), candidateRows});
    attrition.add(new Object[] {step++, "matched controls", matchedControls});
    for (Count c : design.afterMatching().apply(byRole.getOrDefault(RiskSets.CONTROL, List.of()))) {
      attrition.add(new Object[] {step++, c.description(), c.people()});
    }

    writeAggregates(sink, s, estimates, balance, attrition, model, sdLogit, caliper, fraction);
    lap(timings, "attrition and aggregates", started);
    sink.note("time: " + String.join(", ", timings));
    sink.note(
        "evaluation: "
            + matchedTreated
            + " of "
            + treatedEligible
            + " eligible enrolled people matched to "
            + matchedControls
            + " controls");
    return new Result(treatedEligible, matchedTreated, matchedControls);
  }

  private static final String POST = "post";
  private static final String POST_YEARS = "post_years";
  private static final String PRE = "pre";
  private static final String PRE_YEARS = "pre_years";

  /** The sample's column holding measure {@code k}'s {@code part}. */
  private static String value(int k, String part) {
    return "_m" + k + "_" + part;
  }

  private static Map<String, Long> countBy(Dataset<Row> data, String column) {
    Map<String, Long> out = new HashMap<>();
    for (Row r : data.groupBy(column).agg(count(lit(1))).collectAsList()) {
      out.put(r.isNullAt(0) ? null : r.getString(0), r.getLong(1));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Balance

  private static List<Balance.Row> balance(
      Dataset<Row> candidates, List<Row> rows, Encoder encoder) {
    List<String> names = new ArrayList<>(encoder.names());
    names.add(Cols.PROPENSITY_LOGIT);
    List<Column> x = new ArrayList<>(encoder.expressions());
    x.add(col(Cols.PROPENSITY_LOGIT));
    List<Column> aggs = new ArrayList<>();
    for (Column c : x) {
      aggs.add(sum(c));
      aggs.add(sum(c.multiply(c)));
    }
    aggs.add(count(lit(1)));
    Map<Boolean, Row> before = new HashMap<>();
    for (Row r :
        candidates
            .groupBy(col(Cols.ROLE).equalTo(RiskSets.TREATED).as("_t"))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
            .collectAsList()) {
      before.put(r.getBoolean(0), r);
    }
    int p = names.size();
    double[][] sumT = new double[p][4];
    double[][] sumC = new double[p][4];
    for (Row r : rows) {
      boolean t = RiskSets.TREATED.equals(r.getAs(Cols.ROLE));
      double w = r.<Double>getAs(Cols.MATCH_WEIGHT);
      double[] v = encoder.encode(r);
      double[][] acc = t ? sumT : sumC;
      for (int j = 0; j < p; j++) {
        double xj = j < v.length ? v[j] : r.<Double>getAs(Cols.PROPENSITY_LOGIT);
        acc[j][0] += w;
        acc[j][1] += w * w;
        acc[j][2] += w * xj;
        acc[j][3] += w * xj * xj;
      }
    }
    List<Balance.Row> out = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      boolean binary = j < encoder.width() && encoder.binary(j, candidates.schema());
      out.add(
          Balance.compare(
              names.get(j),
              binary,
              moments(before.get(true), j, p),
              moments(before.get(false), j, p),
              new Balance.Moments(sumT[j][0], sumT[j][1], sumT[j][2], sumT[j][3]),
              new Balance.Moments(sumC[j][0], sumC[j][1], sumC[j][2], sumC[j][3])));
    }
    return out;
  }

  private static Balance.Moments moments(Row r, int j, int p) {
    if (r == null) {
      return new Balance.Moments(0, 0, 0, 0);
    }
    double n = r.getLong(1 + 2 * p);
    return new Balance.Moments(n, n, num(r, 1 + 2 * j), num(r, 2 + 2 * j));
  }

  private static double num(Row r, int i) {
    return r.isNullAt(i) ? 0 : ((Number) r.get(i)).doubleValue();
  }

  // ---------------------------------------------------------------------------------------------
  // Estimates

  private static void estimateAll(
      List<Row> rows, Encoder encoder, Design design, EvaluationSettings s, List<Object[]> out) {
    Map<String, Map<String, List<Row>>> groups = new LinkedHashMap<>();
    groups.put(EvaluationStep.OVERALL, Map.of(EvaluationStep.ALL, rows));
    for (String b : design.breakdowns().keySet()) {
      Map<String, List<Row>> g = new java.util.TreeMap<>();
      for (Row r : rows) {
        Object v = r.getAs("_g_" + b);
        g.computeIfAbsent(v == null ? "unknown" : v.toString(), k -> new ArrayList<>()).add(r);
      }
      groups.put(b, g);
    }
    // Each row's covariates encoded once, for every measure and group it is in.
    Map<Row, double[]> encoded = new java.util.IdentityHashMap<>();
    for (Row r : rows) {
      encoded.put(r, encoder.encode(r));
    }
    List<Measure> measures = design.measures();
    for (Map.Entry<String, Map<String, List<Row>>> b : groups.entrySet()) {
      for (Map.Entry<String, List<Row>> g : b.getValue().entrySet()) {
        for (int k = 0; k < measures.size(); k++) {
          Measure m = measures.get(k);
          List<Estimation.Unit> units = new ArrayList<>();
          for (Row r : g.getValue()) {
            units.add(unit(r, k, m.withPre(), encoded.get(r)));
          }
          for (Estimation.Result e :
              Estimation.estimate(
                  units, m.withPre(), s.bootstrapReplicates(), s.seed(), s.confidence())) {
            out.add(
                new Object[] {
                  m.name(),
                  b.getKey(),
                  g.getKey(),
                  e.estimator(),
                  e.interval(),
                  m.unit(),
                  e.estimate(),
                  e.low(),
                  e.high(),
                  e.treatedMean(),
                  e.controlMean(),
                  e.treated(),
                  e.controls()
                });
          }
        }
      }
    }
  }

  /** Measure {@code k} of one row as a unit: each value over its years (NaN when unknown). */
  private static Estimation.Unit unit(Row r, int k, boolean withPre, double[] x) {
    boolean treated = RiskSets.TREATED.equals(r.getAs(Cols.ROLE));
    String set = r.getAs(Cols.MATCHED_SET);
    double weight = r.<Double>getAs(Cols.MATCH_WEIGHT);
    double yearsPost = orNaN(r, value(k, POST_YEARS));
    double post = orNaN(r, value(k, POST));
    double pre = Double.NaN;
    if (withPre) {
      double yearsPre = orNaN(r, value(k, PRE_YEARS));
      pre = yearsPre > 0 ? orNaN(r, value(k, PRE)) / yearsPre : Double.NaN;
    }
    return new Estimation.Unit(
        set, treated, weight, yearsPost > 0 ? post / yearsPost : Double.NaN, pre, yearsPost, x);
  }

  private static double orNaN(Row r, String column) {
    Object v = r.getAs(column);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  /**
   * The naive comparison of every eligible enrolled person with every candidate after the index
   * date (events over person-years), with a delta-method interval: what matching corrects.
   */
  private static void naive(
      Dataset<Row> candidates,
      Dataset<Row> outcomes,
      Design design,
      EvaluationSettings s,
      List<Object[]> out) {
    List<String> keep = new ArrayList<>(List.of(Cols.PERSON_ID, Cols.INDEX_DATE));
    design.breakdowns().values().stream().filter(c -> !keep.contains(c)).forEach(keep::add);
    Dataset<Row> joined =
        outcomes.join(
            candidates.select(keep.stream().map(c -> col(c)).toArray(Column[]::new)),
            new String[] {Cols.PERSON_ID, Cols.INDEX_DATE});
    Map<String, Column> breakdowns = new LinkedHashMap<>();
    breakdowns.put(EvaluationStep.OVERALL, lit(EvaluationStep.ALL));
    design.breakdowns().forEach((b, c) -> breakdowns.put(b, col(c).cast("string")));
    List<Measure> measures = design.measures().stream().filter(Measure::naive).toList();
    double q =
        new org.apache.commons.math3.distribution.NormalDistribution()
            .inverseCumulativeProbability(1 - (1 - s.confidence()) / 2);
    // One pass over every breakdown: each row once per breakdown, as (breakdown, group).
    List<Column> keys = new ArrayList<>();
    breakdowns.forEach(
        (b, c) ->
            keys.add(
                org.apache.spark.sql.functions.struct(
                    lit(b).as("_b"),
                    org.apache.spark.sql.functions.coalesce(c, lit("unknown")).as("_g"))));
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (Measure m : measures) {
      Column y = m.post().cast("double");
      Column years = m.postYears().cast("double");
      aggs.add(sum(y));
      aggs.add(sum(years));
      aggs.add(sum(y.multiply(y)));
      aggs.add(sum(y.multiply(years)));
      aggs.add(sum(years.multiply(years)));
    }
    Map<String, Map<String, Map<Boolean, Row>>> cells = new HashMap<>();
    for (Row r :
        joined
            .withColumn(
                "_k",
                org.apache.spark.sql.functions.explode(
                    org.apache.spark.sql.functions.array(keys.toArray(Column[]::new))))
            .groupBy(col("_k._b"), col("_k._g"), col(Cols.ROLE).equalTo(RiskSets.TREATED).as("_t"))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
            .collectAsList()) {
      cells
          .computeIfAbsent(r.getString(0), k -> new java.util.TreeMap<>())
          .computeIfAbsent(r.getString(1), k -> new HashMap<>())
          .put(r.getBoolean(2), r);
    }
    for (String b : breakdowns.keySet()) {
      Map<String, Map<Boolean, Row>> byGroup = cells.getOrDefault(b, Map.of());
      for (Map.Entry<String, Map<Boolean, Row>> g : byGroup.entrySet()) {
        Row t = g.getValue().get(true);
        Row c = g.getValue().get(false);
        if (t == null || c == null) {
          continue;
        }
        for (int k = 0; k < measures.size(); k++) {
          int at = 4 + 5 * k;
          double[] rt = ratio(t, at);
          double[] rc = ratio(c, at);
          double est = rt[0] - rc[0];
          double se = Math.sqrt(rt[1] + rc[1]);
          out.add(
              new Object[] {
                measures.get(k).name(),
                b,
                g.getKey(),
                Estimation.NAIVE_TREATED_VS_ALL,
                "delta_method",
                measures.get(k).unit(),
                est,
                est - q * se,
                est + q * se,
                rt[0],
                rc[0],
                t.getLong(3),
                c.getLong(3)
              });
        }
      }
    }
  }

  /** Σy/Σx and the delta-method variance Σ(y − R x)² / (Σx)², from the row's five sums at i. */
  private static double[] ratio(Row r, int i) {
    double sy = num(r, i);
    double sx = num(r, i + 1);
    double syy = num(r, i + 2);
    double sxy = num(r, i + 3);
    double sxx = num(r, i + 4);
    if (sx <= 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double ratio = sy / sx;
    double resid = syy - 2 * ratio * sxy + ratio * ratio * sxx;
    return new double[] {ratio, Math.max(0, resid) / (sx * sx)};
  }

  // ---------------------------------------------------------------------------------------------
  // Writing, after disclosure control

  static final StructType ESTIMATES_SCHEMA = Outputs.ESTIMATES.schema();

  static final StructType BALANCE_SCHEMA = Outputs.BALANCE.schema();

  static final StructType ATTRITION_SCHEMA = Outputs.ATTRITION.schema();

  static final StructType PROPENSITY_SCHEMA = Outputs.PROPENSITY.schema();

  private static void writeAggregates(
      Sink sink,
      EvaluationSettings s,
      List<Object[]> estimates,
      List<Balance.Row> balance,
      List<Object[]> attrition,
      Propensity.Model model,
      double sdLogit,
      double caliper,
      double fraction) {
    // Counts: people in each figure, 1-7 suppressed and the rest rounded to 5, every count of the
    // step in one measures table controlled whole. An estimate over fewer than min_group_size
    // people in either arm, or over a suppressed count, is withheld.
    Measures m = new Measures();
    List<Measures.Key[]> arms = new ArrayList<>();
    for (Object[] e : estimates) {
      Measures.Key treated =
          new Measures.Key((String) e[0], e[3] + "_treated", (String) e[1], (String) e[2]);
      arms.add(
          new Measures.Key[] {
            m.count(treated, (Long) e[11]), m.count(treated.of(e[3] + "_controls"), (Long) e[12])
          });
    }
    List<Measures.Key> steps = new ArrayList<>();
    for (Object[] a : attrition) {
      steps.add(
          m.count(new Measures.Key("people", "attrition", "step", a[0].toString()), (Long) a[2]));
    }
    Measures.Controlled controlled = m.control();
    List<Row> est = new ArrayList<>();
    for (int i = 0; i < estimates.size(); i++) {
      Object[] e = estimates.get(i);
      Long nt = controlled.value(arms.get(i)[0]);
      Long nc = controlled.value(arms.get(i)[1]);
      boolean beforeAfter = Estimation.NAIVE_BEFORE_AFTER.equals(e[3]);
      boolean withheld =
          nt == null
              || (Long) e[11] < s.minGroupSize()
              || (!beforeAfter && (nc == null || (Long) e[12] < s.minGroupSize()));
      est.add(
          RowFactory.create(
              e[0],
              e[1],
              e[2],
              e[3],
              e[4],
              e[5],
              withheld ? null : finite(e[6]),
              withheld ? null : finite(e[7]),
              withheld ? null : finite(e[8]),
              withheld ? null : finite(e[9]),
              withheld ? null : finite(e[10]),
              nt,
              nc,
              withheld));
    }
    sink.aggregate(EvaluationStep.ESTIMATES, ESTIMATES_SCHEMA, est);

    List<Row> bal = new ArrayList<>();
    for (Balance.Row b : balance) {
      bal.add(
          RowFactory.create(
              b.covariate(),
              b.binary(),
              finite(b.meanTreatedBefore()),
              finite(b.meanControlBefore()),
              finite(b.smdAttBefore()),
              finite(b.smdPooledBefore()),
              finite(b.varianceRatioBefore()),
              finite(b.meanTreatedAfter()),
              finite(b.meanControlAfter()),
              finite(b.smdAttAfter()),
              finite(b.smdPooledAfter()),
              finite(b.varianceRatioAfter()),
              b.imbalanced(s.balanceThreshold())));
    }
    sink.aggregate(EvaluationStep.BALANCE, BALANCE_SCHEMA, bal);

    List<Row> attRows = new ArrayList<>();
    for (int i = 0; i < attrition.size(); i++) {
      Object[] a = attrition.get(i);
      attRows.add(RowFactory.create(a[0], a[1], controlled.value(steps.get(i))));
    }
    sink.aggregate(EvaluationStep.ATTRITION, ATTRITION_SCHEMA, attRows);
    sink.aggregate(EvaluationStep.MEASURES, Measures.SCHEMA, controlled.rows());

    List<Row> ps = new ArrayList<>();
    ps.add(RowFactory.create("coefficient", "(intercept)", model.coefficients()[0]));
    List<String> names = model.encoder().names();
    for (int j = 0; j < names.size(); j++) {
      ps.add(RowFactory.create("coefficient", names.get(j), model.coefficients()[j + 1]));
    }
    ps.add(RowFactory.create("metric", "auroc", finite(model.auroc())));
    ps.add(RowFactory.create("metric", "sd_logit", finite(sdLogit)));
    ps.add(RowFactory.create("metric", "caliper_logit", finite(caliper)));
    ps.add(RowFactory.create("metric", "candidate_sampling_fraction", fraction));
    sink.aggregate(EvaluationStep.PROPENSITY, PROPENSITY_SCHEMA, ps);
  }

  private static Double finite(Object v) {
    double d = ((Number) v).doubleValue();
    return Double.isFinite(d) ? d : null;
  }
}

package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.sum;

import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Matching in Spark (docs/evaluation.md): everyone is put in a block by index date and the exact
 * strata, and each block is matched by {@link GreedyMatcher} in one task. Blocks are independent,
 * so they match in parallel and nothing collects the candidate pool to the driver.
 */
public final class Matching {
  private Matching() {}

  private static final String BLOCK = "_block";

  /** The output: every enrolled person (matched or not, and why) and every matched control. */
  public static final StructType SCHEMA = Outputs.MATCHED.schema();

  /** The column a stratum name of {@code evaluation.exact} refers to. */
  public static String column(String stratum) {
    return switch (stratum) {
      case EvaluationSettings.SEX -> Cols.SEX;
      case EvaluationSettings.AGE_BAND -> Cols.AGE_BAND;
      case EvaluationSettings.PCN -> Cols.PCN_CODE;
      case EvaluationSettings.IMD_QUINTILE -> Cols.IMD_QUINTILE;
      case EvaluationSettings.EFI_CATEGORY -> Cols.EFI_CATEGORY;
      default -> throw new IllegalArgumentException("no stratum " + stratum);
    };
  }

  /**
   * The value an exact-matching stratum of {@code evaluation.exact} takes, as a string: a strata
   * column, or the prior emergency admissions in 12 months banded 0, 1, 2, 3+, each band but 0
   * split by whether one was recent ({@code emergency_admissions_recent}): "0", "1", "1 recent",
   * ..., "3+ recent".
   */
  public static Column stratum(String name) {
    if (EvaluationSettings.PRIOR_ADMISSIONS.equals(name)) {
      Column n = col(Cols.EMERGENCY_ADMISSIONS_12M);
      Column band =
          org.apache.spark.sql.functions.when(n.geq(3), lit("3+")).otherwise(n.cast("string"));
      return org.apache
          .spark
          .sql
          .functions
          .when(
              col(Cols.EMERGENCY_ADMISSIONS_RECENT).gt(0),
              org.apache.spark.sql.functions.concat(band, lit(" recent")))
          .otherwise(band);
    }
    return col(column(name)).cast("string");
  }

  /**
   * Matches within blocks of index date and the strata of {@code evaluation.exact}.
   *
   * @param scored {@code person_id, index_date, role, propensity_logit} and the exact columns
   * @param caliper the caliper in logit units (infinite for none)
   */
  public static Dataset<Row> match(
      Dataset<Row> scored,
      List<String> exact,
      double caliper,
      int ratio,
      GreedyMatcher.Order order) {
    return matchOn(
        scored, exact.stream().map(Matching::stratum).toList(), List.of(), caliper, ratio, order);
  }

  /**
   * Matches within blocks of index date and the values of {@code exact}, expressions over {@code
   * scored} (e.g. {@link #stratum} of each engine stratum, or a user's own columns); within the
   * caliper by the Mahalanobis distance on the numeric columns {@code mahalanobis} (a missing value
   * counts as 0) when there are any, else by the score alone.
   */
  public static Dataset<Row> matchOn(
      Dataset<Row> scored,
      List<Column> exact,
      List<String> mahalanobis,
      double caliper,
      int ratio,
      GreedyMatcher.Order order) {
    double[][] whitening = mahalanobis.isEmpty() ? new double[0][] : whitening(scored, mahalanobis);
    List<Column> key = new ArrayList<>();
    key.add(date_format(col(Cols.INDEX_DATE), "yyyy-MM-dd"));
    for (Column s : exact) {
      // A missing value is its own stratum, never matched to a present one.
      key.add(org.apache.spark.sql.functions.coalesce(s.cast("string"), lit("?")));
    }
    List<Column> columns = new ArrayList<>();
    columns.add(col(Cols.PERSON_ID));
    columns.add(col(Cols.INDEX_DATE));
    columns.add(col(Cols.ROLE));
    columns.add(col(Cols.PROPENSITY_LOGIT));
    columns.add(concat_ws("|", key.toArray(Column[]::new)).as(BLOCK));
    if (!mahalanobis.isEmpty()) {
      // Only when asked for: otherwise every row would carry an empty array through the shuffle.
      columns.add(
          array(
                  mahalanobis.stream()
                      .map(
                          c ->
                              coalesce(
                                  col(c).cast("double"), org.apache.spark.sql.functions.lit(0.0)))
                      .toArray(Column[]::new))
              .as(X));
    }
    Dataset<Row> blocked = scored.select(columns.toArray(Column[]::new));
    return blocked
        .groupByKey(new BlockOf(), Encoders.STRING())
        .flatMapGroups(new BlockMatch(caliper, ratio, order, whitening), Encoders.row(SCHEMA));
  }

  private static final String X = "_x";

  /**
   * The matrix W that whitens the covariates: W = L⁻¹ for the Cholesky factor L of their pooled
   * within-group covariance S (enrolled and candidates each about their own mean, Rubin 1980), so
   * |W(a − b)|² = (a − b)ᵀ S⁻¹ (a − b), the squared Mahalanobis distance. One aggregation over the
   * rows; a covariate that does not vary within the groups, or one that is a combination of the
   * others, cannot be used and is refused naming the columns.
   */
  static double[][] whitening(Dataset<Row> scored, List<String> columns) {
    int k = columns.size();
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Column xi =
          coalesce(col(columns.get(i)).cast("double"), org.apache.spark.sql.functions.lit(0.0));
      aggs.add(sum(xi).as("s" + i));
      for (int j = 0; j <= i; j++) {
        Column xj =
            coalesce(col(columns.get(j)).cast("double"), org.apache.spark.sql.functions.lit(0.0));
        aggs.add(sum(xi.multiply(xj)).as("p" + i + "_" + j));
      }
    }
    List<Row> groups =
        scored
            .groupBy(col(Cols.ROLE))
            .agg(count(org.apache.spark.sql.functions.lit(1)).as("n"), aggs.toArray(Column[]::new))
            .collectAsList();
    double[][] scatter = new double[k][k];
    long n = 0;
    for (Row g : groups) {
      long m = g.getAs("n");
      n += m;
      for (int i = 0; i < k; i++) {
        for (int j = 0; j <= i; j++) {
          double si = g.<Double>getAs("s" + i);
          double sj = g.<Double>getAs("s" + j);
          double c = g.<Double>getAs("p" + i + "_" + j) - si * sj / m;
          scatter[i][j] += c;
          scatter[j][i] = scatter[i][j];
        }
      }
    }
    long dof = n - groups.size();
    if (dof < 1) {
      throw new IllegalStateException("too few people to estimate the covariance of " + columns);
    }
    org.apache.commons.math3.linear.RealMatrix cov =
        org.apache.commons.math3.linear.MatrixUtils.createRealMatrix(scatter)
            .scalarMultiply(1.0 / dof);
    try {
      org.apache.commons.math3.linear.RealMatrix l =
          new org.apache.commons.math3.linear.CholeskyDecomposition(cov, 1e-12, 1e-12).getL();
      return org.apache.commons.math3.linear.MatrixUtils.inverse(l).getData();
    } catch (org.apache.commons.math3.exception.MathIllegalArgumentException e) {
      // Not positive definite, or singular.
      throw io.proactivecare.npc.config.Errors.usage(
          "the Mahalanobis covariates "
              + columns
              + " do not vary independently among the people matched (a constant column, or one"
              + " that is a combination of the others)",
          "remove that column from evaluation.mahalanobis");
    }
  }

  private static Column lit(String v) {
    return org.apache.spark.sql.functions.lit(v);
  }

  /** The block of a row. */
  static final class BlockOf implements MapFunction<Row, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String call(Row r) {
      return r.getAs(BLOCK);
    }
  }

  /** Matches one block's rows: the enrolled people against the candidates. */
  static final class BlockMatch implements FlatMapGroupsFunction<String, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final double caliper;
    private final int ratio;
    private final GreedyMatcher.Order order;
    private final double[][] whitening;

    BlockMatch(double caliper, int ratio, GreedyMatcher.Order order, double[][] whitening) {
      this.caliper = caliper;
      this.ratio = ratio;
      this.order = order;
      this.whitening = whitening;
    }

    private static final double[] NONE = new double[0];

    /** W x, the whitened covariates of a row (none when matching on the score alone). */
    private double[] whiten(Row r) {
      if (whitening.length == 0) {
        return NONE;
      }
      List<Double> v = r.getList(r.fieldIndex(X));
      double[] out = new double[whitening.length];
      for (int i = 0; i < out.length; i++) {
        double sum = 0;
        for (int j = 0; j <= i; j++) { // W is lower triangular
          sum += whitening[i][j] * v.get(j);
        }
        out[i] = sum;
      }
      return out;
    }

    @Override
    public Iterator<Row> call(String block, Iterator<Row> rows) {
      List<GreedyMatcher.Unit> treated = new ArrayList<>();
      List<GreedyMatcher.Unit> candidates = new ArrayList<>();
      java.sql.Date index = null;
      while (rows.hasNext()) {
        Row r = rows.next();
        index = r.getAs(Cols.INDEX_DATE);
        GreedyMatcher.Unit u =
            new GreedyMatcher.Unit(
                r.getAs(Cols.PERSON_ID), r.<Double>getAs(Cols.PROPENSITY_LOGIT), whiten(r));
        if (RiskSets.TREATED.equals(r.getAs(Cols.ROLE))) {
          treated.add(u);
        } else {
          candidates.add(u);
        }
      }
      List<Row> out = new ArrayList<>();
      if (treated.isEmpty()) {
        return out.iterator();
      }
      GreedyMatcher.Result result = GreedyMatcher.match(treated, candidates, caliper, ratio, order);
      Map<String, Integer> controls = new HashMap<>();
      for (GreedyMatcher.Pair p : result.pairs()) {
        controls.merge(p.treated(), 1, Integer::sum);
      }
      for (GreedyMatcher.Pair p : result.pairs()) {
        out.add(
            RowFactory.create(
                p.control(),
                index,
                RiskSets.CONTROL,
                p.treated(),
                p.round(),
                p.distance(),
                1.0 / controls.get(p.treated()),
                null));
      }
      for (Map.Entry<String, Integer> t : controls.entrySet()) {
        out.add(
            RowFactory.create(t.getKey(), index, RiskSets.TREATED, t.getKey(), 0, 0.0, 1.0, null));
      }
      for (GreedyMatcher.Unmatched u : result.unmatched()) {
        out.add(
            RowFactory.create(
                u.treated(),
                index,
                RiskSets.TREATED,
                null,
                null,
                null,
                null,
                u.reason().name().toLowerCase(java.util.Locale.ROOT)));
      }
      return out.iterator();
    }
  }
}

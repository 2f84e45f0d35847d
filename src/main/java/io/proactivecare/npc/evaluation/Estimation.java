package io.proactivecare.npc.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The effect estimates on the matched sample (docs/evaluation.md), for one outcome measure over a
 * set of people: the matched difference after the index date (the effect on the treated), the
 * difference-in-differences, a regression-adjusted matched estimate, and the naive before/after
 * change of the enrolled, each with its intervals.
 */
public final class Estimation {
  private Estimation() {}

  public static final String MATCHED_DIFFERENCE = "matched_difference";
  public static final String DIFFERENCE_IN_DIFFERENCES = "difference_in_differences";
  public static final String REGRESSION_ADJUSTED = "regression_adjusted";
  public static final String NAIVE_BEFORE_AFTER = "naive_before_after";
  public static final String NAIVE_TREATED_VS_ALL = "naive_treated_vs_all";
  public static final String BOOTSTRAP = "bootstrap";
  public static final String CLUSTER_ROBUST = "cluster_robust";

  /**
   * One person's values for one measure.
   *
   * @param set the matched set (the enrolled person's id), the bootstrap's cluster
   * @param treated enrolled or control
   * @param weight 1 for an enrolled person, 1/k for each of a set's k controls
   * @param post the outcome after the index date (a rate per person-year, a 0/1 or a change)
   * @param pre the same before the index date (NaN when the measure has none)
   * @param exposure what the outcome is averaged over: follow-up years for rates, 1 otherwise
   * @param covariates the baseline covariates, for the regression-adjusted estimate
   */
  public record Unit(
      String set,
      boolean treated,
      double weight,
      double post,
      double pre,
      double exposure,
      double[] covariates) {}

  /** One estimate of one estimator with one kind of interval. */
  public record Result(
      String estimator,
      String interval,
      double estimate,
      double low,
      double high,
      double treatedMean,
      double controlMean,
      long treated,
      long controls) {}

  /**
   * Every estimate for one measure over {@code units}. Rates weigh each person by weight ×
   * exposure, so a group's mean is its events over its person-years.
   *
   * @param withPre whether the measure has a pre-period (difference-in-differences, naive)
   */
  public static List<Result> estimate(
      List<Unit> units, boolean withPre, int replicates, long seed, double level) {
    List<Unit> ok = new ArrayList<>();
    for (Unit u : units) {
      if (Double.isFinite(u.post()) && u.exposure() > 0) {
        ok.add(u);
      }
    }
    Map<String, Integer> clusters = new LinkedHashMap<>();
    for (Unit u : ok) {
      clusters.putIfAbsent(u.set(), clusters.size());
    }
    int n = ok.size();
    double[] y = new double[n];
    double[] change = new double[n];
    double[] w = new double[n];
    double[] wChange = new double[n];
    boolean[] t = new boolean[n];
    int[] cluster = new int[n];
    long treated = 0;
    for (int i = 0; i < n; i++) {
      Unit u = ok.get(i);
      y[i] = u.post();
      w[i] = u.weight() * u.exposure();
      t[i] = u.treated();
      cluster[i] = clusters.get(u.set());
      boolean hasPre = withPre && Double.isFinite(u.pre());
      change[i] = hasPre ? u.post() - u.pre() : 0;
      wChange[i] = hasPre ? w[i] : 0;
      if (u.treated()) {
        treated++;
      }
    }
    long nControls = n - treated;
    List<Result> out = new ArrayList<>();
    out.addAll(
        twoWays(
            MATCHED_DIFFERENCE,
            y,
            w,
            t,
            cluster,
            clusters.size(),
            replicates,
            seed,
            level,
            treated,
            nControls));
    if (withPre) {
      out.addAll(
          twoWays(
              DIFFERENCE_IN_DIFFERENCES,
              change,
              wChange,
              t,
              cluster,
              clusters.size(),
              replicates,
              seed,
              level,
              treated,
              nControls));
    }
    out.add(adjusted(ok, y, w, t, cluster, withPre, level, treated, nControls));
    if (withPre) {
      out.add(beforeAfter(change, wChange, t, level, treated));
    }
    return out;
  }

  private static List<Result> twoWays(
      String estimator,
      double[] y,
      double[] w,
      boolean[] t,
      int[] cluster,
      int clusters,
      int replicates,
      long seed,
      double level,
      long treated,
      long controls) {
    double est = WeightedDifference.of(y, w, t, cluster, null);
    double[] means = means(y, w, t);
    List<Result> out = new ArrayList<>();
    if (replicates > 0) {
      double[] reps =
          ClusterBootstrap.replicates(
              clusters, m -> WeightedDifference.of(y, w, t, cluster, m), replicates, seed);
      double[] ci = ClusterBootstrap.percentile(reps, level);
      out.add(
          new Result(
              estimator, BOOTSTRAP, est, ci[0], ci[1], means[0], means[1], treated, controls));
    }
    double[][] x = new double[y.length][1];
    for (int i = 0; i < y.length; i++) {
      x[i][0] = t[i] ? 1 : 0;
    }
    Wls.Fit fit = Wls.fit(x, y, w, cluster);
    double[] ci = fit.interval(1, level);
    out.add(
        new Result(
            estimator,
            CLUSTER_ROBUST,
            fit.coefficient(1),
            ci[0],
            ci[1],
            means[0],
            means[1],
            treated,
            controls));
    return out;
  }

  private static Result adjusted(
      List<Unit> ok,
      double[] y,
      double[] w,
      boolean[] t,
      int[] cluster,
      boolean withPre,
      double level,
      long treated,
      long controls) {
    int p = ok.isEmpty() ? 0 : ok.get(0).covariates().length;
    double[][] x = new double[y.length][];
    double[] ww = w.clone();
    for (int i = 0; i < y.length; i++) {
      Unit u = ok.get(i);
      double[] row = new double[1 + p + (withPre ? 1 : 0)];
      row[0] = t[i] ? 1 : 0;
      System.arraycopy(u.covariates(), 0, row, 1, p);
      if (withPre) {
        if (Double.isFinite(u.pre())) {
          row[1 + p] = u.pre();
        } else {
          ww[i] = 0;
        }
      }
      x[i] = row;
    }
    Wls.Fit fit = Wls.fit(x, y, ww, cluster);
    double[] ci = fit.interval(1, level);
    double[] means = means(y, w, t);
    return new Result(
        REGRESSION_ADJUSTED,
        CLUSTER_ROBUST,
        fit.coefficient(1),
        ci[0],
        ci[1],
        means[0],
        means[1],
        treated,
        controls);
  }

  /** The enrolled people's mean change from before to after: naive, it ignores the controls. */
  private static Result beforeAfter(
      double[] change, double[] w, boolean[] t, double level, long treated) {
    double sw = 0;
    double swy = 0;
    int n = 0;
    for (int i = 0; i < change.length; i++) {
      if (t[i] && w[i] > 0) {
        sw += w[i];
        swy += w[i] * change[i];
        n++;
      }
    }
    double mean = sw > 0 ? swy / sw : Double.NaN;
    double ss = 0;
    for (int i = 0; i < change.length; i++) {
      if (t[i] && w[i] > 0) {
        ss += w[i] * w[i] * (change[i] - mean) * (change[i] - mean);
      }
    }
    double[] ci =
        tInterval(mean, n > 1 ? Math.sqrt(ss * n / (n - 1.0)) / sw : Double.NaN, n - 1, level);
    return new Result(
        NAIVE_BEFORE_AFTER, CLUSTER_ROBUST, mean, ci[0], ci[1], mean, Double.NaN, treated, 0);
  }

  /** A two-sided t interval; NaN when the degrees of freedom or the SE are not usable. */
  public static double[] tInterval(double estimate, double se, double df, double level) {
    if (!(df >= 1) || !Double.isFinite(se) || !Double.isFinite(estimate)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double q = new TDistribution(df).inverseCumulativeProbability(1 - (1 - level) / 2);
    return new double[] {estimate - q * se, estimate + q * se};
  }

  /** Weighted means of the enrolled and the controls. */
  private static double[] means(double[] y, double[] w, boolean[] t) {
    double[] sw = new double[2];
    double[] swy = new double[2];
    for (int i = 0; i < y.length; i++) {
      int g = t[i] ? 0 : 1;
      sw[g] += w[i];
      swy[g] += w[i] * y[i];
    }
    return new double[] {
      sw[0] > 0 ? swy[0] / sw[0] : Double.NaN, sw[1] > 0 ? swy[1] / sw[1] : Double.NaN
    };
  }
}

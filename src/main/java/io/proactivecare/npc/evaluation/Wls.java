package io.proactivecare.npc.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Weighted least squares with cluster-robust standard errors, the outcome model MatchIt's
 * estimating-effects vignette recommends after matching (matching weights, clusters = matched sets;
 * docs/evaluation.md, section 7).
 *
 * <ul>
 *   <li>β = (XᵀWX)⁻¹XᵀWy, X an intercept plus the caller's columns.
 *   <li>V = (XᵀWX)⁻¹ (Σ_g u_g u_gᵀ) (XᵀWX)⁻¹ with u_g = Σ_{i∈g} w_i x_i e_i, times the CR1 (Stata)
 *       factor G/(G−1) · (N−1)/(N−K): N rows with w &gt; 0, K estimated coefficients (intercept
 *       included, dropped columns not), G clusters among those rows. Standard errors are NaN when G
 *       &lt; 2 or N &lt;= K, where the factor is undefined.
 *   <li>Rows with w = 0 are ignored entirely (they count in neither N nor G).
 *   <li>A column that is constant, or a linear combination of the intercept and earlier columns, is
 *       dropped: its coefficient and SE are NaN and the others are those of the fit without it (as
 *       R's {@code lm} reports NA). "Linear combination" is judged on the weighted columns with R's
 *       relative tolerance 1e-7: a column is dropped when what is left of it after projecting out
 *       the kept columns has less than 1e-7 of its length. Subgroup fits rely on this, e.g. sex is
 *       constant within a sex subgroup; if column 0 (the treatment indicator) is dropped the fit
 *       still returns, with NaN for it.
 * </ul>
 */
public final class Wls {
  private static final double COLLINEAR = 1e-7;

  private Wls() {}

  /**
   * Coefficients and cluster-robust standard errors, index 0 the intercept and j + 1 the caller's
   * column j; {@code n} rows with positive weight, {@code clusters} among them, {@code parameters}
   * the coefficients actually estimated (K in the CR1 factor).
   */
  public record Fit(
      double[] coefficients, double[] standardErrors, int n, int clusters, int parameters) {
    public Fit {
      coefficients = coefficients.clone();
      standardErrors = standardErrors.clone();
    }

    @Override
    public double[] coefficients() {
      return coefficients.clone();
    }

    @Override
    public double[] standardErrors() {
      return standardErrors.clone();
    }

    public double coefficient(int j) {
      return coefficients[j];
    }

    public double standardError(int j) {
      return standardErrors[j];
    }

    /**
     * Two-sided interval for coefficient j from the cluster-robust SE and a t distribution with
     * clusters−1 degrees of freedom.
     */
    public double[] interval(int j, double level) {
      if (clusters < 2 || !(level > 0 && level < 1)) {
        return new double[] {Double.NaN, Double.NaN};
      }
      // A null generator: the distribution is only used for quantiles, never sampled.
      double t =
          new TDistribution(null, clusters - 1).inverseCumulativeProbability(1 - (1 - level) / 2);
      return new double[] {
        coefficients[j] - t * standardErrors[j], coefficients[j] + t * standardErrors[j]
      };
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Fit f
          && Arrays.equals(coefficients, f.coefficients)
          && Arrays.equals(standardErrors, f.standardErrors)
          && n == f.n
          && clusters == f.clusters
          && parameters == f.parameters;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(coefficients) + Arrays.hashCode(standardErrors);
    }

    @Override
    public String toString() {
      return "Fit[coefficients="
          + Arrays.toString(coefficients)
          + ", standardErrors="
          + Arrays.toString(standardErrors)
          + ", n="
          + n
          + ", clusters="
          + clusters
          + ", parameters="
          + parameters
          + "]";
    }
  }

  /**
   * Weighted least squares of y on an intercept plus the columns of x (x has NO intercept column;
   * coefficient 0 is the intercept, coefficient j+1 belongs to x[.][j]), with cluster-robust (CR1)
   * standard errors. {@code cluster} null puts every row in its own cluster (HC1).
   */
  public static Fit fit(double[][] x, double[] y, double[] w, int[] cluster) {
    int rows = y.length;
    if (x.length != rows || w.length != rows || (cluster != null && cluster.length != rows)) {
      throw new IllegalArgumentException(
          "x, y, w and cluster must have one entry per row; y has " + rows);
    }
    int p = rows == 0 ? 0 : x[0].length;
    int[] used = usedRows(x, y, w, p);
    int n = used.length;
    // design[k][r]: column k (0 the intercept) of used row r.
    double[][] design = new double[p + 1][n];
    for (int r = 0; r < n; r++) {
      design[0][r] = 1;
      for (int j = 0; j < p; j++) {
        design[j + 1][r] = x[used[r]][j];
      }
    }
    double[] sqrtW = new double[n];
    for (int r = 0; r < n; r++) {
      sqrtW[r] = Math.sqrt(w[used[r]]);
    }
    int[] kept = independentColumns(design, sqrtW);
    int k = kept.length;
    double[] coefficients = new double[p + 1];
    double[] standardErrors = new double[p + 1];
    Arrays.fill(coefficients, Double.NaN);
    Arrays.fill(standardErrors, Double.NaN);
    int[] group = clusterIndex(cluster, used);
    int g = Arrays.stream(group).max().orElse(-1) + 1;
    if (k == 0) {
      return new Fit(coefficients, standardErrors, n, g, 0);
    }

    double[][] xtwx = new double[k][k];
    double[] xtwy = new double[k];
    for (int r = 0; r < n; r++) {
      double wr = w[used[r]];
      for (int a = 0; a < k; a++) {
        double wxa = wr * design[kept[a]][r];
        xtwy[a] += wxa * y[used[r]];
        for (int b = 0; b <= a; b++) {
          xtwx[a][b] += wxa * design[kept[b]][r];
        }
      }
    }
    for (int a = 0; a < k; a++) {
      for (int b = a + 1; b < k; b++) {
        xtwx[a][b] = xtwx[b][a];
      }
    }
    RealMatrix bread =
        new LUDecomposition(new Array2DRowRealMatrix(xtwx, false)).getSolver().getInverse();
    double[] beta = bread.operate(xtwy);

    // Score of each cluster: u_g = Σ w_i x_i e_i.
    double[][] scores = new double[g][k];
    for (int r = 0; r < n; r++) {
      double fitted = 0;
      for (int a = 0; a < k; a++) {
        fitted += beta[a] * design[kept[a]][r];
      }
      double we = w[used[r]] * (y[used[r]] - fitted);
      for (int a = 0; a < k; a++) {
        scores[group[r]][a] += we * design[kept[a]][r];
      }
    }
    double[][] meat = new double[k][k];
    for (double[] u : scores) {
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          meat[a][b] += u[a] * u[b];
        }
      }
    }
    double factor = g < 2 || n <= k ? Double.NaN : (double) g / (g - 1) * (n - 1.0) / (n - k);
    RealMatrix v =
        bread
            .multiply(new Array2DRowRealMatrix(meat, false))
            .multiply(bread)
            .scalarMultiply(factor);
    for (int a = 0; a < k; a++) {
      coefficients[kept[a]] = beta[a];
      standardErrors[kept[a]] = Math.sqrt(v.getEntry(a, a));
    }
    return new Fit(coefficients, standardErrors, n, g, k);
  }

  /** Indices of the rows with w > 0, after checking that every value they use is finite. */
  private static int[] usedRows(double[][] x, double[] y, double[] w, int p) {
    List<Integer> used = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
        throw new IllegalArgumentException("row " + i + ": weight " + w[i] + " is not >= 0");
      }
      if (x[i].length != p) {
        throw new IllegalArgumentException(
            "row " + i + " has " + x[i].length + " columns; row 0 has " + p);
      }
      if (w[i] == 0) {
        continue;
      }
      boolean finite = Double.isFinite(y[i]);
      for (double v : x[i]) {
        finite &= Double.isFinite(v);
      }
      if (!finite) {
        throw new IllegalArgumentException("row " + i + ": y or x is not a finite number");
      }
      used.add(i);
    }
    return used.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The columns kept by modified Gram–Schmidt on the weighted columns, in order: a column is kept
   * when its part orthogonal to the kept ones has at least {@link #COLLINEAR} of its length.
   */
  private static int[] independentColumns(double[][] design, double[] sqrtW) {
    int n = sqrtW.length;
    List<double[]> basis = new ArrayList<>();
    List<Integer> kept = new ArrayList<>();
    for (int c = 0; c < design.length; c++) {
      double[] v = new double[n];
      for (int r = 0; r < n; r++) {
        v[r] = sqrtW[r] * design[c][r];
      }
      double length = norm(v);
      // Twice through the basis: one pass of Gram–Schmidt leaves rounding that a near-dependent
      // column can mistake for length.
      for (int pass = 0; pass < 2; pass++) {
        for (double[] q : basis) {
          double dot = 0;
          for (int r = 0; r < n; r++) {
            dot += q[r] * v[r];
          }
          for (int r = 0; r < n; r++) {
            v[r] -= dot * q[r];
          }
        }
      }
      double left = norm(v);
      if (length > 0 && left > COLLINEAR * length) {
        for (int r = 0; r < n; r++) {
          v[r] /= left;
        }
        basis.add(v);
        kept.add(c);
      }
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double a : v) {
      s += a * a;
    }
    return Math.sqrt(s);
  }

  /** Each used row's cluster as 0..G−1 in order of first appearance. */
  private static int[] clusterIndex(int[] cluster, int[] used) {
    int[] group = new int[used.length];
    Map<Integer, Integer> index = new HashMap<>();
    for (int r = 0; r < used.length; r++) {
      int id = cluster == null ? r : cluster[used[r]];
      group[r] = index.computeIfAbsent(id, key -> index.size());
    }
    return group;
  }
}

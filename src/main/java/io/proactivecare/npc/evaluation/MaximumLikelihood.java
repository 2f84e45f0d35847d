package io.proactivecare.npc.evaluation;

import io.proactivecare.npc.risk.Metrics;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Unpenalised logistic regression by Newton-Raphson (iteratively reweighted least squares), the fit
 * R's {@code glm(family = binomial)} makes and MatchIt uses for its propensity score.
 *
 * <p>The covariates are centred and scaled for the iterations and the result is returned on their
 * own scale. A constant covariate cannot be estimated and gets coefficient 0. A step that lowers
 * the likelihood is halved until it does not. Iterations stop when no coefficient moves by more
 * than 1e-10 on the scaled covariates, or after 100.
 */
public final class MaximumLikelihood {
  private MaximumLikelihood() {}

  private static final int MAX_ITERATIONS = 100;
  private static final double TOLERANCE = 1e-10;

  /**
   * Returns the intercept, then one coefficient per column of {@code x}: {@code logit P(y = 1) =
   * b[0] + sum_j b[j + 1] x[j]}.
   */
  public static double[] logistic(double[][] x, int[] y) {
    int n = x.length;
    int p = n == 0 ? 0 : x[0].length;
    double[] mean = new double[p];
    double[] sd = new double[p];
    for (double[] row : x) {
      for (int j = 0; j < p; j++) {
        mean[j] += row[j] / n;
      }
    }
    for (double[] row : x) {
      for (int j = 0; j < p; j++) {
        sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
      }
    }
    // The estimable columns: those that vary.
    int[] keep = new int[p];
    int k = 0;
    for (int j = 0; j < p; j++) {
      sd[j] = Math.sqrt(sd[j]);
      if (sd[j] > 1e-12 * Math.max(1, Math.abs(mean[j]))) {
        keep[k++] = j;
      }
    }
    double[][] z = new double[n][k + 1];
    for (int i = 0; i < n; i++) {
      z[i][0] = 1;
      for (int c = 0; c < k; c++) {
        int j = keep[c];
        z[i][c + 1] = (x[i][j] - mean[j]) / sd[j];
      }
    }
    double[] beta = new double[k + 1];
    double ones = 0;
    for (int v : y) {
      ones += v;
    }
    // Start from the share of ones, so the first step is small.
    double share = Math.min(Math.max(ones / Math.max(1, n), 1e-12), 1 - 1e-12);
    beta[0] = Math.log(share / (1 - share));
    double ll = logLikelihood(z, y, beta);
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      RealMatrix h = new Array2DRowRealMatrix(k + 1, k + 1);
      RealVector g = new ArrayRealVector(k + 1);
      for (int i = 0; i < n; i++) {
        double pr = Metrics.sigmoid(dot(z[i], beta));
        double r = y[i] - pr;
        double w = pr * (1 - pr);
        for (int a = 0; a <= k; a++) {
          g.addToEntry(a, r * z[i][a]);
          for (int b = 0; b <= a; b++) {
            h.addToEntry(a, b, w * z[i][a] * z[i][b]);
          }
        }
      }
      for (int a = 0; a <= k; a++) {
        for (int b = 0; b < a; b++) {
          h.setEntry(b, a, h.getEntry(a, b));
        }
      }
      double[] step;
      try {
        step = new CholeskyDecomposition(h, 1e-14, 1e-14).getSolver().solve(g).toArray();
      } catch (NonPositiveDefiniteMatrixException e) {
        // Separation or collinearity: a vanishing ridge keeps the step defined.
        for (int a = 0; a <= k; a++) {
          h.addToEntry(a, a, 1e-8);
        }
        step = new CholeskyDecomposition(h, 1e-14, 1e-14).getSolver().solve(g).toArray();
      }
      double scale = 1;
      double[] next = new double[k + 1];
      double nextLl = Double.NEGATIVE_INFINITY;
      for (int halving = 0; halving < 30; halving++) {
        for (int a = 0; a <= k; a++) {
          next[a] = beta[a] + scale * step[a];
        }
        nextLl = logLikelihood(z, y, next);
        if (nextLl >= ll - 1e-12) {
          break;
        }
        scale /= 2;
      }
      double moved = 0;
      for (int a = 0; a <= k; a++) {
        moved = Math.max(moved, Math.abs(next[a] - beta[a]));
      }
      beta = next.clone();
      ll = nextLl;
      if (moved < TOLERANCE) {
        break;
      }
    }
    double[] out = new double[p + 1];
    out[0] = beta[0];
    for (int c = 0; c < k; c++) {
      int j = keep[c];
      out[j + 1] = beta[c + 1] / sd[j];
      out[0] -= beta[c + 1] * mean[j] / sd[j];
    }
    return out;
  }

  private static double logLikelihood(double[][] z, int[] y, double[] beta) {
    double ll = 0;
    for (int i = 0; i < z.length; i++) {
      double eta = dot(z[i], beta);
      // log(1 + e^eta) without overflow.
      double log1pExp = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
      ll += y[i] * eta - log1pExp;
    }
    return ll;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}

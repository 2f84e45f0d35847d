package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.evaluation.Wls.Fit;
import org.junit.jupiter.api.Test;

/** Least squares and its cluster-robust errors on cases solved by hand. */
class WlsTest {
  private static final double TOL = 1e-10;

  // Four points, one regressor, unit weights, clusters {0, 1} and {2, 3}.
  private static final double[][] X = {{0}, {1}, {2}, {3}};
  private static final double[] Y = {1, 3, 2, 5};
  private static final double[] ONES = {1, 1, 1, 1};
  private static final int[] TWO_CLUSTERS = {7, 7, 9, 9};

  @Test
  void olsByTheNormalEquations() {
    // XᵀX = [[4, 6], [6, 0+1+4+9]] = [[4, 6], [6, 14]], det 56 − 36 = 20,
    // (XᵀX)⁻¹ = [[14, −6], [−6, 4]] / 20 = [[0.7, −0.3], [−0.3, 0.2]].
    // Xᵀy = [1+3+2+5, 0+3+4+15] = [11, 22].
    // β = [0.7·11 − 0.3·22, −0.3·11 + 0.2·22] = [1.1, 1.1].
    Fit fit = Wls.fit(X, Y, ONES, TWO_CLUSTERS);
    assertEquals(0.7 * 11 - 0.3 * 22, fit.coefficient(0), TOL);
    assertEquals(-0.3 * 11 + 0.2 * 22, fit.coefficient(1), TOL);
    assertEquals(4, fit.n());
    assertEquals(2, fit.clusters());
    assertEquals(2, fit.parameters());
  }

  @Test
  void clusterRobustStandardErrorsByHand() {
    // Residuals y − 1.1 − 1.1x: −0.1, 0.8, −1.3, 0.6.
    // u_1 = (−0.1 + 0.8, 0·(−0.1) + 1·0.8) = (0.7, 0.8);
    // u_2 = (−1.3 + 0.6, 2·(−1.3) + 3·0.6) = (−0.7, −0.8) = −u_1.
    // Meat = u_1u_1ᵀ + u_2u_2ᵀ = 2 u_1u_1ᵀ; (XᵀX)⁻¹u_1 = (0.49 − 0.24, −0.21 + 0.16) = (0.25,
    // −0.05),
    // so the sandwich is 2 (0.25, −0.05)(0.25, −0.05)ᵀ: diagonal 2·0.0625, 2·0.0025.
    // CR1: G/(G−1) · (N−1)/(N−K) = 2/1 · 3/2 = 3.
    Fit fit = Wls.fit(X, Y, ONES, TWO_CLUSTERS);
    assertEquals(Math.sqrt(3 * 2 * 0.0625), fit.standardError(0), TOL);
    assertEquals(Math.sqrt(3 * 2 * 0.0025), fit.standardError(1), TOL);
    // One degree of freedom (G − 1): the t quantile is tan(π(0.975 − 1/2)) = 12.706...
    double t = Math.tan(Math.PI * (0.975 - 0.5));
    double[] ci = fit.interval(1, 0.95);
    assertEquals(1.1 - t * Math.sqrt(0.015), ci[0], 1e-8);
    assertEquals(1.1 + t * Math.sqrt(0.015), ci[1], 1e-8);
  }

  @Test
  void oneClusterHasNoStandardError() {
    Fit fit = Wls.fit(X, Y, ONES, new int[] {1, 1, 1, 1});
    assertEquals(1.1, fit.coefficient(1), TOL);
    assertTrue(Double.isNaN(fit.standardError(1)));
    assertTrue(Double.isNaN(fit.interval(1, 0.95)[0]));
  }

  @Test
  void weightTwoIsTheSameRowTwice() {
    double[][] x = {{0, 1}, {1, 0}, {2, 2}, {3, 1}, {4, 5}};
    double[] y = {1, 2, 2, 7, 3};
    Fit weighted = Wls.fit(x, y, new double[] {2, 1, 2, 1, 1}, new int[] {0, 1, 2, 3, 4});
    double[][] xd = {{0, 1}, {0, 1}, {1, 0}, {2, 2}, {2, 2}, {3, 1}, {4, 5}};
    double[] yd = {1, 1, 2, 2, 2, 7, 3};
    Fit duplicated = Wls.fit(xd, yd, new double[] {1, 1, 1, 1, 1, 1, 1}, null);
    assertArrayEquals(duplicated.coefficients(), weighted.coefficients(), TOL);
  }

  @Test
  void onATreatmentIndicatorAloneTheSlopeIsTheDifferenceInWeightedMeans() {
    // Treated y 3, 5 with weights 1, 1/2: (3 + 2.5) / 1.5 = 11/3.
    // Controls y 1, 2, 4 with weights 1/2, 1/2, 1: (0.5 + 1 + 4) / 2 = 2.75.
    double[][] x = {{1}, {1}, {0}, {0}, {0}};
    double[] y = {3, 5, 1, 2, 4};
    Fit fit = Wls.fit(x, y, new double[] {1, 0.5, 0.5, 0.5, 1}, new int[] {0, 1, 0, 1, 1});
    assertEquals(2.75, fit.coefficient(0), TOL);
    assertEquals(11 / 3.0 - 2.75, fit.coefficient(1), TOL);
  }

  @Test
  void constantAndCollinearColumnsAreDroppedAndTheRestUnchanged() {
    // Columns: treatment, a constant (the intercept again), 2·treatment − 3 (intercept and
    // treatment again), z.
    double[] treat = {1, 1, 1, 0, 0, 0};
    double[] z = {0.5, 2, 1, 3, 0, 4};
    double[] y = {4, 6, 3, 2, 1, 5};
    double[][] full = new double[6][];
    double[][] reduced = new double[6][];
    for (int i = 0; i < 6; i++) {
      full[i] = new double[] {treat[i], 7, 2 * treat[i] - 3, z[i]};
      reduced[i] = new double[] {treat[i], z[i]};
    }
    double[] w = {1, 0.5, 2, 1, 1, 0.5};
    int[] cluster = {0, 1, 2, 0, 1, 2};
    Fit f = Wls.fit(full, y, w, cluster);
    Fit r = Wls.fit(reduced, y, w, cluster);
    assertTrue(Double.isNaN(f.coefficient(2)) && Double.isNaN(f.standardError(2)));
    assertTrue(Double.isNaN(f.coefficient(3)) && Double.isNaN(f.standardError(3)));
    assertEquals(3, f.parameters());
    for (int[] same : new int[][] {{0, 0}, {1, 1}, {4, 2}}) {
      assertEquals(r.coefficient(same[1]), f.coefficient(same[0]), TOL);
      assertEquals(r.standardError(same[1]), f.standardError(same[0]), TOL);
    }
  }

  @Test
  void aDroppedTreatmentColumnStillGivesAFit() {
    // Within a subgroup where everyone was treated, the treatment column is the intercept again.
    double[][] x = {{1, 0}, {1, 1}, {1, 2}, {1, 3}};
    Fit fit = Wls.fit(x, Y, ONES, TWO_CLUSTERS);
    assertTrue(Double.isNaN(fit.coefficient(1)));
    assertEquals(1.1, fit.coefficient(2), TOL);
    assertEquals(Math.sqrt(3 * 2 * 0.0025), fit.standardError(2), TOL);
  }

  @Test
  void rowsWithZeroWeightAreIgnored() {
    double[][] x = {{0}, {1}, {2}, {3}, {100}};
    double[] y = {1, 3, 2, 5, -1000};
    Fit fit = Wls.fit(x, y, new double[] {1, 1, 1, 1, 0}, new int[] {7, 7, 9, 9, 11});
    assertEquals(Wls.fit(X, Y, ONES, TWO_CLUSTERS), fit);
  }
}

package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The weighted difference in means on three matched sets, as drawn and resampled. */
class WeightedDifferenceTest {
  private static final double TOL = 1e-12;

  // Set 0: treated y 5, control y 2. Set 1 (2:1): treated y 4, controls y 1 and 3 weighted 1/2.
  // Set 2: treated y 6, control y 6.
  private static final double[] Y = {5, 2, 4, 1, 3, 6, 6};
  private static final double[] W = {1, 1, 1, 0.5, 0.5, 1, 1};
  private static final boolean[] TREATED = {true, false, true, false, false, true, false};
  private static final int[] SET = {0, 0, 1, 1, 1, 2, 2};

  @Test
  void theSampleAsDrawn() {
    // Treated (5 + 4 + 6) / 3; controls (2 + 0.5 + 1.5 + 6) / (1 + 0.5 + 0.5 + 1).
    double expected = (5 + 4 + 6) / 3.0 - (2 + 0.5 + 1.5 + 6) / (1 + 0.5 + 0.5 + 1);
    assertEquals(expected, WeightedDifference.of(Y, W, TREATED, SET, null), TOL);
    assertEquals(expected, WeightedDifference.of(Y, W, TREATED, null, null), TOL);
  }

  @Test
  void aResampleWithSetZeroLeftOutAndSetOneTwice() {
    // Multiplicities {0, 2, 1}: treated (2·4 + 6) / (2 + 1); controls
    // (2·(0.5 + 1.5) + 6) / (2·(0.5 + 0.5) + 1).
    double expected = (2 * 4 + 6) / 3.0 - (2 * (0.5 + 1.5) + 6) / (2 * (0.5 + 0.5) + 1.0);
    assertEquals(expected, WeightedDifference.of(Y, W, TREATED, SET, new int[] {0, 2, 1}), TOL);
  }

  @Test
  void anArmWithNoWeightIsNaN() {
    // Only set 1 drawn, and its treated row weighted 0.
    double[] w = {1, 1, 0, 0.5, 0.5, 1, 1};
    assertTrue(Double.isNaN(WeightedDifference.of(Y, w, TREATED, SET, new int[] {0, 3, 0})));
    assertTrue(Double.isNaN(WeightedDifference.of(Y, W, TREATED, SET, new int[] {0, 0, 0})));
  }

  @Test
  void agreesWithTheTreatmentCoefficientOfWls() {
    double[][] x = new double[Y.length][];
    for (int i = 0; i < Y.length; i++) {
      x[i] = new double[] {TREATED[i] ? 1 : 0};
    }
    assertEquals(
        Wls.fit(x, Y, W, SET).coefficient(1), WeightedDifference.of(Y, W, TREATED, SET, null), TOL);
  }
}

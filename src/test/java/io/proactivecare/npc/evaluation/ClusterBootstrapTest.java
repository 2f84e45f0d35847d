package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The exact draws of a tiny bootstrap, and type-7 percentile intervals worked by hand. */
class ClusterBootstrapTest {
  private static final double TOL = 1e-12;

  // Three clusters with values 1, 2, 4; the statistic is the mean over the drawn clusters.
  private static final double[] VALUE = {1, 2, 4};
  private static final ToDoubleFunction<int[]> MEAN_OF_DRAWN =
      m -> (m[0] * VALUE[0] + m[1] * VALUE[1] + m[2] * VALUE[2]) / 3;

  // Cluster i has value i; every replicate draws 50 clusters.
  private static final ToDoubleFunction<int[]> MEAN_OF_FIFTY =
      m -> {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
          s += i * m[i];
        }
        return s / 50;
      };

  @Test
  void seedTwoDrawsTheseMultiplicities() {
    // Printed once from SplittableRandom(2), three nextInt(3) per replicate; written here so that
    // a change to the drawing order shows.
    List<int[]> seen = new ArrayList<>();
    ClusterBootstrap.replicates(
        3,
        m -> {
          seen.add(m);
          return 0;
        },
        4,
        2);
    assertArrayEquals(new int[] {1, 1, 1}, seen.get(0));
    assertArrayEquals(new int[] {2, 0, 1}, seen.get(1));
    assertArrayEquals(new int[] {0, 1, 2}, seen.get(2));
    assertArrayEquals(new int[] {0, 0, 3}, seen.get(3));
  }

  @Test
  void percentileIntervalOfThoseReplicates() {
    // Replicates: (1 + 2 + 4)/3 = 7/3, (2 + 0 + 4)/3 = 2, (0 + 2 + 8)/3 = 10/3, (0 + 0 + 12)/3 = 4.
    double[] r = ClusterBootstrap.replicates(3, MEAN_OF_DRAWN, 4, 2);
    assertArrayEquals(new double[] {7 / 3.0, 2, 10 / 3.0, 4}, r, TOL);
    // Sorted 2, 7/3, 10/3, 4. At 95%: h = 3 · 0.025 = 0.075 and h = 3 · 0.975 = 2.925.
    double[] ci = ClusterBootstrap.percentile(r, 0.95);
    assertEquals(2 + 0.075 * (7 / 3.0 - 2), ci[0], TOL);
    assertEquals(10 / 3.0 + 0.925 * (4 - 10 / 3.0), ci[1], TOL);
  }

  @Test
  void typeSevenQuantilesOfOneToTen() {
    // h = 9 · 0.025 = 0.225: 1 + 0.225 · (2 − 1); h = 9 · 0.975 = 8.775: 9 + 0.775 · (10 − 9).
    double[] oneToTen = {7, 1, 10, 2, 9, 3, 8, 4, 6, 5};
    double[] ci = ClusterBootstrap.percentile(oneToTen, 0.95);
    assertEquals(1.225, ci[0], TOL);
    assertEquals(9.775, ci[1], TOL);
    assertEquals(1, ClusterBootstrap.quantileOfSorted(new double[] {1, 2, 3}, 0), TOL);
    assertEquals(3, ClusterBootstrap.quantileOfSorted(new double[] {1, 2, 3}, 1), TOL);
  }

  @Test
  void undefinedReplicatesAreLeftOut() {
    // Finite values 1, 2, 3 at 50%: h = 2 · 0.25 = 0.5 and 2 · 0.75 = 1.5.
    double nan = Double.NaN;
    double inf = Double.POSITIVE_INFINITY;
    assertArrayEquals(
        new double[] {1.5, 2.5},
        ClusterBootstrap.percentile(new double[] {nan, 3, 1, inf, 2, nan}, 0.5),
        TOL);
    double[] tooFew = ClusterBootstrap.percentile(new double[] {nan, 4, nan}, 0.95);
    assertTrue(Double.isNaN(tooFew[0]) && Double.isNaN(tooFew[1]));
  }

  @Test
  void theSameSeedGivesTheSameReplicates() {
    double[] a = ClusterBootstrap.replicates(50, MEAN_OF_FIFTY, 200, 99);
    double[] b = ClusterBootstrap.replicates(50, MEAN_OF_FIFTY, 200, 99);
    double[] c = ClusterBootstrap.replicates(50, MEAN_OF_FIFTY, 200, 100);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }
}

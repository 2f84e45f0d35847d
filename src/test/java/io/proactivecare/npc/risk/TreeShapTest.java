package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The engine's tree SHAP ({@link TreeShap}) gives Smile's own values to the last bit, on boosted
 * trees deep enough to split on a feature again below itself (the algorithm's unwinding), with
 * whole-number features whose rows sit exactly on a threshold, and with missing values (NaN): both
 * for shallow trees, whose leaves' additions are tabulated, and for trees too deep to tabulate.
 */
class TreeShapTest {
  private static final int P = 7;

  /** Rows of whole numbers and flags, an outcome depending on several of them with interactions. */
  private static double[][] rows(Random r, int n) {
    double[][] x = new double[n][P];
    for (double[] row : x) {
      row[0] = r.nextInt(100); // age-like
      row[1] = 1 + r.nextInt(10); // a decile
      row[2] = r.nextInt(4); // a small count
      row[3] = r.nextBoolean() ? 1 : 0; // a flag
      row[4] = r.nextGaussian();
      row[5] = r.nextInt(3);
      row[6] = r.nextDouble() < 0.1 ? 1 : 0;
    }
    return x;
  }

  private static int[] outcomes(Random r, double[][] x) {
    int[] y = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      double[] v = x[i];
      double eta =
          -3
              + 0.03 * v[0]
              - 0.1 * v[1]
              + 0.6 * v[2]
              + (v[3] == 1 && v[0] > 70 ? 1.2 : 0)
              + 0.4 * v[4] * v[5]
              + 1.5 * v[6];
      y[i] = r.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    return y;
  }

  private static List<String> names() {
    List<String> names = new ArrayList<>();
    for (int j = 0; j < P; j++) {
      names.add("x" + j);
    }
    return names;
  }

  @Test
  void sameBitsAsSmileOnDeepTreesThresholdsAndMissingValues() {
    Random r = new Random(7);
    double[][] x = rows(r, 3000);
    int[] y = outcomes(r, x);
    for (Learner.Trees.Settings s :
        List.of(
            new Learner.Trees.Settings(30, 3, 8, 5, 0.1, 0.8),
            new Learner.Trees.Settings(20, 12, 200, 3, 0.05, 1.0))) {
      Learner.Trees trees = Learner.Trees.fit(x, y, names(), s);
      assertTrue(trees.flattened(), "the trees were flattened, not left to Smile");
      if (s.maxDepth() == 3) {
        assertEquals(s.trees(), trees.tabulated(), "every shallow tree is tabulated");
      } else {
        // 200 leaves 12 deep: well past TreeShap.TABLE_LIMIT, so worked out row by row.
        assertTrue(trees.tabulated() < s.trees(), "deep trees are not all tabulated");
      }
      List<double[]> probes = new ArrayList<>(List.of(x).subList(0, 500));
      // Rows exactly on thresholds (whole numbers, as in training) and rows with a NaN.
      double[][] fresh = rows(new Random(11), 200);
      for (int i = 0; i < fresh.length; i += 10) {
        fresh[i][i % P] = Double.NaN;
      }
      probes.addAll(List.of(fresh));
      int nonZero = 0;
      for (double[] row : probes) {
        double[] ours = trees.contributions(row);
        double[] smile = trees.smileContributions(row);
        assertArrayEquals(smile, ours, 0.0, () -> java.util.Arrays.toString(row));
        for (double c : ours) {
          nonZero += c != 0 ? 1 : 0;
        }
      }
      assertTrue(nonZero > probes.size(), "contributions are not all zero: " + nonZero);
    }
  }

  @Test
  void aSingleLeafGivesNothing() {
    double[][] x = rows(new Random(3), 50);
    int[] y = new int[50];
    y[0] = 1;
    // Nodes of at least 100 rows cannot split 50 rows: every tree is one leaf.
    Learner.Trees trees =
        Learner.Trees.fit(x, y, names(), new Learner.Trees.Settings(5, 3, 8, 100, 0.1, 1.0));
    assertTrue(trees.flattened());
    double[] c = trees.contributions(x[0]);
    assertEquals(P, c.length);
    assertArrayEquals(new double[P], c, 0.0);
    assertArrayEquals(trees.smileContributions(x[0]), c, 0.0);
  }
}

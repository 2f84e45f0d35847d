package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hold-out's bootstrap intervals: weighted metrics checked by hand, and reproducible. */
class BootstrapTest {
  // Eight rows, a tie at 0.6 between an event and a non-event.
  private static final double[] P = {0.9, 0.8, 0.6, 0.6, 0.4, 0.3, 0.2, 0.1};
  private static final int[] Y = {1, 0, 1, 0, 1, 0, 0, 0};

  @Test
  void weightedAurocByHand() {
    int[] order = Bootstrap.descending(P);
    // Every row once: pairs (event above non-event) of 3 events x 5 non-events = 15:
    // 0.9 beats 5; 0.6 beats 0.3, 0.2, 0.1 and ties 0.6 (a half); 0.4 beats 3 -> 11.5 / 15.
    double once = Bootstrap.auroc(P, Y, order, new int[] {1, 1, 1, 1, 1, 1, 1, 1});
    assertEquals(11.5 / 15, once, 1e-12);
    assertEquals(Metrics.auroc(P, Y), once, 1e-12);
    // Row 0 twice, row 4 dropped: events 0.9, 0.9, 0.6 over non-events 0.8, 0.6, 0.3, 0.2, 0.1:
    // 5 + 5 + 3.5 = 13.5 of 15, the AUROC of the rows written out.
    int[] counts = {2, 1, 1, 1, 0, 1, 1, 1};
    assertEquals(13.5 / 15, Bootstrap.auroc(P, Y, order, counts), 1e-12);
    assertEquals(
        Metrics.auroc(
            new double[] {0.9, 0.9, 0.8, 0.6, 0.6, 0.3, 0.2, 0.1},
            new int[] {1, 1, 0, 1, 0, 0, 0, 0}),
        Bootstrap.auroc(P, Y, order, counts),
        1e-12);
  }

  @Test
  void weightedTopCutByHand() {
    int[] order = Bootstrap.descending(P);
    // Top 25% of 8 = 2 rows: 0.9 (event) and 0.8 -> 1 of 3 events.
    assertEquals(
        1.0 / 3, Bootstrap.sensitivityTop(Y, order, new int[] {1, 1, 1, 1, 1, 1, 1, 1}, 0.25));
    // Row 0 three times, 10 rows: top 25% = 3 rows, all copies of row 0 -> 3 of 5 events.
    int[] counts = {3, 1, 1, 1, 1, 1, 1, 1};
    assertEquals(3.0 / 5, Bootstrap.sensitivityTop(Y, order, counts, 0.25), 1e-12);
    // Every row once at 5%, as the report counts it (ties by index, as Metrics.topFlags).
    assertEquals(
        Metrics.flagged(Y, Metrics.topFlags(P, 0.05))[0],
        Bootstrap.sensitivityTop(Y, order, new int[] {1, 1, 1, 1, 1, 1, 1, 1}, 0.05));
  }

  /** 400 rows whose outcome follows the prediction (a fixed pseudo-random draw). */
  private static Object[] rows() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    double[] p = new double[400];
    int[] y = new int[400];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.round(r.nextDouble() * 100) / 100.0; // ties, as calibrated scores have
      y[i] = r.nextDouble() < p[i] ? 1 : 0;
    }
    return new Object[] {p, y};
  }

  @Test
  void intervalsAreReproducibleAndHoldThePointEstimate() {
    Object[] d = rows();
    double[] p = (double[]) d[0];
    int[] y = (int[]) d[1];
    Map<String, double[]> a = Bootstrap.intervals(p, y, 200, 20250331L);
    Map<String, double[]> b = Bootstrap.intervals(p, y, 200, 20250331L);
    assertEquals(a.keySet(), b.keySet());
    a.forEach((k, v) -> assertArrayEquals(v, b.get(k), k + ": same seed, same interval"));
    Metrics.Report report = Metrics.report(p, y);
    Map<String, Double> point =
        Map.of(
            Bootstrap.AUROC, report.auroc(),
            Bootstrap.CALIBRATION_SLOPE, report.calibrationSlope(),
            Bootstrap.SENSITIVITY_TOP5, report.sensitivityTop5());
    assertEquals(point.keySet(), a.keySet());
    for (Map.Entry<String, Double> e : point.entrySet()) {
      double[] ci = a.get(e.getKey());
      assertTrue(
          ci[0] < e.getValue() && e.getValue() < ci[1],
          e.getKey() + " " + e.getValue() + " outside " + Arrays.toString(ci));
    }
    // Another seed, other resamples.
    assertFalse(
        Arrays.equals(
            a.get(Bootstrap.AUROC), Bootstrap.intervals(p, y, 200, 7).get(Bootstrap.AUROC)));
  }

  @Test
  void noReplicatesNoIntervals() {
    assertTrue(Bootstrap.intervals(P, Y, 0, 1).isEmpty());
  }
}

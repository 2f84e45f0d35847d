package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each metric on a case small enough to check on paper, and calibration on known truth. */
class MetricsTest {
  // Four people: predictions and outcomes.
  private static final double[] P = {0.1, 0.4, 0.35, 0.8};
  private static final int[] Y = {0, 0, 1, 1};

  /** By hand: 1 / (1 + e^-z); at ln 3, 1 / (1 + 1/3) = 0.75; far out, 0 or 1, never NaN. */
  @Test
  void sigmoidIsTheLogitsInverseWithoutOverflow() {
    assertEquals(0.5, Metrics.sigmoid(0), 0);
    assertEquals(0.75, Metrics.sigmoid(Math.log(3)), 1e-15);
    assertEquals(0.25, Metrics.sigmoid(-Math.log(3)), 1e-15);
    assertEquals(1.0, Metrics.sigmoid(800), 0);
    assertEquals(0.0, Metrics.sigmoid(-800), 0);
    assertEquals(0.3, Metrics.sigmoid(Metrics.logits(new double[] {0.3})[0]), 1e-12);
  }

  @Test
  void aurocCountsCorrectlyOrderedPairs() {
    // Event/non-event pairs: (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, 0.1) right, (0.8, 0.4)
    // right: 3 of 4.
    assertEquals(3 / 4.0, Metrics.auroc(P, Y), 1e-12);
    // A tie counts a half.
    assertEquals(0.5, Metrics.auroc(new double[] {0.5, 0.5}, new int[] {0, 1}), 1e-12);
    assertTrue(Double.isNaN(Metrics.auroc(new double[] {0.1, 0.2}, new int[] {1, 1})));
  }

  @Test
  void auprcIsAveragePrecision() {
    // By score: 0.8 (event), 0.4, 0.35 (event), 0.1. Precision at the events: 1/1 and 2/3.
    assertEquals((1 + 2 / 3.0) / 2, Metrics.auprc(P, Y), 1e-12);
  }

  @Test
  void brierIsTheMeanSquaredError() {
    assertEquals((0.01 + 0.16 + 0.4225 + 0.04) / 4, Metrics.brier(P, Y), 1e-12);
  }

  @Test
  void topFivePercentFlagsCeilOfFivePercent() {
    // ceil(0.05 * 4) = 1 flagged: the 0.8, an event. Sensitivity 1/2, PPV 1/1.
    Metrics.Report r = Metrics.report(P, Y);
    assertEquals(1 / 2.0, r.sensitivityTop5(), 1e-12);
    assertEquals(1.0, r.ppvTop5(), 1e-12);
    assertArrayEquals(new boolean[] {false, false, false, true}, Metrics.topFlags(P, 0.05));
  }

  @Test
  void decilesGroupByRank() {
    double[] p = new double[20];
    int[] y = new int[20];
    for (int i = 0; i < 20; i++) {
      p[i] = (i + 1) / 100.0; // 0.01 .. 0.20
      y[i] = i >= 18 ? 1 : 0;
    }
    List<Metrics.Decile> d = Metrics.deciles(p, y);
    assertEquals(10, d.size());
    // Decile 1: 0.01 and 0.02, mean 0.015, no events; decile 10: 0.19 and 0.20, both events.
    assertEquals(2, d.get(0).n());
    assertEquals(0.015, d.get(0).meanPredicted(), 1e-12);
    assertEquals(0.0, d.get(0).observed(), 1e-12);
    assertEquals(0.195, d.get(9).meanPredicted(), 1e-12);
    assertEquals(1.0, d.get(9).observed(), 1e-12);
  }

  /** Outcomes drawn from the predictions themselves: a perfectly calibrated model. */
  private static int[] draw(double[] p, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] y = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      y[i] = r.nextDouble() < p[i] ? 1 : 0;
    }
    return y;
  }

  private static double[] spread(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = Metrics.sigmoid(-2.5 + 1.2 * r.nextDouble() * 3 - 1.5);
    }
    return p;
  }

  @Test
  void calibrationOfACalibratedModelIsSlopeOneInterceptZero() {
    double[] p = spread(200_000, 1);
    int[] y = draw(p, 2);
    double[] ab = Metrics.calibration(p, y);
    assertEquals(1.0, ab[1], 0.05, "slope");
    assertEquals(0.0, Metrics.calibrationInTheLarge(p, y), 0.02, "intercept");
  }

  @Test
  void overconfidentPredictionsHaveSlopeOneHalf() {
    double[] truth = spread(200_000, 3);
    int[] y = draw(truth, 4);
    // Predictions with double the true log-odds: the recalibration slope is 1/2.
    double[] over = new double[truth.length];
    for (int i = 0; i < truth.length; i++) {
      double z = Math.log(truth[i] / (1 - truth[i]));
      over[i] = Metrics.sigmoid(2 * z);
    }
    assertEquals(0.5, Metrics.calibration(over, y)[1], 0.03);
  }

  @Test
  void plattRecoversALinearMiscalibration() {
    double[] truth = spread(200_000, 5);
    int[] y = draw(truth, 6);
    double[] raw = new double[truth.length];
    for (int i = 0; i < truth.length; i++) {
      double z = Math.log(truth[i] / (1 - truth[i]));
      raw[i] = Metrics.sigmoid((z - 0.5) / 2); // true logit = 0.5 + 2 * raw logit
    }
    Calibrator.Platt c = (Calibrator.Platt) Calibrator.fit("platt", raw, y);
    assertEquals(0.5, c.a(), 0.05);
    assertEquals(2.0, c.b(), 0.06);
  }

  @Test
  void isotonicPoolsAdjacentViolators() {
    // Raw 0.1, 0.2, 0.3, 0.4 with outcomes 1, 0, 1, 1: the first two violate order and pool to
    // (1 + 0) / 2 = 0.5 at x = (0.1 + 0.2) / 2 = 0.15; then 1 at 0.3 and 1 at 0.4 (in order).
    Calibrator c =
        Calibrator.fit("isotonic", new double[] {0.1, 0.2, 0.3, 0.4}, new int[] {1, 0, 1, 1});
    assertEquals(0.5, c.calibrate(0.15), 1e-12);
    assertEquals(0.5, c.calibrate(0.05), 1e-12);
    assertEquals(1.0, c.calibrate(0.35), 1e-12);
    // 0.25 is 0.10 / 0.15 = 2/3 of the way from 0.15 to 0.3: 0.5 + 2/3 * (1 - 0.5).
    assertEquals(0.5 + 2 / 3.0 * 0.5, c.calibrate(0.25), 1e-12);
  }
}

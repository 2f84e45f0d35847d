package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.risk.Learner;
import io.proactivecare.npc.risk.Metrics;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaximumLikelihoodTest {
  @Test
  void oneBinaryCovariateGivesTheLogOddsOfEachGroup() {
    // x = 0: 1 of 4 enrolled; x = 1: 3 of 4. The MLE reproduces each group's share exactly:
    // intercept logit(1/4) = ln(1/3); slope logit(3/4) - logit(1/4) = ln 3 - ln(1/3) = 2 ln 3.
    double[][] x = {{0}, {0}, {0}, {0}, {1}, {1}, {1}, {1}};
    int[] y = {1, 0, 0, 0, 1, 1, 1, 0};
    double[] b = MaximumLikelihood.logistic(x, y);
    assertEquals(Math.log(1 / 3.0), b[0], 1e-9);
    assertEquals(2 * Math.log(3), b[1], 1e-9);
  }

  @Test
  void aConstantColumnGetsZeroAndTheRestAreUnchanged() {
    double[][] x = {{0, 5}, {0, 5}, {0, 5}, {0, 5}, {1, 5}, {1, 5}, {1, 5}, {1, 5}};
    int[] y = {1, 0, 0, 0, 1, 1, 1, 0};
    double[] b = MaximumLikelihood.logistic(x, y);
    assertEquals(Math.log(1 / 3.0), b[0], 1e-9);
    assertEquals(2 * Math.log(3), b[1], 1e-9);
    assertEquals(0, b[2], 0);
  }

  /**
   * A rare outcome with a strong, skewed predictor, like enrolment among candidates: the MLE's
   * score equation holds (predicted ones equal the observed) and it agrees with a barely penalised
   * Smile fit.
   */
  @Test
  void rareOutcomesFitAndMatchABarelyPenalisedFit() {
    SplittableRandom r = new SplittableRandom(7);
    int n = 40_000;
    double[][] x = new double[n][3];
    int[] y = new int[n];
    int ones = 0;
    for (int i = 0; i < n; i++) {
      x[i][0] = 20 + 70 * r.nextDouble();
      x[i][1] = r.nextDouble() < 0.1 ? 1 : 0;
      x[i][2] = 365 * 3 * r.nextDouble();
      double eta = -9 + 0.06 * x[i][0] + 1.5 * x[i][1] - 0.002 * x[i][2];
      y[i] = r.nextDouble() < Metrics.sigmoid(eta) ? 1 : 0;
      ones += y[i];
    }
    double[] b = MaximumLikelihood.logistic(x, y);
    double predicted = 0;
    for (double[] row : x) {
      predicted += Metrics.sigmoid(b[0] + b[1] * row[0] + b[2] * row[1] + b[3] * row[2]);
    }
    assertEquals(ones, predicted, 1e-6);
    double[] smile = Learner.Regression.fit(x, y, 1e-6).unstandardised();
    for (int j = 0; j < b.length; j++) {
      assertEquals(smile[j], b[j], 1e-3 * Math.max(1, Math.abs(b[j])), "coefficient " + j);
    }
  }
}

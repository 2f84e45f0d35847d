package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.evaluation.Balance.Moments;
import io.proactivecare.npc.evaluation.Balance.Row;
import org.junit.jupiter.api.Test;

/** Both SMD conventions and the variance ratio on a population small enough to check on paper. */
class BalanceTest {
  private static final double TOL = 1e-12;

  // Three treated and four controls; T2, T3 are matched to C4, C2 (two pairs).
  //        T1  T2  T3 | C1  C2  C3  C4
  //   x     1   2   6 |  0   2   2   4
  //   b     1   1   0 |  1   0   0   0
  private static final double[] X_TREATED = {1, 2, 6};
  private static final double[] X_CONTROL = {0, 2, 2, 4};
  private static final double[] X_TREATED_MATCHED = {2, 6};
  private static final double[] X_CONTROL_MATCHED = {4, 2};
  private static final double[] B_TREATED = {1, 1, 0};
  private static final double[] B_CONTROL = {1, 0, 0, 0};
  private static final double[] B_TREATED_MATCHED = {1, 0};
  private static final double[] B_CONTROL_MATCHED = {0, 0};

  private static Row row(
      String name, boolean binary, double[] t, double[] c, double[] tm, double[] cm) {
    return Balance.compare(
        name,
        binary,
        Moments.of(t, null),
        Moments.of(c, null),
        Moments.of(tm, null),
        Moments.of(cm, null));
  }

  @Test
  void continuousCovariateUnderBothConventions() {
    // Treated before: mean 3, squared deviations 4 + 1 + 9 = 14: sample variance 14/2, population
    // 14/3. Controls before: mean 2, 4 + 0 + 0 + 4 = 8: sample 8/3, population 8/4.
    // Treated after {2, 6}: mean 4, 4 + 4 = 8: sample 8/1, population 8/2.
    // Controls after {4, 2}: mean 3, 1 + 1 = 2: sample 2/1, population 2/2.
    Row r = row("x", false, X_TREATED, X_CONTROL, X_TREATED_MATCHED, X_CONTROL_MATCHED);
    assertEquals(3, r.meanTreatedBefore(), TOL);
    assertEquals(2, r.meanControlBefore(), TOL);
    assertEquals(4, r.meanTreatedAfter(), TOL);
    assertEquals(3, r.meanControlAfter(), TOL);
    // ATT: the treated-before sample SD, sqrt(14/2), both times.
    assertEquals((3 - 2) / Math.sqrt(14 / 2.0), r.smdAttBefore(), TOL);
    assertEquals((4 - 3) / Math.sqrt(14 / 2.0), r.smdAttAfter(), TOL);
    // Pooled: population variances of the sample described.
    assertEquals((3 - 2) / Math.sqrt((14 / 3.0 + 8 / 4.0) / 2), r.smdPooledBefore(), TOL);
    assertEquals((4 - 3) / Math.sqrt((8 / 2.0 + 2 / 2.0) / 2), r.smdPooledAfter(), TOL);
    assertEquals((14 / 2.0) / (8 / 3.0), r.varianceRatioBefore(), TOL);
    assertEquals((8 / 1.0) / (2 / 1.0), r.varianceRatioAfter(), TOL);
  }

  @Test
  void binaryCovariateUnderBothConventions() {
    // Treated before p = 2/3, controls 1/4; after: treated {1, 0} 1/2, controls {0, 0} 0.
    Row r = row("b", true, B_TREATED, B_CONTROL, B_TREATED_MATCHED, B_CONTROL_MATCHED);
    // ATT: sqrt(p(1 − p)) with the treated-before p = 2/3, both times.
    double att = Math.sqrt(2 / 3.0 * (1 / 3.0));
    assertEquals((2 / 3.0 - 1 / 4.0) / att, r.smdAttBefore(), TOL);
    assertEquals((1 / 2.0 - 0) / att, r.smdAttAfter(), TOL);
    // Pooled: p(1 − p) of each group described: 2/9 and 3/16 before, 1/4 and 0 after.
    assertEquals(
        (2 / 3.0 - 1 / 4.0) / Math.sqrt((2 / 9.0 + 3 / 16.0) / 2), r.smdPooledBefore(), TOL);
    assertEquals((1 / 2.0 - 0) / Math.sqrt((1 / 4.0 + 0) / 2), r.smdPooledAfter(), TOL);
    assertTrue(Double.isNaN(r.varianceRatioBefore()));
    assertTrue(Double.isNaN(r.varianceRatioAfter()));
  }

  @Test
  void imbalancedWhenEitherSmdAfterReachesTheThreshold() {
    // x after: ATT 1/sqrt(7) = 0.378, pooled 1/sqrt(2.5) = 0.632.
    Row x = row("x", false, X_TREATED, X_CONTROL, X_TREATED_MATCHED, X_CONTROL_MATCHED);
    assertTrue(x.imbalanced(0.1));
    assertTrue(x.imbalanced(0.5)); // by the pooled SMD alone
    assertFalse(x.imbalanced(0.7));
    assertTrue(x.imbalanced(1 / Math.sqrt(2.5))); // reaching the threshold counts
  }

  @Test
  void halfWeightsOfTwoToOneMatching() {
    // One treated unit matched to controls x = 1 and x = 3, each weighted 1/2.
    // Σw = 1, Σw² = 1/4 + 1/4, Σwx = 1/2 + 3/2, Σwx² = 1/2 + 9/2.
    Moments m = Moments.of(new double[] {1, 3}, new double[] {0.5, 0.5});
    assertEquals(new Moments(1, 0.5, 2, 5), m);
    assertEquals(2 / 1.0, m.mean(), TOL);
    // Σw(x − m)² = 1/2 · 1 + 1/2 · 1 = 1.
    assertEquals(1 / 1.0, m.populationVariance(), TOL);
    // 1 / (1 − 0.5/1) = 2, the n − 1 variance of {1, 3}: reliability weights ignore the scale.
    assertEquals(1 / (1 - 0.5 / 1), m.sampleVariance(), TOL);
    assertEquals(Moments.of(new double[] {1, 3}, null).sampleVariance(), m.sampleVariance(), TOL);
  }

  @Test
  void unequalWeights() {
    // x = {1, 3}, w = {1/2, 1}: Σw = 3/2, Σw² = 1/4 + 1 = 5/4, mean = (1/2 + 3) / (3/2) = 7/3.
    // Σw(x − m)² = 1/2 (4/3)² + 1 (2/3)² = 8/9 + 4/9 = 4/3.
    Moments m = Moments.of(new double[] {1, 3}, new double[] {0.5, 1});
    assertEquals(7 / 3.0, m.mean(), TOL);
    assertEquals((4 / 3.0) / 1.5, m.populationVariance(), TOL);
    assertEquals((4 / 3.0) / (1.5 - 1.25 / 1.5), m.sampleVariance(), TOL);
  }

  @Test
  void momentsAddAcrossParts() {
    Moments whole = Moments.of(new double[] {1, 2, 6, 0}, new double[] {1, 0.5, 2, 1});
    Moments parts =
        Moments.of(new double[] {1, 2}, new double[] {1, 0.5})
            .plus(Moments.of(new double[] {6, 0}, new double[] {2, 1}));
    assertEquals(whole.sumW(), parts.sumW(), TOL);
    assertEquals(whole.sumW2(), parts.sumW2(), TOL);
    assertEquals(whole.sumWX(), parts.sumWX(), TOL);
    assertEquals(whole.sumWX2(), parts.sumWX2(), TOL);
  }

  @Test
  void noSpreadWithEqualMeansIsZeroAndWithDifferentMeansNaN() {
    // Everyone has b = 1: both denominators 0 and the means equal, SMD 0.
    double[] ones3 = {1, 1, 1};
    double[] ones2 = {1, 1};
    Row same = row("b", true, ones3, new double[] {1, 1, 1, 1}, ones2, ones2);
    assertEquals(0, same.smdAttBefore());
    assertEquals(0, same.smdPooledBefore());
    assertEquals(0, same.smdAttAfter());
    assertEquals(0, same.smdPooledAfter());
    assertFalse(same.imbalanced(0.1));

    // Treated all 1 (ATT SD sqrt(1 · 0) = 0), matched controls half 1: the ATT SMD after is NaN
    // and counts as imbalanced; the pooled one is (1 − 1/2) / sqrt((0 + 1/4) / 2).
    Row differs = row("b", true, ones3, new double[] {1, 0, 0, 0}, ones2, new double[] {1, 0});
    assertTrue(Double.isNaN(differs.smdAttAfter()));
    assertEquals((1 - 1 / 2.0) / Math.sqrt((0 + 1 / 4.0) / 2), differs.smdPooledAfter(), TOL);
    assertTrue(differs.imbalanced(0.1));
  }

  @Test
  void aConstantThatDoesNotAddUpExactlyStillHasNoSpread() {
    // 0.7 has no exact binary form: three of them average 0.6999999999999998 against four's 0.7,
    // and the raw Σwx² − (Σwx)²/Σw of the three is 2.2e-16, rounding rather than spread. The SMDs
    // must be 0 (not NaN, not ±2e-8) and the variance ratios NaN (control variance 0).
    double[] t = {0.7, 0.7, 0.7};
    double[] c = {0.7, 0.7, 0.7, 0.7};
    Row r = row("x", false, t, c, new double[] {0.7, 0.7}, new double[] {0.7, 0.7});
    assertEquals(0, Moments.of(t, null).sampleVariance());
    assertEquals(0, r.smdAttBefore());
    assertEquals(0, r.smdPooledBefore());
    assertEquals(0, r.smdAttAfter());
    assertEquals(0, r.smdPooledAfter());
    assertTrue(Double.isNaN(r.varianceRatioBefore()));
  }

  @Test
  void varianceRatioIsNaNWhenOnlyTheControlsHaveNoSpread() {
    // Treated {1, 2, 6} sample variance 7; controls all 2: ratio undefined. Pooled SMD before:
    // (3 − 2) / sqrt((14/3 + 0) / 2).
    Row r = row("x", false, X_TREATED, new double[] {2, 2, 2, 2}, X_TREATED, new double[] {2, 2});
    assertTrue(Double.isNaN(r.varianceRatioBefore()));
    assertEquals((3 - 2) / Math.sqrt((14 / 3.0 + 0) / 2), r.smdPooledBefore(), TOL);
  }
}

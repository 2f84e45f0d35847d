package io.proactivecare.npc.evaluation;

/**
 * The matched-sample effect estimate with no covariates: the difference between the treated and
 * control weighted means, with each row's weight multiplied by how often its cluster (matched set)
 * was drawn, so one function serves the estimate (no multiplicities) and every bootstrap replicate.
 * Equal to the treatment coefficient of {@link Wls} on the indicator alone.
 */
public final class WeightedDifference {
  private WeightedDifference() {}

  /**
   * Σ(w·m·y)/Σ(w·m) over treated minus the same over controls, where m[i] =
   * multiplicity[cluster[i]] (all 1 when multiplicity is null; cluster may then be null too). NaN
   * when either arm has zero weight.
   */
  public static double of(
      double[] y, double[] w, boolean[] treated, int[] cluster, int[] multiplicity) {
    int n = y.length;
    if (w.length != n || treated.length != n || (multiplicity != null && cluster.length != n)) {
      throw new IllegalArgumentException(
          "y, w, treated and cluster must have one entry per row; y has " + n);
    }
    double treatedSum = 0;
    double treatedWeight = 0;
    double controlSum = 0;
    double controlWeight = 0;
    for (int i = 0; i < n; i++) {
      double wm = multiplicity == null ? w[i] : w[i] * multiplicity[cluster[i]];
      if (wm == 0) {
        // A row drawn zero times takes no part, even when its outcome is missing.
        continue;
      }
      if (treated[i]) {
        treatedSum += wm * y[i];
        treatedWeight += wm;
      } else {
        controlSum += wm * y[i];
        controlWeight += wm;
      }
    }
    if (treatedWeight == 0 || controlWeight == 0) {
      return Double.NaN;
    }
    return treatedSum / treatedWeight - controlSum / controlWeight;
  }
}

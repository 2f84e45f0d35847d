package io.proactivecare.npc.evaluation;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The cluster (block) bootstrap over matched sets: whole sets are resampled with replacement, so
 * the pairing survives resampling (Abadie and Spiess; docs/evaluation.md, section 7).
 *
 * <p>Draws: one {@link SplittableRandom}{@code (seed)} for the whole run; each replicate, in turn,
 * draws {@code clusters} times {@code nextInt(clusters)} and counts how often each cluster came up.
 * The same seed gives the same replicates. Intervals are percentile intervals with R's type-7
 * quantiles.
 */
public final class ClusterBootstrap {
  private ClusterBootstrap() {}

  /**
   * Replicate values of a statistic over B resamples of whole clusters (matched sets) with
   * replacement, seeded. statistic receives, for each cluster 0..clusters-1, how many times it was
   * drawn in this replicate (a fresh array each time, so the statistic may keep it).
   */
  public static double[] replicates(
      int clusters, ToDoubleFunction<int[]> statistic, int replicates, long seed) {
    if (clusters < 0 || replicates < 0) {
      throw new IllegalArgumentException(
          "clusters and replicates must be >= 0, got " + clusters + " and " + replicates);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] values = new double[replicates];
    for (int b = 0; b < replicates; b++) {
      int[] multiplicity = new int[clusters];
      for (int i = 0; i < clusters; i++) {
        multiplicity[random.nextInt(clusters)]++;
      }
      values[b] = statistic.applyAsDouble(multiplicity);
    }
    return values;
  }

  /**
   * Percentile interval at level (e.g. 0.95) from replicate values, NaNs ignored; quantiles by
   * linear interpolation between order statistics (R's type 7). Returns {NaN, NaN} when fewer than
   * 2 finite values. Infinite values are ignored like NaN: a statistic that divides by zero weight
   * says "undefined in this replicate", not "larger than everything".
   */
  public static double[] percentile(double[] replicates, double level) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
    double[] finite = Arrays.stream(replicates).filter(Double::isFinite).sorted().toArray();
    if (finite.length < 2) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double tail = (1 - level) / 2;
    return new double[] {quantileOfSorted(finite, tail), quantileOfSorted(finite, 1 - tail)};
  }

  /**
   * R's type-7 quantile of ascending values: with h = (n − 1)p, x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] −
   * x[⌊h⌋]) (0-based).
   */
  public static double quantileOfSorted(double[] sorted, double p) {
    if (sorted.length == 0 || !(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(
          "quantile " + p + " of " + sorted.length + " values is not defined");
    }
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    if (lo >= sorted.length - 1) {
      return sorted[sorted.length - 1];
    }
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
  }
}

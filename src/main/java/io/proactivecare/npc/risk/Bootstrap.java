package io.proactivecare.npc.risk;

import io.proactivecare.npc.evaluation.ClusterBootstrap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap intervals of the hold-out's AUROC, calibration slope and top-5% sensitivity
 * (docs/model.md): rows drawn with replacement, each replicate a count per row, so the predictions
 * are sorted once and every replicate is a pass over primitive arrays. Seeded: the same seed gives
 * the same intervals.
 */
public final class Bootstrap {
  private Bootstrap() {}

  /** The level of the intervals. */
  public static final double LEVEL = 0.95;

  /** The metrics bootstrapped, as the card and the metrics table name them. */
  public static final String AUROC = "auroc";

  public static final String CALIBRATION_SLOPE = "calibration_slope";
  public static final String SENSITIVITY_TOP5 = "sensitivity_top5";

  /**
   * The {@link #LEVEL} percentile interval {low, high} of each metric over {@code replicates}
   * resamples of the rows of {@code p} and {@code y}; NaN replicates (a resample with one class)
   * are left out. Empty when {@code replicates} is 0.
   */
  public static Map<String, double[]> intervals(double[] p, int[] y, int replicates, long seed) {
    Map<String, double[]> out = new LinkedHashMap<>();
    if (replicates == 0 || p.length == 0) {
      return out;
    }
    int n = p.length;
    int[] order = descending(p);
    double[] logits = Metrics.logits(p);
    double[] auroc = new double[replicates];
    double[] slope = new double[replicates];
    double[] sensitivity = new double[replicates];
    int[] counts = new int[n];
    double[] weights = new double[n];
    double[] whole = Logistic.fit(logits, y, null);
    SplittableRandom random = new SplittableRandom(seed);
    for (int r = 0; r < replicates; r++) {
      Arrays.fill(counts, 0);
      for (int i = 0; i < n; i++) {
        counts[random.nextInt(n)]++;
      }
      auroc[r] = auroc(p, y, order, counts);
      sensitivity[r] = sensitivityTop(y, order, counts, 0.05);
      for (int i = 0; i < n; i++) {
        weights[i] = counts[i];
      }
      slope[r] = Logistic.fit(logits, y, weights, whole[0], whole[1])[1];
    }
    out.put(AUROC, ClusterBootstrap.percentile(auroc, LEVEL));
    out.put(CALIBRATION_SLOPE, ClusterBootstrap.percentile(slope, LEVEL));
    out.put(SENSITIVITY_TOP5, ClusterBootstrap.percentile(sensitivity, LEVEL));
    return out;
  }

  /** Row indices by descending prediction, ties by index (as {@link Metrics#topFlags}). */
  static int[] descending(double[] p) {
    return java.util.stream.IntStream.range(0, p.length)
        .boxed()
        .sorted(
            java.util.Comparator.comparingDouble((Integer i) -> -p[i])
                .thenComparing(i -> -i, Integer::compare))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /**
   * The AUROC of rows weighted by {@code counts}: over the predictions from highest to lowest, each
   * event counts the non-events below it, and half those tied with it. NaN without both classes.
   */
  static double auroc(double[] p, int[] y, int[] order, int[] counts) {
    double pos = 0;
    double neg = 0;
    for (int i = 0; i < p.length; i++) {
      if (y[i] == 1) {
        pos += counts[i];
      } else {
        neg += counts[i];
      }
    }
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    // Pairs (event, non-event) with the event above: sweep from the top, non-events seen so far
    // are above every later event.
    double negAbove = 0;
    double wins = 0;
    for (int k = 0; k < order.length; ) {
      int j = k;
      double tiePos = 0;
      double tieNeg = 0;
      while (j < order.length && p[order[j]] == p[order[k]]) {
        int i = order[j];
        if (y[i] == 1) {
          tiePos += counts[i];
        } else {
          tieNeg += counts[i];
        }
        j++;
      }
      // Events here beat every non-event below: neg - negAbove - tieNeg; tie counts a half.
      wins += tiePos * (neg - negAbove - tieNeg) + 0.5 * tiePos * tieNeg;
      negAbove += tieNeg;
      k = j;
    }
    return wins / (pos * neg);
  }

  /**
   * The share of events among the top {@code share} of the rows weighted by {@code counts} (rounded
   * up, taken in {@code order}, ties by index): the top-5% cut of the resample.
   */
  static double sensitivityTop(int[] y, int[] order, int[] counts, double share) {
    long n = 0;
    long events = 0;
    for (int i = 0; i < y.length; i++) {
      n += counts[i];
      events += (long) counts[i] * y[i];
    }
    if (events == 0) {
      return Double.NaN;
    }
    long left = (long) Math.ceil(share * n);
    long caught = 0;
    for (int k = 0; k < order.length && left > 0; k++) {
      int i = order[k];
      long taken = Math.min(left, counts[i]);
      caught += taken * y[i];
      left -= taken;
    }
    return (double) caught / events;
  }
}

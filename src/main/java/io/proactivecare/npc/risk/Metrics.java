package io.proactivecare.npc.risk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Discrimination and calibration of predicted probabilities against 0/1 outcomes (docs/model.md).
 * Pure functions on arrays; ties in the predictions are handled exactly (average ranks).
 */
public final class Metrics {
  private Metrics() {}

  /** The report of one set of predictions. */
  public record Report(
      long n,
      long events,
      double auroc,
      double auprc,
      double brier,
      double calibrationSlope,
      double calibrationIntercept,
      double sensitivityTop5,
      double ppvTop5,
      List<Decile> deciles) {}

  /** One row of the calibration table: predictions grouped into tenths by rank. */
  public record Decile(int decile, long n, double meanPredicted, double observed) {}

  /** The report with the top 5% of these predictions flagged. */
  public static Report report(double[] p, int[] y) {
    return report(p, y, topFlags(p, 0.05));
  }

  /**
   * The report with sensitivity and PPV of the given flags (for a subgroup: the flags of the whole
   * population's top 5%, so a subgroup is judged by the cut the cohort uses).
   */
  public static Report report(double[] p, int[] y, boolean[] flagged) {
    double[] top = flagged(y, flagged);
    return new Report(
        p.length,
        Arrays.stream(y).filter(v -> v == 1).count(),
        auroc(p, y),
        auprc(p, y),
        brier(p, y),
        calibration(p, y)[1],
        calibrationInTheLarge(p, y),
        top[0],
        top[1],
        deciles(p, y));
  }

  /** Flags the top {@code share} by rank: exactly ceil(share * n), ties broken by index. */
  public static boolean[] topFlags(double[] p, double share) {
    Integer[] order = sortedAscending(p);
    int n = p.length;
    int k = (int) Math.ceil(share * n);
    boolean[] f = new boolean[n];
    for (int i = n - 1; i >= n - k; i--) {
      f[order[i]] = true;
    }
    return f;
  }

  /** {sensitivity, PPV} of the flags: flagged events over events, and over flagged. */
  static double[] flagged(int[] y, boolean[] flagged) {
    long events = 0;
    long flags = 0;
    long tp = 0;
    for (int i = 0; i < y.length; i++) {
      events += y[i];
      if (flagged[i]) {
        flags++;
        tp += y[i];
      }
    }
    return new double[] {
      events == 0 ? Double.NaN : (double) tp / events, flags == 0 ? Double.NaN : (double) tp / flags
    };
  }

  /**
   * Area under the ROC curve: the probability that a random event is ranked above a random
   * non-event, ties counting a half (Mann-Whitney U over average ranks). NaN without both classes.
   */
  public static double auroc(double[] p, int[] y) {
    int n = p.length;
    Integer[] order = sortedAscending(p);
    double[] rank = new double[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && p[order[j + 1]] == p[order[i]]) {
        j++;
      }
      double avg = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        rank[order[k]] = avg;
      }
      i = j + 1;
    }
    double pos = 0;
    double rankSum = 0;
    for (int i = 0; i < n; i++) {
      if (y[i] == 1) {
        pos++;
        rankSum += rank[i];
      }
    }
    double neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
  }

  /**
   * Area under the precision-recall curve as average precision: the mean, over events, of the
   * precision at the threshold that first includes them (tied predictions enter together).
   */
  public static double auprc(double[] p, int[] y) {
    Integer[] order = sortedAscending(p);
    int n = p.length;
    long events = Arrays.stream(y).filter(v -> v == 1).count();
    if (events == 0) {
      return Double.NaN;
    }
    double ap = 0;
    long tp = 0;
    long seen = 0;
    for (int i = n - 1; i >= 0; ) {
      int j = i;
      long tieEvents = 0;
      while (j >= 0 && p[order[j]] == p[order[i]]) {
        tieEvents += y[order[j]];
        j--;
      }
      seen += i - j;
      tp += tieEvents;
      ap += tieEvents * ((double) tp / seen);
      i = j;
    }
    return ap / events;
  }

  public static double brier(double[] p, int[] y) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      double d = p[i] - y[i];
      s += d * d;
    }
    return s / p.length;
  }

  /**
   * Logistic recalibration {@code logit P(y=1) = a + b logit(p)} by Newton-Raphson: returns {a, b}.
   * The slope b is 1 for a well-calibrated model; below 1, predictions are too extreme.
   */
  public static double[] calibration(double[] p, int[] y) {
    double[] x = logits(p);
    return Logistic.fit(x, y, null);
  }

  /**
   * Calibration in the large: the intercept a of {@code logit P = a + logit(p)} (slope fixed 1).
   */
  public static double calibrationInTheLarge(double[] p, int[] y) {
    double[] x = logits(p);
    return Logistic.fitInterceptWithOffset(x, y);
  }

  /** Mean predicted and observed rate per tenth of the predictions, lowest first. */
  public static List<Decile> deciles(double[] p, int[] y) {
    Integer[] order = sortedAscending(p);
    int n = p.length;
    List<Decile> out = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      int from = (int) ((long) n * d / 10);
      int to = (int) ((long) n * (d + 1) / 10);
      double sp = 0;
      double sy = 0;
      for (int i = from; i < to; i++) {
        sp += p[order[i]];
        sy += y[order[i]];
      }
      int m = to - from;
      out.add(new Decile(d + 1, m, m == 0 ? Double.NaN : sp / m, m == 0 ? Double.NaN : sy / m));
    }
    return out;
  }

  /**
   * The logistic function {@code 1 / (1 + e^-z)}, computed on the side that cannot overflow: the
   * one inverse of the logit shared by the risk model's calibration and the evaluation's propensity
   * model.
   */
  public static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  static double[] logits(double[] p) {
    double[] x = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      double q = Math.min(Math.max(p[i], 1e-9), 1 - 1e-9);
      x[i] = Math.log(q / (1 - q));
    }
    return x;
  }

  private static Integer[] sortedAscending(double[] p) {
    Integer[] order = new Integer[p.length];
    for (int i = 0; i < p.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> p[i]).thenComparingInt(i -> i));
    return order;
  }
}

package io.proactivecare.npc.risk;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Maps a learner's raw probability to a calibrated one, fitted on rows the learner was not fitted
 * on: Platt scaling (a logistic regression on the raw log-odds) or isotonic regression (pool
 * adjacent violators, then linear between the fitted steps).
 */
public interface Calibrator extends Serializable {
  String kind();

  double calibrate(double raw);

  static Calibrator fit(String kind, double[] raw, int[] y) {
    return switch (kind) {
      case Platt.KIND -> Platt.fit(raw, y);
      case Isotonic.KIND -> Isotonic.fit(raw, y);
      default -> throw new IllegalArgumentException("unknown calibration " + kind);
    };
  }

  /** {@code p = sigmoid(a + b logit(raw))}. */
  record Platt(double a, double b) implements Calibrator {
    public static final String KIND = "platt";

    static Platt fit(double[] raw, int[] y) {
      double[] ab = Logistic.fit(Metrics.logits(raw), y, null);
      return new Platt(ab[0], ab[1]);
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public double calibrate(double raw) {
      return Metrics.sigmoid(a + b * Metrics.logits(new double[] {raw})[0]);
    }
  }

  /** A non-decreasing step function through the pooled means, interpolated linearly. */
  record Isotonic(double[] x, double[] p) implements Calibrator {
    public static final String KIND = "isotonic";

    static Isotonic fit(double[] raw, int[] y) {
      Integer[] order = new Integer[raw.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingDouble((Integer i) -> raw[i]));
      List<double[]> blocks = new ArrayList<>(); // {sum y, count, sum x}
      for (int k = 0; k < order.length; ) {
        int j = k;
        double sy = 0;
        double sx = 0;
        while (j < order.length && raw[order[j]] == raw[order[k]]) {
          sy += y[order[j]];
          sx += raw[order[j]];
          j++;
        }
        blocks.add(new double[] {sy, j - k, sx});
        while (blocks.size() > 1) {
          double[] last = blocks.get(blocks.size() - 1);
          double[] prev = blocks.get(blocks.size() - 2);
          if (prev[0] / prev[1] <= last[0] / last[1]) {
            break;
          }
          prev[0] += last[0];
          prev[1] += last[1];
          prev[2] += last[2];
          blocks.remove(blocks.size() - 1);
        }
        k = j;
      }
      double[] x = new double[blocks.size()];
      double[] p = new double[blocks.size()];
      for (int i = 0; i < x.length; i++) {
        double[] b = blocks.get(i);
        x[i] = b[2] / b[1];
        p[i] = b[0] / b[1];
      }
      return new Isotonic(x, p);
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public double calibrate(double raw) {
      if (raw <= x[0]) {
        return p[0];
      }
      if (raw >= x[x.length - 1]) {
        return p[p.length - 1];
      }
      int i = Arrays.binarySearch(x, raw);
      if (i >= 0) {
        return p[i];
      }
      int hi = -i - 1;
      int lo = hi - 1;
      double t = (raw - x[lo]) / (x[hi] - x[lo]);
      return p[lo] + t * (p[hi] - p[lo]);
    }
  }
}

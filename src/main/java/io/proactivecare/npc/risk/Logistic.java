package io.proactivecare.npc.risk;

/**
 * One-predictor logistic regression by Newton-Raphson, for calibration: {@code logit P(y=1) = a + b
 * x}. Small and exact enough to be checked by hand.
 */
final class Logistic {
  private Logistic() {}

  private static final int MAX_ITERATIONS = 100;
  private static final double TOLERANCE = 1e-10;

  /** Returns {a, b}; {@code weights} may be null (all 1). */
  static double[] fit(double[] x, int[] y, double[] weights) {
    return fit(x, y, weights, 0, 0);
  }

  /**
   * Returns {a, b}, Newton-Raphson started from {@code a0, b0} (a nearby fit converges in fewer
   * steps: the bootstrap starts each resample from the whole sample's fit); rows of weight 0 are
   * skipped.
   */
  static double[] fit(double[] x, int[] y, double[] weights, double a0, double b0) {
    double a = a0;
    double b = b0;
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      double ga = 0;
      double gb = 0;
      double haa = 0;
      double hab = 0;
      double hbb = 0;
      for (int i = 0; i < x.length; i++) {
        double w = weights == null ? 1 : weights[i];
        if (w == 0) {
          continue;
        }
        double p = Metrics.sigmoid(a + b * x[i]);
        double r = (y[i] - p) * w;
        ga += r;
        gb += r * x[i];
        double v = p * (1 - p) * w;
        haa += v;
        hab += v * x[i];
        hbb += v * x[i] * x[i];
      }
      double det = haa * hbb - hab * hab;
      if (det <= 0) {
        break;
      }
      double da = (hbb * ga - hab * gb) / det;
      double db = (haa * gb - hab * ga) / det;
      a += da;
      b += db;
      if (Math.abs(da) + Math.abs(db) < TOLERANCE) {
        break;
      }
    }
    return new double[] {a, b};
  }

  /** The intercept a of {@code logit P = a + x} (x an offset, slope fixed at 1). */
  static double fitInterceptWithOffset(double[] x, int[] y) {
    double a = 0;
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      double g = 0;
      double h = 0;
      for (int i = 0; i < x.length; i++) {
        double p = Metrics.sigmoid(a + x[i]);
        g += y[i] - p;
        h += p * (1 - p);
      }
      if (h <= 0) {
        break;
      }
      double d = g / h;
      a += d;
      if (Math.abs(d) < TOLERANCE) {
        break;
      }
    }
    return a;
  }
}

package io.proactivecare.npc.evaluation;

/**
 * Covariate balance between treated and controls before and after matching, under the two
 * conventions the reference tools use (docs/evaluation.md, section 5).
 *
 * <p>Every standardised mean difference (SMD) is (mean_T − mean_C) / denominator, with weighted
 * means (matching weights after matching, e.g. 1/k for each control of a k:1 set).
 *
 * <ul>
 *   <li><b>ATT convention</b> (MatchIt, estimand ATT): the denominator is the SD of the
 *       <em>treated</em> group in the <em>unmatched</em> (before) sample, the same before and
 *       after, so the change shows the mean difference only. For a binary covariate that SD is
 *       sqrt(p(1−p)), p the treated mean before; for a continuous one the sample SD with
 *       reliability weights ({@link Moments#sampleVariance}, the n−1 SD with unit weights).
 *   <li><b>Pooled convention</b> (CohortMethod): the denominator is sqrt((sd_T² + sd_C²) / 2) from
 *       the <em>population</em> SDs (÷Σw) of the sample being described: the unmatched groups
 *       before, the matched groups after. For a 0/1 covariate the population variance is p(1−p).
 *   <li>A zero denominator gives SMD 0 when the two means are equal (to 1e-12 relative, the
 *       rounding of the sums) and NaN otherwise.
 *   <li><b>Variance ratio</b> = sampleVariance_T / sampleVariance_C of the sample being described;
 *       NaN for binary covariates and when the control variance is 0.
 * </ul>
 */
public final class Balance {
  // Below this share of Σw·x², a sum of squared deviations is the rounding of a constant.
  private static final double RELATIVE_ZERO = 1e-12;

  private Balance() {}

  /**
   * Weighted moments of one covariate in one group: sums of w, w², w·x, w·x². They add across
   * partitions ({@link #plus}), so a distributed aggregation can build them.
   */
  public record Moments(double sumW, double sumW2, double sumWX, double sumWX2) {
    /** The moments of values {@code x} with weights {@code w} (null: every weight 1). */
    public static Moments of(double[] x, double[] w) {
      if (w != null && w.length != x.length) {
        throw new IllegalArgumentException(x.length + " values but " + w.length + " weights");
      }
      double s = 0;
      double s2 = 0;
      double sx = 0;
      double sx2 = 0;
      for (int i = 0; i < x.length; i++) {
        double wi = w == null ? 1 : w[i];
        s += wi;
        s2 += wi * wi;
        sx += wi * x[i];
        sx2 += wi * x[i] * x[i];
      }
      return new Moments(s, s2, sx, sx2);
    }

    public Moments plus(Moments o) {
      return new Moments(sumW + o.sumW, sumW2 + o.sumW2, sumWX + o.sumWX, sumWX2 + o.sumWX2);
    }

    /** Σw·x / Σw; NaN when Σw is 0. */
    public double mean() {
      return sumWX / sumW;
    }

    /**
     * Σw(x−m)² / (Σw − Σw²/Σw), the unbiased variance for reliability weights (R's {@code cov.wt},
     * as MatchIt uses); with unit weights the n−1 variance. NaN with fewer than two units' worth.
     */
    public double sampleVariance() {
      double denominator = sumW - sumW2 / sumW;
      return denominator > 0 ? sumOfSquaredDeviations() / denominator : Double.NaN;
    }

    /** Σw(x−m)² / Σw (CohortMethod's SD, squared); NaN when Σw is 0. */
    public double populationVariance() {
      return sumW > 0 ? sumOfSquaredDeviations() / sumW : Double.NaN;
    }

    private double sumOfSquaredDeviations() {
      double ss = sumWX2 - sumWX * sumWX / sumW;
      // A constant covariate leaves only rounding here, which must read as no spread at all, or a
      // constant would get a huge SMD instead of 0.
      return ss <= RELATIVE_ZERO * Math.abs(sumWX2) ? 0 : ss;
    }
  }

  /** One covariate's balance before and after matching, under both conventions. */
  public record Row(
      String covariate,
      boolean binary,
      double meanTreatedBefore,
      double meanControlBefore,
      double smdAttBefore,
      double smdPooledBefore,
      double varianceRatioBefore,
      double meanTreatedAfter,
      double meanControlAfter,
      double smdAttAfter,
      double smdPooledAfter,
      double varianceRatioAfter) {
    /**
     * Whether either SMD after matching is at least {@code threshold} in absolute value. An SMD
     * that cannot be computed (NaN: different means with no spread, or an empty group) counts as
     * imbalanced, so a diagnostic never passes on a number it could not work out.
     */
    public boolean imbalanced(double threshold) {
      return !(Math.abs(smdAttAfter) < threshold) || !(Math.abs(smdPooledAfter) < threshold);
    }
  }

  /** The balance row of one covariate from its moments in the four groups. */
  public static Row compare(
      String covariate,
      boolean binary,
      Moments treatedBefore,
      Moments controlBefore,
      Moments treatedAfter,
      Moments controlAfter) {
    double mtb = treatedBefore.mean();
    double mcb = controlBefore.mean();
    double mta = treatedAfter.mean();
    double mca = controlAfter.mean();
    // max(0, ·): a weighted share of exactly 1 can round to just above it.
    double attSd =
        Math.sqrt(binary ? Math.max(0, mtb * (1 - mtb)) : treatedBefore.sampleVariance());
    return new Row(
        covariate,
        binary,
        mtb,
        mcb,
        smd(mtb, mcb, attSd),
        smd(mtb, mcb, pooledSd(treatedBefore, controlBefore)),
        varianceRatio(binary, treatedBefore, controlBefore),
        mta,
        mca,
        smd(mta, mca, attSd),
        smd(mta, mca, pooledSd(treatedAfter, controlAfter)),
        varianceRatio(binary, treatedAfter, controlAfter));
  }

  private static double pooledSd(Moments treated, Moments control) {
    return Math.sqrt((treated.populationVariance() + control.populationVariance()) / 2);
  }

  private static double smd(double meanTreated, double meanControl, double sd) {
    double difference = meanTreated - meanControl;
    if (sd == 0) {
      boolean same =
          Math.abs(difference)
              <= RELATIVE_ZERO * Math.max(Math.abs(meanTreated), Math.abs(meanControl));
      return same ? 0 : Double.NaN;
    }
    return difference / sd;
  }

  private static double varianceRatio(boolean binary, Moments treated, Moments control) {
    double vc = control.sampleVariance();
    return binary || vc == 0 ? Double.NaN : treated.sampleVariance() / vc;
  }
}

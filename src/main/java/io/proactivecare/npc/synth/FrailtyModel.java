package io.proactivecare.npc.synth;

import java.util.SplittableRandom;

/**
 * How deficits accumulate (docs/synthetic-data.md). Each of the 35 coded eFI deficits has a
 * cumulative hazard in "effective age" {@code a}:
 *
 * <pre>
 *   H_d(a) = C · w_d · z · exp(SLOPE · (a − 75)),   a = age + DEPRIVATION_YEARS · deprivation
 * </pre>
 *
 * where {@code w_d = −ln(1 − p_d)} from the deficit's prevalence {@code p_d} at 75 in an average
 * person, {@code z ~ Gamma(SHAPE, 1/SHAPE)} is the person's frailty (mean 1) and deprivation runs
 * from 0 (IMD decile 10) to 1 (decile 1): the most deprived accumulate deficits 12 years earlier. A
 * deficit's onset age solves {@code H_d(a) = E} for {@code E ~ Exp(1)}, so it has a closed form and
 * the eFI at any date is known. Calibrated so that among people aged 65+ the eFI categories come
 * out near fit 50% / mild 35% / moderate 12% / severe 3% (polypharmacy included).
 */
final class FrailtyModel {
  static final double C = 0.87;
  static final double SLOPE = 0.05;
  static final double SHAPE = 5.0;
  static final double DEPRIVATION_YEARS = 12.0;
  static final double REFERENCE_AGE = 75.0;

  /**
   * The prevalence at 75 of each of the 35 coded deficits, in the alphabetical order of their names
   * in the eFI's SNOMED codelist (conf/codelists/efi_snomed.csv), which is the eFI's numbering
   * without 26, polypharmacy, decided from medicines. The names are the codelist's ({@link
   * Catalogue#load}), not copied here.
   */
  static final double[] PREVALENCE_AT_75 = {
    0.04, 0.12, 0.40, 0.10, 0.08, 0.20, 0.20, 0.12, 0.12, 0.10, 0.10, 0.05, 0.25, 0.05, 0.04, 0.03,
        0.55,
    0.06, 0.15, 0.06, 0.05, 0.12, 0.02, 0.08, 0.04, 0.03, 0.25, 0.05, 0.10, 0.06, 0.10, 0.10, 0.15,
        0.30,
    0.04
  };

  /** Regular medicines: Poisson with mean MEDICINES_BASE + MEDICINES_PER_DEFICIT × deficits. */
  static final double MEDICINES_BASE = 0.2;

  static final double MEDICINES_PER_DEFICIT = 0.55;

  private FrailtyModel() {}

  static double weight(int deficit) {
    return -Math.log(1 - PREVALENCE_AT_75[deficit]);
  }

  /** A person's frailty: Gamma(SHAPE) scaled to mean 1 (Marsaglia and Tsang's method). */
  static double frailty(SplittableRandom r) {
    double d = SHAPE - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = Geography.gaussian(r);
      double v = Math.pow(1 + c * x, 3);
      if (v > 0 && Math.log(1 - r.nextDouble()) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v / SHAPE;
      }
    }
  }

  /** Age (years, fractional) at which deficit {@code d} starts, for exponential draw {@code e}. */
  static double onsetAge(int d, double z, double deprivation, double e) {
    double effective = REFERENCE_AGE + Math.log(e / (C * weight(d) * z)) / SLOPE;
    return effective - DEPRIVATION_YEARS * deprivation;
  }

  /** Deprivation on the model's 0..1 scale from an IMD decile. */
  static double deprivation(int decile) {
    return (10 - decile) / 9.0;
  }
}

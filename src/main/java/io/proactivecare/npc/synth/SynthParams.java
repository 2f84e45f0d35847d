package io.proactivecare.npc.synth;

import java.time.LocalDate;

/**
 * What to generate (docs/synthetic-data.md).
 *
 * @param people number of people ever registered during the history window
 * @param seed the seed; the same parameters give byte-identical files
 * @param asOf the extract date: no event after it
 * @param years years of history before the as-of date
 * @param faultRate share of rows given an injected fault (0 for clean data)
 * @param pilot proactive care: where, from when, and its true effect
 */
public record SynthParams(
    long people, long seed, LocalDate asOf, int years, double faultRate, Pilot pilot)
    implements java.io.Serializable {
  public SynthParams {
    if (people < 1 || years < 1 || faultRate < 0 || faultRate > 0.5) {
      throw new IllegalArgumentException(
          "bad generator parameters: " + people + ", " + years + ", " + faultRate);
    }
  }

  /**
   * With the default pilot: a third of PCNs from two years before the as-of date, default effects.
   */
  public SynthParams(long people, long seed, LocalDate asOf, int years, double faultRate) {
    this(people, seed, asOf, years, faultRate, Pilot.defaults(asOf));
  }

  /**
   * Neighbourhood proactive care in the generated city.
   *
   * @param pcns number of pilot PCNs, spread across the deprivation range; 0 for a third of them
   * @param start first day people may be enrolled
   * @param admissionEffect relative reduction of the emergency admission rate once enrolled
   * @param deficitEffect relative reduction of the rate deficits accumulate once enrolled
   * @param crisisEnrolment multiplies the monthly chance of enrolment in the {@value
   *     #CRISIS_MONTHS} calendar months after the month of a discharge from an emergency admission
   *     (1: a crisis changes nothing). Teams enrol people after a hospital crisis, so a naive
   *     before/after comparison of the enrolled regresses to the mean.
   * @param unrecordedEnrolment whether the clinician's judgement of risk that drives enrolment also
   *     sees the person's unrecorded risk multiplier (the one that drives their admissions): true
   *     makes enrolment depend on something no recorded covariate shows (unmeasured confounding);
   *     false, the default, enrols on recorded risk only.
   */
  public record Pilot(
      int pcns,
      LocalDate start,
      double admissionEffect,
      double deficitEffect,
      double crisisEnrolment,
      boolean unrecordedEnrolment)
      implements java.io.Serializable {
    /** Default of {@code crisisEnrolment}. */
    public static final double CRISIS_ENROLMENT = 5.0;

    /** Months after the month of an emergency discharge in which enrolment is more likely. */
    public static final int CRISIS_MONTHS = 2;

    public Pilot {
      if (pcns < 0
          || admissionEffect < 0
          || admissionEffect >= 1
          || deficitEffect < 0
          || deficitEffect >= 1
          || !(crisisEnrolment >= 1)) {
        throw new IllegalArgumentException(
            "bad pilot: "
                + pcns
                + ", "
                + admissionEffect
                + ", "
                + deficitEffect
                + ", "
                + crisisEnrolment);
      }
    }

    public static Pilot defaults(LocalDate asOf) {
      return new Pilot(0, asOf.minusYears(2).plusDays(1), 0.15, 0.20, CRISIS_ENROLMENT, false);
    }

    /** Whether PCN {@code index} of {@code total} is a pilot PCN. */
    public boolean includes(int index, int total) {
      int n = pcns == 0 ? Math.max(1, Math.round(total / 3.0f)) : Math.min(pcns, total);
      for (int i = 0; i < n; i++) {
        if (index == (int) Math.floor((i + 0.5) * total / n)) {
          return true;
        }
      }
      return false;
    }
  }

  /** First day of the history window. */
  public LocalDate windowStart() {
    return asOf.minusYears(years).plusDays(1);
  }
}

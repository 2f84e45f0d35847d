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
 */
public record SynthParams(long people, long seed, LocalDate asOf, int years, double faultRate)
    implements java.io.Serializable {
  public SynthParams {
    if (people < 1 || years < 1 || faultRate < 0 || faultRate > 0.5) {
      throw new IllegalArgumentException(
          "bad generator parameters: " + people + ", " + years + ", " + faultRate);
    }
  }

  /** First day of the history window. */
  public LocalDate windowStart() {
    return asOf.minusYears(years).plusDays(1);
  }
}

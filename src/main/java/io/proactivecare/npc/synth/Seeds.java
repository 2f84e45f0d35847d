package io.proactivecare.npc.synth;

import java.util.SplittableRandom;

/**
 * Deterministic random streams. Every person gets its own stream per aspect, seeded from the run's
 * seed, the aspect and the person's index, never from a shared sequence: the output is the same
 * whatever the number of cores or partitions, and adding a new aspect leaves the others unchanged.
 */
final class Seeds {
  private Seeds() {}

  /** The aspects of a person, each with its own stream. */
  enum Aspect {
    GEOGRAPHY,
    DEMOGRAPHY,
    REGISTRATION,
    FRAILTY,
    EVENTS,
    MEDICATION,
    // New aspects go last: the ordinal seeds the stream, so earlier aspects keep their draws.
    HOSPITAL,
    ENROLMENT,
    FAULTS,
    PALLIATIVE,
    // Hospital use of an enrolled person once the effect applies: one stream per month, so the
    // world with and the world without the effect draw the same numbers month by month.
    HOSPITAL_ENROLLED
  }

  /** SplitMix64's finaliser: a bijective mix of 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static SplittableRandom stream(long seed, Aspect aspect, long index) {
    return new SplittableRandom(mix(mix(mix(seed) + aspect.ordinal() + 1) + index));
  }

  /** A person's stream of one aspect for one month ({@code month} counts from the window start). */
  static SplittableRandom stream(long seed, Aspect aspect, long index, int month) {
    return new SplittableRandom(mix(mix(mix(mix(seed) + aspect.ordinal() + 1) + index) + month));
  }

  /** The pseudonymised person key: 16 hex digits from the seed and index (never an NHS number). */
  static String personId(long seed, long index) {
    return String.format("%016x", mix(mix(seed ^ 0x5DEECE66DL) + index));
  }
}

package io.proactivecare.npc.synth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The organisations and places of a generated city, scaled with the population: about one PCN per
 * 42,000 people (19 for Leeds's 800,000), one practice per 8,900 and one LSOA per 1,600, with at
 * least 3 PCNs of 2 practices each. PCNs differ in deprivation from inner city (PCN 1, most
 * deprived) to suburb; LSOAs take IMD deciles so that a quarter of people live in decile 1.
 *
 * @param pcns the PCNs, most deprived first
 * @param practices the practices
 * @param lsoas the LSOAs, each with the same population share
 */
public record Geography(List<Pcn> pcns, List<Practice> practices, List<Lsoa> lsoas)
    implements java.io.Serializable {
  /** Share of people (and LSOAs) in IMD deciles 1..10: a quarter in decile 1, as in Leeds. */
  static final double[] DECILE_SHARES = {
    0.25, 0.10, 0.08, 0.08, 0.08, 0.08, 0.08, 0.09, 0.08, 0.08
  };

  /** LSOAs in England in IMD 2019: national ranks run from 1 to this. */
  static final int ENGLAND_LSOAS = 32_844;

  /**
   * A PCN.
   *
   * @param deprivation 1 for the most deprived, 0 for the least
   */
  public record Pcn(String code, String name, double deprivation) implements java.io.Serializable {}

  /**
   * A practice.
   *
   * @param pcn index of its PCN
   * @param listWeight relative list size within its PCN
   */
  public record Practice(String code, String name, int pcn, double listWeight)
      implements java.io.Serializable {}

  /**
   * An LSOA.
   *
   * @param decile IMD 2019 decile, 1 most deprived
   * @param rank IMD 2019 national rank
   * @param pcn index of the PCN it lies in
   */
  public record Lsoa(String code, int decile, int rank, int pcn) implements java.io.Serializable {}

  public Geography {
    pcns = List.copyOf(pcns);
    practices = List.copyOf(practices);
    lsoas = List.copyOf(lsoas);
  }

  /** The geography of a population: depends only on the seed and the number of people. */
  public static Geography build(SynthParams p) {
    SplittableRandom r = Seeds.stream(p.seed(), Seeds.Aspect.GEOGRAPHY, 0);
    int nPcn = (int) Math.max(3, Math.round(p.people() / 42_000.0));
    int nPractice = (int) Math.max(2L * nPcn, Math.round(p.people() / 8_900.0));
    int nLsoa = (int) Math.max(10L * nPcn, Math.round(p.people() / 1_600.0));
    List<Pcn> pcns = new ArrayList<>();
    for (int k = 0; k < nPcn; k++) {
      pcns.add(
          new Pcn(
              String.format("U%05d", 10_001 + 137 * k),
              String.format("Leeds PCN %02d", k + 1),
              1.0 - (double) k / (nPcn - 1)));
    }
    List<Practice> practices = new ArrayList<>();
    for (int i = 0; i < nPractice; i++) {
      // Varied list sizes: from about a third of the average to about twice it.
      practices.add(
          new Practice(
              String.format("B%05d", 86_001 + i),
              String.format("Practice %03d", i + 1),
              i % nPcn,
              0.3 + r.nextDouble() * 1.7));
    }
    // LSOAs: each in a PCN; ranked by their PCN's deprivation plus local variation; the most
    // deprived quarter of LSOAs is decile 1, and so on by the decile shares.
    double[] score = new double[nLsoa];
    Integer[] order = new Integer[nLsoa];
    for (int j = 0; j < nLsoa; j++) {
      score[j] = pcns.get(j % nPcn).deprivation() + 0.35 * gaussian(r);
      order[j] = j;
    }
    java.util.Arrays.sort(
        order, Comparator.comparingDouble((Integer j) -> -score[j]).thenComparing(j -> j));
    int[] decile = new int[nLsoa];
    double cumulative = 0;
    int d = 0;
    for (int pos = 0; pos < nLsoa; pos++) {
      while (d < 9 && (pos + 0.5) / nLsoa > cumulative + DECILE_SHARES[d]) {
        cumulative += DECILE_SHARES[d];
        d++;
      }
      decile[order[pos]] = d + 1;
    }
    List<Lsoa> lsoas = new ArrayList<>();
    double perDecile = ENGLAND_LSOAS / 10.0;
    for (int j = 0; j < nLsoa; j++) {
      int rank = (int) Math.ceil((decile[j] - 1) * perDecile + r.nextDouble() * perDecile);
      lsoas.add(
          new Lsoa(
              String.format("E01%06d", 11_000 + j),
              decile[j],
              Math.max(1, Math.min(ENGLAND_LSOAS, rank)),
              j % nPcn));
    }
    return new Geography(pcns, practices, lsoas);
  }

  /** A practice in PCN {@code pcn}, chosen by list size with {@code u} uniform in [0, 1). */
  Practice practiceIn(int pcn, double u) {
    double total = 0;
    for (Practice p : practices) {
      if (p.pcn() == pcn) {
        total += p.listWeight();
      }
    }
    double target = u * total;
    Practice last = null;
    for (Practice p : practices) {
      if (p.pcn() == pcn) {
        last = p;
        target -= p.listWeight();
        if (target < 0) {
          return p;
        }
      }
    }
    return last;
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}

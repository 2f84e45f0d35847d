package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.evaluation.GreedyMatcher.Order;
import io.proactivecare.npc.evaluation.GreedyMatcher.Pair;
import io.proactivecare.npc.evaluation.GreedyMatcher.Reason;
import io.proactivecare.npc.evaluation.GreedyMatcher.Result;
import io.proactivecare.npc.evaluation.GreedyMatcher.Unit;
import io.proactivecare.npc.evaluation.GreedyMatcher.Unmatched;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The matching rules on hand-worked blocks, and both orders against naive references. */
class GreedyMatcherTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  private static Unit u(String id, double score) {
    return new Unit(id, score);
  }

  private static Pair p(String treated, String control, double distance, int round) {
    return new Pair(treated, control, distance, round);
  }

  @Test
  void aPairExactlyAtTheCaliperIsMatchedAndOneJustOutsideIsNot() {
    // 0.75 − 0.5 = 0.25 exactly in binary.
    for (Order order : Order.values()) {
      Result at = GreedyMatcher.match(List.of(u("t", 0.5)), List.of(u("c", 0.75)), 0.25, 1, order);
      assertEquals(List.of(p("t", "c", 0.25, 1)), at.pairs());
      assertEquals(List.of(), at.unmatched());

      Result out =
          GreedyMatcher.match(List.of(u("t", 0.5)), List.of(u("c", 0.75)), 0.2499, 1, order);
      assertEquals(List.of(), out.pairs());
      assertEquals(List.of(new Unmatched("t", Reason.OUTSIDE_CALIPER)), out.unmatched());
    }
  }

  private static Unit u(String id, double score, double... x) {
    return new Unit(id, score, x);
  }

  /**
   * Mahalanobis distance within a caliper of 1.0, one whitened covariate:
   *
   * <pre>
   *            score  x    from T1 (1.0, x 0): score, x²   from T2 (0.0, x 5): score, x²
   *   P        1.1    4    0.1, 16                         1.1 (outside)
   *   Q        0.6    0.5  0.4, 0.25                       0.6, 20.25
   *   R       -0.5    5    1.5 (outside)                   0.5, 0
   *   S        3.0    0    2.0 (outside)                   3.0 (outside)
   * </pre>
   *
   * On the score alone T1 takes P (0.1) and T2 then R (0.5, nearer than Q at 0.6); by Mahalanobis
   * distance T1 takes Q, and T2 takes R. CLOSEST takes T2–R (0) first, then T1–Q (0.25): the same
   * pairs. The pairs' distance is still the score distance.
   */
  @Test
  void withinTheCaliperTheNearestIsByMahalanobisDistance() {
    List<Unit> treated = List.of(u("T1", 1.0, 0), u("T2", 0.0, 5));
    List<Unit> candidates =
        List.of(u("P", 1.1, 4), u("Q", 0.6, 0.5), u("R", -0.5, 5), u("S", 3.0, 0));
    for (Order order : Order.values()) {
      Result r = GreedyMatcher.match(treated, candidates, 1.0, 1, order);
      assertEquals(
          List.of("T1-Q", "T2-R"),
          r.pairs().stream().map(x -> x.treated() + "-" + x.control()).toList(),
          order.toString());
      assertEquals(0.4, r.pairs().get(0).distance(), 1e-12);
      assertEquals(0.5, r.pairs().get(1).distance(), 1e-12);
    }
    // The same block on the score alone.
    List<Unit> plain = List.of(u("T1", 1.0), u("T2", 0.0));
    List<Unit> plainCandidates = List.of(u("P", 1.1), u("Q", 0.6), u("R", -0.5), u("S", 3.0));
    assertEquals(
        List.of("T1-P", "T2-R"),
        GreedyMatcher.match(plain, plainCandidates, 1.0, 1, Order.LARGEST).pairs().stream()
            .map(x -> x.treated() + "-" + x.control())
            .toList());
  }

  @Test
  void mahalanobisTiesGoToTheNearerScoreThenTheSmallerIdAndTheCaliperStillBinds() {
    // Both at x distance 0: V is nearer on the score (0.1 against 0.8).
    assertEquals(
        "V",
        GreedyMatcher.match(
                List.of(u("t", 1.0, 1)),
                List.of(u("U", 0.2, 1), u("V", 0.9, 1)),
                1.0,
                1,
                Order.LARGEST)
            .pairs()
            .get(0)
            .control());
    // Equal on both: the smaller id.
    assertEquals(
        "A",
        GreedyMatcher.match(
                List.of(u("t", 1.0, 1)),
                List.of(u("B", 1.5, 1), u("A", 0.5, 1)),
                1.0,
                1,
                Order.CLOSEST)
            .pairs()
            .get(0)
            .control());
    // Exactly at the caliper (0.25) is allowed; a perfect covariate match outside it is not.
    Result r =
        GreedyMatcher.match(
            List.of(u("t", 0.5, 0)),
            List.of(u("in", 0.75, 9), u("out", 0.76, 0)),
            0.25,
            1,
            Order.LARGEST);
    assertEquals("in", r.pairs().get(0).control());
    Result none =
        GreedyMatcher.match(
            List.of(u("t", 0.5, 0)), List.of(u("out", 0.76, 0)), 0.25, 1, Order.LARGEST);
    assertEquals(List.of(new Unmatched("t", Reason.OUTSIDE_CALIPER)), none.unmatched());
    // Every unit carries as many covariates.
    assertThrows(
        IllegalArgumentException.class,
        () ->
            GreedyMatcher.match(
                List.of(u("t", 0.5, 0)), List.of(u("c", 0.5)), 1, 1, Order.LARGEST));
  }

  // Treated A 2.0, B 1.0, C −1.0; candidates X 1.25, Y 0.5, Z −1.5. Distances:
  //        X     Y     Z
  //   A  0.75  1.5   3.5
  //   B  0.25  0.5   2.5
  //   C  2.25  1.5   0.5
  private static final List<Unit> TREATED = List.of(u("A", 2.0), u("B", 1.0), u("C", -1.0));
  private static final List<Unit> CANDIDATES = List.of(u("X", 1.25), u("Y", 0.5), u("Z", -1.5));

  @Test
  void largestAndClosestMatchTheSamePeopleDifferently() {
    // LARGEST visits A (2.0), B (1.0), C (−1.0): A takes its nearest, X (0.75); B's nearest left
    // is Y (0.5); C's is Z (0.5).
    assertEquals(
        List.of(p("A", "X", 0.75, 1), p("B", "Y", 0.5, 1), p("C", "Z", 0.5, 1)),
        GreedyMatcher.match(TREATED, CANDIDATES, INF, 1, Order.LARGEST).pairs());
    // CLOSEST takes the smallest distance in the table, B–X (0.25); then, without B and X, C–Z
    // (0.5); then A–Y (1.5), all that is left.
    assertEquals(
        List.of(p("A", "Y", 1.5, 1), p("B", "X", 0.25, 1), p("C", "Z", 0.5, 1)),
        GreedyMatcher.match(TREATED, CANDIDATES, INF, 1, Order.CLOSEST).pairs());
  }

  @Test
  void theOrderChangesHowManyAreMatchedUnderACaliper() {
    // Caliper 1.0: LARGEST's pairs are all within it (0.75, 0.5, 0.5). CLOSEST leaves A with
    // only Y at 1.5 > 1.0; X was within A's reach but B took it, so the reason is CANDIDATES_USED.
    Result largest = GreedyMatcher.match(TREATED, CANDIDATES, 1.0, 1, Order.LARGEST);
    assertEquals(3, largest.pairs().size());
    assertEquals(List.of(), largest.unmatched());
    Result closest = GreedyMatcher.match(TREATED, CANDIDATES, 1.0, 1, Order.CLOSEST);
    assertEquals(List.of(p("B", "X", 0.25, 1), p("C", "Z", 0.5, 1)), closest.pairs());
    assertEquals(List.of(new Unmatched("A", Reason.CANDIDATES_USED)), closest.unmatched());
  }

  @Test
  void withRatioTwoEveryFirstMatchComesBeforeAnySecond() {
    // Treated A 0.0, B 1.0; candidates p 0.5, q 1.25, r −1.0, s 2.5.
    // Round 1: B (larger) takes q (0.25); A takes p (0.5).
    // Round 2: B chooses between r (2.0) and s (1.5): s; A takes r (1.0).
    // Had B taken both its matches first, its second would have been p (0.5), A's first choice.
    List<Unit> treated = List.of(u("A", 0.0), u("B", 1.0));
    List<Unit> candidates = List.of(u("p", 0.5), u("q", 1.25), u("r", -1.0), u("s", 2.5));
    List<Pair> expected =
        List.of(
            p("A", "p", 0.5, 1), p("B", "q", 0.25, 1), p("A", "r", 1.0, 2), p("B", "s", 1.5, 2));
    for (Order order : Order.values()) {
      assertEquals(expected, GreedyMatcher.match(treated, candidates, INF, 2, order).pairs());
    }
  }

  @Test
  void aShortSecondRoundIsNotUnmatchedAndARoundOneFailureIsListedOnce() {
    // Caliper 0.5, ratio 2. Treated C 5.0, B 1.0, A −3.0; candidates a −2.75, b1 1.25, b2 1.5.
    // Round 1: C's nearest, b2, is 3.5 away: unmatched. B takes b1 (0.25), A takes a (0.25).
    // Round 2: C is out; B takes b2 (0.5, exactly at the caliper); A finds nothing left, keeps
    // its one match and is not listed as unmatched.
    List<Unit> treated = List.of(u("A", -3.0), u("B", 1.0), u("C", 5.0));
    List<Unit> candidates = List.of(u("a", -2.75), u("b1", 1.25), u("b2", 1.5));
    for (Order order : Order.values()) {
      Result r = GreedyMatcher.match(treated, candidates, 0.5, 2, order);
      assertEquals(
          List.of(p("A", "a", 0.25, 1), p("B", "b1", 0.25, 1), p("B", "b2", 0.5, 2)), r.pairs());
      assertEquals(List.of(new Unmatched("C", Reason.OUTSIDE_CALIPER)), r.unmatched());
    }
  }

  @Test
  void tiesAreBrokenByIdWhateverTheInputOrder() {
    // T1 and T2 tie on score 1.0; candidates a and b tie on distance to them (0.75 and 1.25, both
    // 0.25 away), and m, n, z share the score 0.0 (1.0 away).
    // LARGEST: T1 (id first) takes a, T2 takes b, T3 (0.0) takes m, the smallest id of the run.
    // CLOSEST: the 0.0-distance pair T3–m first, then T1–a (0.25, T1 before T2), then T2–b.
    List<Unit> treated = List.of(u("T2", 1.0), u("T1", 1.0), u("T3", 0.0));
    List<Unit> candidates =
        List.of(u("z", 0.0), u("b", 1.25), u("n", 0.0), u("a", 0.75), u("m", 0.0));
    List<Pair> expected =
        List.of(p("T1", "a", 0.25, 1), p("T2", "b", 0.25, 1), p("T3", "m", 0.0, 1));
    Random random = new Random(7);
    for (int shuffle = 0; shuffle < 20; shuffle++) {
      List<Unit> t = new ArrayList<>(treated);
      List<Unit> c = new ArrayList<>(candidates);
      Collections.shuffle(t, random);
      Collections.shuffle(c, random);
      for (Order order : Order.values()) {
        assertEquals(expected, GreedyMatcher.match(t, c, INF, 1, order).pairs(), order + " " + t);
      }
    }
  }

  @Test
  void aRunOfEqualScoresBelowTheTreatedGivesItsSmallestId() {
    // z and b both sit at 0.5, 0.25 below t and u (0.75); c at 1.125 is 0.375 above. The run of
    // equal scores is met from above at its largest id, z, yet the smallest, b, must win:
    // t (id first) takes b, then u takes z. CLOSEST: four pairs tie at 0.25; t–b first by ids.
    List<Unit> candidates = List.of(u("z", 0.5), u("b", 0.5), u("c", 1.125));
    for (Order order : Order.values()) {
      assertEquals(
          List.of(p("t", "b", 0.25, 1), p("u", "z", 0.25, 1)),
          GreedyMatcher.match(List.of(u("t", 0.75), u("u", 0.75)), candidates, 0.3, 1, order)
              .pairs());
    }
  }

  @Test
  void scoresWhoseDistancesRoundEqualAreTies() {
    // 1.0 − 2e-17 rounds to 1.0, so z at 2e-17 is exactly as far from t at 1.0 as m at 0.0 is,
    // though z's score is nearer: the tie goes to the smaller id, m. The mirror image from below:
    // z at −2e-17 and m at 0.0 are both 1.0 from t at −1.0.
    for (double side : new double[] {1, -1}) {
      List<Unit> candidates = List.of(u("z", side * 2e-17), u("m", 0.0));
      for (Order order : Order.values()) {
        assertEquals(
            List.of(p("t", "m", 1.0, 1)),
            GreedyMatcher.match(List.of(u("t", side)), candidates, INF, 1, order).pairs());
      }
    }
  }

  @Test
  void eachReason() {
    // No candidates at all in the block.
    assertEquals(
        List.of(new Unmatched("t", Reason.NO_CANDIDATE_IN_STRATUM)),
        GreedyMatcher.match(List.of(u("t", 0.0)), List.of(), INF, 1, Order.LARGEST).unmatched());
    // The only candidate is 1.0 away with a caliper of 0.5.
    assertEquals(
        List.of(new Unmatched("t", Reason.OUTSIDE_CALIPER)),
        GreedyMatcher.match(List.of(u("t", 0.0)), List.of(u("c", 1.0)), 0.5, 1, Order.CLOSEST)
            .unmatched());
    // t1 and t2 tie; t1 takes the one candidate within reach, so t2's is used.
    for (Order order : Order.values()) {
      Result r =
          GreedyMatcher.match(
              List.of(u("t2", 0.0), u("t1", 0.0)), List.of(u("c", 0.125)), 0.5, 1, order);
      assertEquals(List.of(p("t1", "c", 0.125, 1)), r.pairs());
      assertEquals(List.of(new Unmatched("t2", Reason.CANDIDATES_USED)), r.unmatched());
    }
  }

  @Test
  void largestAgreesWithANaiveReferenceOnRandomBlocks() {
    agreesWithReference(1500, 4000, Order.LARGEST, GreedyMatcherTest::naiveLargest);
  }

  @Test
  void closestAgreesWithANaiveReferenceOnRandomBlocks() {
    // The naive closest-pair reference is cubic, so a smaller block.
    agreesWithReference(150, 400, Order.CLOSEST, GreedyMatcherTest::naiveClosest);
  }

  /** A plain implementation of one order, to compare with the matcher. */
  private interface Reference {
    Result match(List<Unit> treated, List<Unit> candidates, double caliper, int ratio);
  }

  private static void agreesWithReference(
      int treatedCount, int candidateCount, Order order, Reference reference) {
    // Scores on a grid of 1/16 so that score and distance ties, and pairs exactly at the caliper
    // (2/16), are common.
    SplittableRandom random = new SplittableRandom(42);
    for (int trial = 0; trial < 3; trial++) {
      List<Unit> treated = units("t", treatedCount, 0.5, random);
      List<Unit> candidates = units("c", candidateCount, 0.0, random);
      for (int ratio = 1; ratio <= 2; ratio++) {
        Result r = GreedyMatcher.match(treated, candidates, 0.125, ratio, order);
        assertWellFormed(r, treated, candidates, 0.125);
        assertEquals(reference.match(treated, candidates, 0.125, ratio), r);
      }
    }
  }

  @Test
  void twentyThousandTreatedAndFourHundredThousandCandidatesMatchInSeconds() {
    // An all-pairs search would be 8e9 distances; the limit is far above what the neighbour
    // search needs (about a second each on a busy two-core machine) and far below quadratic time.
    SplittableRandom random = new SplittableRandom(1);
    List<Unit> treated = new ArrayList<>();
    List<Unit> candidates = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      treated.add(u("t" + i, random.nextGaussian() + 0.5));
    }
    for (int i = 0; i < 400_000; i++) {
      candidates.add(u("c" + i, random.nextGaussian()));
    }
    for (Order order : Order.values()) {
      Result r =
          assertTimeoutPreemptively(
              Duration.ofSeconds(20),
              () -> GreedyMatcher.match(treated, candidates, 0.05, 1, order));
      assertWellFormed(r, treated, candidates, 0.05);
      assertEquals(20_000, r.pairs().size());
    }
  }

  private static List<Unit> units(String prefix, int n, double shift, SplittableRandom random) {
    List<Unit> units = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      units.add(u(prefix + i, Math.rint((random.nextGaussian() + shift) * 16) / 16));
    }
    Collections.shuffle(units, new Random(random.nextLong()));
    return units;
  }

  /** No candidate twice, every pair within the caliper, every treated unit accounted for. */
  private static void assertWellFormed(
      Result r, List<Unit> treated, List<Unit> candidates, double caliper) {
    java.util.Map<String, Double> score = new java.util.HashMap<>();
    treated.forEach(x -> score.put(x.id(), x.score()));
    candidates.forEach(x -> score.put(x.id(), x.score()));
    Set<String> used = new HashSet<>();
    Set<String> firstRound = new HashSet<>();
    for (Pair pair : r.pairs()) {
      assertTrue(used.add(pair.control()), "candidate used twice: " + pair.control());
      assertEquals(
          Math.abs(score.get(pair.treated()) - score.get(pair.control())), pair.distance());
      assertTrue(pair.distance() <= caliper, pair.toString());
      if (pair.round() == 1) {
        assertTrue(firstRound.add(pair.treated()));
      }
    }
    r.unmatched().forEach(x -> assertTrue(firstRound.add(x.treated())));
    assertEquals(treated.size(), firstRound.size());
  }

  private static final Comparator<Unit> LARGEST_FIRST =
      Comparator.comparingDouble(Unit::score).reversed().thenComparing(Unit::id);

  /** LARGEST by scanning every candidate for every treated unit. */
  private static Result naiveLargest(
      List<Unit> treated, List<Unit> candidates, double caliper, int ratio) {
    List<Unit> order = new ArrayList<>(treated);
    order.sort(LARGEST_FIRST);
    Set<String> used = new HashSet<>();
    Set<String> active = new HashSet<>();
    order.forEach(x -> active.add(x.id()));
    List<Pair> pairs = new ArrayList<>();
    List<Unmatched> unmatched = new ArrayList<>();
    for (int round = 1; round <= ratio; round++) {
      for (Unit t : order) {
        if (!active.contains(t.id())) {
          continue;
        }
        Unit best = null;
        for (Unit c : candidates) {
          if (!used.contains(c.id()) && closer(t, c, best)) {
            best = c;
          }
        }
        if (best != null && Math.abs(t.score() - best.score()) <= caliper) {
          used.add(best.id());
          pairs.add(p(t.id(), best.id(), Math.abs(t.score() - best.score()), round));
        } else {
          active.remove(t.id());
          if (round == 1) {
            unmatched.add(new Unmatched(t.id(), naiveReason(t, candidates, caliper)));
          }
        }
      }
    }
    return sorted(pairs, unmatched);
  }

  /** CLOSEST by finding the closest remaining pair among all pairs, one pair at a time. */
  private static Result naiveClosest(
      List<Unit> treated, List<Unit> candidates, double caliper, int ratio) {
    Set<String> used = new HashSet<>();
    Set<String> active = new HashSet<>();
    treated.forEach(x -> active.add(x.id()));
    List<Pair> pairs = new ArrayList<>();
    List<Unmatched> unmatched = new ArrayList<>();
    for (int round = 1; round <= ratio; round++) {
      Set<String> waiting = new HashSet<>(active);
      while (true) {
        Unit bestT = null;
        Unit bestC = null;
        double bestD = INF;
        for (Unit t : treated) {
          if (!waiting.contains(t.id())) {
            continue;
          }
          for (Unit c : candidates) {
            double d = Math.abs(t.score() - c.score());
            if (used.contains(c.id()) || d > caliper) {
              continue;
            }
            int cmp = bestT == null ? -1 : Double.compare(d, bestD);
            if (cmp == 0) {
              cmp = t.id().compareTo(bestT.id());
            }
            if (cmp == 0) {
              cmp = c.id().compareTo(bestC.id());
            }
            if (cmp < 0) {
              bestT = t;
              bestC = c;
              bestD = d;
            }
          }
        }
        if (bestT == null) {
          break;
        }
        used.add(bestC.id());
        waiting.remove(bestT.id());
        pairs.add(p(bestT.id(), bestC.id(), bestD, round));
      }
      for (Unit t : treated) {
        if (waiting.contains(t.id())) {
          active.remove(t.id());
          if (round == 1) {
            unmatched.add(new Unmatched(t.id(), naiveReason(t, candidates, caliper)));
          }
        }
      }
    }
    return sorted(pairs, unmatched);
  }

  private static boolean closer(Unit t, Unit c, Unit best) {
    if (best == null) {
      return true;
    }
    int cmp = Double.compare(Math.abs(t.score() - c.score()), Math.abs(t.score() - best.score()));
    return cmp < 0 || (cmp == 0 && c.id().compareTo(best.id()) < 0);
  }

  private static Reason naiveReason(Unit t, List<Unit> candidates, double caliper) {
    if (candidates.isEmpty()) {
      return Reason.NO_CANDIDATE_IN_STRATUM;
    }
    return candidates.stream().anyMatch(c -> Math.abs(t.score() - c.score()) <= caliper)
        ? Reason.CANDIDATES_USED
        : Reason.OUTSIDE_CALIPER;
  }

  private static Result sorted(List<Pair> pairs, List<Unmatched> unmatched) {
    pairs.sort(Comparator.comparingInt(Pair::round).thenComparing(Pair::treated));
    unmatched.sort(Comparator.comparing(Unmatched::treated));
    return new Result(pairs, unmatched);
  }
}

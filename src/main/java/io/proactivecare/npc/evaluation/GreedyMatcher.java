package io.proactivecare.npc.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Greedy nearest-neighbour matching on the propensity score, without replacement, within one block
 * (the caller blocks by exact strata and calls this once per block).
 *
 * <ul>
 *   <li><b>Distance</b> is |score_t − score_c| on {@code Unit.score} (the logit of the propensity
 *       score). A pair is allowed when its distance is at most the caliper: a pair exactly at the
 *       caliper is matched. The caliper may be {@code Double.POSITIVE_INFINITY}.
 *   <li><b>Mahalanobis distance within the caliper</b> (Rosenbaum and Rubin 1985), when the units
 *       carry covariates ({@code Unit.x}, whitened): among the allowed pairs, the nearest is the
 *       one with the smallest Mahalanobis distance, ties broken by the score distance and then by
 *       id. The caliper still decides which pairs are allowed. Every unit must carry as many
 *       covariates, or none.
 *   <li><b>Ratio k</b> runs k rounds. Every treated unit gets its first match before any gets a
 *       second (as MatchIt and CohortMethod do); a treated unit left unmatched in a round gets
 *       nothing in later rounds. Pairs carry the round they were made in, 1..k.
 *   <li><b>{@link Order#LARGEST}</b> (MatchIt's default {@code m.order = "largest"}): in each round
 *       the treated are visited in descending score (ties: id ascending) and each takes the nearest
 *       available candidate (distance ties: candidate id ascending).
 *   <li><b>{@link Order#CLOSEST}</b> (CohortMethod): in each round the globally closest allowed
 *       pair of (treated unit still needing a match this round, available candidate) is taken, ties
 *       broken by treated id and then candidate id, until no allowed pair remains.
 *   <li><b>Deterministic</b>: ties are broken by id ({@link String#compareTo}), never by input
 *       order, so the same units in any order give the same result.
 *   <li><b>Unmatched</b>: every treated unit without a round-1 match is reported once, with {@link
 *       Reason#NO_CANDIDATE_IN_STRATUM} when the block has no candidates, {@link
 *       Reason#OUTSIDE_CALIPER} when no candidate of the block, taken or not, lies within the
 *       caliper, else {@link Reason#CANDIDATES_USED}.
 *   <li><b>Output</b>: pairs sorted by (round, treated id); unmatched sorted by treated id.
 * </ul>
 *
 * <p>Scores must be finite (a propensity of exactly 0 or 1 has no finite logit; the caller decides
 * what to do with such people) and ids unique within each list; anything else is an
 * IllegalArgumentException. Cost: the candidates are sorted once, O(c log c); each round is then
 * O(t log t) for t treated, as each neighbour search skips taken candidates in near-constant time
 * and CLOSEST keeps a priority queue of each treated unit's current nearest candidate, re-queued
 * when that candidate is taken. There is never an all-pairs matrix.
 */
public final class GreedyMatcher {
  private GreedyMatcher() {}

  /** The order in which greedy matching hands out candidates. */
  public enum Order {
    LARGEST,
    CLOSEST
  }

  /** Why a treated unit found no match in round 1. */
  public enum Reason {
    NO_CANDIDATE_IN_STRATUM,
    OUTSIDE_CALIPER,
    CANDIDATES_USED
  }

  /**
   * A person to match; {@code score} is the logit of the propensity score, and {@code x} the
   * covariates matched on by Mahalanobis distance within the caliper, already whitened (so that the
   * squared Euclidean distance between two units' x is their squared Mahalanobis distance), or
   * empty to match on the score alone.
   */
  public record Unit(String id, double score, double[] x) {
    private static final double[] NONE = new double[0];

    /** A unit matched on its score alone. */
    public Unit(String id, double score) {
      this(id, score, NONE);
    }
  }

  /** A matched pair; {@code round} is 1 for first matches up to the ratio for the last. */
  public record Pair(String treated, String control, double distance, int round) {}

  /** A treated unit that found no match in round 1. */
  public record Unmatched(String treated, Reason reason) {}

  /** Pairs sorted by (round, treated id) and unmatched treated units sorted by id. */
  public record Result(List<Pair> pairs, List<Unmatched> unmatched) {
    public Result {
      pairs = List.copyOf(pairs);
      unmatched = List.copyOf(unmatched);
    }
  }

  /** Matches {@code treated} to {@code candidates} in one block by the rules in the class doc. */
  public static Result match(
      List<Unit> treated, List<Unit> candidates, double caliper, int ratio, Order order) {
    Objects.requireNonNull(order, "order");
    if (!(caliper >= 0)) {
      throw new IllegalArgumentException("caliper must be >= 0, got " + caliper);
    }
    if (ratio < 1) {
      throw new IllegalArgumentException("ratio must be >= 1, got " + ratio);
    }
    checkUnits(treated, "treated");
    checkUnits(candidates, "candidates");
    int dims = treated.isEmpty() ? 0 : treated.get(0).x().length;
    for (List<Unit> units : List.of(treated, candidates)) {
      for (Unit u : units) {
        if (u.x().length != dims) {
          throw new IllegalArgumentException(
              "unit " + u.id() + " has " + u.x().length + " covariates, the first treated " + dims);
        }
      }
    }

    // Treated in LARGEST's visiting order; CLOSEST breaks its ties through the queue instead.
    Unit[] t = treated.toArray(new Unit[0]);
    Arrays.sort(t, Comparator.comparingDouble(Unit::score).reversed().thenComparing(Unit::id));
    CandidatePool pool = new CandidatePool(candidates);

    List<Pair> pairs = new ArrayList<>();
    List<Unmatched> unmatched = new ArrayList<>();
    boolean[] active = new boolean[t.length];
    Arrays.fill(active, true);
    for (int round = 1; round <= ratio; round++) {
      boolean[] matched =
          order == Order.LARGEST
              ? largestRound(t, active, pool, caliper, round, pairs)
              : closestRound(t, active, pool, caliper, round, pairs);
      for (int i = 0; i < t.length; i++) {
        if (active[i] && !matched[i]) {
          // The pool only shrinks, so a unit that found nothing now finds nothing later.
          active[i] = false;
          if (round == 1) {
            unmatched.add(new Unmatched(t[i].id(), reason(t[i], pool, caliper)));
          }
        }
      }
    }
    pairs.sort(Comparator.comparingInt(Pair::round).thenComparing(Pair::treated));
    unmatched.sort(Comparator.comparing(Unmatched::treated));
    return new Result(pairs, unmatched);
  }

  private static boolean[] largestRound(
      Unit[] t, boolean[] active, CandidatePool pool, double caliper, int round, List<Pair> pairs) {
    boolean[] matched = new boolean[t.length];
    for (int i = 0; i < t.length; i++) {
      if (!active[i]) {
        continue;
      }
      int c = pick(t[i], pool, caliper);
      if (c >= 0) {
        pool.take(c);
        pairs.add(new Pair(t[i].id(), pool.id(c), Math.abs(t[i].score() - pool.score(c)), round));
        matched[i] = true;
      }
    }
    return matched;
  }

  /**
   * The treated unit's nearest allowed available candidate, or −1: by the score alone, or by
   * Mahalanobis distance within the caliper when the units carry covariates.
   */
  private static int pick(Unit t, CandidatePool pool, double caliper) {
    if (t.x().length > 0) {
      return pool.nearestWithin(t.score(), t.x(), caliper);
    }
    int c = pool.nearest(t.score());
    return c >= 0 && Math.abs(t.score() - pool.score(c)) <= caliper ? c : -1;
  }

  /**
   * One treated unit's nearest available candidate when it was queued: {@code d} the distance
   * matched on (Mahalanobis, else score), {@code ps} the score distance.
   */
  private record Offer(
      int treated, String treatedId, int candidate, String candidateId, double d, double ps) {}

  private static final Comparator<Offer> CLOSEST_FIRST =
      Comparator.comparingDouble(Offer::d)
          .thenComparingDouble(Offer::ps)
          .thenComparing(Offer::treatedId)
          .thenComparing(Offer::candidateId);

  private static boolean[] closestRound(
      Unit[] t, boolean[] active, CandidatePool pool, double caliper, int round, List<Pair> pairs) {
    boolean[] matched = new boolean[t.length];
    PriorityQueue<Offer> queue = new PriorityQueue<>(Math.max(1, t.length), CLOSEST_FIRST);
    for (int i = 0; i < t.length; i++) {
      if (active[i]) {
        offer(t, i, pool, caliper, queue);
      }
    }
    // An offer whose candidate is still available is the global minimum: every other treated
    // unit's current nearest is no closer than its queued offer, as the pool only shrinks.
    while (!queue.isEmpty()) {
      Offer o = queue.poll();
      if (pool.available(o.candidate())) {
        pool.take(o.candidate());
        pairs.add(new Pair(o.treatedId(), o.candidateId(), o.ps(), round));
        matched[o.treated()] = true;
      } else {
        offer(t, o.treated(), pool, caliper, queue);
      }
    }
    return matched;
  }

  private static void offer(
      Unit[] t, int i, CandidatePool pool, double caliper, PriorityQueue<Offer> queue) {
    int c = pick(t[i], pool, caliper);
    if (c >= 0) {
      double ps = Math.abs(t[i].score() - pool.score(c));
      double d = t[i].x().length > 0 ? pool.squaredDistance(c, t[i].x()) : ps;
      queue.add(new Offer(i, t[i].id(), c, pool.id(c), d, ps));
    }
  }

  private static Reason reason(Unit u, CandidatePool pool, double caliper) {
    if (pool.size() == 0) {
      return Reason.NO_CANDIDATE_IN_STRATUM;
    }
    return pool.closestDistanceIncludingTaken(u.score()) <= caliper
        ? Reason.CANDIDATES_USED
        : Reason.OUTSIDE_CALIPER;
  }

  private static void checkUnits(List<Unit> units, String what) {
    Objects.requireNonNull(units, what);
    Set<String> seen = new HashSet<>();
    for (Unit u : units) {
      Objects.requireNonNull(u.id(), () -> what + " unit with a null id");
      if (!Double.isFinite(u.score())) {
        throw new IllegalArgumentException(
            what + " unit " + u.id() + " has score " + u.score() + "; scores must be finite");
      }
      if (!seen.add(u.id())) {
        throw new IllegalArgumentException(what + " id " + u.id() + " appears more than once");
      }
    }
  }
}

package io.proactivecare.npc.evaluation;

import java.util.Arrays;
import java.util.List;

/**
 * The candidates of one matching block, sorted by (score, id), from which matched candidates are
 * taken. {@link #nearest} finds the nearest available candidate to a score, distance ties broken by
 * the smaller id, in near-constant time: two path-compressed "next available" pointer arrays (one
 * looking up, one looking down) skip taken candidates, so 400,000 candidates cost six int arrays
 * rather than a TreeSet of boxed entries.
 */
final class CandidatePool {
  private final double[] score;
  private final String[] id;
  // Each candidate's whitened covariates (empty arrays when matching on the score alone).
  private final double[][] x;
  // First and last index of the run of candidates with exactly this score.
  private final int[] runStart;
  private final int[] runEnd;
  // up[i] == i while candidate i is available; n stands for "none above".
  private final int[] up;
  // down[i + 1] == i + 1 while candidate i is available; 0 stands for "none below".
  private final int[] down;

  CandidatePool(List<GreedyMatcher.Unit> candidates) {
    GreedyMatcher.Unit[] sorted = candidates.toArray(new GreedyMatcher.Unit[0]);
    // A plain comparator rather than a comparingDouble().thenComparing() chain: this sort is most
    // of the matcher's time on a large block.
    Arrays.sort(
        sorted,
        (a, b) -> {
          int c = Double.compare(a.score(), b.score());
          return c != 0 ? c : a.id().compareTo(b.id());
        });
    int n = sorted.length;
    score = new double[n];
    id = new String[n];
    x = new double[n][];
    runStart = new int[n];
    runEnd = new int[n];
    up = new int[n + 1];
    down = new int[n + 1];
    for (int i = 0; i < n; i++) {
      score[i] = sorted[i].score();
      id[i] = sorted[i].id();
      x[i] = sorted[i].x();
      runStart[i] = i > 0 && sameScore(i - 1, i) ? runStart[i - 1] : i;
    }
    for (int i = n - 1; i >= 0; i--) {
      runEnd[i] = i < n - 1 && sameScore(i, i + 1) ? runEnd[i + 1] : i;
    }
    for (int i = 0; i <= n; i++) {
      up[i] = i;
      down[i] = i;
    }
  }

  int size() {
    return score.length;
  }

  String id(int i) {
    return id[i];
  }

  double score(int i) {
    return score[i];
  }

  boolean available(int i) {
    return up[i] == i;
  }

  void take(int i) {
    up[i] = i + 1;
    down[i + 1] = i;
  }

  /**
   * The nearest available candidate to {@code s} (smallest |s − score|, then smallest id), or −1
   * when none is left.
   */
  int nearest(double s) {
    int n = score.length;
    int pos = upperBound(s);
    int below = availableAtOrBelow(pos - 1);
    int above = availableAtOrAbove(pos);
    double best =
        Math.min(
            below >= 0 ? Math.abs(s - score[below]) : Double.POSITIVE_INFINITY,
            above < n ? Math.abs(s - score[above]) : Double.POSITIVE_INFINITY);
    if (best == Double.POSITIVE_INFINITY) {
      return -1;
    }
    int chosen = -1;
    // Distance is monotone along each side, but rounding can make two different scores on one
    // side equally distant, so every run at the best distance is compared by id, not just the
    // first.
    for (int g = below; g >= 0 && Math.abs(s - score[g]) == best; ) {
      // Within a run ids ascend, so the run's smallest available id is its first available entry.
      chosen = smallerId(chosen, availableAtOrAbove(runStart[g]));
      g = availableAtOrBelow(runStart[g] - 1);
    }
    for (int g = above; g < n && Math.abs(s - score[g]) == best; ) {
      chosen = smallerId(chosen, g);
      g = availableAtOrAbove(runEnd[g] + 1);
    }
    return chosen;
  }

  /** The squared Mahalanobis distance from candidate {@code i} to covariates {@code to}. */
  double squaredDistance(int i, double[] to) {
    double d = 0;
    for (int k = 0; k < to.length; k++) {
      double e = x[i][k] - to[k];
      d += e * e;
    }
    return d;
  }

  /**
   * Among the available candidates whose score is within {@code caliper} of {@code s}, the one
   * nearest to covariates {@code to} (smallest squared Mahalanobis distance, then smallest score
   * distance, then smallest id), or −1 when none is within the caliper. Visits every available
   * candidate within the caliper.
   */
  int nearestWithin(double s, double[] to, double caliper) {
    int n = score.length;
    int pos = upperBound(s);
    int chosen = -1;
    double bestD = Double.POSITIVE_INFINITY;
    double bestPs = Double.POSITIVE_INFINITY;
    for (int side = 0; side < 2; side++) {
      int g = side == 0 ? availableAtOrBelow(pos - 1) : availableAtOrAbove(pos);
      while (g >= 0 && g < n && Math.abs(s - score[g]) <= caliper) {
        double d = squaredDistance(g, to);
        double ps = Math.abs(s - score[g]);
        if (d < bestD
            || (d == bestD && (ps < bestPs || (ps == bestPs && id[g].compareTo(id[chosen]) < 0)))) {
          chosen = g;
          bestD = d;
          bestPs = ps;
        }
        g = side == 0 ? availableAtOrBelow(g - 1) : availableAtOrAbove(g + 1);
      }
    }
    return chosen;
  }

  /** The smallest distance from {@code s} to any candidate of the block, taken or not. */
  double closestDistanceIncludingTaken(double s) {
    int pos = upperBound(s);
    double d = Double.POSITIVE_INFINITY;
    if (pos > 0) {
      d = Math.abs(s - score[pos - 1]);
    }
    if (pos < score.length) {
      d = Math.min(d, Math.abs(s - score[pos]));
    }
    return d;
  }

  private boolean sameScore(int i, int j) {
    return Double.compare(score[i], score[j]) == 0;
  }

  private int smallerId(int a, int b) {
    return a < 0 || id[b].compareTo(id[a]) < 0 ? b : a;
  }

  /** The first index whose score sorts after {@code s} (the order the array was sorted in). */
  private int upperBound(double s) {
    int lo = 0;
    int hi = score.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Double.compare(score[mid], s) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The smallest available index >= i, or size() when none. */
  private int availableAtOrAbove(int i) {
    return find(up, i);
  }

  /** The largest available index <= i, or −1 when none. */
  private int availableAtOrBelow(int i) {
    return find(down, i + 1) - 1;
  }

  private static int find(int[] next, int i) {
    // Path halving keeps later look-ups short; only taken entries are re-pointed.
    while (next[i] != i) {
      next[i] = next[next[i]];
      i = next[i];
    }
    return i;
  }
}

package io.proactivecare.npc.risk;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import smile.base.cart.InternalNode;
import smile.base.cart.Node;
import smile.base.cart.OrdinalNode;
import smile.base.cart.RegressionNode;
import smile.regression.RegressionTree;

/**
 * Tree SHAP values of boosted regression trees, averaged over the trees (path-dependent tree SHAP,
 * Lundberg et al. 2018, Algorithm 2), over the trees flattened into arrays once: the same values as
 * Smile's {@code GradientTreeBoost.shap}, operation for operation in the same order, so the same
 * bits, without its four new arrays at every node visited and its tuple lookups. Scoring a million
 * people spent 85% of the risk step in Smile's version (docs/benchmarks.md).
 *
 * <p>Each tree holds, per node in depth-first order: the split feature ({@code -1} at a leaf), the
 * threshold (a row goes to the first child when its value is {@code <=} it, as Smile's ordinal
 * split; a missing value, NaN, goes to the second), both children, the node's training rows (its
 * cover) and a leaf's output. The path of the algorithm lives in one buffer with a segment per
 * depth: extending copies the parent's segment into the child's, as Smile copies its arrays.
 *
 * <p>A row enters the algorithm only through which child of each split it takes (the "hot" one,
 * visited first, with its one-fraction carried on; the other with none): a leaf's additions to the
 * values depend on the row only through whether each split above it was taken towards it. So for a
 * small tree (at most {@link #TABLE_LIMIT} entries) every leaf's additions are worked out once per
 * pattern of those choices, by the same operations, and a row's values are then a walk of the tree
 * (hot child first, as the algorithm visits) adding the leaves' entries for its pattern: the same
 * numbers added in the same order, so still the same bits, at a fraction of the cost. Deeper trees
 * keep the algorithm row by row.
 */
final class TreeShap {
  /** The most entries (leaves x choice patterns x path length) tabulated for one tree. */
  static final int TABLE_LIMIT = 1 << 16;

  private final Flat[] trees;

  /** Per tree, its leaves' tabulated additions, or null where the tree is too deep to tabulate. */
  private final Table[] tables;

  /** Per tree, the distinct features it splits on: the only values a tree adds to. */
  private final int[][] used;

  private final int features;
  private final int maxDepth;

  private record Flat(
      int[] feature,
      double[] threshold,
      int[] first,
      int[] second,
      double[] cover,
      double[] output) {}

  /**
   * A leaf {@code n}'s additions: {@code feature[n][i]} gets {@code value[n][m * k + i]} for the
   * pattern {@code m} of hot (1) and cold (0) choices from the root down, the first choice in the
   * highest bit, where {@code k} is the leaf's path length; null at a split.
   */
  private record Table(int[][] feature, double[][] value) {}

  private TreeShap(Flat[] trees, int features, int maxDepth) {
    this.trees = trees;
    this.features = features;
    this.maxDepth = maxDepth;
    this.tables = new Table[trees.length];
    this.used = new int[trees.length][];
    Path path = new Path(maxDepth + 2);
    for (int t = 0; t < trees.length; t++) {
      used[t] = java.util.Arrays.stream(trees[t].feature).filter(f -> f >= 0).distinct().toArray();
      if (entries(trees[t], 0, 0, new java.util.BitSet()) <= TABLE_LIMIT) {
        int n = trees[t].feature.length;
        Table table = new Table(new int[n][], new double[n][]);
        tabulate(trees[t], table, path, 0, 0, 0, 1, 1, -1, 0);
        tables[t] = table;
      }
    }
  }

  /** How many trees are tabulated (for tests). */
  int tabulated() {
    return (int) java.util.Arrays.stream(tables).filter(java.util.Objects::nonNull).count();
  }

  /** The entries a tree's table needs: per leaf, 2^depth patterns x its distinct path features. */
  private static long entries(Flat t, int node, int depth, java.util.BitSet onPath) {
    int f = t.feature[node];
    if (f < 0) {
      return depth > 40 ? Long.MAX_VALUE / 4 : (1L << depth) * onPath.cardinality();
    }
    boolean had = onPath.get(f);
    onPath.set(f);
    long total =
        Math.min(
            Long.MAX_VALUE / 4,
            entries(t, t.first[node], depth + 1, onPath)
                + entries(t, t.second[node], depth + 1, onPath));
    onPath.set(f, had);
    return total;
  }

  /**
   * The trees flattened, or empty when a tree holds a node other than an ordinal split or a
   * regression leaf (a nominal split: never for the engine's all-numeric design matrices), for
   * which the caller keeps Smile's own computation.
   */
  static Optional<TreeShap> of(RegressionTree[] trees, int features) {
    if (trees == null) {
      return Optional.empty();
    }
    Flat[] flat = new Flat[trees.length];
    int depth = 0;
    for (int t = 0; t < trees.length; t++) {
      Optional<Flat> f = flatten(trees[t].root());
      if (f.isEmpty()) {
        return Optional.empty();
      }
      flat[t] = f.get();
      depth = Math.max(depth, trees[t].root().depth());
    }
    return Optional.of(new TreeShap(flat, features, depth));
  }

  private static Optional<Flat> flatten(Node root) {
    List<Node> nodes = new ArrayList<>();
    collect(root, nodes);
    int n = nodes.size();
    int[] feature = new int[n];
    double[] threshold = new double[n];
    int[] first = new int[n];
    int[] second = new int[n];
    double[] cover = new double[n];
    double[] output = new double[n];
    java.util.IdentityHashMap<Node, Integer> index = new java.util.IdentityHashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(nodes.get(i), i);
    }
    for (int i = 0; i < n; i++) {
      Node node = nodes.get(i);
      cover[i] = node.size();
      if (node instanceof OrdinalNode split) {
        feature[i] = split.feature();
        threshold[i] = threshold(split);
        first[i] = index.get(split.trueChild());
        second[i] = index.get(split.falseChild());
      } else if (node instanceof RegressionNode leaf) {
        feature[i] = -1;
        output[i] = leaf.output();
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(new Flat(feature, threshold, first, second, cover, output));
  }

  private static void collect(Node node, List<Node> out) {
    out.add(node);
    if (node instanceof InternalNode split) {
      collect(split.trueChild(), out);
      collect(split.falseChild(), out);
    }
  }

  /** Smile keeps an ordinal split's threshold in a field of its package, read through this. */
  private static final Field THRESHOLD = thresholdField();

  private static Field thresholdField() {
    try {
      Field value = OrdinalNode.class.getDeclaredField("value");
      value.setAccessible(true);
      return value;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Smile's OrdinalNode has no field 'value'", e);
    }
  }

  private static double threshold(OrdinalNode split) {
    try {
      return THRESHOLD.getDouble(split);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("Smile's OrdinalNode threshold cannot be read", e);
    }
  }

  /**
   * Each feature's contribution for row {@code x}: its tree SHAP value, averaged over the trees.
   */
  double[] contributions(double[] x) {
    double[] total = new double[features];
    double[] phi = new double[features];
    int width = maxDepth + 2;
    Path path = null;
    for (int t = 0; t < trees.length; t++) {
      Flat tree = trees[t];
      if (tables[t] != null) {
        walk(tree, tables[t], x, phi, 0, 0);
      } else {
        if (path == null) {
          path = new Path(width);
        }
        recurse(tree, x, phi, path, 0, 0, 0, 1, 1, -1);
      }
      // A tree adds only to the features it splits on; the others would add 0.0 to the total,
      // which leaves it unchanged (it starts at +0.0 and so is never -0.0).
      for (int j : used[t]) {
        total[j] += phi[j];
        phi[j] = 0.0;
      }
    }
    // Smile gives the mean over the trees (its scale does not change the order of the reasons).
    for (int j = 0; j < features; j++) {
      total[j] /= trees.length;
    }
    return total;
  }

  /**
   * Adds the tabulated entries of the leaves under {@code node} for row {@code x}, the hot child's
   * first as {@link #recurse} visits them; {@code pattern} holds the choices above {@code node}.
   */
  private static void walk(Flat t, Table table, double[] x, double[] phi, int node, int pattern) {
    int f = t.feature[node];
    if (f < 0) {
      int[] feature = table.feature[node];
      double[] value = table.value[node];
      int k = feature.length;
      int at = pattern * k;
      for (int i = 0; i < k; i++) {
        phi[feature[i]] += value[at + i];
      }
      return;
    }
    if (x[f] <= t.threshold[node]) {
      walk(t, table, x, phi, t.first[node], 2 * pattern + 1);
      walk(t, table, x, phi, t.second[node], 2 * pattern);
    } else {
      walk(t, table, x, phi, t.second[node], 2 * pattern + 1);
      walk(t, table, x, phi, t.first[node], 2 * pattern);
    }
  }

  /**
   * {@link #recurse} for every pattern of choices at once: at each split, each child is entered
   * both as the hot one (its one-fraction carried on) and as the cold one (none), with the same
   * extension, unwinding and zero-fraction {@code iz * cover(child) / cover(node)} as there, and
   * each leaf's additions {@code w * (o - z) * v} are stored under the pattern that led to it.
   */
  private static void tabulate(
      Flat t,
      Table table,
      Path p,
      int node,
      int depth,
      int length,
      double pz,
      double po,
      int pi,
      int pattern) {
    int at = depth * p.width;
    int l = extend(p, depth, length, pz, po, pi);
    int size = l + 1;
    int f = t.feature[node];
    if (f >= 0) {
      double s = t.cover[node];
      size = meet(p, at, l, f);
      double iz = p.iz;
      double io = p.io;
      for (int child : new int[] {t.first[node], t.second[node]}) {
        double cz = iz * t.cover[child] / s;
        tabulate(t, table, p, child, depth + 1, size, cz, io, f, 2 * pattern + 1);
        tabulate(t, table, p, child, depth + 1, size, cz, 0, f, 2 * pattern);
      }
    } else {
      double v = t.output[node];
      if (table.feature[node] == null) {
        int[] feature = new int[l];
        for (int i = 1; i <= l; i++) {
          feature[i - 1] = p.d[at + i];
        }
        table.feature[node] = feature;
        table.value[node] = new double[l << depth];
      }
      double[] value = table.value[node];
      for (int i = 1; i <= l; i++) {
        double w = unwoundSum(p, at, size, i);
        value[pattern * l + i - 1] = w * (p.o[at + i] - p.z[at + i]) * v;
      }
    }
  }

  /**
   * Copies the parent's segment (none at the root) into segment {@code depth}, then adds (pz, po,
   * pi) as its element {@code length}; returns {@code length}.
   */
  private static int extend(Path p, int depth, int length, double pz, double po, int pi) {
    int at = depth * p.width;
    if (depth > 0) {
      int from = at - p.width;
      System.arraycopy(p.d, from, p.d, at, length);
      System.arraycopy(p.z, from, p.z, at, length);
      System.arraycopy(p.o, from, p.o, at, length);
      System.arraycopy(p.w, from, p.w, at, length);
    }
    int l = length;
    p.d[at + l] = pi;
    p.z[at + l] = pz;
    p.o[at + l] = po;
    p.w[at + l] = l == 0 ? 1 : 0;
    for (int i = l - 1; i >= 0; i--) {
      p.w[at + i + 1] += po * p.w[at + i] * (i + 1) / (l + 1);
      p.w[at + i] = pz * p.w[at + i] * (l - i) / (l + 1);
    }
    return l;
  }

  /**
   * The path buffer: segment {@code s} (one per depth) starts at {@code s * width}; a segment's
   * length is passed along, not stored.
   */
  private static final class Path {
    final int width;
    final int[] d;
    final double[] z;
    final double[] o;
    final double[] w;

    /** The fractions {@link #meet} found (read at once: the next split overwrites them). */
    double iz;

    double io;

    Path(int width) {
      this.width = width;
      int size = width * (width + 1);
      d = new int[size];
      z = new double[size];
      o = new double[size];
      w = new double[size];
    }
  }

  /**
   * Visits {@code node} with the parent's path (segment {@code depth - 1}, {@code length} elements;
   * none at the root), extended here into segment {@code depth}.
   */
  private static void recurse(
      Flat t,
      double[] x,
      double[] phi,
      Path p,
      int node,
      int depth,
      int length,
      double pz,
      double po,
      int pi) {
    int at = depth * p.width;
    int l = extend(p, depth, length, pz, po, pi);
    int size = l + 1;

    int f = t.feature[node];
    if (f >= 0) {
      int hot;
      int cold;
      if (x[f] <= t.threshold[node]) {
        hot = t.first[node];
        cold = t.second[node];
      } else {
        hot = t.second[node];
        cold = t.first[node];
      }
      double hs = t.cover[hot];
      double cs = t.cover[cold];
      double s = t.cover[node];
      size = meet(p, at, l, f);
      double iz = p.iz;
      double io = p.io;
      recurse(t, x, phi, p, hot, depth + 1, size, iz * hs / s, io, f);
      recurse(t, x, phi, p, cold, depth + 1, size, iz * cs / s, 0, f);
    } else {
      double v = t.output[node];
      for (int i = 1; i <= l; i++) {
        double w = unwoundSum(p, at, size, i);
        phi[p.d[at + i]] += w * (p.o[at + i] - p.z[at + i]) * v;
      }
    }
  }

  /**
   * At a split on feature {@code f}, over the segment at {@code at} of {@code l + 1} elements: when
   * {@code f} is already on the path, its zero and one fractions go to {@code p.iz} and {@code
   * p.io} and it is unwound; else both are 1. Returns the segment's size after.
   */
  private static int meet(Path p, int at, int l, int f) {
    int k = 0;
    while (k <= l && p.d[at + k] != f) {
      k++;
    }
    p.iz = 1;
    p.io = 1;
    if (k > l) {
      return l + 1;
    }
    p.iz = p.z[at + k];
    p.io = p.o[at + k];
    return unwind(p, at, l + 1, k);
  }

  /** Removes element {@code i} from the segment at {@code at} of {@code size}; the new size. */
  private static int unwind(Path p, int at, int size, int i) {
    double oi = p.o[at + i];
    double zi = p.z[at + i];
    int n = size - 1;
    double next = p.w[at + n];
    if (oi != 0) {
      for (int j = n - 1; j >= 0; j--) {
        double tmp = p.w[at + j];
        p.w[at + j] = next * (n + 1) / ((j + 1) * oi);
        next = tmp - p.w[at + j] * zi * (n - j) / (n + 1);
      }
    } else {
      for (int j = n - 1; j >= 0; j--) {
        p.w[at + j] = p.w[at + j] * (n + 1) / (zi * (n - j));
      }
    }
    for (int j = i; j < n; j++) {
      p.d[at + j] = p.d[at + j + 1];
      p.z[at + j] = p.z[at + j + 1];
      p.o[at + j] = p.o[at + j + 1];
    }
    return n;
  }

  /** The total weight of the segment's paths with element {@code i} unwound, unchanged. */
  private static double unwoundSum(Path p, int at, int size, int i) {
    double oi = p.o[at + i];
    double zi = p.z[at + i];
    int n = size - 1;
    double total = 0;
    double next = p.w[at + n];
    if (oi != 0) {
      for (int j = n - 1; j >= 0; j--) {
        double tmp = next / ((j + 1) * oi);
        total += tmp;
        next = p.w[at + j] - tmp * zi * (n - j);
      }
    } else {
      for (int j = n - 1; j >= 0; j--) {
        total += p.w[at + j] / (zi * (n - j));
      }
    }
    return total * (n + 1);
  }
}

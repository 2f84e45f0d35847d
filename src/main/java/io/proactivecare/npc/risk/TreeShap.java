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
 */
final class TreeShap {
  private final Flat[] trees;
  private final int features;
  private final int maxDepth;

  private record Flat(
      int[] feature,
      double[] threshold,
      int[] first,
      int[] second,
      double[] cover,
      double[] output) {}

  private TreeShap(Flat[] trees, int features, int maxDepth) {
    this.trees = trees;
    this.features = features;
    this.maxDepth = maxDepth;
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
    Path path = new Path(width);
    for (Flat tree : trees) {
      java.util.Arrays.fill(phi, 0.0);
      recurse(tree, x, phi, path, 0, 0, 0, 1, 1, -1);
      for (int j = 0; j < features; j++) {
        total[j] += phi[j];
      }
    }
    // Smile gives the mean over the trees (its scale does not change the order of the reasons).
    for (int j = 0; j < features; j++) {
      total[j] /= trees.length;
    }
    return total;
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
    // extend: copy the parent's segment, then add (pz, po, pi) as element `length`.
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
      int k = 0;
      while (k <= l && p.d[at + k] != f) {
        k++;
      }
      double iz = 1;
      double io = 1;
      if (k <= l) {
        iz = p.z[at + k];
        io = p.o[at + k];
        size = unwind(p, at, size, k);
      }
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

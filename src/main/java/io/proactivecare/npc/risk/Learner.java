package io.proactivecare.npc.risk;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import smile.classification.GradientTreeBoost;
import smile.classification.LogisticRegression;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.type.StructType;
import smile.data.vector.IntVector;

/**
 * A fitted classifier on encoded vectors: its uncalibrated probability, and each feature's
 * contribution to it on the log-odds scale (the regression's coefficient times the standardised
 * value; tree SHAP values for boosted trees).
 */
public interface Learner extends Serializable {
  String kind();

  double probability(double[] x);

  double[] contributions(double[] x);

  /** L2-regularised logistic regression on standardised features (Smile). */
  final class Regression implements Learner {
    private static final long serialVersionUID = 1L;
    private final double[] mean;
    private final double[] sd;
    private final double[] weights;
    private final double intercept;

    private Regression(double[] mean, double[] sd, double[] weights, double intercept) {
      this.mean = mean;
      this.sd = sd;
      this.weights = weights;
      this.intercept = intercept;
    }

    public static Regression fit(double[][] x, int[] y, double lambda) {
      int p = x[0].length;
      double[] mean = new double[p];
      double[] sd = new double[p];
      for (double[] row : x) {
        for (int j = 0; j < p; j++) {
          mean[j] += row[j];
        }
      }
      for (int j = 0; j < p; j++) {
        mean[j] /= x.length;
      }
      for (double[] row : x) {
        for (int j = 0; j < p; j++) {
          sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        }
      }
      for (int j = 0; j < p; j++) {
        sd[j] = Math.sqrt(sd[j] / Math.max(1, x.length - 1));
        if (sd[j] == 0) {
          sd[j] = 1; // a constant feature: standardised to 0 everywhere
        }
      }
      double[][] z = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        z[i] = standardise(x[i], mean, sd);
      }
      LogisticRegression.Binomial lr = LogisticRegression.binomial(z, y, lambda, 1e-6, 1000);
      double[] w = lr.coefficients();
      return new Regression(mean, sd, java.util.Arrays.copyOf(w, p), w[p]);
    }

    private static double[] standardise(double[] x, double[] mean, double[] sd) {
      double[] z = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        z[j] = (x[j] - mean[j]) / sd[j];
      }
      return z;
    }

    @Override
    public String kind() {
      return "logistic_regression";
    }

    @Override
    public double probability(double[] x) {
      double[] c = contributions(x);
      double eta = intercept;
      for (double v : c) {
        eta += v;
      }
      return Metrics.sigmoid(eta);
    }

    @Override
    public double[] contributions(double[] x) {
      double[] z = standardise(x, mean, sd);
      double[] c = new double[z.length];
      for (int j = 0; j < z.length; j++) {
        c[j] = weights[j] * z[j];
      }
      return c;
    }

    /**
     * The fit on the features' own scale: {@code logit p = result[0] + sum_j result[j + 1] x_j}
     * (the standardisation folded into the coefficients).
     */
    public double[] unstandardised() {
      double[] out = new double[weights.length + 1];
      out[0] = intercept;
      for (int j = 0; j < weights.length; j++) {
        out[j + 1] = weights[j] / sd[j];
        out[0] -= weights[j] * mean[j] / sd[j];
      }
      return out;
    }

    /** Coefficients per standard deviation of each feature, in encoder order. */
    public double[] weights() {
      return weights.clone();
    }
  }

  /** Gradient-boosted trees (Smile), explained by tree SHAP. */
  final class Trees implements Learner {
    private static final long serialVersionUID = 1L;
    private static final String OUTCOME = "_outcome";
    private final GradientTreeBoost model;
    private final StructType schema;

    /**
     * The trees flattened for {@link TreeShap}, made on first use in each JVM (a broadcast model
     * arrives without it); empty when Smile's own computation is kept.
     */
    private transient volatile Optional<TreeShap> flat;

    private Trees(GradientTreeBoost model, StructType schema) {
      this.model = model;
      this.schema = schema;
    }

    /** The settings of the fit, recorded in the model card. */
    public record Settings(
        int trees, int maxDepth, int maxNodes, int nodeSize, double shrinkage, double subsample) {}

    public static Trees fit(double[][] x, int[] y, List<String> names, Settings s) {
      String[] cols = new String[names.size()];
      for (int j = 0; j < cols.length; j++) {
        cols[j] = "f" + j; // Smile column names: plain, whatever the feature is called
      }
      DataFrame predictors = DataFrame.of(x, cols);
      DataFrame df = predictors.merge(IntVector.of(OUTCOME, y));
      GradientTreeBoost m =
          GradientTreeBoost.fit(
              Formula.lhs(OUTCOME),
              df,
              s.trees(),
              s.maxDepth(),
              s.maxNodes(),
              s.nodeSize(),
              s.shrinkage(),
              s.subsample());
      return new Trees(m, predictors.schema());
    }

    @Override
    public String kind() {
      return "gradient_boosted_trees";
    }

    private Optional<TreeShap> treeShap() {
      Optional<TreeShap> f = flat; // one read of the volatile field
      if (f == null) {
        f = TreeShap.of(model.trees(), schema.length());
        flat = f;
      }
      return f;
    }

    /** Whether {@link #contributions} uses {@link TreeShap} rather than Smile's own computation. */
    boolean flattened() {
      return treeShap().isPresent();
    }

    /** How many trees {@link TreeShap} tabulated (the others are worked out row by row). */
    int tabulated() {
      return treeShap().map(TreeShap::tabulated).orElse(0);
    }

    /**
     * Smile's own tree SHAP values: the same as {@link #contributions}, more slowly. Smile returns
     * p x k values, class by class within each feature; both classes mirror.
     */
    double[] smileContributions(double[] x) {
      double[] s = model.shap(Tuple.of(x, schema));
      double[] c = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        c[j] = s[2 * j + 1];
      }
      return c;
    }

    @Override
    public double probability(double[] x) {
      double[] posterior = new double[2];
      model.predict(Tuple.of(x, schema), posterior);
      return posterior[1];
    }

    @Override
    public double[] contributions(double[] x) {
      // Called once per person scored: no lambdas to allocate on the way.
      Optional<TreeShap> fast = treeShap();
      return fast.isPresent() ? fast.get().contributions(x) : smileContributions(x);
    }
  }
}

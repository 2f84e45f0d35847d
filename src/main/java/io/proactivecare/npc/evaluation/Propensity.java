package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.frailty.EfiScores;
import io.proactivecare.npc.risk.Design;
import io.proactivecare.npc.risk.Encoder;
import io.proactivecare.npc.risk.Learner;
import io.proactivecare.npc.risk.Metrics;
import io.proactivecare.npc.schema.Cols;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The propensity model (docs/evaluation.md): a logistic regression of enrolment on the baseline
 * covariates, fitted with the risk stage's encoder and learner, applied to everyone as a column
 * expression (no UDF), so scoring stays distributed.
 */
public final class Propensity {
  private Propensity() {}

  /**
   * A fitted model.
   *
   * @param encoder how covariates become the vector
   * @param coefficients the intercept, then one coefficient per encoder entry, on the covariates'
   *     own scale, the intercept corrected for the candidate sample
   * @param samplingFraction the share of candidates that fitted the model (1: all)
   * @param auroc how well the score separates enrolled people from the candidates in the fit
   * @param fitTreated enrolled people in the fit
   * @param fitCandidates candidates in the fit
   */
  public record Model(
      Encoder encoder,
      double[] coefficients,
      double samplingFraction,
      double auroc,
      long fitTreated,
      long fitCandidates) {
    /** The logit of the propensity score of each row, as a column. */
    public Column logit() {
      List<Column> x = encoder.expressions();
      Column eta = lit(coefficients[0]);
      for (int j = 0; j < x.size(); j++) {
        if (coefficients[j + 1] != 0) {
          eta = eta.plus(x.get(j).multiply(lit(coefficients[j + 1])));
        }
      }
      return eta;
    }
  }

  /**
   * The encoder of the configured covariates: each is a numeric or flag feature column, except
   * {@code sex}, encoded as one indicator (M), and {@code efi_category}, as indicators of mild,
   * moderate and severe frailty (fit the reference), so that the unpenalised fit has no redundant
   * column. With the eFI score, the categories let the model's log-odds bend where enrolment does.
   */
  public static Encoder encoder(List<String> covariates) {
    List<String> numeric = new ArrayList<>();
    List<Encoder.Category> categories = new ArrayList<>();
    for (String c : covariates) {
      if (c.equals(Cols.SEX)) {
        categories.add(new Encoder.Category(Cols.SEX, List.of("M")));
      } else if (c.equals(Cols.EFI_CATEGORY)) {
        categories.add(
            new Encoder.Category(
                Cols.EFI_CATEGORY, List.of(EfiScores.MILD, EfiScores.MODERATE, EfiScores.SEVERE)));
      } else {
        numeric.add(c);
      }
    }
    return new Encoder(List.copyOf(numeric), List.copyOf(categories));
  }

  /**
   * The rows that fit the model: every enrolled person, and candidates whose seeded hash of person
   * and index date falls below {@code fraction}.
   */
  public static Dataset<Row> fitSample(Dataset<Row> members, double fraction, long seed) {
    if (fraction >= 1) {
      return members;
    }
    Column h =
        pmod(xxhash64(col(Cols.PERSON_ID), col(Cols.INDEX_DATE), lit(seed)), lit(1_000_000))
            .divide(1_000_000.0);
    return members.where(col(Cols.ROLE).equalTo(RiskSets.TREATED).or(h.lt(fraction)));
  }

  /**
   * Fits the model on collected rows ({@code role} and the encoder's columns). With a candidate
   * sample of fraction f the odds in the fit are the population's divided by f, so log f is added
   * to the intercept (as in case-control sampling); the slopes are unaffected.
   */
  public static Model fit(List<Row> rows, Encoder encoder, double lambda, double fraction) {
    Design d = Design.of(rows, encoder, r -> RiskSets.TREATED.equals(r.getAs(Cols.ROLE)) ? 1 : 0);
    long treated = d.events();
    if (treated == 0 || treated == d.size()) {
      throw Errors.usage(
          "The propensity model needs enrolled people and candidates: the risk sets have "
              + treated
              + " enrolled and "
              + (d.size() - treated)
              + " candidates",
          "check the enrolments extract and evaluation.controls");
    }
    // Unpenalised: Newton-Raphson to the maximum likelihood, as glm. Smile's fit with no
    // penalty at all stopped far from it on rare enrolment (the sample's 56 in 39,000), so a
    // positive lambda is the risk stage's L2 learner and 0 is the exact fit.
    double[] beta =
        lambda > 0
            ? Learner.Regression.fit(d.x(), d.y(), lambda).unstandardised()
            : MaximumLikelihood.logistic(d.x(), d.y());
    double[] p = d.predict(x -> Metrics.sigmoid(logit(beta, x)));
    if (fraction < 1) {
      beta[0] += Math.log(fraction);
    }
    return new Model(encoder, beta, fraction, Metrics.auroc(p, d.y()), treated, d.size() - treated);
  }

  /** {@code beta[0] + sum_j beta[j + 1] x_j}: the log-odds of vector {@code x}. */
  static double logit(double[] beta, double[] x) {
    double eta = beta[0];
    for (int j = 0; j < x.length; j++) {
      eta += beta[j + 1] * x[j];
    }
    return eta;
  }
}

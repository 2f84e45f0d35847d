package io.proactivecare.npc.risk;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A trained, calibrated model and what it was trained on: saved whole in the registry, broadcast to
 * executors for scoring.
 *
 * @param id the model id: a hash of what the model is ({@link #contentId}), so the same data and
 *     settings train a model with the same id on every run
 * @param asOf the as-of date of the training run
 * @param trainingCutoffs the cutoff dates of the training rows
 * @param holdoutCutoff the cutoff date of the temporal hold-out
 * @param encoder the feature encoding
 * @param learner the chosen learner
 * @param calibrator its calibration
 * @param reasons plain words for the contributions
 * @param card the model card: sizes, settings and metrics (JSON-ready)
 */
public record RiskModel(
    String id,
    String asOf,
    List<String> trainingCutoffs,
    String holdoutCutoff,
    Encoder encoder,
    Learner learner,
    Calibrator calibrator,
    Reasons reasons,
    Map<String, Object> card)
    implements Serializable {
  /** The calibrated probability of an encoded row. */
  public double probability(double[] x) {
    return calibrator.calibrate(learner.probability(x));
  }

  /**
   * The id of a model from its content: the first 12 hexadecimal digits of the SHA-256 of the
   * serialised encoder, learner, calibration and reasons, the dates it was trained at and the risk
   * settings. Not the run's id, so two runs that train on the same inputs give the same id, and the
   * scores, eligibility and lists that carry it are the same.
   */
  public static String contentId(
      Encoder encoder,
      Learner learner,
      Calibrator calibrator,
      Reasons reasons,
      String asOf,
      List<String> trainingCutoffs,
      String holdoutCutoff,
      io.proactivecare.npc.config.RiskSettings settings) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(bytes)) {
        o.writeObject(encoder);
        o.writeObject(learner);
        o.writeObject(calibrator);
        o.writeObject(reasons);
        o.writeUTF(asOf + " " + trainingCutoffs + " " + holdoutCutoff + " " + settings);
      }
      byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
      return java.util.HexFormat.of().formatHex(sha).substring(0, 12);
    } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash the model", e);
    }
  }

  /** The hold-out AUROC recorded in the card. */
  public double holdoutAuroc() {
    Object v = card.get("holdout_auroc");
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}

package io.proactivecare.npc.risk;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A trained, calibrated model and what it was trained on: saved whole in the registry, broadcast to
 * executors for scoring.
 *
 * @param id the model id (the training run's id)
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

  /** The hold-out AUROC recorded in the card. */
  public double holdoutAuroc() {
    Object v = card.get("holdout_auroc");
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}

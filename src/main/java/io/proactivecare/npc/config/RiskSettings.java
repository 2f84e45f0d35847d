package io.proactivecare.npc.config;

import java.util.List;

/**
 * Options of the unplanned-care risk model (docs/model.md).
 *
 * @param trainingCutoffsMonths training rows are built at the as-of date minus each of these
 * @param holdoutMonths the temporal hold-out is built at the as-of date minus this
 * @param horizonDays the outcome: an emergency admission or death within this many days after
 * @param minAge people younger than this at a cutoff are not modelled or scored
 * @param holdoutShare share of people (by a hash of their id) kept for the hold-out only
 * @param calibrationShare share of people whose training rows calibrate rather than fit
 * @param trainingSample about this many training rows are fitted on when there are more (a sample
 *     stratified by outcome)
 * @param calibration {@code platt} or {@code isotonic}
 * @param seed seeds the person split and the sample, so training is repeatable
 * @param regressionLambda the logistic regression's L2 penalty
 * @param trees the boosted trees' settings
 * @param bandShares the top shares that make the bands very high, high and moderate
 * @param reasonsLeaveOut features never given as a person's reasons (a categorical one by its
 *     column): those the lists show as columns and no one can act on, e.g. age and sex
 */
public record RiskSettings(
    List<Integer> trainingCutoffsMonths,
    int holdoutMonths,
    int horizonDays,
    int minAge,
    double holdoutShare,
    double calibrationShare,
    int trainingSample,
    String calibration,
    long seed,
    double regressionLambda,
    Trees trees,
    List<Double> bandShares,
    List<String> reasonsLeaveOut) {
  public RiskSettings {
    trainingCutoffsMonths = List.copyOf(trainingCutoffsMonths);
    bandShares = List.copyOf(bandShares);
    reasonsLeaveOut = List.copyOf(reasonsLeaveOut);
  }

  /** Gradient-boosted trees: number, depth, leaves, smallest node, learning rate, row sample. */
  public record Trees(
      int count, int maxDepth, int maxNodes, int nodeSize, double shrinkage, double subsample) {}
}

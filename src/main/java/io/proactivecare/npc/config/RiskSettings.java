package io.proactivecare.npc.config;

import io.proactivecare.npc.schema.Cols;
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
 * @param trainingSample about this many training rows are fitted on when there are more (each row
 *     with the same chance, by a hash of person and date)
 * @param calibration {@code platt} or {@code isotonic}
 * @param seed seeds the person split and the sample, so training is repeatable
 * @param regressionLambda the logistic regression's L2 penalty
 * @param trees the boosted trees' settings
 * @param bandShares the top shares that make the bands very high, high and moderate
 * @param reasonsLeaveOut features never given as a person's reasons (a categorical one by its
 *     column): those the lists show as columns and no one can act on, e.g. age and sex
 * @param inputs the model's inputs: features/person columns from {@link #INPUTS} (a categorical one
 *     by its column), {@link #EFI_DEFICITS} for every eFI deficit flag, or single deficit flags
 *     ({@code efi_<deficit>}); a model trained records them in its encoder
 * @param bootstrapReplicates resamples of the hold-out for the intervals of AUROC, calibration
 *     slope and top-5% sensitivity (0: none)
 * @param subgroupMinPeople a subgroup of the hold-out with fewer people has its metrics suppressed
 * @param subgroupMinEvents a subgroup with fewer outcomes has its metrics suppressed
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
    List<String> reasonsLeaveOut,
    List<String> inputs,
    int bootstrapReplicates,
    int subgroupMinPeople,
    int subgroupMinEvents) {
  public RiskSettings {
    trainingCutoffsMonths = List.copyOf(trainingCutoffsMonths);
    bandShares = List.copyOf(bandShares);
    reasonsLeaveOut = List.copyOf(reasonsLeaveOut);
    inputs = List.copyOf(inputs);
  }

  /** In {@code risk.inputs}: every eFI deficit flag ({@code efi_<deficit>}, 36 by default). */
  public static final String EFI_DEFICITS = "efi_deficits";

  /**
   * The features/person columns {@code risk.inputs} may name besides the deficit flags: numbers and
   * flags, and the categorical columns the model one-hot encodes (sex, ethnic category, social care
   * package). Identifiers, the detailed ethnic group, codes derived from a score that is itself an
   * input (deprivation quintile, eFI category, HFRS band) and the 12-month social care cost are not
   * inputs.
   */
  public static final List<String> INPUTS =
      List.of(
          Cols.AGE,
          Cols.SEX,
          Cols.ETHNIC_CATEGORY,
          Cols.IMD_DECILE,
          Cols.EFI_SCORE,
          Cols.DEFICIT_COUNT,
          Cols.LONG_TERM_CONDITIONS,
          Cols.HOUSEBOUND,
          Cols.HFRS_SCORE,
          Cols.MEDICINES_12M,
          Cols.EMERGENCY_ADMISSIONS_12M,
          Cols.EMERGENCY_ADMISSIONS_36M,
          Cols.EMERGENCY_ADMISSIONS_RECENT,
          Cols.UNPLANNED_BED_DAYS_12M,
          Cols.ELECTIVE_ADMISSIONS_12M,
          Cols.DAY_CASES_12M,
          Cols.AE_ATTENDANCES_12M,
          Cols.AE_TYPE1_ATTENDANCES_12M,
          Cols.OUTPATIENT_ATTENDANCES_12M,
          Cols.OUTPATIENT_DNAS_12M,
          Cols.DAYS_SINCE_EMERGENCY_ADMISSION,
          Cols.DAYS_SINCE_INPATIENT_STAY,
          Cols.DAYS_SINCE_AE_ATTENDANCE,
          Cols.DAYS_SINCE_OUTPATIENT_CONTACT,
          Cols.SOCIAL_CARE_ACTIVE,
          Cols.SOCIAL_CARE_PACKAGE,
          Cols.SOCIAL_CARE_WEEKLY_COST,
          Cols.SOCIAL_CARE_SERVICES_12M,
          Cols.CARE_HOME);

  /** Whether {@code name} is a single eFI deficit flag's name (checked against the features). */
  public static boolean deficitFlag(String name) {
    return name.startsWith(Cols.EFI_FLAG_PREFIX)
        && name.matches("[a-z][a-z0-9_]*")
        && !name.equals(EFI_DEFICITS)
        && !name.equals(Cols.EFI_SCORE)
        && !name.equals(Cols.EFI_CATEGORY);
  }

  /** Gradient-boosted trees: number, depth, leaves, smallest node, learning rate, row sample. */
  public record Trees(
      int count, int maxDepth, int maxNodes, int nodeSize, double shrinkage, double subsample) {}
}

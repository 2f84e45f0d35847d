package io.proactivecare.npc.config;

import java.util.List;

/**
 * How the programme is evaluated against matched controls (docs/evaluation.md).
 *
 * @param indexDate {@code next_month_start}: everyone enrolled in a month has the first day of the
 *     next month as index date, so each month is one risk set; {@code enrolment_date}: the
 *     enrolment date itself, each distinct date its own risk set (costlier: every candidate is
 *     measured at every distinct date)
 * @param baselineDays length of the window before the index date (covariates and pre-period)
 * @param followUpDays length of the window from the index date (post-period)
 * @param requireFullFollowUp whether enrolled people whose follow-up window ends after the extract
 *     date are left out (attrition: follow-up incomplete)
 * @param controls {@code all} (anyone not enrolled at the index date) or {@code
 *     non_participating_pcns} (only people registered in a PCN with no enrolment)
 * @param laterEnrolled what happens to a control who enrols during follow-up: {@code keep} (a
 *     control for the whole follow-up: "not enrolled at the index date", as the enrolled are kept
 *     after their enrolment ends), {@code censor} (follow-up ends the day before) or {@code drop}
 *     (never a candidate)
 * @param candidatesPerTreated risk-set sampling before the covariates are measured: in each block
 *     of index date and the exact strata known from registration and spells, about this many
 *     candidates per enrolled person are kept (seeded); 0 keeps every candidate
 * @param covariates the propensity model's inputs: feature columns, numeric or flags, plus the
 *     categorical {@code sex}
 * @param lambda the propensity model's L2 penalty (0: unpenalised maximum likelihood)
 * @param maxFitRows at most this many rows fit the propensity model: every enrolled person and a
 *     seeded sample of candidates, the intercept corrected for the sampling (CohortMethod's
 *     maxCohortSizeForFitting)
 * @param ratio controls per enrolled person (k:1)
 * @param caliper in standard deviations of the logit of the propensity score over everyone
 *     analysed; 0 means no caliper
 * @param exact matched exactly on these, besides the index date: sex, age_band, pcn, imd_quintile,
 *     prior_admissions, efi_category
 * @param order greedy order: {@code largest} (MatchIt's default) or {@code closest}
 *     (CohortMethod's)
 * @param balanceThreshold a covariate with |SMD| at or above this after matching is flagged
 * @param bootstrapReplicates resamples of matched sets for the bootstrap intervals
 * @param seed seeds the candidate sample and the bootstrap
 * @param confidence the intervals' level
 * @param breakdowns estimates are also given by: pcn, imd_quintile, sex, age_band
 * @param ageBands lower bounds of the reporting age bands
 * @param minGroupSize an estimate for a group with fewer enrolled or control people is withheld
 */
public record EvaluationSettings(
    String indexDate,
    int baselineDays,
    int followUpDays,
    boolean requireFullFollowUp,
    String controls,
    String laterEnrolled,
    int candidatesPerTreated,
    List<String> covariates,
    double lambda,
    int maxFitRows,
    int ratio,
    double caliper,
    List<String> exact,
    List<String> mahalanobis,
    String order,
    double balanceThreshold,
    int bootstrapReplicates,
    long seed,
    double confidence,
    List<String> breakdowns,
    List<Integer> ageBands,
    int minGroupSize) {
  public static final String NEXT_MONTH_START = "next_month_start";
  public static final String ENROLMENT_DATE = "enrolment_date";
  public static final String ALL = "all";
  public static final String NON_PARTICIPATING = "non_participating_pcns";
  public static final String KEEP = "keep";
  public static final String CENSOR = "censor";
  public static final String DROP = "drop";
  public static final String LARGEST = "largest";
  public static final String CLOSEST = "closest";
  public static final String SEX = "sex";
  public static final String AGE_BAND = "age_band";
  public static final String PCN = "pcn";
  public static final String IMD_QUINTILE = "imd_quintile";
  public static final List<String> STRATA = List.of(SEX, AGE_BAND, PCN, IMD_QUINTILE);

  /**
   * Emergency admissions in the 12 months before the index date, banded 0, 1, 2, 3+, and whether
   * one was in the recent window.
   */
  public static final String PRIOR_ADMISSIONS = "prior_admissions";

  /** The eFI category at the index date (fit, mild, moderate, severe). */
  public static final String EFI_CATEGORY = "efi_category";

  /** What {@code exact} may name: the strata, the banded prior admissions and the eFI category. */
  public static final List<String> EXACT =
      List.of(SEX, AGE_BAND, PCN, IMD_QUINTILE, PRIOR_ADMISSIONS, EFI_CATEGORY);

  public EvaluationSettings {
    covariates = List.copyOf(covariates);
    exact = List.copyOf(exact);
    breakdowns = List.copyOf(breakdowns);
    ageBands = List.copyOf(ageBands);
  }
}

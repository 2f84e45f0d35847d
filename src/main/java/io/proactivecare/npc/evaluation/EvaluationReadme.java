package io.proactivecare.npc.evaluation;

import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.disclosure.AggregateReadme;
import io.proactivecare.npc.schema.Cols;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * README.md of the evaluation's aggregate folder ({@code aggregate/DATE/evaluation/}): what each
 * file holds and what its columns mean, for a reader who has only the folder (docs/evaluation.md
 * has the method in full).
 */
final class EvaluationReadme {
  private EvaluationReadme() {}

  static void write(Path dir, LocalDate date, EvaluationSettings s) {
    AggregateReadme.write(dir, "Proactive care evaluation as of " + date, about(date, s), files(s));
  }

  static String about(LocalDate date, EvaluationSettings s) {
    return String.format(
        Locale.ROOT,
        "Did proactive care change unplanned care and frailty? Each enrolled person is compared"
            + " with %s similar %s not enrolled on the same day (their index date: %s), matched on"
            + " a propensity score of the covariates measured the day before%s, within the same"
            + " %s. Outcomes are counted over the %d days from the index date against the %d days"
            + " before it%s. Intervals are %s%% intervals. People enrolled are kept in their group"
            + " whatever happened later (intention to treat). Figures are as of %s;"
            + " person-level rows stay in the warehouse.",
        s.ratio() == 1 ? "one" : String.valueOf(s.ratio()),
        s.ratio() == 1 ? "person" : "people",
        EvaluationSettings.ENROLMENT_DATE.equals(s.indexDate())
            ? "the enrolment date"
            : "the first day of the month after enrolment",
        s.caliper() > 0
            ? String.format(Locale.ROOT, " (caliper %s SD of its logit)", plain(s.caliper()))
            : "",
        s.exact().isEmpty()
            ? "index date"
            : "index date and exact strata (" + String.join(", ", s.exact()) + ")",
        s.followUpDays(),
        s.baselineDays(),
        s.requireFullFollowUp()
            ? " (only people whose follow-up is complete by the as-of date are evaluated)"
            : "",
        plain(s.confidence() * 100),
        date);
  }

  private static String plain(double v) {
    return new java.math.BigDecimal(String.valueOf(v)).stripTrailingZeros().toPlainString();
  }

  static List<AggregateReadme.File> files(EvaluationSettings s) {
    return List.of(
        estimates(s),
        balance(s),
        attrition(),
        propensity(),
        AggregateReadme.measures(
            "for each estimate, its estimator's enrolled people (`ESTIMATOR_treated`, e.g."
                + " `matched_difference_treated`) and controls (`ESTIMATOR_controls`), whose"
                + " `measure`, `breakdown` and `level` are the estimate's (`n_treated` and"
                + " `n_control` of estimates.csv); and `attrition` (breakdown `step`, level the"
                + " step number of attrition.csv)"),
        reach(),
        AggregateReadme.measures(
                "among the people on the cohort lists: `listed`, `enrolled`, `enrolled_after`"
                    + " (after first listing), `enrolled_before`, `not_enrolled`; the enrolled"
                    + " never listed (`not_listed`) and all enrolled (`all_enrolled`); and the ratio"
                    + " `enrolment_rate` (enrolled ÷ listed, a proportion)")
            .named("reach_measures.csv"));
  }

  private static AggregateReadme.File estimates(EvaluationSettings s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "measure",
        "`emergency_admissions`, `unplanned_bed_days`, `ae_attendances`,"
            + " `outpatient_attendances`, `outpatient_dnas`, `social_care_packages`, `cost` (rates"
            + " per person-year), `death` (proportion), `efi_progression` (change in the eFI score"
            + " over the year, among people alive and registered a year on), and others listed in"
            + " the engine's docs/evaluation.md");
    m.put(
        "breakdown",
        "`overall` or one of "
            + String.join(", ", s.breakdowns())
            + ", taken from the enrolled person of each matched set");
    m.put(
        Cols.LEVEL,
        "`all` for overall; else the PCN code, quintile (1 most deprived), sex or age band");
    m.put(
        "estimator",
        "`matched_difference` (enrolled minus matched controls: the effect on the enrolled);"
            + " `difference_in_differences` (the same on each person's change from the year"
            + " before); `regression_adjusted` (adjusted for the covariates and the year before);"
            + " `naive_before_after` and `naive_treated_vs_all` are **naive** and shown only to"
            + " compare: the first mistakes regression to the mean for an effect");
    m.put(
        "interval",
        String.format(
            Locale.ROOT,
            "`bootstrap` (%d resamples of whole matched sets), `cluster_robust` (matched sets as"
                + " clusters) or `delta_method` (naive treated against all)",
            s.bootstrapReplicates()));
    m.put("unit", "the measure's unit, e.g. `per person-year`, `pounds per person-year`");
    m.put("estimate", "enrolled minus controls (negative: less with proactive care)");
    m.put("ci_low, ci_high", "the interval; empty when withheld");
    m.put("treated_mean, control_mean", "each group's mean (events over person-years for rates)");
    m.put("n_treated, n_control", "people in each group (rounded, `*` if suppressed)");
    m.put(
        "withheld",
        "true when the group has fewer than "
            + s.minGroupSize()
            + " enrolled people or controls, or a suppressed count: estimate and interval empty");
    return new AggregateReadme.File(
        "estimates.csv", "One estimate of one measure, for one group, by one estimator.", m);
  }

  private static AggregateReadme.File balance(EvaluationSettings s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("covariate", "a covariate of the propensity model (one row per level of a category)");
    m.put("binary", "true for a yes/no covariate (its mean is a proportion)");
    m.put(
        "mean_treated_before, mean_control_before",
        "means over everyone enrolled and every candidate, before matching");
    m.put(
        "smd_att_before, smd_pooled_before",
        "standardised mean difference before matching: by the enrolled people's SD, or by the"
            + " pooled SD");
    m.put("variance_ratio_before", "variance of the enrolled over that of the candidates");
    m.put(
        "mean_treated_after, mean_control_after, smd_att_after, smd_pooled_after,"
            + " variance_ratio_after",
        "the same in the matched sample");
    m.put(
        "imbalanced", "true when |SMD| after matching is at least " + plain(s.balanceThreshold()));
    return new AggregateReadme.File(
        "balance.csv",
        "How alike the enrolled people and their controls were, covariate by covariate. Means are"
            + " over whole groups and are published as they are.",
        m);
  }

  private static AggregateReadme.File attrition() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("step", "the order of the steps");
    m.put(
        "description",
        "what the step keeps: enrolled people, those with complete follow-up, registered and"
            + " eligible, matched; then the candidates and the matched controls");
    m.put("people", "people (or candidate person-dates) left after the step (rounded)");
    return new AggregateReadme.File(
        "attrition.csv", "Who was evaluated: each step from everyone enrolled to the matched.", m);
  }

  private static AggregateReadme.File propensity() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "kind",
        "`coefficient` (log odds of enrolment per unit of the covariate) or `metric`:"
            + " `auroc`, `sd_logit` (SD of the score's logit), `caliper_logit` (the caliper in"
            + " logit units), `candidate_sampling_fraction` (share of candidates that fitted the"
            + " model)");
    m.put("term", "the covariate, `(intercept)`, or the metric's name");
    m.put("value", "its value");
    return new AggregateReadme.File(
        "propensity.csv",
        "The propensity model: how strongly each covariate predicted enrolment.",
        m);
  }

  private static AggregateReadme.File reach() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "breakdown, level",
        "`overall`/`all`, or by pcn, imd_quintile, ethnic_category, age_band, sex");
    m.put("n_listed", "people on a cohort list by the as-of date (first listing in this group)");
    m.put("n_enrolled", "of them, enrolled by the as-of date");
    m.put("n_enrolled_after_listing", "of them, first enrolled on or after their first listing");
    m.put("enrolment_rate", "`n_enrolled` ÷ `n_listed`, from the published counts (0 to 1)");
    m.put(
        "days_to_enrolment_q1, days_to_enrolment_median, days_to_enrolment_q3",
        "quartiles of the days from first listing to enrolment");
    m.put("withheld", "true when the quartiles are withheld (too few people)");
    m.put(
        "n_enrolled_not_listed",
        "enrolled people never listed (overall and by PCN; empty on other breakdowns)");
    return new AggregateReadme.File(
        "reach.csv",
        "Written by the evaluation job's reach step: whether the people on the lists were enrolled,"
            + " and how soon, by group.",
        m);
  }
}

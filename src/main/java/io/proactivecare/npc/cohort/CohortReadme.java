package io.proactivecare.npc.cohort;

import io.proactivecare.npc.config.CohortSettings;
import io.proactivecare.npc.config.CostSettings;
import io.proactivecare.npc.disclosure.AggregateReadme;
import io.proactivecare.npc.schema.Cols;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** README.md of the cohort's aggregate folder ({@code aggregate/DATE/cohort/}): docs/cohort.md. */
final class CohortReadme {
  private CohortReadme() {}

  static void write(Path dir, LocalDate date, CohortSettings settings, CostSettings costs) {
    AggregateReadme.write(
        dir,
        "Proactive care cohort: aggregates as of " + date,
        String.format(
            Locale.ROOT,
            "The cohort is the highest-risk %s%% of the eligible population (adults registered with"
                + " a practice in a PCN, not excluded), chosen by the risk model as of %s. These"
                + " files say how much of the population's unplanned care the cohort accounts for,"
                + " who is in it, how the lists changed since the previous run and how the cohort"
                + " was reached. Activity is the 12 months to %s. Person-level lists are not here:"
                + " each PCN's list goes to that PCN only.",
            new java.math.BigDecimal(String.valueOf(settings.share() * 100))
                .stripTrailingZeros()
                .toPlainString(),
            date,
            date),
        List.of(
            concentration(costs),
            profile(),
            churn(),
            funnel(),
            AggregateReadme.measures(
                "`cohort`; `eligible`; `registered` (everyone registered); `rest` (eligible, not in"
                    + " the cohort); `ineligible` (registered, not eligible); the funnel's stages"
                    + " (`excluded_...`, `selected`, `retained`); the lists' changes (`list_stayed`,"
                    + " `list_entered`, `list_left`, `list_left_...`, `list_previous`); and the"
                    + " ratios `cohort_share_of_eligible`, `cohort_share_of_registered` (the"
                    + " concentration table's shares) and `cohort_make_up`, `eligible_make_up`"
                    + " (the profile table's percentages)")));
  }

  private static AggregateReadme.File concentration(CostSettings c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "base",
        "`eligible`: shares of the population the cohort is drawn from; `registered`: of everyone"
            + " registered, all ages");
    m.put("scope", "`overall`, `pcn_code` (one row per PCN) or `imd_quintile` (deprivation)");
    m.put(
        Cols.LEVEL,
        "`all` for overall; else the PCN's ODS code (`none`: not in a PCN) or the quintile (1 is"
            + " the most deprived; `unknown`)");
    m.put(
        "measure",
        String.format(
            Locale.ROOT,
            "`people` (count of people); `unplanned_bed_days` (nights in hospital after emergency"
                + " admissions); `emergency_admissions`, `ae_attendances`, `outpatient_attendances`"
                + " (attended appointments), `social_care_packages` (packages active at any time;"
                + " counts); `cost` (**whole pounds**: bed days × £%,.0f + elective admissions ×"
                + " £%,.0f + day cases × £%,.0f + A&E attendances × £%,.0f + outpatient"
                + " appointments × £%,.0f + each social care package's weekly cost for its days"
                + " active; illustrative unit costs set in the engine's configuration)",
            c.emergencyBedDay(),
            c.electiveAdmission(),
            c.dayCase(),
            c.aeAttendance(),
            c.outpatientAttendance()));
    m.put("cohort_value", "the measure among the cohort in that group");
    m.put("population_value", "the measure among the base population in that group");
    m.put(
        "cohort_share_pct",
        "cohort_value ÷ population_value × 100, from the published (rounded) values, one decimal");
    return new AggregateReadme.File(
        "concentration.csv",
        "One row per base, scope, group and measure: the cohort's share of it.",
        m);
  }

  private static AggregateReadme.File profile() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("dimension", "`imd_quintile`, `sex`, `age_band` or `ethnic_category`");
    m.put(
        Cols.LEVEL,
        "the value: quintile 1 (most deprived) to 5; sex F, M, I, U; age band by its lower bound"
            + " (e.g. `75-84`); ethnic category (NHS data dictionary code)");
    m.put("cohort_people", "people in the cohort in that group");
    m.put("cohort_pct", "cohort_people as a percentage of the cohort");
    m.put("population_people", "people in the eligible population in that group");
    m.put("population_pct", "population_people as a percentage of the eligible population");
    m.put(
        "representation_ratio",
        "cohort_pct ÷ population_pct, two decimals: above 1, the group is over-represented in"
            + " the cohort");
    return new AggregateReadme.File(
        "profile.csv", "The cohort's make-up against the eligible population's.", m);
  }

  private static AggregateReadme.File churn() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Cols.PCN_CODE, "the PCN list (ODS code), or `all`: the sum over the lists");
    m.put("previous_size", "people on the list at the previous run");
    m.put("stayed", "on it then and now");
    m.put("entered", "on it now, not then (new to the cohort, or moved in from another PCN)");
    m.put("left", "on it then, not now");
    for (String reason : Cohort.LEAVING_REASONS) {
      m.put("left_" + reason, "of those who left: " + reason.replace('_', ' '));
    }
    m.put("current_size", "people on the list now");
    return new AggregateReadme.File(
        "churn.csv",
        "One row per PCN list: how it changed since the previous run (all people counts). A"
            + " person who moved PCN leaves one list and enters another.",
        m);
  }

  private static AggregateReadme.File funnel() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "stage",
        "in order: `registered` (alive and registered at the date), `excluded_under_age`,"
            + " `excluded_outside_area` (practice in no PCN), `excluded_not_scored`,"
            + " `excluded_care_home`, `excluded_palliative_care`, `eligible`, `selected` (the top"
            + " share by risk), `retained` (kept by stickiness), `in_cohort`");
    m.put("people", "people at that stage");
    return new AggregateReadme.File(
        "funnel.csv", "From everyone registered to the cohort, one row per stage.", m);
  }
}

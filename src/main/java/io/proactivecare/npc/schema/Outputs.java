package io.proactivecare.npc.schema;

import static io.proactivecare.npc.schema.OutputColumn.nullable;
import static io.proactivecare.npc.schema.OutputColumn.of;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.proactivecare.npc.cohort.Cohort;
import io.proactivecare.npc.cohort.CohortStep;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.evaluation.EvaluationStep;
import io.proactivecare.npc.evaluation.OutcomeWindows;
import io.proactivecare.npc.evaluation.ReachStep;
import io.proactivecare.npc.features.Features;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.frailty.EfiDefinition;
import io.proactivecare.npc.frailty.FrailtyStep;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.monitoring.MonitoringStep;
import io.proactivecare.npc.report.ReportStep;
import io.proactivecare.npc.risk.ModelRegistry;
import io.proactivecare.npc.risk.RiskScoreStep;
import io.proactivecare.npc.risk.RiskTrainStep;
import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.warehouse.Sensitivity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The contract of every published output, as code: each output's columns (name, Spark type, whether
 * it may be empty, meaning), its sensitivity and the step that writes it, declared once. Steps
 * shape what they write from here ({@link OutputContract#select}, {@link OutputContract#schema}),
 * {@code StepContext.write} checks every dataset against it before writing, and the outputs half of
 * docs/data-contracts.md is generated from it ({@link OutputsDoc}), as the inputs half is from
 * {@link Contracts}. The ingested tables ({@code conformed/<table>}) are the input contracts' own.
 *
 * <p>Other classes never build a static field from these declarations (they ask in their methods),
 * so this class may read their constants without an initialisation cycle.
 */
public final class Outputs {
  private Outputs() {}

  private static final ArrayType TEXTS = DataTypes.createArrayType(StringType, false);
  private static final String PATIENT = "Pseudonymised person key";

  // ---------------------------------------------------------------------------------------------
  // Ingest

  public static final OutputContract QUARANTINE =
      table(
          IngestStep.QUARANTINE,
          IngestStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One row per rejected input row, partitioned by `table` (a folder per table).",
          "the extract date",
          of(Cols.TABLE, StringType, "Canonical table the row was for"),
          of(Cols.SOURCE_FILE, StringType, "The input file"),
          of(Cols.ROW_NUMBER, LongType, "Data row in the file, 1 = first row after the header"),
          of(Cols.REASON_CODE, StringType, "First failed rule (a reason code above)"),
          nullable(Cols.REASON_COLUMN, StringType, "The column it applies to, if any"),
          of(Cols.REASON_DETAIL, StringType, "The problem in words, with the value"),
          of(Cols.REASONS, TEXTS, "Every failed rule as `CODE:column`"),
          of(
              Cols.RECORD,
              StringType,
              "The row's original fields as JSON (or its raw text for MALFORMED_ROW)"));

  // ---------------------------------------------------------------------------------------------
  // Frailty (docs/frailty.md)

  public static final OutputContract DEFICIT_PERIODS =
      table(
          FrailtyStep.PERIODS,
          FrailtyStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One period in which a person had an eFI deficit, worked out once from the whole record.",
          "the extract date of `gp_events`",
          of(Cols.PERSON_ID, StringType, PATIENT),
          of(Cols.DEFICIT_NO, IntegerType, "The deficit's number in `frailty.deficits` (1 to 36)"),
          of(Cols.PERIOD_START, DateType, "First day the person had the deficit"),
          nullable(
              Cols.PERIOD_END,
              DateType,
              "Last day of the period; empty while open (a coded deficit, once recorded, stays)"));

  /** One deficit present at the date: an element of {@code frailty/efi}'s {@code deficits}. */
  public static final StructType DEFICIT_ENTRY =
      new StructType()
          .add(Cols.DEFICIT_NO, IntegerType, false)
          .add(Cols.DEFICIT, StringType, false)
          .add(Cols.FIRST_RECORDED, DateType, false);

  public static final OutputContract EFI =
      table(
          FrailtyStep.EFI,
          FrailtyStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One adult (at least `frailty.min_age`) registered and alive at the as-of date.",
          "the as-of date",
          of(Cols.PERSON_ID, StringType, PATIENT),
          of(Cols.AS_OF, DateType, "The date scored (the as-of date)"),
          of(Cols.PRACTICE_CODE, StringType, "Practice registered with at the date"),
          nullable(Cols.PCN_CODE, StringType, "Its PCN at the date; empty when in none"),
          of(Cols.SEX, StringType, "F, M, I or U, from the registration"),
          of(Cols.AGE, IntegerType, "Whole years at the date (assumed birthday)"),
          of(Cols.DEFICIT_COUNT, IntegerType, "Deficits present at the date (0 to 36)"),
          of(Cols.EFI_SCORE, DoubleType, "eFI: deficits present / 36"),
          of(
              Cols.EFI_CATEGORY,
              StringType,
              "fit (0-4 deficits), mild (5-8), moderate (9-12), severe (13 or more)"),
          of(
              Cols.OUTSIDE_VALIDATED_AGE,
              BooleanType,
              "True outside `frailty.validated_ages` (65-95), where the eFI is not validated"),
          of(
              Cols.POLYPHARMACY_MEDICINES,
              IntegerType,
              "Distinct medicines issued in the polypharmacy window to the date"),
          of(
              Cols.DEFICITS,
              DataTypes.createArrayType(DEFICIT_ENTRY, false),
              "The deficits present, in number order, each with its name and the date first"
                  + " recorded (for polypharmacy, the start of the current period)"));

  public static final OutputContract HFRS =
      table(
          FrailtyStep.HFRS,
          FrailtyStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "The same people as `frailty/efi`, at the same date.",
          "the as-of date",
          of(Cols.PERSON_ID, StringType, PATIENT),
          of(Cols.AS_OF, DateType, "The date scored (the as-of date)"),
          of(
              Cols.HFRS_SCORE,
              DoubleType,
              "Hospital Frailty Risk Score: points of the distinct scoring ICD-10 codes of spells"
                  + " in the look-back"),
          of(Cols.HFRS_BAND, StringType, "low (below 5), intermediate (5 to 15), high (above 15)"),
          of(Cols.HFRS_CODES, TEXTS, "The scoring three-character ICD-10 codes, sorted"),
          of(Cols.HFRS_SPELLS, IntegerType, "Spells in the look-back, scoring or not"));

  public static final OutputContract TRAJECTORY =
      table(
          FrailtyStep.TRAJECTORY,
          FrailtyStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One adult registered at a quarter end, per quarter end (`frailty.trajectory_quarters`;"
              + " written with `trajectory: true`).",
          "the as-of date",
          of(Cols.PERSON_ID, StringType, PATIENT),
          of(Cols.AS_OF, DateType, "The quarter end"),
          of(Cols.AGE, IntegerType, "Whole years at the quarter end"),
          of(Cols.DEFICIT_COUNT, IntegerType, "Deficits present at the quarter end"),
          of(Cols.EFI_SCORE, DoubleType, "eFI at the quarter end"),
          of(Cols.EFI_CATEGORY, StringType, "Its category: fit, mild, moderate, severe"));

  public static final OutputContract PROGRESSION =
      table(
          FrailtyStep.PROGRESSION,
          FrailtyStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One person in `frailty/trajectory`: how their eFI moved over the quarter ends.",
          "the as-of date",
          of(Cols.PERSON_ID, StringType, PATIENT),
          of(Cols.TRAJECTORY_POINTS, IntegerType, "Quarter ends at which the person was scored"),
          of(Cols.FIRST_DATE, DateType, "The first of them"),
          of(Cols.LAST_DATE, DateType, "The last of them"),
          of(Cols.FIRST_SCORE, DoubleType, "eFI at the first"),
          of(Cols.LAST_SCORE, DoubleType, "eFI at the last"),
          of(Cols.DEFICITS_GAINED, IntegerType, "Deficit count at the last minus at the first"),
          nullable(
              Cols.EFI_CHANGE_PER_YEAR,
              DoubleType,
              "Least-squares slope of the eFI against years (365.25 days); empty with fewer than"
                  + " two points"));

  // ---------------------------------------------------------------------------------------------
  // Features (docs/features.md)

  /** The person's own columns of {@code features/person}, shared with the evaluation's rows. */
  public static final OutputContract FEATURES =
      table(
          FeaturesStep.OUTPUT,
          FeaturesStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One person registered and alive at the as-of date, all ages. \"12 months\" is the 365"
              + " days ending on the date (`features.window_days`).",
          "the as-of date",
          of(Cols.PERSON_ID, StringType, PATIENT),
          of(Cols.AS_OF, DateType, "The date the features describe"),
          of(Cols.PRACTICE_CODE, StringType, "Practice registered with at the date"),
          nullable(Cols.PCN_CODE, StringType, "Its PCN at the date; empty when in none"),
          of(Cols.AGE, IntegerType, "Whole years at the date (assumed birthday)"),
          of(Cols.SEX, StringType, "F, M, I or U, from the registration"),
          nullable(
              Cols.ETHNIC_GROUP,
              StringType,
              "NHS ethnic category code (A to S, Z, 99), as registered"),
          of(
              Cols.ETHNIC_CATEGORY,
              StringType,
              "Its group: White (A-C), Mixed (D-G), Asian (H-L), Black (M-P), Other (R, S) or"
                  + " Unknown"),
          nullable(Cols.LSOA_CODE, StringType, "LSOA on the registration in force"),
          nullable(
              Cols.IMD_DECILE,
              IntegerType,
              "Its IMD decile (`features.imd_vintage`; 1 most deprived); empty when not known"),
          nullable(Cols.IMD_QUINTILE, IntegerType, "ceil(decile / 2); empty when not known"),
          of(Cols.EFI_SCORE, DoubleType, "eFI at the date"),
          of(Cols.DEFICIT_COUNT, IntegerType, "eFI deficits present at the date"),
          of(Cols.EFI_CATEGORY, StringType, "fit, mild, moderate or severe"),
          OutputColumn.repeated(
              Cols.EFI_FLAG_PREFIX + "<deficit>",
              BooleanType,
              "True when the deficit is present at the date",
              new OutputColumn.Repeat(
                  "one per deficit of `frailty.deficits` (36), in number order, named `efi_` and"
                      + " the deficit's name in lower-case words joined by `_` (e.g. `efi_falls`,"
                      + " `efi_polypharmacy`)",
                  Outputs::deficitFlags)),
          of(
              Cols.LONG_TERM_CONDITIONS,
              IntegerType,
              "How many of the deficits in `features.long_term_conditions` are present"),
          of(Cols.HOUSEBOUND, BooleanType, "The eFI deficit Housebound is present"),
          of(Cols.HFRS_SCORE, DoubleType, "HFRS at the date"),
          of(Cols.HFRS_BAND, StringType, "low, intermediate or high"),
          of(
              Cols.MEDICINES_12M,
              IntegerType,
              "Distinct medicines issued in the eFI polypharmacy window to the date"),
          of(
              Cols.EMERGENCY_ADMISSIONS_12M,
              IntegerType,
              "Emergency admissions (admission method 2x) in 12 months"),
          of(
              Cols.EMERGENCY_ADMISSIONS_36M,
              IntegerType,
              "The same in 36 months (`features.long_window_days`)"),
          of(
              Cols.EMERGENCY_ADMISSIONS_RECENT,
              IntegerType,
              "The same in the last 90 days (`features.recent_window_days`)"),
          of(
              Cols.UNPLANNED_BED_DAYS_12M,
              IntegerType,
              "Nights in hospital after emergency admissions, inside the 12 months"),
          of(
              Cols.ELECTIVE_ADMISSIONS_12M,
              IntegerType,
              "Elective ordinary admissions (method 1x, classification 1) in 12 months"),
          of(
              Cols.DAY_CASES_12M,
              IntegerType,
              "Day cases (method 1x, classification 2) in 12 months"),
          of(
              Cols.DAYS_SINCE_EMERGENCY_ADMISSION,
              IntegerType,
              "Days from the latest emergency admission to the date; `features.recency_cap_days`"
                  + " when none"),
          of(
              Cols.DAYS_SINCE_INPATIENT_STAY,
              IntegerType,
              "Days from the latest ordinary or day-case admission; capped likewise"),
          of(
              Cols.AE_ATTENDANCES_12M,
              IntegerType,
              "Unplanned A&E attendances (`features.ae_*`) in 12 months"),
          of(Cols.AE_TYPE1_ATTENDANCES_12M, IntegerType, "The same at type 01 departments only"),
          of(
              Cols.DAYS_SINCE_AE_ATTENDANCE,
              IntegerType,
              "Days from the latest counted A&E arrival; capped likewise"),
          of(
              Cols.OUTPATIENT_ATTENDANCES_12M,
              IntegerType,
              "Attended outpatient appointments in 12 months"),
          of(
              Cols.OUTPATIENT_DNAS_12M,
              IntegerType,
              "Outpatient appointments not attended in 12 months"),
          of(
              Cols.DAYS_SINCE_OUTPATIENT_CONTACT,
              IntegerType,
              "Days from the latest attended appointment; capped likewise"),
          of(Cols.SOCIAL_CARE_ACTIVE, BooleanType, "A social care package is active at the date"),
          of(
              Cols.SOCIAL_CARE_PACKAGE,
              StringType,
              "The highest active package: nursing, residential, community, short_term or none"),
          of(
              Cols.SOCIAL_CARE_WEEKLY_COST,
              DoubleType,
              "Weekly cost of the active packages, in pounds"),
          of(
              Cols.SOCIAL_CARE_COST_12M,
              DoubleType,
              "Cost of the packages' days inside the 12 months, in pounds"),
          of(
              Cols.SOCIAL_CARE_SERVICES_12M,
              IntegerType,
              "Packages active at any time in the 12 months"),
          of(Cols.CARE_HOME, BooleanType, "An active long-term nursing or residential package"));

  /** A column of {@code features/person}, carried through as it is there. */
  private static OutputColumn feature(String name) {
    return FEATURES.column(name);
  }

  /** The eFI deficit flags' names under {@code config}, in deficit number order. */
  static List<String> deficitFlags(NpcConfig config) {
    return EfiDefinition.load(config.frailty()).deficits().values().stream()
        .map(Features::flag)
        .toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Risk (docs/model.md)

  public static final OutputContract MODEL =
      new OutputContract(
          ModelRegistry.OUTPUT,
          RiskTrainStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One trained model: the model, its card, and its hold-out metrics, one row per metric of"
              + " a subgroup.",
          "the model id",
          List.of(
              of(Scoring.MODEL_ID, StringType, "The model"),
              of(
                  "subgroup",
                  StringType,
                  "`all`, or the hold-out's breakdown: sex, age_band, imd_quintile,"
                      + " ethnic_category"),
              of(Cols.LEVEL, StringType, "`all`, or the group within the subgroup"),
              of(
                  "metric",
                  StringType,
                  "auroc, auprc, brier, calibration slope and intercept, top-5% sensitivity and"
                      + " PPV, intervals, deciles, events, or `suppressed` (value 1)"),
              of(Cols.VALUE, DoubleType, "Its value (NaN when it is not a number)"),
              of("n", LongType, "Hold-out rows it is computed over")),
          Optional.of(
              "`model.bin` (the model, encoder, calibration and reasons), `card.json` and"
                  + " `card.md` (the model card), and `metrics/`: Parquet, the columns below"));

  public static final OutputContract SCORES =
      table(
          RiskScoreStep.SCORES,
          RiskScoreStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One person of `features/person` aged at least `risk.min_age`, scored by the current"
              + " model.",
          "the as-of date",
          feature(Cols.PERSON_ID),
          of(Cols.AS_OF, DateType, "The date scored"),
          feature(Cols.PRACTICE_CODE),
          feature(Cols.PCN_CODE),
          of(Scoring.PROBABILITY, DoubleType, "The calibrated probability of the outcome"),
          of(Scoring.RANK, IntegerType, "1 = highest probability; ties by person id"),
          of(Scoring.PERCENTILE, DoubleType, "100 × the share of people scored below"),
          of(
              Scoring.BAND,
              StringType,
              "very high, high, moderate or low, by rank (`risk.band_shares`)"),
          of(
              Scoring.FACTORS,
              TEXTS,
              "Up to three reasons that raise the person's risk most, in plain words"),
          of(Scoring.MODEL_ID, StringType, "The model used"));

  // ---------------------------------------------------------------------------------------------
  // The cohort (docs/cohort.md)

  public static final OutputContract ELIGIBILITY =
      table(
          CohortStep.ELIGIBILITY,
          CohortStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One person of `features/person`: eligible or why not, ranked, selected or retained. The"
              + " score's columns are empty for a person not scored.",
          "the as-of date",
          feature(Cols.PERSON_ID),
          of(Cols.AS_OF, DateType, "The cohort's date"),
          feature(Cols.PRACTICE_CODE),
          feature(Cols.PCN_CODE),
          feature(Cols.AGE),
          feature(Cols.SEX),
          feature(Cols.ETHNIC_CATEGORY),
          feature(Cols.IMD_QUINTILE),
          feature(Cols.EFI_SCORE),
          feature(Cols.EFI_CATEGORY),
          SCORES.column(Scoring.PROBABILITY).orEmpty(),
          SCORES.column(Scoring.PERCENTILE).orEmpty(),
          SCORES.column(Scoring.BAND).orEmpty(),
          SCORES.column(Scoring.FACTORS).orEmpty(),
          SCORES.column(Scoring.MODEL_ID).orEmpty(),
          feature(Cols.EMERGENCY_ADMISSIONS_12M),
          feature(Cols.UNPLANNED_BED_DAYS_12M),
          feature(Cols.AE_ATTENDANCES_12M),
          feature(Cols.OUTPATIENT_ATTENDANCES_12M),
          feature(Cols.SOCIAL_CARE_ACTIVE),
          feature(Cols.SOCIAL_CARE_PACKAGE),
          feature(Cols.SOCIAL_CARE_SERVICES_12M),
          of(
              Cols.COST_12M,
              LongType,
              "Cost of the 12 months' hospital activity (`costs.*`) and social care, whole pounds"),
          feature(Cols.CARE_HOME),
          of(Cols.PALLIATIVE_CARE, BooleanType, "On the palliative care register at the date"),
          nullable(
              Cols.EXCLUSION,
              StringType,
              "The first rule that excludes the person: under_age, outside_area, not_scored,"
                  + " care_home, palliative_care; empty when eligible"),
          of(Cols.ELIGIBLE, BooleanType, "Not excluded"),
          nullable(
              Cols.COHORT_RANK,
              IntegerType,
              "Rank by risk among the eligible (of the area or PCN, `cohort.scope`); empty when"
                  + " not eligible"),
          of(Cols.SELECTED, BooleanType, "Within the top `cohort.share` of the ranking"),
          of(
              Cols.RETAINED,
              BooleanType,
              "Kept from the previous cohort by stickiness (`cohort.stay_share`)"),
          of(Cols.IN_COHORT, BooleanType, "Selected or retained"));

  public static final OutputContract LIST =
      table(
          CohortStep.LIST,
          CohortStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One person on a PCN's list: the cohort's members (new, continuing) and the previous"
              + " run's members no longer on that list (leaving). A leaver whose risk fell is shown"
              + " as now; any other leaver as last listed.",
          "the as-of date",
          of(Cols.AS_OF, DateType, "The date the list is as of"),
          of(Cols.PCN_CODE, StringType, "The list's PCN"),
          nullable(
              Cols.LIST_RANK, IntegerType, "1 is the highest risk on this list; empty for leavers"),
          feature(Cols.PERSON_ID),
          feature(Cols.PRACTICE_CODE),
          of(Cols.STATUS, StringType, "new, continuing or leaving"),
          nullable(
              Cols.CHANGE_REASON,
              StringType,
              "Why (docs/cohort.md, \"Flags\"): first_run, moved_in, joined; moved_practice;"
                  + " died, deregistered, moved_out_of_area, moved_pcn, entered_care_home,"
                  + " palliative_care, not_scored, risk_fell"),
          of(Cols.IN_COHORT, BooleanType, "In the cohort at the date (false for leavers)"),
          of(
              Cols.IN_COHORT_SINCE,
              DateType,
              "As-of date of the run in which the unbroken membership began"),
          ELIGIBILITY.column(Cols.RETAINED),
          feature(Cols.AGE),
          feature(Cols.SEX),
          SCORES.column(Scoring.PROBABILITY),
          SCORES.column(Scoring.PERCENTILE),
          SCORES.column(Scoring.BAND),
          ELIGIBILITY.column(Cols.COHORT_RANK),
          nullable(
              Cols.PREVIOUS_RISK_PERCENTILE,
              DoubleType,
              "The percentile in the previous published scores; empty when not scored then"),
          of(
              Cols.RISING_RISK,
              BooleanType,
              "The percentile rose by at least `cohort.rising_points` since then"),
          SCORES.column(Scoring.FACTORS),
          feature(Cols.EFI_CATEGORY),
          feature(Cols.EFI_SCORE),
          of(Cols.MODERATE_OR_SEVERE_FRAILTY, BooleanType, "eFI category moderate or severe"),
          feature(Cols.EMERGENCY_ADMISSIONS_12M),
          feature(Cols.UNPLANNED_BED_DAYS_12M),
          feature(Cols.AE_ATTENDANCES_12M),
          feature(Cols.OUTPATIENT_ATTENDANCES_12M),
          feature(Cols.SOCIAL_CARE_ACTIVE),
          feature(Cols.SOCIAL_CARE_PACKAGE),
          SCORES.column(Scoring.MODEL_ID),
          nullable(
              Cols.ENROLLED,
              BooleanType,
              "Enrolled in proactive care at the date; empty when the extract has no enrolments"),
          nullable(
              Cols.ENROLLED_SINCE,
              DateType,
              "Start of that enrolment; empty when not enrolled or not known"));

  public static final OutputContract CONCENTRATION =
      table(
          CohortStep.CONCENTRATION,
          CohortStep.KIND,
          Sensitivity.AGGREGATE,
          "One base, scope, level and measure: the cohort's share of it. Counts after disclosure"
              + " control; a suppressed value is empty.",
          "the as-of date",
          of(
              "base",
              StringType,
              "eligible (the population the cohort is drawn from) or registered (everyone)"),
          of("scope", StringType, "overall, pcn_code or imd_quintile"),
          of(Cols.LEVEL, StringType, "all, a PCN's code (none: in no PCN) or a quintile (unknown)"),
          of(
              Cols.MEASURE,
              StringType,
              "people, unplanned_bed_days, emergency_admissions, ae_attendances,"
                  + " outpatient_attendances, social_care_packages or cost (whole pounds)"),
          nullable("cohort_value", LongType, "The measure among the cohort in the group"),
          nullable("population_value", LongType, "The measure among the base in the group"),
          nullable(
              "cohort_share_pct",
              DoubleType,
              "cohort_value ÷ population_value × 100, from the published values"));

  public static final OutputContract PROFILE =
      table(
          CohortStep.PROFILE,
          CohortStep.KIND,
          Sensitivity.AGGREGATE,
          "One group of a dimension: the cohort's make-up against the eligible population's.",
          "the as-of date",
          of("dimension", StringType, "imd_quintile, sex, age_band or ethnic_category"),
          of(Cols.LEVEL, StringType, "The group, e.g. quintile 1 or age band 75-84"),
          nullable("cohort_people", LongType, "People in the cohort in the group"),
          nullable("cohort_pct", DoubleType, "cohort_people as a percentage of the cohort"),
          nullable("population_people", LongType, "Eligible people in the group"),
          nullable("population_pct", DoubleType, "As a percentage of the eligible population"),
          nullable(
              "representation_ratio",
              DoubleType,
              "cohort_pct ÷ population_pct: above 1, over-represented in the cohort"));

  public static final OutputContract CHURN =
      table(
          CohortStep.CHURN,
          CohortStep.KIND,
          Sensitivity.AGGREGATE,
          "One PCN list, and `all` (the sum over lists): how it changed since the previous run.",
          "the as-of date",
          churnColumns());

  private static OutputColumn[] churnColumns() {
    List<OutputColumn> c = new ArrayList<>();
    c.add(of(Cols.PCN_CODE, StringType, "The PCN list, or all"));
    c.add(nullable("previous_size", LongType, "People on the list at the previous run"));
    c.add(nullable("stayed", LongType, "On it then and now"));
    c.add(nullable("entered", LongType, "On it now, not then"));
    c.add(nullable("left", LongType, "On it then, not now"));
    for (String reason : Cohort.LEAVING_REASONS) {
      c.add(nullable("left_" + reason, LongType, "Of those who left: " + reason.replace('_', ' ')));
    }
    c.add(nullable("current_size", LongType, "People on the list now"));
    return c.toArray(OutputColumn[]::new);
  }

  public static final OutputContract FUNNEL =
      table(
          CohortStep.FUNNEL,
          CohortStep.KIND,
          Sensitivity.AGGREGATE,
          "One stage from everyone registered to the cohort, in order.",
          "the as-of date",
          of(
              "stage",
              StringType,
              "registered, excluded_<rule> for each exclusion, eligible, selected, retained,"
                  + " in_cohort"),
          nullable("people", LongType, "People at the stage"));

  /**
   * The long measures table every stage's aggregates are built as (docs/disclosure.md, "The
   * measures table"): one row per figure and one per ratio or statistic.
   */
  public static final List<OutputColumn> MEASURE_COLUMNS =
      List.of(
          of(Cols.MEASURE, StringType, "What is counted: people, or a sum such as bed days"),
          of("population", StringType, "Among whom, e.g. cohort, eligible, listed"),
          of(Cols.BREAKDOWN, StringType, "overall, or the column broken down by"),
          of(Cols.LEVEL, StringType, "The group within the breakdown (all for overall)"),
          nullable(
              "numerator",
              LongType,
              "The figure after control (for a ratio or statistic, the figure it rests on);"
                  + " empty when suppressed"),
          nullable(
              "denominator_population",
              StringType,
              "A ratio's denominator's population; empty for a figure"),
          nullable("denominator", LongType, "A ratio's denominator after control"),
          nullable(
              Cols.VALUE,
              DoubleType,
              "The figure, the ratio from the rounded figures, or the statistic"),
          nullable(
              "suppressed", StringType, "small, secondary or from_counts; empty when published"));

  public static final OutputContract COHORT_MEASURES =
      measures(
          CohortStep.MEASURES,
          CohortStep.KIND,
          "Every figure of the cohort's other aggregates, and the complements a reader could work"
              + " out by subtraction.");

  // ---------------------------------------------------------------------------------------------
  // Monitoring (docs/operations.md, "Monitoring")

  public static final OutputContract MONITORING_MEASURES =
      measures(
          MonitoringStep.MEASURES,
          MonitoringStep.KIND,
          "This run's monitoring figures: each ingested table's rows read and quarantined, the"
              + " people in each risk-score bin of this and the previous run with their PSI, and"
              + " the AUROC and calibration of the scores published a horizon earlier.");

  // ---------------------------------------------------------------------------------------------
  // Evaluation (docs/evaluation.md)

  public static final OutputContract CANDIDATES =
      table(
          EvaluationStep.CANDIDATES,
          EvaluationStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One enrolled person or candidate control at an index date, with the features of"
              + " `features/person` the day before it (the date of every feature below) and the"
              + " propensity score.",
          "the as-of date",
          candidateColumns());

  private static OutputColumn[] candidateColumns() {
    List<OutputColumn> c = new ArrayList<>();
    c.add(of(Cols.PERSON_ID, StringType, PATIENT));
    c.add(of(Cols.INDEX_DATE, DateType, "The enrolment's index date (its risk set)"));
    c.add(of(Cols.ROLE, StringType, "treated (enrolled) or candidate"));
    c.add(
        nullable(
            Cols.LATER_ENROLMENT,
            DateType,
            "A candidate's own later enrolment, if any; empty otherwise"));
    c.add(of(Cols.AGE_BAND, StringType, "Age band at the index date"));
    c.addAll(FEATURES.columnsExcept(Cols.PERSON_ID, Cols.AS_OF));
    c.add(of(Cols.PROPENSITY_LOGIT, DoubleType, "Logit of the propensity score"));
    c.add(of(Cols.PROPENSITY, DoubleType, "Propensity score: the modelled chance of enrolment"));
    return c.toArray(OutputColumn[]::new);
  }

  public static final OutputContract MATCHED =
      table(
          EvaluationStep.MATCHED,
          EvaluationStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "Every enrolled person (matched or not, and why) and every matched control.",
          "the as-of date",
          of(Cols.PERSON_ID, StringType, PATIENT),
          of(Cols.INDEX_DATE, DateType, "The index date"),
          of(Cols.ROLE, StringType, "treated or control"),
          nullable(
              Cols.MATCHED_SET,
              StringType,
              "The set: its enrolled person's id; empty if unmatched"),
          nullable(Cols.MATCH_ROUND, IntegerType, "The round the control was taken in (1 first)"),
          nullable(Cols.MATCH_DISTANCE, DoubleType, "Distance on the propensity logit"),
          nullable(Cols.MATCH_WEIGHT, DoubleType, "1 for the enrolled; 1/k for each of k controls"),
          nullable(
              Cols.UNMATCHED_REASON,
              StringType,
              "no_candidate_in_stratum, outside_caliper or candidates_used; empty when matched"));

  /** What each outcome measure of {@link OutcomeWindows#RATES} counts, in its window. */
  private static final Map<String, String> RATE_MEANINGS =
      Map.ofEntries(
          Map.entry(OutcomeWindows.EMERGENCY_ADMISSIONS, "Emergency admissions"),
          Map.entry(OutcomeWindows.UNPLANNED_BED_DAYS, "Nights of emergency spells"),
          Map.entry(OutcomeWindows.AE_ATTENDANCES, "Unplanned A&E attendances"),
          Map.entry(OutcomeWindows.OUTPATIENT_ATTENDANCES, "Attended outpatient appointments"),
          Map.entry(OutcomeWindows.OUTPATIENT_DNAS, "Outpatient appointments not attended"),
          Map.entry(OutcomeWindows.ELECTIVE_ADMISSIONS, "Elective ordinary admissions"),
          Map.entry(OutcomeWindows.DAY_CASES, "Day cases"),
          Map.entry(OutcomeWindows.UNPLANNED_CONTACTS, "Emergency admissions + A&E attendances"),
          Map.entry(
              OutcomeWindows.PLANNED_CONTACTS,
              "Elective admissions + day cases + outpatient attendances"),
          Map.entry(OutcomeWindows.NEW_PACKAGES, "Social care packages starting"),
          Map.entry(OutcomeWindows.ACTIVE_PACKAGES, "Social care packages active at any time"),
          Map.entry(OutcomeWindows.SOCIAL_CARE_COST, "Social care cost, pounds"),
          Map.entry(OutcomeWindows.HOSPITAL_COST, "Hospital activity at the `costs.*` tariffs"),
          Map.entry(OutcomeWindows.TOTAL_COST, "Hospital and social care cost, pounds"));

  public static final OutputContract OUTCOMES =
      table(
          EvaluationStep.OUTCOMES,
          EvaluationStep.KIND,
          Sensitivity.PATIENT_LEVEL,
          "One row of `evaluation/candidates`: outcomes in the pre-period (the `evaluation.baseline_days`"
              + " before the index date) and in follow-up (from it), counted, not yet per year.",
          "the as-of date",
          outcomeColumns());

  private static OutputColumn[] outcomeColumns() {
    List<OutputColumn> c = new ArrayList<>();
    c.add(of(Cols.PERSON_ID, StringType, PATIENT));
    c.add(of(Cols.INDEX_DATE, DateType, "The index date"));
    c.add(of(Cols.FOLLOW_UP_END, DateType, "Last day of follow-up"));
    c.add(of(Cols.DIED, BooleanType, "Died during follow-up"));
    for (String w : List.of(OutcomeWindows.PRE, OutcomeWindows.POST)) {
      String window = w.equals(OutcomeWindows.PRE) ? "in the pre-period" : "in follow-up";
      c.add(of("years_" + w, DoubleType, "Years " + window + " (days / 365)"));
      for (String m : OutcomeWindows.RATES) {
        String meaning = RATE_MEANINGS.get(m);
        if (meaning == null) {
          throw new IllegalStateException("outcome measure " + m + " has no meaning in Outputs");
        }
        c.add(
            of(
                OutcomeWindows.column(m, w),
                m.endsWith("cost") ? DoubleType : LongType,
                meaning + " " + window));
      }
    }
    c.add(
        nullable(
            Cols.EFI_AFTER,
            DoubleType,
            "eFI on the last day of a complete follow-up window; empty when incomplete"));
    c.add(of(Cols.ROLE, StringType, "treated or candidate"));
    c.add(of(Cols.EFI_AT_INDEX, DoubleType, "eFI the day before the index date"));
    return c.toArray(OutputColumn[]::new);
  }

  public static final OutputContract ESTIMATES =
      table(
          EvaluationStep.ESTIMATES,
          EvaluationStep.KIND,
          Sensitivity.AGGREGATE,
          "One estimate of one measure, for one group, by one estimator.",
          "the as-of date",
          of(Cols.MEASURE, StringType, "The outcome measure, e.g. emergency_admissions, death"),
          of(Cols.BREAKDOWN, StringType, "overall or an `evaluation.breakdowns` entry"),
          of(Cols.LEVEL, StringType, "The group (all for overall)"),
          of(
              Cols.ESTIMATOR,
              StringType,
              "matched_difference, difference_in_differences, regression_adjusted,"
                  + " naive_before_after, naive_treated_vs_all"),
          of(Cols.INTERVAL, StringType, "bootstrap, cluster_robust or delta_method"),
          of(Cols.UNIT_OF_MEASURE, StringType, "e.g. per person-year, pounds per person-year"),
          nullable(Cols.ESTIMATE, DoubleType, "Enrolled minus controls; empty when withheld"),
          nullable(Cols.CI_LOW, DoubleType, "Lower end of the interval"),
          nullable(Cols.CI_HIGH, DoubleType, "Upper end of the interval"),
          nullable(Cols.TREATED_MEAN, DoubleType, "The enrolled group's mean"),
          nullable(Cols.CONTROL_MEAN, DoubleType, "The controls' mean"),
          nullable(Cols.N_TREATED, LongType, "Enrolled people, after control"),
          nullable(Cols.N_CONTROL, LongType, "Controls, after control"),
          of(
              Cols.WITHHELD,
              BooleanType,
              "True when a group is under `evaluation.min_group_size` or a count is suppressed"));

  public static final OutputContract BALANCE =
      table(
          EvaluationStep.BALANCE,
          EvaluationStep.KIND,
          Sensitivity.AGGREGATE,
          "One covariate entry of the propensity model (and its logit): the groups' means and"
              + " standardised differences before and after matching.",
          "the as-of date",
          of("covariate", StringType, "The covariate (one row per level of a category)"),
          of("binary", BooleanType, "A 0/1 covariate, whose mean is a proportion"),
          nullable("mean_treated_before", DoubleType, "Mean among the enrolled, before matching"),
          nullable("mean_control_before", DoubleType, "Mean among the candidates"),
          nullable("smd_att_before", DoubleType, "SMD over the enrolled group's SD"),
          nullable("smd_pooled_before", DoubleType, "SMD over the pooled SD"),
          nullable(
              "variance_ratio_before",
              DoubleType,
              "Variance of the enrolled over the candidates'; empty for 0/1"),
          nullable("mean_treated_after", DoubleType, "Mean among the matched enrolled"),
          nullable("mean_control_after", DoubleType, "Weighted mean among the matched controls"),
          nullable("smd_att_after", DoubleType, "SMD after matching, enrolled SD before"),
          nullable("smd_pooled_after", DoubleType, "SMD after matching, pooled SD"),
          nullable("variance_ratio_after", DoubleType, "Variance ratio after matching"),
          of(
              "imbalanced",
              BooleanType,
              "|SMD| after matching at least `evaluation.balance_threshold`"));

  public static final OutputContract ATTRITION =
      table(
          EvaluationStep.ATTRITION,
          EvaluationStep.KIND,
          Sensitivity.AGGREGATE,
          "One step from everyone enrolled to the matched, in order.",
          "the as-of date",
          of("step", IntegerType, "The step's place in the order"),
          of("description", StringType, "What the step keeps"),
          nullable("people", LongType, "People (or candidate person-dates) left, after control"));

  public static final OutputContract PROPENSITY =
      table(
          EvaluationStep.PROPENSITY,
          EvaluationStep.KIND,
          Sensitivity.AGGREGATE,
          "One coefficient or metric of the propensity model.",
          "the as-of date",
          of("kind", StringType, "coefficient or metric"),
          of("term", StringType, "The covariate, (intercept), or the metric's name"),
          nullable(Cols.VALUE, DoubleType, "Its value; empty when not a number"));

  public static final OutputContract EVALUATION_MEASURES =
      measures(
          EvaluationStep.MEASURES,
          EvaluationStep.KIND,
          "Every count of the evaluation's aggregates: each estimate's arms and the attrition.");

  public static final OutputContract REACH =
      table(
          ReachStep.OUTPUT,
          ReachStep.KIND,
          Sensitivity.AGGREGATE,
          "One group of people on the cohort lists: whether and how soon they were enrolled.",
          "the as-of date",
          of(
              Cols.BREAKDOWN,
              StringType,
              "overall, pcn, imd_quintile, ethnic_category, age_band, sex"),
          of(Cols.LEVEL, StringType, "The group (all for overall)"),
          nullable(Cols.N_LISTED, LongType, "People listed (first listing in this group)"),
          nullable(Cols.N_ENROLLED, LongType, "Of them, enrolled by the as-of date"),
          nullable(
              Cols.N_ENROLLED_AFTER_LISTING,
              LongType,
              "Of them, first enrolled on or after their first listing"),
          nullable(
              Cols.ENROLMENT_RATE, DoubleType, "n_enrolled ÷ n_listed, from the published counts"),
          nullable(Cols.DAYS_TO_ENROLMENT_Q1, DoubleType, "Lower quartile of days to enrolment"),
          nullable(Cols.DAYS_TO_ENROLMENT_MEDIAN, DoubleType, "Median days to enrolment"),
          nullable(Cols.DAYS_TO_ENROLMENT_Q3, DoubleType, "Upper quartile of days to enrolment"),
          of(Cols.WITHHELD, BooleanType, "The quartiles are withheld (too few people)"),
          nullable(
              Cols.N_ENROLLED_NOT_LISTED,
              LongType,
              "Enrolled people never listed (overall and by PCN; empty on other breakdowns)"));

  public static final OutputContract REACH_MEASURES =
      measures(
          ReachStep.MEASURES,
          ReachStep.KIND,
          "Every count behind `evaluation/reach`, among the listed and the enrolled.");

  // ---------------------------------------------------------------------------------------------
  // The run report (docs/report.md)

  public static final OutputContract REPORT =
      new OutputContract(
          ReportStep.OUTPUT,
          ReportStep.KIND,
          Sensitivity.AGGREGATE,
          "One self-contained HTML page of the date's controlled aggregates.",
          "the as-of date",
          List.of(),
          Optional.of("`" + ReportStep.FILE + "`"));

  /** Every declared output but the conformed tables, in the order the stages run. */
  public static final List<OutputContract> ALL =
      List.of(
          QUARANTINE,
          DEFICIT_PERIODS,
          EFI,
          HFRS,
          TRAJECTORY,
          PROGRESSION,
          FEATURES,
          MODEL,
          SCORES,
          ELIGIBILITY,
          LIST,
          CONCENTRATION,
          PROFILE,
          CHURN,
          FUNNEL,
          COHORT_MEASURES,
          MONITORING_MEASURES,
          CANDIDATES,
          MATCHED,
          OUTCOMES,
          ESTIMATES,
          BALANCE,
          ATTRITION,
          PROPENSITY,
          EVALUATION_MEASURES,
          REACH,
          REACH_MEASURES,
          REPORT);

  /** The contract of output {@code name}: one of {@link #ALL}, or a conformed input table. */
  public static Optional<OutputContract> find(String name) {
    return ALL.stream()
        .filter(o -> o.name().equals(name))
        .findFirst()
        .or(
            () ->
                Contracts.ALL.stream()
                    .filter(t -> IngestStep.conformed(t.name()).equals(name))
                    .findFirst()
                    .map(Outputs::conformed));
  }

  /** Every contract whose output a job's declared pattern ({@code conformed/*}) names. */
  public static List<OutputContract> matching(java.util.function.Predicate<String> pattern) {
    List<OutputContract> out = new ArrayList<>();
    for (TableContract t : Contracts.ALL) {
      if (pattern.test(IngestStep.conformed(t.name()))) {
        out.add(conformed(t));
      }
    }
    ALL.stream().filter(o -> pattern.test(o.name())).forEach(out::add);
    return out;
  }

  /** A conformed table as an output: the input contract's columns, typed, as ingest writes them. */
  static OutputContract conformed(TableContract t) {
    return new OutputContract(
        IngestStep.conformed(t.name()),
        IngestStep.KIND,
        Sensitivity.PATIENT_LEVEL,
        t.description(),
        "the extract date",
        t.columns().stream()
            .map(
                c ->
                    new OutputColumn(
                        c.name(),
                        c.type().sparkType(),
                        !c.required(),
                        c.description(),
                        Optional.empty()))
            .toList(),
        Optional.empty());
  }

  private static OutputContract table(
      String name,
      String step,
      Sensitivity sensitivity,
      String row,
      String versionKey,
      OutputColumn... columns) {
    return new OutputContract(
        name, step, sensitivity, row, versionKey, List.of(columns), Optional.empty());
  }

  /** An aggregate written as the shared measures table. */
  private static OutputContract measures(String name, String step, String row) {
    return new OutputContract(
        name,
        step,
        Sensitivity.AGGREGATE,
        "One figure, ratio or statistic, after disclosure control. " + row,
        "the as-of date",
        MEASURE_COLUMNS,
        Optional.empty());
  }
}

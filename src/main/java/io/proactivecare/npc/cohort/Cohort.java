package io.proactivecare.npc.cohort;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.CohortSettings;
import io.proactivecare.npc.config.CostSettings;
import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Selecting the proactive-care cohort and comparing it with the previous run (docs/cohort.md). Pure
 * transformations: the step reads and writes.
 */
public final class Cohort {
  private Cohort() {}

  // Why a person is not eligible, in the order the rules are applied.
  public static final String UNDER_AGE = "under_age";
  public static final String OUTSIDE_AREA = "outside_area";
  public static final String NOT_SCORED = "not_scored";
  public static final String CARE_HOME = "care_home";
  public static final String PALLIATIVE = "palliative_care";
  public static final List<String> EXCLUSIONS =
      List.of(UNDER_AGE, OUTSIDE_AREA, NOT_SCORED, CARE_HOME, PALLIATIVE);

  // Status on a PCN's list.
  public static final String NEW = "new";
  public static final String CONTINUING = "continuing";
  public static final String LEAVING = "leaving";

  // Why a person is new to a list.
  public static final String FIRST_RUN = "first_run";
  public static final String JOINED = "joined";
  public static final String MOVED_IN = "moved_in";

  // Why a continuing person's row changed: registered at another practice of the same PCN.
  public static final String MOVED_PRACTICE = "moved_practice";

  // Why a person leaves a list, in the order they are decided.
  public static final String DIED = "died";
  public static final String DEREGISTERED = "deregistered";
  public static final String MOVED_OUT_OF_AREA = "moved_out_of_area";
  public static final String MOVED_PCN = "moved_pcn";
  public static final String ENTERED_CARE_HOME = "entered_care_home";
  public static final String ENTERED_PALLIATIVE_CARE = "palliative_care";
  public static final String NO_LONGER_SCORED = "not_scored";
  public static final String RISK_FELL = "risk_fell";
  public static final List<String> LEAVING_REASONS =
      List.of(
          DIED,
          DEREGISTERED,
          MOVED_OUT_OF_AREA,
          MOVED_PCN,
          ENTERED_CARE_HOME,
          ENTERED_PALLIATIVE_CARE,
          NO_LONGER_SCORED,
          RISK_FELL);

  /** The columns of {@code features/person} the cohort reads. */
  public static final List<String> FEATURE_COLUMNS =
      List.of(
          Cols.PERSON_ID,
          Cols.AS_OF,
          Cols.PRACTICE_CODE,
          Cols.PCN_CODE,
          Cols.AGE,
          Cols.SEX,
          Cols.ETHNIC_CATEGORY,
          Cols.IMD_QUINTILE,
          Cols.EFI_SCORE,
          Cols.EFI_CATEGORY,
          Cols.CARE_HOME,
          Cols.EMERGENCY_ADMISSIONS_12M,
          Cols.UNPLANNED_BED_DAYS_12M,
          Cols.ELECTIVE_ADMISSIONS_12M,
          Cols.DAY_CASES_12M,
          Cols.AE_ATTENDANCES_12M,
          Cols.OUTPATIENT_ATTENDANCES_12M,
          Cols.SOCIAL_CARE_ACTIVE,
          Cols.SOCIAL_CARE_PACKAGE,
          Cols.SOCIAL_CARE_SERVICES_12M,
          Cols.SOCIAL_CARE_COST_12M);

  /** The eFI categories that set {@code moderate_or_severe_frailty}. */
  static final List<String> MODERATE_OR_SEVERE = List.of("moderate", "severe");

  /**
   * Everyone registered at the date, with their score and eligibility.
   *
   * @param features {@code features/person} at the date, of which only {@link #FEATURE_COLUMNS} are
   *     kept: the ranking holds every row it ranks, and the output carries a few of the features'
   *     columns, not their deficit flags
   * @param scores {@code risk/scores} at the date (person_id, risk_probability, risk_rank,
   *     risk_percentile, risk_band, top_factors, model_id)
   * @param palliative the people on the palliative care register at the date ({@code person_id})
   * @return the features with the score columns, {@code palliative_care}, {@code cost_12m} (whole
   *     pounds), {@code exclusion} (the first rule that excludes the person, null when eligible)
   *     and {@code eligible}
   */
  public static Dataset<Row> eligibility(
      Dataset<Row> features,
      Dataset<Row> scores,
      Optional<Dataset<Row>> palliative,
      CohortSettings settings,
      CostSettings costs) {
    Dataset<Row> scored =
        features
            .select(FEATURE_COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new))
            .join(
                scores.select(
                    col(Cols.PERSON_ID),
                    col(Scoring.PROBABILITY),
                    col(Scoring.PERCENTILE),
                    col(Scoring.BAND),
                    col(Scoring.FACTORS),
                    col(Scoring.MODEL_ID)),
                Cols.PERSON_ID,
                "left");
    Dataset<Row> withPalliative =
        palliative.isPresent()
            ? scored.join(
                palliative.get().select(col(Cols.PERSON_ID), lit(true).as("_palliative")),
                Cols.PERSON_ID,
                "left")
            : scored.withColumn("_palliative", lit(null).cast(DataTypes.BooleanType));
    Column pall = coalesce(col("_palliative"), lit(false));
    Column exclusion =
        when(col(Cols.AGE).lt(settings.minAge()), UNDER_AGE)
            .when(col(Cols.PCN_CODE).isNull(), OUTSIDE_AREA)
            .when(col(Scoring.PROBABILITY).isNull(), NOT_SCORED)
            .when(
                lit(settings.exclude().contains(CohortSettings.CARE_HOME)).and(col(Cols.CARE_HOME)),
                CARE_HOME)
            .when(
                lit(settings.exclude().contains(CohortSettings.PALLIATIVE_CARE)).and(pall),
                PALLIATIVE);
    return withPalliative
        .withColumn(Cols.PALLIATIVE_CARE, pall)
        .withColumn(Cols.EXCLUSION, exclusion)
        .drop("_palliative")
        .withColumn(Cols.COST_12M, cost(costs))
        .withColumn(Cols.ELIGIBLE, col(Cols.EXCLUSION).isNull());
  }

  /**
   * A person's cost of care in the 12 months to the date, in whole pounds: unplanned bed days,
   * elective admissions, day cases, A&E attendances and attended outpatient appointments at their
   * unit costs, plus social care over the days each package was active.
   */
  static Column cost(CostSettings c) {
    return round(
            col(Cols.UNPLANNED_BED_DAYS_12M)
                .multiply(c.emergencyBedDay())
                .plus(col(Cols.ELECTIVE_ADMISSIONS_12M).multiply(c.electiveAdmission()))
                .plus(col(Cols.DAY_CASES_12M).multiply(c.dayCase()))
                .plus(col(Cols.AE_ATTENDANCES_12M).multiply(c.aeAttendance()))
                .plus(col(Cols.OUTPATIENT_ATTENDANCES_12M).multiply(c.outpatientAttendance()))
                .plus(col(Cols.SOCIAL_CARE_COST_12M)))
        .cast(DataTypes.LongType);
  }

  /**
   * Selects the cohort from {@link #eligibility}: the eligible people are ranked by risk (highest
   * first; equal probabilities by person id, so the order is the same on every run) across the area
   * or within each PCN, and the top {@code share} of them, rounded up, are selected. With
   * stickiness, a member of the previous cohort who is still eligible and ranked within the wider
   * {@code stay_share} is retained.
   *
   * @param previousMembers the previous run's cohort ({@code person_id}), if there was one
   * @return the input with {@code cohort_rank} (null when not eligible), {@code selected}, {@code
   *     retained} and {@code in_cohort}
   */
  public static Dataset<Row> select(
      Dataset<Row> eligibility, Optional<Dataset<Row>> previousMembers, CohortSettings settings) {
    List<String> scope =
        CohortSettings.PCN.equals(settings.scope())
            ? List.of(Cols.ELIGIBLE, Cols.PCN_CODE)
            : List.of(Cols.ELIGIBLE);
    // Ranked by a distributed sort, not a window over all eligible people in one task.
    Dataset<Row> ranked =
        io.proactivecare.npc.risk.Ranks.number(
                eligibility,
                scope,
                List.of(col(Scoring.PROBABILITY).desc(), col(Cols.PERSON_ID)),
                "_rank",
                "_n")
            .withColumn(Cols.COHORT_RANK, when(col(Cols.ELIGIBLE), col("_rank")))
            .withColumn(
                Cols.SELECTED,
                col(Cols.ELIGIBLE)
                    .and(col("_rank").leq(Scoring.topCount(col("_n"), settings.share()))));
    Column wasMember;
    if (previousMembers.isPresent()) {
      ranked =
          ranked.join(
              previousMembers.get().select(col(Cols.PERSON_ID), lit(true).as("_was")).distinct(),
              Cols.PERSON_ID,
              "left");
      wasMember = coalesce(col("_was"), lit(false));
    } else {
      ranked = ranked.withColumn("_was", lit(false));
      wasMember = col("_was");
    }
    Column retained =
        settings.sticky()
            ? col(Cols.ELIGIBLE)
                .and(not(col(Cols.SELECTED)))
                .and(wasMember)
                .and(col("_rank").leq(Scoring.topCount(col("_n"), settings.stayShare())))
            : lit(false);
    return ranked
        .withColumn(Cols.RETAINED, retained)
        .withColumn(Cols.IN_COHORT, col(Cols.SELECTED).or(col(Cols.RETAINED)))
        .drop("_rank", "_n", "_was");
  }

  /** What {@link #withEnrolment} adds to the lists. */
  private static final List<String> ENROLMENT_COLUMNS = List.of(Cols.ENROLLED, Cols.ENROLLED_SINCE);

  /**
   * The columns of a list row as {@link #lists} gives them: {@code cohort/list}'s declared columns
   * ({@link Outputs#LIST}) but those {@link #withEnrolment} adds, in order.
   */
  static List<String> listColumns() {
    return Outputs.LIST.columnNames().stream().filter(c -> !ENROLMENT_COLUMNS.contains(c)).toList();
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(c -> col(c)).toArray(Column[]::new);
  }

  /**
   * {@code lists} with whether each person is enrolled in proactive care at {@code date}: an
   * enrolment dated on or before it that has not ended by it ({@code end_date} empty or after the
   * date), and the start of that enrolment ({@code enrolled_since}; the latest when several are
   * open). Without an enrolments table both are null (not known), never "not enrolled".
   *
   * @param enrolments conformed enrolments ({@code person_id, enrolment_date, end_date}), if any
   */
  public static Dataset<Row> withEnrolment(
      Dataset<Row> lists, Optional<Dataset<Row>> enrolments, LocalDate date) {
    if (enrolments.isEmpty()) {
      return Outputs.LIST.select(
          lists
              .withColumn(Cols.ENROLLED, lit(null).cast(DataTypes.BooleanType))
              .withColumn(Cols.ENROLLED_SINCE, lit(null).cast(DataTypes.DateType)));
    }
    Column on = lit(Date.valueOf(date));
    Dataset<Row> open =
        enrolments
            .get()
            .where(
                col(Cols.ENROLMENT_DATE)
                    .leq(on)
                    .and(col(Cols.END_DATE).isNull().or(col(Cols.END_DATE).gt(on))))
            .groupBy(Cols.PERSON_ID)
            .agg(org.apache.spark.sql.functions.max(Cols.ENROLMENT_DATE).as(Cols.ENROLLED_SINCE));
    return Outputs.LIST.select(
        lists
            .join(open, lists.col(Cols.PERSON_ID).equalTo(open.col(Cols.PERSON_ID)), "left")
            .drop(open.col(Cols.PERSON_ID))
            .withColumn(Cols.ENROLLED, col(Cols.ENROLLED_SINCE).isNotNull()));
  }

  /**
   * Columns a leaver shows as now when their risk fell, else as last listed: every list column but
   * those that say where the row stands.
   */
  private static List<String> carried() {
    return listColumns().stream()
        .filter(
            c ->
                !List.of(
                        Cols.AS_OF,
                        Cols.PCN_CODE,
                        Cols.LIST_RANK,
                        Cols.PERSON_ID,
                        Cols.STATUS,
                        Cols.CHANGE_REASON,
                        Cols.IN_COHORT,
                        Cols.IN_COHORT_SINCE,
                        Cols.RETAINED,
                        Cols.PREVIOUS_RISK_PERCENTILE,
                        Cols.RISING_RISK)
                    .contains(c))
        .toList();
  }

  /**
   * Every PCN's list at {@code date}: the cohort's members on their PCN's list, {@code new} or
   * {@code continuing}, and the previous run's members who are no longer on that PCN's list, {@code
   * leaving}, with why. A person who moved PCN while in the cohort leaves the old PCN's list
   * ({@code moved_pcn}) and is new on the new one ({@code moved_in}).
   *
   * @param selected from {@link #select}: everyone registered at the date
   * @param previousList the previous run's {@code cohort/list}, if there was one
   * @param previousScores the previous run's {@code risk/scores}, if there were any
   * @param deaths every recorded death ({@code person_id, date_of_death})
   * @return rows with {@link #listColumns}
   */
  public static Dataset<Row> lists(
      Dataset<Row> selected,
      Optional<Dataset<Row>> previousList,
      Optional<Dataset<Row>> previousScores,
      Dataset<Row> deaths,
      LocalDate date,
      CohortSettings settings) {
    Date d = Date.valueOf(date);
    Dataset<Row> now =
        selected.withColumn(
            Cols.MODERATE_OR_SEVERE_FRAILTY,
            coalesce(col(Cols.EFI_CATEGORY).isin(MODERATE_OR_SEVERE.toArray()), lit(false)));
    if (previousScores.isPresent()) {
      now =
          now.join(
              previousScores
                  .get()
                  .select(
                      col(Cols.PERSON_ID),
                      col(Scoring.PERCENTILE).as(Cols.PREVIOUS_RISK_PERCENTILE)),
              Cols.PERSON_ID,
              "left");
    } else {
      now = now.withColumn(Cols.PREVIOUS_RISK_PERCENTILE, lit(null).cast(DataTypes.DoubleType));
    }
    now =
        now.withColumn(
            Cols.RISING_RISK,
            coalesce(
                col(Scoring.PERCENTILE)
                    .minus(col(Cols.PREVIOUS_RISK_PERCENTILE))
                    .geq(settings.risingPoints()),
                lit(false)));

    Dataset<Row> members = now.where(col(Cols.IN_COHORT));
    Dataset<Row> previous =
        previousList
            .map(
                p ->
                    p.where(col(Cols.IN_COHORT))
                        .select(
                            col(Cols.PERSON_ID),
                            col(Cols.PCN_CODE).as("_prev_pcn"),
                            col(Cols.PRACTICE_CODE).as("_prev_practice"),
                            col(Cols.IN_COHORT_SINCE).as("_prev_since")))
            .orElse(null);

    Dataset<Row> joined;
    Column status;
    Column reason;
    Column since;
    if (previous == null) {
      joined = members;
      status = lit(NEW);
      reason = lit(FIRST_RUN);
      since = lit(d);
    } else {
      joined = members.join(previous, Cols.PERSON_ID, "left");
      Column samePcn = col("_prev_pcn").equalTo(col(Cols.PCN_CODE));
      status = when(coalesce(samePcn, lit(false)), CONTINUING).otherwise(NEW);
      Column samePractice = col("_prev_practice").equalTo(col(Cols.PRACTICE_CODE));
      reason =
          when(
                  coalesce(samePcn, lit(false)),
                  when(coalesce(samePractice, lit(false)), lit(null).cast(DataTypes.StringType))
                      .otherwise(MOVED_PRACTICE))
              .when(col("_prev_pcn").isNotNull(), MOVED_IN)
              .otherwise(JOINED);
      since = coalesce(col("_prev_since"), lit(d));
    }
    Dataset<Row> current =
        joined
            .withColumn(Cols.STATUS, status)
            .withColumn(Cols.CHANGE_REASON, reason)
            .withColumn(Cols.IN_COHORT_SINCE, since)
            .withColumn(
                Cols.LIST_RANK,
                row_number()
                    .over(
                        Window.partitionBy(Cols.PCN_CODE)
                            .orderBy(col(Scoring.PROBABILITY).desc(), col(Cols.PERSON_ID))))
            .withColumn(Cols.AS_OF, lit(d));
    Dataset<Row> out = current.select(columns(listColumns()));
    if (previousList.isPresent()) {
      out = out.unionByName(leavers(now, previousList.get(), deaths, d));
    }
    return out;
  }

  /** The previous run's members no longer on the same PCN's list, with why they left. */
  private static Dataset<Row> leavers(
      Dataset<Row> now, Dataset<Row> previousList, Dataset<Row> deaths, Date d) {
    Dataset<Row> prev = previousList.where(col(Cols.IN_COHORT));
    List<String> carried = carried();
    List<Column> prevCols = new ArrayList<>();
    prevCols.add(col(Cols.PERSON_ID));
    prevCols.add(col(Cols.PCN_CODE));
    prevCols.add(col(Cols.IN_COHORT_SINCE));
    for (String c : carried) {
      prevCols.add(col(c).as("_prev_" + c));
    }
    List<Column> nowCols = new ArrayList<>();
    nowCols.add(col(Cols.PERSON_ID));
    nowCols.add(col(Cols.PCN_CODE).as("_now_pcn"));
    nowCols.add(col(Cols.IN_COHORT).as("_now_in"));
    nowCols.add(col(Cols.EXCLUSION).as("_now_exclusion"));
    nowCols.add(lit(true).as("_registered"));
    nowCols.add(col(Cols.PREVIOUS_RISK_PERCENTILE));
    nowCols.add(col(Cols.RISING_RISK));
    for (String c : carried) {
      nowCols.add(col(c).as("_now_" + c));
    }
    Dataset<Row> joined =
        prev.select(prevCols.toArray(Column[]::new))
            .join(now.select(nowCols.toArray(Column[]::new)), Cols.PERSON_ID, "left")
            .join(
                deaths.select(col(Cols.PERSON_ID), col(Cols.DATE_OF_DEATH).as("_died")),
                Cols.PERSON_ID,
                "left");
    // Still on the same PCN's list: not a leaver.
    Dataset<Row> left =
        joined.where(
            not(
                coalesce(col("_now_in"), lit(false))
                    .and(coalesce(col("_now_pcn").equalTo(col(Cols.PCN_CODE)), lit(false)))));
    Column registered = coalesce(col("_registered"), lit(false));
    Column reason =
        when(not(registered).and(col("_died").isNotNull().and(col("_died").leq(lit(d)))), DIED)
            .when(not(registered), DEREGISTERED)
            .when(col("_now_pcn").isNull(), MOVED_OUT_OF_AREA)
            .when(col("_now_pcn").notEqual(col(Cols.PCN_CODE)), MOVED_PCN)
            .when(col("_now_exclusion").equalTo(CARE_HOME), ENTERED_CARE_HOME)
            .when(col("_now_exclusion").equalTo(PALLIATIVE), ENTERED_PALLIATIVE_CARE)
            .when(col("_now_exclusion").isNotNull(), NO_LONGER_SCORED)
            .otherwise(RISK_FELL);
    Dataset<Row> out =
        left.withColumn(Cols.STATUS, lit(LEAVING))
            .withColumn(Cols.CHANGE_REASON, reason)
            .withColumn(Cols.IN_COHORT, lit(false))
            .withColumn(Cols.RETAINED, lit(false))
            .withColumn(Cols.LIST_RANK, lit(null).cast(DataTypes.IntegerType))
            .withColumn(Cols.AS_OF, lit(d))
            .withColumn("_use_now", col(Cols.CHANGE_REASON).equalTo(RISK_FELL));
    // A person whose risk fell is still on this PCN's patch: their values are as now, to show the
    // fall. Anyone else (died, moved away, excluded) is shown as last listed, so a list never
    // carries what happened to someone after they left its PCN.
    Column useNow = col("_use_now");
    out =
        out.withColumn(
                Cols.PREVIOUS_RISK_PERCENTILE,
                when(
                        useNow,
                        coalesce(
                            col(Cols.PREVIOUS_RISK_PERCENTILE), col("_prev_" + Scoring.PERCENTILE)))
                    .otherwise(col("_prev_" + Scoring.PERCENTILE)))
            .withColumn(
                Cols.RISING_RISK,
                when(useNow, coalesce(col(Cols.RISING_RISK), lit(false))).otherwise(false));
    for (String c : carried) {
      out = out.withColumn(c, when(useNow, col("_now_" + c)).otherwise(col("_prev_" + c)));
    }
    return out.select(columns(listColumns()));
  }
}

package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.CostSettings;
import io.proactivecare.npc.config.FeatureSettings;
import io.proactivecare.npc.features.Features;
import io.proactivecare.npc.frailty.EfiDefinition;
import io.proactivecare.npc.frailty.EfiScores;
import io.proactivecare.npc.schema.Cols;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Outcomes in the windows before and after each index date (docs/evaluation.md), counted by
 * (person, window start, window end) with the same rules as the features, so a window may end after
 * a date as well as before it.
 *
 * <p>Pre-period: {@code [D - baseline_days, D - 1]}, starting no earlier than the person's first
 * registration. Follow-up: from D to the earliest of {@code D + follow_up_days - 1}, the extract
 * date, the date of death, the end of the person's last registration in the area and, for a control
 * who enrols later (censored), the day before enrolment.
 */
public final class OutcomeWindows {
  private OutcomeWindows() {}

  public static final String PRE = "pre";
  public static final String POST = "post";

  public static final String EMERGENCY_ADMISSIONS = "emergency_admissions";
  public static final String UNPLANNED_BED_DAYS = "unplanned_bed_days";
  public static final String ELECTIVE_ADMISSIONS = "elective_admissions";
  public static final String DAY_CASES = "day_cases";
  public static final String AE_ATTENDANCES = "ae_attendances";
  public static final String OUTPATIENT_ATTENDANCES = "outpatient_attendances";
  public static final String OUTPATIENT_DNAS = "outpatient_dnas";
  public static final String UNPLANNED_CONTACTS = "unplanned_contacts";
  public static final String PLANNED_CONTACTS = "planned_contacts";
  public static final String NEW_PACKAGES = "social_care_new_packages";
  public static final String ACTIVE_PACKAGES = "social_care_active_packages";
  public static final String SOCIAL_CARE_COST = "social_care_cost";
  public static final String HOSPITAL_COST = "hospital_cost";
  public static final String TOTAL_COST = "total_cost";

  /** Measures counted in both windows, each a rate per person-year in the estimates. */
  public static final List<String> RATES =
      List.of(
          EMERGENCY_ADMISSIONS,
          UNPLANNED_BED_DAYS,
          AE_ATTENDANCES,
          OUTPATIENT_ATTENDANCES,
          OUTPATIENT_DNAS,
          ELECTIVE_ADMISSIONS,
          DAY_CASES,
          UNPLANNED_CONTACTS,
          PLANNED_CONTACTS,
          NEW_PACKAGES,
          ACTIVE_PACKAGES,
          SOCIAL_CARE_COST,
          HOSPITAL_COST,
          TOTAL_COST);

  /** A person-year: 365 days, so a full 12-month window's rate is its count. */
  public static final double DAYS_PER_YEAR = 365.0;

  /** {@code measure} of window {@code window}, e.g. {@code emergency_admissions_post}. */
  public static String column(String measure, String window) {
    return measure + "_" + window;
  }

  /** What outcomes are counted from. */
  public record Sources(
      Dataset<Row> registrations,
      Dataset<Row> deaths,
      Dataset<Row> spells,
      Dataset<Row> attendances,
      Dataset<Row> appointments,
      Dataset<Row> services,
      Dataset<Row> deficitPeriods) {}

  /**
   * Each request's outcomes: for every row of {@code requests} ({@code person_id, index_date,
   * later_enrolment}), {@code follow_up_end}, {@code years_pre}, {@code years_post}, each measure
   * of {@link #RATES} as {@code <measure>_pre} and {@code <measure>_post} (counts, nights and
   * pounds in the window, not yet per year), {@code died} (in follow-up) and {@code efi_after} (the
   * eFI on the last day of a complete follow-up window, else null).
   */
  public static Dataset<Row> count(
      Dataset<Row> requests,
      Sources in,
      int baselineDays,
      int followUpDays,
      LocalDate extractDate,
      FeatureSettings fs,
      CostSettings costs,
      EfiDefinition efi) {
    Column d = col(Cols.INDEX_DATE);
    Dataset<Row> registered =
        in.registrations()
            .groupBy(Cols.PERSON_ID)
            .agg(
                min(Cols.REGISTRATION_START).as("_first"),
                // An open registration has no end: the person is still registered.
                when(
                        max(when(col(Cols.REGISTRATION_END).isNull(), 1).otherwise(0)).equalTo(1),
                        lit(null).cast("date"))
                    .otherwise(max(Cols.REGISTRATION_END))
                    .as("_last"));
    Column fullEnd = date_add(d, followUpDays - 1);
    Column followEnd =
        least(
            fullEnd,
            lit(Date.valueOf(extractDate)),
            coalesce(col(Cols.DATE_OF_DEATH), fullEnd),
            coalesce(col("_last"), fullEnd),
            coalesce(date_sub(col(Cols.LATER_ENROLMENT), 1), fullEnd));
    Dataset<Row> people =
        requests
            .select(Cols.PERSON_ID, Cols.INDEX_DATE, Cols.LATER_ENROLMENT)
            .join(registered, Cols.PERSON_ID)
            .join(in.deaths(), new String[] {Cols.PERSON_ID}, "left")
            .withColumn(Cols.FOLLOW_UP_END, followEnd)
            .withColumn(
                "_pre_start", greatest(date_sub(d, baselineDays), col("_first")).cast("date"))
            .withColumn(
                Cols.DIED,
                coalesce(
                    col(Cols.DATE_OF_DEATH)
                        .geq(d)
                        .and(col(Cols.DATE_OF_DEATH).leq(col(Cols.FOLLOW_UP_END))),
                    lit(false)))
            .withColumn("_full", col(Cols.FOLLOW_UP_END).equalTo(fullEnd))
            .withColumn("_after", fullEnd);

    Dataset<Row> pre =
        people.select(
            col(Cols.PERSON_ID),
            col(Cols.INDEX_DATE),
            lit(PRE).as(Cols.WINDOW),
            col("_pre_start").as(Cols.WINDOW_START),
            date_sub(d, 1).as(Cols.WINDOW_END));
    Dataset<Row> post =
        people.select(
            col(Cols.PERSON_ID),
            col(Cols.INDEX_DATE),
            lit(POST).as(Cols.WINDOW),
            d.as(Cols.WINDOW_START),
            col(Cols.FOLLOW_UP_END).as(Cols.WINDOW_END));
    Dataset<Row> windows = pre.unionByName(post);
    Dataset<Row> counted = windowCounts(windows, in, fs, costs);

    List<Column> aggs = new ArrayList<>();
    for (String w : List.of(PRE, POST)) {
      aggs.add(first(when(col(Cols.WINDOW).equalTo(w), col(Cols.YEARS)), true).as("years_" + w));
      for (String m : RATES) {
        aggs.add(first(when(col(Cols.WINDOW).equalTo(w), col(m)), true).as(column(m, w)));
      }
    }
    Dataset<Row> wide =
        counted
            .groupBy(Cols.PERSON_ID, Cols.INDEX_DATE)
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));

    Dataset<Row> efiKeys =
        people
            .where(col("_full"))
            .select(col(Cols.PERSON_ID), col(Cols.INDEX_DATE), col("_after").as(Cols.AS_OF));
    Dataset<Row> efiAfter =
        EfiScores.score(in.deficitPeriods(), efiKeys, efi, false)
            .select(
                col(Cols.PERSON_ID),
                date_sub(col(Cols.AS_OF), followUpDays - 1).as(Cols.INDEX_DATE),
                col(Cols.EFI_SCORE).as(Cols.EFI_AFTER));
    return people
        .select(Cols.PERSON_ID, Cols.INDEX_DATE, Cols.FOLLOW_UP_END, Cols.DIED)
        .join(wide, new String[] {Cols.PERSON_ID, Cols.INDEX_DATE}, "left")
        .join(efiAfter, new String[] {Cols.PERSON_ID, Cols.INDEX_DATE}, "left");
  }

  /** Counts per window ({@code person_id, index_date, window, window_start, window_end}). */
  static Dataset<Row> windowCounts(
      Dataset<Row> windows, Sources in, FeatureSettings fs, CostSettings costs) {
    String[] key = {Cols.PERSON_ID, Cols.INDEX_DATE, Cols.WINDOW};
    Column[] by = {col(Cols.PERSON_ID), col(Cols.INDEX_DATE), col(Cols.WINDOW)};
    Column start = col(Cols.WINDOW_START);
    Column end = col(Cols.WINDOW_END);

    Column method = col(Cols.ADMISSION_METHOD);
    Column classification = col(Cols.PATIENT_CLASSIFICATION);
    Column admitted = col(Cols.ADMISSION_DATE);
    Column inWindow = admitted.geq(start).and(admitted.leq(end));
    Column emergency = method.startsWith("2");
    Column elective = method.startsWith("1");
    Dataset<Row> spells =
        windows
            .join(
                in.spells()
                    .select(
                        col(Cols.PERSON_ID).as("_p"),
                        col(Cols.ADMISSION_DATE),
                        col(Cols.DISCHARGE_DATE),
                        col(Cols.ADMISSION_METHOD),
                        col(Cols.PATIENT_CLASSIFICATION)),
                col(Cols.PERSON_ID)
                    .equalTo(col("_p"))
                    .and(admitted.leq(end))
                    .and(
                        admitted
                            .geq(start)
                            .or(coalesce(col(Cols.DISCHARGE_DATE), date_add(end, 1)).gt(start))))
            .groupBy(by)
            .agg(
                countIf(emergency.and(inWindow)).as(EMERGENCY_ADMISSIONS),
                sum(when(
                            emergency.and(not(classification.isin("3", "4"))),
                            Features.nights(start, end))
                        .otherwise(0))
                    .cast(DataTypes.LongType)
                    .as(UNPLANNED_BED_DAYS),
                countIf(elective.and(classification.equalTo("1")).and(inWindow))
                    .as(ELECTIVE_ADMISSIONS),
                countIf(elective.and(classification.equalTo("2")).and(inWindow)).as(DAY_CASES));

    Dataset<Row> ae =
        windows
            .join(
                in.attendances()
                    .where(
                        col(Cols.DEPARTMENT_TYPE)
                            .isin(fs.aeDepartmentTypes().toArray())
                            .and(col(Cols.ATTENDANCE_CATEGORY).isin(fs.aeCategories().toArray())))
                    .select(col(Cols.PERSON_ID).as("_p"), col(Cols.ARRIVAL_DATE)),
                col(Cols.PERSON_ID)
                    .equalTo(col("_p"))
                    .and(col(Cols.ARRIVAL_DATE).between(start, end)))
            .groupBy(by)
            .agg(org.apache.spark.sql.functions.count(lit(1)).as(AE_ATTENDANCES));

    Column status = col(Cols.ATTENDANCE_STATUS);
    Column dna =
        fs.opDnaStatuses().isEmpty() ? lit(false) : status.isin(fs.opDnaStatuses().toArray());
    Dataset<Row> op =
        windows
            .join(
                in.appointments()
                    .where(coalesce(col(Cols.FIRST_ATTENDANCE), lit("")).notEqual("5"))
                    .select(
                        col(Cols.PERSON_ID).as("_p"),
                        col(Cols.APPOINTMENT_DATE),
                        col(Cols.ATTENDANCE_STATUS)),
                col(Cols.PERSON_ID)
                    .equalTo(col("_p"))
                    .and(col(Cols.APPOINTMENT_DATE).between(start, end)))
            .groupBy(by)
            .agg(
                countIf(status.isin(fs.opAttendedStatuses().toArray())).as(OUTPATIENT_ATTENDANCES),
                countIf(dna).as(OUTPATIENT_DNAS));

    // Days of a package inside the window, both ends included.
    Column daysIn =
        datediff(
                least(coalesce(col(Cols.END_DATE), end), end),
                greatest(col(Cols.START_DATE), start))
            .plus(1);
    Dataset<Row> care =
        windows
            .join(
                in.services()
                    .where(Features.packageRank().isNotNull())
                    .select(
                        col(Cols.PERSON_ID).as("_p"),
                        col(Cols.START_DATE),
                        col(Cols.END_DATE),
                        Features.weeklyCost(fs).as("_weekly")),
                col(Cols.PERSON_ID)
                    .equalTo(col("_p"))
                    .and(col(Cols.START_DATE).leq(end))
                    .and(coalesce(col(Cols.END_DATE), end).geq(start)))
            .groupBy(by)
            .agg(
                countIf(col(Cols.START_DATE).geq(start)).as(NEW_PACKAGES),
                org.apache.spark.sql.functions.count(lit(1)).as(ACTIVE_PACKAGES),
                sum(col("_weekly").multiply(daysIn).divide(7.0)).as(SOCIAL_CARE_COST));

    Dataset<Row> out =
        windows
            .join(spells, key, "left")
            .join(ae, key, "left")
            .join(op, key, "left")
            .join(care, key, "left");
    java.util.Map<String, Object> zeros = new java.util.HashMap<>();
    for (String m :
        List.of(
            EMERGENCY_ADMISSIONS,
            UNPLANNED_BED_DAYS,
            ELECTIVE_ADMISSIONS,
            DAY_CASES,
            AE_ATTENDANCES,
            OUTPATIENT_ATTENDANCES,
            OUTPATIENT_DNAS,
            NEW_PACKAGES,
            ACTIVE_PACKAGES)) {
      zeros.put(m, 0L);
    }
    zeros.put(SOCIAL_CARE_COST, 0.0);
    out = out.na().fill(zeros);
    Column hospital =
        col(UNPLANNED_BED_DAYS)
            .multiply(costs.emergencyBedDay())
            .plus(col(ELECTIVE_ADMISSIONS).multiply(costs.electiveAdmission()))
            .plus(col(DAY_CASES).multiply(costs.dayCase()))
            .plus(col(AE_ATTENDANCES).multiply(costs.aeAttendance()))
            .plus(col(OUTPATIENT_ATTENDANCES).multiply(costs.outpatientAttendance()));
    return out.withColumn(UNPLANNED_CONTACTS, col(EMERGENCY_ADMISSIONS).plus(col(AE_ATTENDANCES)))
        .withColumn(
            PLANNED_CONTACTS,
            col(ELECTIVE_ADMISSIONS).plus(col(DAY_CASES)).plus(col(OUTPATIENT_ATTENDANCES)))
        .withColumn(HOSPITAL_COST, hospital.cast("double"))
        .withColumn(TOTAL_COST, col(HOSPITAL_COST).plus(col(SOCIAL_CARE_COST)))
        .withColumn(
            Cols.YEARS, greatest(lit(0), datediff(end, start).plus(1)).divide(DAYS_PER_YEAR));
  }

  private static Column countIf(Column condition) {
    return sum(when(condition, 1).otherwise(0)).cast(DataTypes.LongType);
  }
}

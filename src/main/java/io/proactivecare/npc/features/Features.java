package io.proactivecare.npc.features;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.FeatureSettings;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.frailty.EfiDefinition;
import io.proactivecare.npc.frailty.EfiScores;
import io.proactivecare.npc.frailty.Hfrs;
import io.proactivecare.npc.frailty.HfrsCodelist;
import io.proactivecare.npc.schema.Cols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * One row of features per person and date (docs/features.md), from data on or before the date only.
 * The same function builds features at the as-of date for scoring, at past cutoffs for training,
 * and at any index date for evaluation.
 */
public final class Features {
  private Features() {}

  /** Social care package types, highest first: the package a person has is the highest active. */
  public static final List<String> PACKAGES =
      List.of("nursing", "residential", "community", "short_term");

  static final String NONE = "none";

  /**
   * The conformed tables features are built from, and the deficit periods of the same extract
   * (frailty/deficit_periods).
   */
  public record Inputs(
      Dataset<Row> events,
      Dataset<Row> medications,
      Dataset<Row> spells,
      Dataset<Row> attendances,
      Dataset<Row> appointments,
      Dataset<Row> services,
      Optional<Dataset<Row>> lsoaImd,
      Dataset<Row> deficitPeriods) {}

  /** The column name of a deficit's flag: {@code efi_} and its name in lower case words. */
  public static String flag(String deficit) {
    String slug = deficit.toLowerCase(Locale.ROOT).replace("&", " ").replaceAll("[^a-z0-9]+", "_");
    slug = slug.replaceAll("^_+|_+$", "");
    return Cols.EFI_FLAG_PREFIX + slug;
  }

  /**
   * Features of every row of {@code population} ({@link
   * io.proactivecare.npc.population.Population#at} output: person_id, as_of, practice_code,
   * pcn_code, sex, year_of_birth, age, lsoa_code, ethnic_group).
   */
  public static Dataset<Row> build(
      Inputs in,
      Dataset<Row> population,
      EfiDefinition efi,
      HfrsCodelist hfrsCodes,
      NpcConfig config) {
    FeatureSettings s = config.features();
    // Every feature below starts from these people: work them out once (the registration in force
    // at each date), not once per feature the plan joins.
    Dataset<Row> people = population.localCheckpoint(true);
    Dataset<Row> keys = people.select(Cols.PERSON_ID, Cols.AS_OF).distinct().localCheckpoint(true);

    Dataset<Row> out = demographics(people, in.lsoaImd(), s);
    out = join(out, frailty(keys, in.deficitPeriods(), efi, s));
    out =
        join(
            out,
            Hfrs.score(in.spells(), keys, hfrsCodes, config.hfrs())
                .select(Cols.PERSON_ID, Cols.AS_OF, Cols.HFRS_SCORE, Cols.HFRS_BAND));
    out = join(out, medicines(keys, in.medications(), config));
    out = join(out, hospital(keys, in.spells(), s));
    out = join(out, emergencyCare(keys, in.attendances(), s));
    out = join(out, outpatients(keys, in.appointments(), s));
    out = join(out, socialCare(keys, in.services(), s));
    return fill(out, s);
  }

  private static Dataset<Row> join(Dataset<Row> left, Dataset<Row> right) {
    return left.join(right, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left");
  }

  /** Counts absent for lack of events are 0; recency absent for lack of events is the cap. */
  private static Dataset<Row> fill(Dataset<Row> out, FeatureSettings s) {
    Map<String, Object> zeros = new HashMap<>();
    for (String c :
        List.of(
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
            Cols.SOCIAL_CARE_SERVICES_12M)) {
      zeros.put(c, 0);
    }
    for (String c :
        List.of(
            Cols.DAYS_SINCE_EMERGENCY_ADMISSION,
            Cols.DAYS_SINCE_AE_ATTENDANCE,
            Cols.DAYS_SINCE_INPATIENT_STAY,
            Cols.DAYS_SINCE_OUTPATIENT_CONTACT)) {
      zeros.put(c, s.recencyCapDays());
    }
    zeros.put(Cols.SOCIAL_CARE_WEEKLY_COST, 0.0);
    zeros.put(Cols.SOCIAL_CARE_COST_12M, 0.0);
    zeros.put(Cols.SOCIAL_CARE_ACTIVE, false);
    zeros.put(Cols.CARE_HOME, false);
    zeros.put(Cols.SOCIAL_CARE_PACKAGE, NONE);
    return out.na().fill(zeros);
  }

  /** Age, sex, ethnic group and category, practice, PCN, deprivation decile and quintile. */
  static Dataset<Row> demographics(
      Dataset<Row> population, Optional<Dataset<Row>> lsoaImd, FeatureSettings s) {
    Column e = col(Cols.ETHNIC_GROUP);
    Dataset<Row> out =
        population.withColumn(
            Cols.ETHNIC_CATEGORY,
            when(e.isin("A", "B", "C"), "White")
                .when(e.isin("D", "E", "F", "G"), "Mixed")
                .when(e.isin("H", "J", "K", "L"), "Asian")
                .when(e.isin("M", "N", "P"), "Black")
                .when(e.isin("R", "S"), "Other")
                .otherwise("Unknown"));
    if (lsoaImd.isPresent()) {
      Dataset<Row> imd =
          lsoaImd
              .get()
              .where(col(Cols.IMD_VINTAGE).equalTo(s.imdVintage()))
              .select(Cols.LSOA_CODE, Cols.IMD_DECILE);
      out = out.join(broadcast(imd), new String[] {Cols.LSOA_CODE}, "left");
    } else {
      out = out.withColumn(Cols.IMD_DECILE, lit(null).cast(DataTypes.IntegerType));
    }
    return out.withColumn(
            Cols.IMD_QUINTILE, ceil(col(Cols.IMD_DECILE).divide(2)).cast(DataTypes.IntegerType))
        .select(
            Cols.PERSON_ID,
            Cols.AS_OF,
            Cols.PRACTICE_CODE,
            Cols.PCN_CODE,
            Cols.AGE,
            Cols.SEX,
            Cols.ETHNIC_GROUP,
            Cols.ETHNIC_CATEGORY,
            Cols.LSOA_CODE,
            Cols.IMD_DECILE,
            Cols.IMD_QUINTILE);
  }

  /** eFI score, count and category, a flag per deficit, long-term conditions, housebound. */
  static Dataset<Row> frailty(
      Dataset<Row> keys, Dataset<Row> periods, EfiDefinition efi, FeatureSettings s) {
    Dataset<Row> scored = EfiScores.numbers(periods, keys);
    List<Column> cols = new ArrayList<>();
    cols.add(col(Cols.PERSON_ID));
    cols.add(col(Cols.AS_OF));
    cols.add(col(Cols.EFI_SCORE));
    cols.add(col(Cols.DEFICIT_COUNT));
    cols.add(col(Cols.EFI_CATEGORY));
    Map<String, Integer> numbers = new HashMap<>();
    efi.deficits().forEach((no, name) -> numbers.put(name, no));
    for (Map.Entry<Integer, String> d : efi.deficits().entrySet()) {
      cols.add(present(d.getKey()).as(flag(d.getValue())));
    }
    Column ltc = lit(0);
    for (String name : s.longTermConditions()) {
      Integer no = numbers.get(name);
      if (no == null) {
        throw io.proactivecare.npc.config.Errors.usage(
            "features.long_term_conditions names '" + name + "', which is not an eFI deficit",
            "use names from " + "the deficits file (frailty.deficits)");
      }
      ltc = ltc.plus(when(present(no), 1).otherwise(0));
    }
    cols.add(ltc.as(Cols.LONG_TERM_CONDITIONS));
    Integer housebound = numbers.get("Housebound");
    cols.add((housebound == null ? lit(false) : present(housebound)).as(Cols.HOUSEBOUND));
    return scored.select(cols.toArray(Column[]::new));
  }

  /**
   * Whether the deficits present include number {@code deficit}: {@code array_contains} over their
   * numbers, compiled with the rest of the row, where a lambda ({@code exists}) is interpreted row
   * by row (for some 50 flags a row, 9% of the step's final stage at a million).
   */
  private static Column present(int deficit) {
    return array_contains(col(EfiScores.NUMBERS), deficit);
  }

  /**
   * Distinct medicines issued in the polypharmacy rule's window, counted as it counts them: the
   * rule's own count ({@link io.proactivecare.npc.frailty.Polypharmacy#medicinesAt}), so {@code
   * medicines_12m} reaches {@code frailty.polypharmacy.min_medicines} exactly when the deficit is
   * present.
   */
  static Dataset<Row> medicines(Dataset<Row> keys, Dataset<Row> medications, NpcConfig config) {
    return new io.proactivecare.npc.frailty.Polypharmacy(config.frailty().polypharmacy())
        .medicinesAt(medications, keys, Cols.MEDICINES_12M);
  }

  /** The person matches and {@code dateCol} is in the {@code days} days ending on the date. */
  private static Column inWindow(String dateCol, int days) {
    return col(Cols.PERSON_ID)
        .equalTo(col("_person"))
        .and(col(dateCol).leq(col(Cols.AS_OF)))
        .and(col(dateCol).geq(date_sub(col(Cols.AS_OF), days - 1)));
  }

  private static Column count(Column condition) {
    return sum(when(condition, 1).otherwise(0)).cast(DataTypes.IntegerType);
  }

  /**
   * Admitted patient care: emergency admissions in 12 and 36 months and recently, unplanned bed
   * days, elective admissions and day cases, days since the last emergency admission and inpatient
   * stay.
   */
  public static Dataset<Row> hospital(Dataset<Row> keys, Dataset<Row> spells, FeatureSettings s) {
    int back = Math.max(Math.max(s.windowDays(), s.longWindowDays()), s.recencyCapDays());
    Column d = col(Cols.AS_OF);
    Column windowStart = date_sub(d, s.windowDays() - 1);
    Column method = col(Cols.ADMISSION_METHOD);
    Column classification = col(Cols.PATIENT_CLASSIFICATION);
    Column admitted = col(Cols.ADMISSION_DATE);
    Column emergency = method.startsWith("2");
    Column elective = method.startsWith("1");
    Column regular = classification.isin("3", "4");
    Column in12 = admitted.geq(windowStart);
    Column in36 = admitted.geq(date_sub(d, s.longWindowDays() - 1));
    Column recent = admitted.geq(date_sub(d, s.recentWindowDays() - 1));
    Column end = date_add(d, 1);
    Column nights = nights(windowStart, d);
    Column inpatient = classification.isin("1", "2").and(not(method.isin("82", "83")));
    Dataset<Row> s2 =
        spells.select(
            col(Cols.PERSON_ID).as("_person"),
            col(Cols.ADMISSION_DATE),
            col(Cols.DISCHARGE_DATE),
            col(Cols.ADMISSION_METHOD),
            col(Cols.PATIENT_CLASSIFICATION));
    Column joined =
        col(Cols.PERSON_ID)
            .equalTo(col("_person"))
            .and(admitted.leq(d))
            .and(
                admitted
                    .geq(date_sub(d, back - 1))
                    .or(coalesce(col(Cols.DISCHARGE_DATE), end).gt(windowStart)));
    return keys.join(s2, joined)
        .groupBy(Cols.PERSON_ID, Cols.AS_OF)
        .agg(
            count(emergency.and(in12)).as(Cols.EMERGENCY_ADMISSIONS_12M),
            count(emergency.and(in36)).as(Cols.EMERGENCY_ADMISSIONS_36M),
            count(emergency.and(recent)).as(Cols.EMERGENCY_ADMISSIONS_RECENT),
            sum(when(emergency.and(not(regular)), nights).otherwise(0))
                .cast(DataTypes.IntegerType)
                .as(Cols.UNPLANNED_BED_DAYS_12M),
            count(elective.and(classification.equalTo("1")).and(in12))
                .as(Cols.ELECTIVE_ADMISSIONS_12M),
            count(elective.and(classification.equalTo("2")).and(in12)).as(Cols.DAY_CASES_12M),
            recency(max(when(emergency, admitted)), d, s).as(Cols.DAYS_SINCE_EMERGENCY_ADMISSION),
            recency(max(when(inpatient, admitted)), d, s).as(Cols.DAYS_SINCE_INPATIENT_STAY));
  }

  /**
   * A spell's nights inside the window [start, end], both ends included: {@code max(0,
   * min(coalesce(discharge, end + 1), end + 1) - max(admission, start))}. A same-day stay gives 0;
   * an open spell is clipped at the window's end.
   */
  public static Column nights(Column start, Column end) {
    Column after = date_add(end, 1);
    return greatest(
        lit(0),
        datediff(
            least(coalesce(col(Cols.DISCHARGE_DATE), after), after),
            greatest(col(Cols.ADMISSION_DATE), start)));
  }

  /**
   * The rank of a social care service's package type, highest first: 1 nursing, 2 residential, 3
   * community, 4 short-term; null for a service that is not a package.
   */
  public static Column packageRank() {
    Column type = col(Cols.SERVICE_TYPE);
    return when(type.equalTo("Long Term Support: Nursing Care"), 1)
        .when(type.equalTo("Long Term Support: Residential Care"), 2)
        .when(type.equalTo("Long Term Support: Community"), 3)
        .when(type.startsWith("Short Term Support:"), 4);
  }

  /** A service's weekly cost: unit cost times units a week (by cost frequency, else planned). */
  public static Column weeklyCost(FeatureSettings s) {
    Column weekly = col(Cols.PLANNED_UNITS_PER_WEEK);
    for (Map.Entry<String, Double> f : s.costFrequencies().entrySet()) {
      weekly =
          when(col(Cols.COST_FREQUENCY).equalTo(f.getKey()), lit(f.getValue())).otherwise(weekly);
    }
    return col(Cols.UNIT_COST).multiply(weekly);
  }

  /** Days from the last date to D, or the cap when none is within the cap. */
  private static Column recency(Column last, Column d, FeatureSettings s) {
    Column days = datediff(d, last);
    return when(last.isNull().or(days.geq(s.recencyCapDays())), s.recencyCapDays())
        .otherwise(days)
        .cast(DataTypes.IntegerType);
  }

  /** A&E attendances (all counted types, and type 01) in the window; days since the last. */
  static Dataset<Row> emergencyCare(
      Dataset<Row> keys, Dataset<Row> attendances, FeatureSettings s) {
    int back = Math.max(s.windowDays(), s.recencyCapDays());
    Column d = col(Cols.AS_OF);
    Dataset<Row> counted =
        attendances
            .where(
                col(Cols.DEPARTMENT_TYPE)
                    .isin(s.aeDepartmentTypes().toArray())
                    .and(col(Cols.ATTENDANCE_CATEGORY).isin(s.aeCategories().toArray())))
            .select(
                col(Cols.PERSON_ID).as("_person"),
                col(Cols.ARRIVAL_DATE),
                col(Cols.DEPARTMENT_TYPE));
    Column in12 = col(Cols.ARRIVAL_DATE).geq(date_sub(d, s.windowDays() - 1));
    return keys.join(counted, inWindow(Cols.ARRIVAL_DATE, back))
        .groupBy(Cols.PERSON_ID, Cols.AS_OF)
        .agg(
            count(in12).as(Cols.AE_ATTENDANCES_12M),
            count(in12.and(col(Cols.DEPARTMENT_TYPE).equalTo("01")))
                .as(Cols.AE_TYPE1_ATTENDANCES_12M),
            recency(max(col(Cols.ARRIVAL_DATE)), d, s).as(Cols.DAYS_SINCE_AE_ATTENDANCE));
  }

  /**
   * Outpatient attendances and did-not-attends in the window (administrative events, first
   * attendance 5, are not contacts); days since the last attended appointment.
   */
  static Dataset<Row> outpatients(Dataset<Row> keys, Dataset<Row> appointments, FeatureSettings s) {
    int back = Math.max(s.windowDays(), s.recencyCapDays());
    Column d = col(Cols.AS_OF);
    Dataset<Row> a =
        appointments
            .where(coalesce(col(Cols.FIRST_ATTENDANCE), lit("")).notEqual("5"))
            .select(
                col(Cols.PERSON_ID).as("_person"),
                col(Cols.APPOINTMENT_DATE),
                col(Cols.ATTENDANCE_STATUS));
    Column attended = col(Cols.ATTENDANCE_STATUS).isin(s.opAttendedStatuses().toArray());
    Column dna =
        s.opDnaStatuses().isEmpty()
            ? lit(false)
            : col(Cols.ATTENDANCE_STATUS).isin(s.opDnaStatuses().toArray());
    Column in12 = col(Cols.APPOINTMENT_DATE).geq(date_sub(d, s.windowDays() - 1));
    return keys.join(a, inWindow(Cols.APPOINTMENT_DATE, back))
        .groupBy(Cols.PERSON_ID, Cols.AS_OF)
        .agg(
            count(attended.and(in12)).as(Cols.OUTPATIENT_ATTENDANCES_12M),
            count(dna.and(in12)).as(Cols.OUTPATIENT_DNAS_12M),
            recency(max(when(attended, col(Cols.APPOINTMENT_DATE))), d, s)
                .as(Cols.DAYS_SINCE_OUTPATIENT_CONTACT));
  }

  /**
   * Social care: whether a package is active on D (start ≤ D ≤ end, open when no end), the highest
   * active package type, its weekly cost, services active at any time in the window and their cost
   * over the days of the window they were active, and care home (an active long-term nursing or
   * residential package).
   */
  static Dataset<Row> socialCare(Dataset<Row> keys, Dataset<Row> services, FeatureSettings s) {
    Column d = col(Cols.AS_OF);
    Dataset<Row> packages =
        services
            .withColumn("_rank", packageRank())
            .where(col("_rank").isNotNull())
            .withColumn("_weekly", weeklyCost(s))
            .select(
                col(Cols.PERSON_ID).as("_person"),
                col(Cols.START_DATE),
                col(Cols.END_DATE),
                col("_rank"),
                col("_weekly"));
    Column active = coalesce(col(Cols.END_DATE), d).geq(d);
    Column windowStart = date_sub(d, s.windowDays() - 1);
    Column overlaps =
        col(Cols.PERSON_ID)
            .equalTo(col("_person"))
            .and(col(Cols.START_DATE).leq(d))
            .and(coalesce(col(Cols.END_DATE), d).geq(windowStart));
    // Days of the package inside the window, both ends included.
    Column daysIn =
        datediff(
                least(coalesce(col(Cols.END_DATE), d), d),
                greatest(col(Cols.START_DATE), windowStart))
            .plus(1);
    Column best = org.apache.spark.sql.functions.min(when(active, col("_rank")));
    Column name =
        when(best.equalTo(1), PACKAGES.get(0))
            .when(best.equalTo(2), PACKAGES.get(1))
            .when(best.equalTo(3), PACKAGES.get(2))
            .when(best.equalTo(4), PACKAGES.get(3))
            .otherwise(NONE);
    return keys.join(packages, overlaps)
        .groupBy(Cols.PERSON_ID, Cols.AS_OF)
        .agg(
            best.isNotNull().as(Cols.SOCIAL_CARE_ACTIVE),
            name.as(Cols.SOCIAL_CARE_PACKAGE),
            coalesce(sum(when(active, col("_weekly"))), lit(0.0)).as(Cols.SOCIAL_CARE_WEEKLY_COST),
            coalesce(sum(col("_weekly").multiply(daysIn).divide(7.0)), lit(0.0))
                .as(Cols.SOCIAL_CARE_COST_12M),
            org.apache
                .spark
                .sql
                .functions
                .count(lit(1))
                .cast(DataTypes.IntegerType)
                .as(Cols.SOCIAL_CARE_SERVICES_12M),
            coalesce(best.leq(2), lit(false)).as(Cols.CARE_HOME));
  }
}

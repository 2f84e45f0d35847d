package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.cohort.CohortReport;
import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.disclosure.Measures;
import io.proactivecare.npc.population.AgeBands;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;

/**
 * Reach and equity (docs/evaluation.md, "Reach and equity"): who was enrolled against who was on
 * the cohort lists. Pure functions: {@link #people} and {@link #counts} are Spark plans with no
 * reads, writes or counts; {@link #control} is plain Java on the collected counts.
 */
public final class Reach {
  private Reach() {}

  /** The breakdowns, in the order the table gives them. */
  public static final List<String> BREAKDOWNS =
      List.of(
          EvaluationStep.OVERALL,
          EvaluationSettings.PCN,
          EvaluationSettings.IMD_QUINTILE,
          Cols.ETHNIC_CATEGORY,
          EvaluationSettings.AGE_BAND,
          EvaluationSettings.SEX);

  /**
   * The breakdowns that count enrolled people who were never listed: the enrolments table gives
   * their PCN only, so the other breakdowns cannot place them.
   */
  public static final List<String> NOT_LISTED_BREAKDOWNS =
      List.of(EvaluationStep.OVERALL, EvaluationSettings.PCN);

  /** The published table, {@code evaluation/reach}. */
  public static final StructType SCHEMA = Outputs.REACH.schema();

  /** Where a null in the published table means "does not apply" rather than "suppressed". */
  static boolean notApplicable(Row r, int column) {
    return SCHEMA.fieldNames()[column].equals(Cols.N_ENROLLED_NOT_LISTED)
        && !NOT_LISTED_BREAKDOWNS.contains(r.getString(0));
  }

  /**
   * Everyone listed or enrolled by {@code asOf}, one row each: {@code person_id}, their first
   * listing ({@code first_listed} and, from that listing's row, {@code pcn_code}, {@code
   * imd_quintile}, {@code ethnic_category}, {@code age_band}, {@code sex}; null when never listed),
   * their first enrolment ({@code enrolment_date}, {@code enrolment_pcn}; null when never enrolled)
   * and {@code days_to_enrolment} (first enrolment minus first listing, when both).
   *
   * @param eligibility {@code cohort/eligibility} rows of any number of runs ({@code as_of,
   *     person_id, in_cohort, pcn_code, imd_quintile, ethnic_category, age, sex}); a person is
   *     listed on a run where {@code in_cohort} is true
   * @param enrolments the conformed {@code enrolments} table
   */
  public static Dataset<Row> people(
      Dataset<Row> eligibility, Dataset<Row> enrolments, LocalDate asOf, EvaluationSettings s) {
    java.sql.Date until = java.sql.Date.valueOf(asOf);
    // min over a struct led by the date: the earliest listing's row (ties on the date cannot
    // happen, a run lists a person once; the rest of the struct would break them reproducibly).
    Dataset<Row> listed =
        eligibility
            .where(col(Cols.IN_COHORT).equalTo(true).and(col(Cols.AS_OF).leq(lit(until))))
            .groupBy(Cols.PERSON_ID)
            .agg(
                min(struct(
                        col(Cols.AS_OF),
                        col(Cols.PCN_CODE),
                        col(Cols.IMD_QUINTILE),
                        col(Cols.ETHNIC_CATEGORY),
                        col(Cols.AGE),
                        col(Cols.SEX)))
                    .as("_first"))
            .select(
                col(Cols.PERSON_ID),
                col("_first." + Cols.AS_OF).as(Cols.FIRST_LISTED),
                col("_first." + Cols.PCN_CODE).as(Cols.PCN_CODE),
                col("_first." + Cols.IMD_QUINTILE).as(Cols.IMD_QUINTILE),
                col("_first." + Cols.ETHNIC_CATEGORY).as(Cols.ETHNIC_CATEGORY),
                when(
                        col("_first." + Cols.AGE).isNotNull(),
                        AgeBands.label(col("_first." + Cols.AGE), s.ageBands()))
                    .as(Cols.AGE_BAND),
                col("_first." + Cols.SEX).as(Cols.SEX));
    Dataset<Row> enrolled =
        RiskSets.treated(enrolments.where(col(Cols.ENROLMENT_DATE).leq(lit(until))), s)
            .drop(Cols.INDEX_DATE);
    return listed
        .join(enrolled, new String[] {Cols.PERSON_ID}, "full_outer")
        .withColumn(
            Cols.DAYS_TO_ENROLMENT, datediff(col(Cols.ENROLMENT_DATE), col(Cols.FIRST_LISTED)));
  }

  /**
   * The exact counts, before disclosure control: one row per breakdown and group with {@code
   * n_listed}, {@code n_enrolled} (listed and enrolled at any time), {@code
   * n_enrolled_after_listing} (first enrolment on or after first listing), {@code
   * n_enrolled_not_listed} (enrolled, never listed, by enrolment PCN; 0 outside {@link
   * #NOT_LISTED_BREAKDOWNS}) and the quartiles of {@code days_to_enrolment} over the people
   * enrolled after listing (exact, interpolated as R's type 7; null when there are none).
   *
   * @param people from {@link #people}
   */
  public static Dataset<Row> counts(Dataset<Row> people) {
    Column listed = col(Cols.FIRST_LISTED).isNotNull();
    Column enrolled = col(Cols.ENROLMENT_DATE).isNotNull();
    Column after = coalesce(col(Cols.DAYS_TO_ENROLMENT).geq(0), lit(false));
    String unknown = CohortReport.UNKNOWN;
    List<Column> groups = new ArrayList<>();
    for (String b : BREAKDOWNS) {
      Column group =
          switch (b) {
            case EvaluationStep.OVERALL -> lit(EvaluationStep.ALL);
            // A listed person's PCN is their first listing's; one never listed, their
            // enrolment's.
            case EvaluationSettings.PCN ->
                when(listed, col(Cols.PCN_CODE)).otherwise(col(Cols.ENROLMENT_PCN));
            case Cols.ETHNIC_CATEGORY -> when(listed, col(Cols.ETHNIC_CATEGORY));
            default -> when(listed, col(Matching.column(b)).cast("string"));
          };
      Column entry =
          struct(lit(b).as(Cols.BREAKDOWN), coalesce(group, lit(unknown)).as(Cols.LEVEL));
      groups.add(
          NOT_LISTED_BREAKDOWNS.contains(b) ? entry : when(listed, entry).otherwise(lit(null)));
    }
    Column days = when(after, col(Cols.DAYS_TO_ENROLMENT));
    return people
        .select(col("*"), explode(array(groups.toArray(Column[]::new))).as("_g"))
        .where(col("_g").isNotNull())
        .groupBy(
            col("_g." + Cols.BREAKDOWN).as(Cols.BREAKDOWN), col("_g." + Cols.LEVEL).as(Cols.LEVEL))
        .agg(
            count(when(listed, 1)).as(Cols.N_LISTED),
            count(when(listed.and(enrolled), 1)).as(Cols.N_ENROLLED),
            count(when(listed.and(after), 1)).as(Cols.N_ENROLLED_AFTER_LISTING),
            count(when(col(Cols.FIRST_LISTED).isNull().and(enrolled), 1))
                .as(Cols.N_ENROLLED_NOT_LISTED),
            percentile(days, lit(0.25)).as(Cols.DAYS_TO_ENROLMENT_Q1),
            percentile(days, lit(0.5)).as(Cols.DAYS_TO_ENROLMENT_MEDIAN),
            percentile(days, lit(0.75)).as(Cols.DAYS_TO_ENROLMENT_Q3));
  }

  /** One row of {@link #counts}, collected. */
  record Exact(
      String breakdown,
      String group,
      long listed,
      long enrolled,
      long after,
      long notListed,
      Double q1,
      Double median,
      Double q3) {
    static Exact of(Row r) {
      return new Exact(
          r.getAs(Cols.BREAKDOWN),
          r.getAs(Cols.LEVEL),
          r.<Long>getAs(Cols.N_LISTED),
          r.<Long>getAs(Cols.N_ENROLLED),
          r.<Long>getAs(Cols.N_ENROLLED_AFTER_LISTING),
          r.<Long>getAs(Cols.N_ENROLLED_NOT_LISTED),
          r.getAs(Cols.DAYS_TO_ENROLMENT_Q1),
          r.getAs(Cols.DAYS_TO_ENROLMENT_MEDIAN),
          r.getAs(Cols.DAYS_TO_ENROLMENT_Q3));
    }
  }

  // Whom a figure counts. Besides the published counts, the complements a reader could work out
  // by subtraction are controlled (and published in the measures table only): listed but not
  // enrolled, enrolled before their first listing, and (overall) everyone enrolled, which the
  // evaluation's attrition table shows.
  private static final String LISTED = "listed";
  private static final String ENROLLED = "enrolled";
  private static final String AFTER = "enrolled_after";
  private static final String BEFORE = "enrolled_before";
  private static final String NOT_ENROLLED = "not_enrolled";
  private static final String NOT_LISTED = "not_listed";
  private static final String ALL_ENROLLED = "all_enrolled";
  private static final String RATE = "enrolment_rate";
  private static final List<String> PER_GROUP =
      List.of(LISTED, ENROLLED, AFTER, BEFORE, NOT_ENROLLED);

  /** A figure: people of a population in a breakdown's group. */
  private static Measures.Key id(String population, String breakdown, String group) {
    return new Measures.Key("people", population, breakdown, group);
  }

  /**
   * What is published: the rows of {@link #SCHEMA}, and every figure behind them as rows of {@link
   * Measures#SCHEMA}.
   */
  public record Published(List<Row> rows, List<Row> measures) {}

  /**
   * The published table (rows with schema {@link #SCHEMA}) from the exact counts, through one call
   * {@link Measures#control()}: counts of 1 to 7 suppressed and the rest rounded to 5; within a row
   * listed = enrolled + not enrolled and enrolled = after + before listing, and across a
   * breakdown's groups every count adds up to the overall row, so a suppressed cell cannot be
   * worked out by subtraction; the enrolment rate is the rounded enrolled over the rounded listed.
   * The quartiles of days are withheld where fewer than {@code minGroupSize} people were enrolled
   * after listing, or that count is suppressed.
   *
   * @param exact the rows of {@link #counts}, in any order
   */
  public static Published control(List<Row> exact, int minGroupSize) {
    Map<String, Map<String, Exact>> by = new LinkedHashMap<>();
    BREAKDOWNS.forEach(b -> by.put(b, new TreeMap<>()));
    for (Row r : exact) {
      Exact e = Exact.of(r);
      Map<String, Exact> groups = by.get(e.breakdown());
      if (groups == null) {
        throw new IllegalArgumentException("unknown breakdown '" + e.breakdown() + "'");
      }
      groups.put(e.group(), e);
    }
    if (by.get(EvaluationStep.OVERALL).isEmpty()) {
      return new Published(List.of(), List.of());
    }
    Measures m = new Measures();
    for (String b : BREAKDOWNS) {
      for (Exact e : by.get(b).values()) {
        String g = e.group();
        m.count(id(LISTED, b, g), e.listed());
        m.count(id(ENROLLED, b, g), e.enrolled());
        m.count(id(AFTER, b, g), e.after());
        m.count(id(BEFORE, b, g), e.enrolled() - e.after());
        m.count(id(NOT_ENROLLED, b, g), e.listed() - e.enrolled());
        m.sum(id(LISTED, b, g), List.of(id(ENROLLED, b, g), id(NOT_ENROLLED, b, g)));
        m.sum(id(ENROLLED, b, g), List.of(id(AFTER, b, g), id(BEFORE, b, g)));
        if (NOT_LISTED_BREAKDOWNS.contains(b)) {
          m.count(id(NOT_LISTED, b, g), e.notListed());
        }
        m.ratio(id(RATE, b, g), id(ENROLLED, b, g), id(LISTED, b, g), 1);
      }
    }
    Exact overall = by.get(EvaluationStep.OVERALL).get(EvaluationStep.ALL);
    String all = EvaluationStep.ALL;
    String ov = EvaluationStep.OVERALL;
    m.count(id(ALL_ENROLLED, ov, all), overall.enrolled() + overall.notListed());
    m.sum(id(ALL_ENROLLED, ov, all), List.of(id(ENROLLED, ov, all), id(NOT_LISTED, ov, all)));
    for (String b : BREAKDOWNS.subList(1, BREAKDOWNS.size())) {
      List<String> groups = List.copyOf(by.get(b).keySet());
      if (groups.isEmpty()) {
        continue; // nobody listed: only the PCN breakdown has rows (those enrolled, never listed)
      }
      List<String> kinds = new ArrayList<>(PER_GROUP);
      if (NOT_LISTED_BREAKDOWNS.contains(b)) {
        kinds.add(NOT_LISTED);
      }
      for (String kind : kinds) {
        m.sum(id(kind, ov, all), groups.stream().map(g -> id(kind, b, g)).toList());
      }
    }
    Measures.Controlled c = m.control();

    List<Row> out = new ArrayList<>();
    for (String b : BREAKDOWNS) {
      for (Exact e : by.get(b).values()) {
        String g = e.group();
        Long after = c.value(id(AFTER, b, g));
        boolean withheld = after == null || e.after() < minGroupSize;
        out.add(
            new GenericRowWithSchema(
                new Object[] {
                  b,
                  g,
                  c.value(id(LISTED, b, g)),
                  c.value(id(ENROLLED, b, g)),
                  after,
                  c.ratio(id(RATE, b, g)),
                  withheld ? null : e.q1(),
                  withheld ? null : e.median(),
                  withheld ? null : e.q3(),
                  withheld,
                  NOT_LISTED_BREAKDOWNS.contains(b) ? c.value(id(NOT_LISTED, b, g)) : null
                },
                SCHEMA));
      }
    }
    return new Published(out, c.rows());
  }
}

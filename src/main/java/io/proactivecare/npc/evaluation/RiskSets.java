package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.population.AgeBands;
import io.proactivecare.npc.schema.Cols;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Who is compared with whom, and from when (docs/evaluation.md): the enrolled people with their
 * index dates, and at each index date the risk set of people eligible then and not enrolled.
 */
public final class RiskSets {
  private RiskSets() {}

  public static final String TREATED = "treated";
  public static final String CANDIDATE = "candidate";
  public static final String CONTROL = "control";

  /**
   * The index date of an enrolment on {@code enrolment}: the enrolment date itself, or the first
   * day of the following month.
   */
  public static Column indexDate(Column enrolment, String rule) {
    return EvaluationSettings.ENROLMENT_DATE.equals(rule)
        ? enrolment
        : add_months(trunc(enrolment, "month"), 1);
  }

  /**
   * Each enrolled person once, by their first enrolment (intention to treat: an enrolment that
   * ended early still counts): {@code person_id, enrolment_date, enrolment_pcn, index_date}.
   */
  public static Dataset<Row> treated(Dataset<Row> enrolments, EvaluationSettings s) {
    return enrolments
        .groupBy(Cols.PERSON_ID)
        .agg(
            min(Cols.ENROLMENT_DATE).as(Cols.ENROLMENT_DATE),
            min_by(col(Cols.PCN_CODE), col(Cols.ENROLMENT_DATE)).as(Cols.ENROLMENT_PCN))
        .withColumn(Cols.INDEX_DATE, indexDate(col(Cols.ENROLMENT_DATE), s.indexDate()));
  }

  /**
   * Everyone in a risk set: the enrolled person at their index date ({@code role = treated}) and,
   * at every index date, each person registered and alive then, at least {@code minAge}, in a PCN,
   * and not enrolled before it ({@code role = candidate}; a candidate who enrols later carries the
   * date as {@code later_enrolment}). With {@code controls: non_participating_pcns} candidates come
   * only from PCNs that enrolled nobody; with {@code later_enrolled_controls: drop} people who
   * enrol later are no candidates.
   *
   * @param population {@code Population.at} over the distinct index dates ({@code as_of})
   * @param treated the enrolled people evaluated, from {@link #treated}
   * @param enrolled everyone enrolled, from {@link #treated}: evaluated or not, nobody enrolled
   *     before an index date is a candidate on it
   * @return the population's columns with {@code index_date} for {@code as_of}, plus {@code role},
   *     {@code later_enrolment} and {@code age_band}
   */
  public static Dataset<Row> members(
      Dataset<Row> population,
      Dataset<Row> treated,
      Dataset<Row> enrolled,
      EvaluationSettings s,
      int minAge) {
    Dataset<Row> base =
        population
            .where(col(Cols.AGE).geq(minAge).and(col(Cols.PCN_CODE).isNotNull()))
            .withColumnRenamed(Cols.AS_OF, Cols.INDEX_DATE);
    Dataset<Row> joined =
        base.join(
                enrolled.select(
                    col(Cols.PERSON_ID).as("_person"), col(Cols.ENROLMENT_DATE).as("_enrolled")),
                col(Cols.PERSON_ID).equalTo(col("_person")),
                "left")
            .join(
                treated.select(
                    col(Cols.PERSON_ID).as("_treated"), col(Cols.INDEX_DATE).as("_index")),
                col(Cols.PERSON_ID).equalTo(col("_treated")),
                "left");
    Column isTreated = col("_index").equalTo(col(Cols.INDEX_DATE));
    // Not enrolled at the index date: no enrolment, or one strictly after it.
    Column notYet = col("_enrolled").isNull().or(col("_enrolled").gt(col(Cols.INDEX_DATE)));
    if (EvaluationSettings.DROP.equals(s.laterEnrolled())) {
      notYet = col("_enrolled").isNull();
    }
    Column candidate = notYet;
    if (EvaluationSettings.NON_PARTICIPATING.equals(s.controls())) {
      Dataset<Row> participating =
          treated.select(col(Cols.ENROLMENT_PCN).as("_participating")).distinct();
      joined =
          joined.join(
              org.apache.spark.sql.functions.broadcast(participating),
              col(Cols.PCN_CODE).equalTo(col("_participating")),
              "left");
      candidate = candidate.and(col("_participating").isNull());
    }
    return joined
        .where(coalesce(isTreated).or(candidate))
        .withColumn(Cols.ROLE, when(coalesce(isTreated), TREATED).otherwise(CANDIDATE))
        .withColumn(
            Cols.LATER_ENROLMENT,
            when(coalesce(isTreated), lit(null).cast("date")).otherwise(col("_enrolled")))
        .withColumn(Cols.AGE_BAND, AgeBands.label(col(Cols.AGE), s.ageBands()))
        .drop("_person", "_treated", "_enrolled", "_index", "_participating");
  }

  private static Column coalesce(Column flag) {
    return org.apache.spark.sql.functions.coalesce(flag, lit(false));
  }
}

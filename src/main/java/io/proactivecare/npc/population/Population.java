package io.proactivecare.npc.population;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.proactivecare.npc.config.PopulationSettings;
import io.proactivecare.npc.schema.Cols;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The registered population at one or many dates (docs/population.md): who is registered and alive
 * on each date, at which practice and PCN, and their age then.
 */
public final class Population {
  private Population() {}

  /** Up to this many dates, each practice's PCN at each date is broadcast to the people's rows. */
  static final int BROADCAST_DATES = 100;

  /**
   * Each person's earliest recorded death: the GP register's date of death, or the discharge date
   * of a hospital spell that ended in death (discharge method 4 or destination 79).
   *
   * @param spells conformed apc_spells, when the warehouse has them
   */
  public static Dataset<Row> deaths(Dataset<Row> registrations, Optional<Dataset<Row>> spells) {
    Dataset<Row> gp =
        registrations
            .where(col(Cols.DATE_OF_DEATH).isNotNull())
            .select(col(Cols.PERSON_ID), col(Cols.DATE_OF_DEATH));
    if (spells.isPresent()) {
      gp =
          gp.unionByName(
              spells
                  .get()
                  .where(
                      col(Cols.DISCHARGE_DATE)
                          .isNotNull()
                          .and(
                              col(Cols.DISCHARGE_METHOD)
                                  .equalTo("4")
                                  .or(col(Cols.DISCHARGE_DESTINATION).equalTo("79"))))
                  .select(col(Cols.PERSON_ID), col(Cols.DISCHARGE_DATE).as(Cols.DATE_OF_DEATH)));
    }
    return gp.groupBy(Cols.PERSON_ID).agg(min(Cols.DATE_OF_DEATH).as(Cols.DATE_OF_DEATH));
  }

  /**
   * One row per person and date at which the person is registered and alive: {@code person_id,
   * as_of, practice_code, pcn_code, sex, year_of_birth, age, lsoa_code, ethnic_group}.
   *
   * <p>Registered on D: {@code registration_start <= D <= registration_end} (an open registration
   * has no end); alive on D: no recorded death before D (dying on D still counts). Where two
   * registrations cover D (a move recorded on the same day) the later start wins, then the lower
   * practice code. The PCN is the practice's membership in force on D, the latest starting if two
   * are.
   *
   * @param deaths from {@link #deaths}
   * @param practicePcn conformed practice_pcn, when the warehouse has it (else pcn_code is null)
   */
  public static Dataset<Row> at(
      Dataset<Row> registrations,
      Dataset<Row> deaths,
      Optional<Dataset<Row>> practicePcn,
      List<LocalDate> dates,
      PopulationSettings settings) {
    SparkSession spark = registrations.sparkSession();
    Dataset<Row> when =
        spark
            .createDataset(dates.stream().map(Date::valueOf).toList(), Encoders.DATE())
            .toDF(Cols.AS_OF);
    Column d = col(Cols.AS_OF);
    Dataset<Row> covering =
        registrations
            .drop(Cols.DATE_OF_DEATH)
            .join(deaths, Cols.PERSON_ID, "left")
            .crossJoin(org.apache.spark.sql.functions.broadcast(when))
            .where(
                col(Cols.REGISTRATION_START)
                    .leq(d)
                    .and(coalesce(col(Cols.REGISTRATION_END), d).geq(d))
                    .and(coalesce(col(Cols.DATE_OF_DEATH), d).geq(d)));
    Dataset<Row> one =
        covering
            .withColumn(
                "_rank",
                row_number()
                    .over(
                        Window.partitionBy(Cols.PERSON_ID, Cols.AS_OF)
                            .orderBy(col(Cols.REGISTRATION_START).desc(), col(Cols.PRACTICE_CODE))))
            .where(col("_rank").equalTo(1))
            .drop("_rank");
    // The day of the year as MMdd, compared as a number (no date formatted per row).
    Column birthdayPassed =
        org.apache
            .spark
            .sql
            .functions
            .month(d)
            .multiply(100)
            .plus(org.apache.spark.sql.functions.dayofmonth(d))
            .geq(
                settings.assumedBirthday().getMonthValue() * 100
                    + settings.assumedBirthday().getDayOfMonth());
    Dataset<Row> aged =
        one.withColumn(
            Cols.AGE,
            // Never below 0: a baby born this year is 0 before the assumed birthday too.
            greatest(
                lit(0),
                year(d)
                    .minus(col(Cols.YEAR_OF_BIRTH))
                    .minus(when(birthdayPassed, 0).otherwise(1))));
    Dataset<Row> withPcn;
    if (practicePcn.isPresent()) {
      // Each practice's PCN at each date is worked out once (practices x dates) and joined to the
      // people by practice and date: no sort of the people's rows. For the few dates of a night
      // (one, or a trajectory's 17: thousands of rows) it is broadcast; for many (an evaluation's
      // index dates) Spark chooses how to join it.
      Dataset<Row> pcnAt =
          practicePcn
              .get()
              .select(
                  col(Cols.PRACTICE_CODE),
                  col(Cols.PCN_CODE),
                  col(Cols.VALID_FROM),
                  col(Cols.VALID_TO))
              .crossJoin(when)
              .where(col(Cols.VALID_FROM).leq(d).and(coalesce(col(Cols.VALID_TO), d).geq(d)))
              .withColumn(
                  "_rank",
                  row_number()
                      .over(
                          Window.partitionBy(Cols.PRACTICE_CODE, Cols.AS_OF)
                              .orderBy(col(Cols.VALID_FROM).desc(), col(Cols.PCN_CODE))))
              .where(col("_rank").equalTo(1))
              .select(col(Cols.PRACTICE_CODE), col(Cols.AS_OF), col(Cols.PCN_CODE));
      withPcn =
          aged.join(
              dates.size() <= BROADCAST_DATES
                  ? org.apache.spark.sql.functions.broadcast(pcnAt)
                  : pcnAt,
              new String[] {Cols.PRACTICE_CODE, Cols.AS_OF},
              "left");
    } else {
      withPcn = aged.withColumn(Cols.PCN_CODE, lit(null).cast("string"));
    }
    return withPcn.select(
        col(Cols.PERSON_ID),
        col(Cols.AS_OF),
        col(Cols.PRACTICE_CODE),
        col(Cols.PCN_CODE),
        col(Cols.SEX),
        col(Cols.YEAR_OF_BIRTH),
        col(Cols.AGE).cast("int").as(Cols.AGE),
        col(Cols.LSOA_CODE),
        col(Cols.ETHNIC_GROUP));
  }
}

package io.proactivecare.npc.frailty;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Each person's deficit periods, computed once from the whole record so that the eFI at any date is
 * a cheap filter (docs/frailty.md): {@code person_id, deficit_no, period_start, period_end}.
 *
 * <p>A coded deficit has one period, from the first date any of its codes (or a value meeting one
 * of its value rules) was recorded, with no end: no code resolves a deficit. Polypharmacy has a
 * period for each run of days on which its rule holds.
 */
public final class DeficitPeriods {
  private DeficitPeriods() {}

  /**
   * @param events conformed gp_events
   * @param medications conformed gp_medications
   * @param sexes from {@link #sexes}: each person's sex over time, for sex-specific value rules (a
   *     table of just {@code person_id, sex} holds for all time)
   */
  public static Dataset<Row> compute(
      Dataset<Row> events,
      Dataset<Row> medications,
      Dataset<Row> sexes,
      EfiDefinition definition,
      Polypharmacy polypharmacy) {
    SparkSession spark = events.sparkSession();
    Dataset<Row> coded =
        events
            .select(Cols.PERSON_ID, Cols.EVENT_DATE, Cols.CODE_SYSTEM, Cols.CODE)
            .join(broadcast(codes(spark, definition)), new String[] {Cols.CODE_SYSTEM, Cols.CODE})
            .select(Cols.PERSON_ID, Cols.DEFICIT_NO, Cols.EVENT_DATE);
    Dataset<Row> found = coded;
    if (!definition.valueRules().isEmpty()) {
      Column value = col(Cols.VALUE);
      Column meets =
          col("_comparator")
              .equalTo(">")
              .and(value.gt(col("_low")))
              .or(col("_comparator").equalTo("<").and(value.lt(col("_high"))))
              .or(col("_comparator").equalTo("any"))
              .or(
                  col("_comparator")
                      .equalTo("between")
                      .and(value.gt(col("_low")))
                      .and(value.lt(col("_high"))));
      Dataset<Row> valued =
          events
              .where(col(Cols.VALUE).isNotNull())
              .select(Cols.PERSON_ID, Cols.EVENT_DATE, Cols.CODE_SYSTEM, Cols.CODE, Cols.VALUE)
              .join(broadcast(rules(spark, definition)), new String[] {Cols.CODE_SYSTEM, Cols.CODE})
              .join(
                  timed(sexes).withColumnRenamed(Cols.PERSON_ID, "_sex_person"),
                  col(Cols.PERSON_ID)
                      .equalTo(col("_sex_person"))
                      .and(col(SEX_FROM).isNull().or(col(SEX_FROM).leq(col(Cols.EVENT_DATE))))
                      .and(col(SEX_TO).isNull().or(col(SEX_TO).geq(col(Cols.EVENT_DATE)))),
                  "left")
              .where(meets.and(col("_sex").equalTo("any").or(col("_sex").equalTo(col(Cols.SEX)))))
              .select(Cols.PERSON_ID, Cols.DEFICIT_NO, Cols.EVENT_DATE);
      found = found.unionByName(valued);
    }
    Dataset<Row> onsets =
        found
            .groupBy(Cols.PERSON_ID, Cols.DEFICIT_NO)
            .agg(min(Cols.EVENT_DATE).as(Cols.PERIOD_START))
            .withColumn(Cols.PERIOD_END, lit(null).cast(DataTypes.DateType));
    Dataset<Row> poly =
        polypharmacy
            .periods(medications)
            .withColumn(Cols.DEFICIT_NO, lit(definition.polypharmacy()))
            .select(Cols.PERSON_ID, Cols.DEFICIT_NO, Cols.PERIOD_START, Cols.PERIOD_END);
    return Outputs.DEFICIT_PERIODS.select(
        onsets
            .unionByName(poly)
            .withColumn(Cols.DEFICIT_NO, col(Cols.DEFICIT_NO).cast(DataTypes.IntegerType)));
  }

  static final String SEX_FROM = "_sex_from";
  static final String SEX_TO = "_sex_to";

  /**
   * Each person's sex over time, for sex-specific value rules: the sex on each registration, in
   * force from its start (the first from always) to the day before the next registration starts. A
   * value is judged by the sex recorded when it was taken, so nothing after it is used.
   */
  public static Dataset<Row> sexes(Dataset<Row> registrations) {
    org.apache.spark.sql.expressions.WindowSpec w =
        org.apache.spark.sql.expressions.Window.partitionBy(Cols.PERSON_ID)
            .orderBy(Cols.REGISTRATION_START);
    return registrations
        .select(Cols.PERSON_ID, Cols.SEX, Cols.REGISTRATION_START)
        .withColumn(
            SEX_FROM,
            org.apache.spark.sql.functions.when(
                org.apache.spark.sql.functions.row_number().over(w).gt(1),
                col(Cols.REGISTRATION_START)))
        .withColumn(
            SEX_TO,
            org.apache.spark.sql.functions.date_sub(
                org.apache.spark.sql.functions.lead(col(Cols.REGISTRATION_START), 1).over(w), 1))
        .select(Cols.PERSON_ID, Cols.SEX, SEX_FROM, SEX_TO);
  }

  /** A sexes table without periods (person_id, sex) holds for all time. */
  private static Dataset<Row> timed(Dataset<Row> sexes) {
    if (java.util.Arrays.asList(sexes.columns()).contains(SEX_FROM)) {
      return sexes;
    }
    return sexes
        .withColumn(SEX_FROM, lit(null).cast(DataTypes.DateType))
        .withColumn(SEX_TO, lit(null).cast(DataTypes.DateType));
  }

  private static Dataset<Row> codes(SparkSession spark, EfiDefinition d) {
    List<Row> rows = new ArrayList<>();
    for (EfiDefinition.Code c : d.codes()) {
      rows.add(RowFactory.create(c.system(), c.code(), c.deficit()));
    }
    StructType schema =
        new StructType()
            .add(Cols.CODE_SYSTEM, DataTypes.StringType)
            .add(Cols.CODE, DataTypes.StringType)
            .add(Cols.DEFICIT_NO, DataTypes.IntegerType);
    // A code listed under two deficits counts for both: one row per (code, deficit).
    return spark.createDataFrame(rows, schema);
  }

  private static Dataset<Row> rules(SparkSession spark, EfiDefinition d) {
    List<Row> rows = new ArrayList<>();
    for (EfiDefinition.ValueRule r : d.valueRules()) {
      rows.add(
          RowFactory.create(
              r.system(), r.code(), r.deficit(), r.comparator(), r.low(), r.high(), r.sex()));
    }
    StructType schema =
        new StructType()
            .add(Cols.CODE_SYSTEM, DataTypes.StringType)
            .add(Cols.CODE, DataTypes.StringType)
            .add(Cols.DEFICIT_NO, DataTypes.IntegerType)
            .add("_comparator", DataTypes.StringType)
            .add("_low", DataTypes.DoubleType)
            .add("_high", DataTypes.DoubleType)
            .add("_sex", DataTypes.StringType);
    return spark.createDataFrame(rows, schema);
  }
}

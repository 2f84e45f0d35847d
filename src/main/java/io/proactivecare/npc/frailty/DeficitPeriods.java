package io.proactivecare.npc.frailty;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import io.proactivecare.npc.schema.Cols;
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
   * @param sexes {@code person_id, sex}: one row per person, for sex-specific value rules
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
              .join(sexes, new String[] {Cols.PERSON_ID}, "left")
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
    return onsets
        .unionByName(poly)
        .select(
            col(Cols.PERSON_ID),
            col(Cols.DEFICIT_NO).cast(DataTypes.IntegerType),
            col(Cols.PERIOD_START),
            col(Cols.PERIOD_END));
  }

  /** Each person's sex for sex-specific value rules: as on their latest registration. */
  public static Dataset<Row> sexes(Dataset<Row> registrations) {
    return registrations
        .groupBy(Cols.PERSON_ID)
        .agg(
            org.apache
                .spark
                .sql
                .functions
                .max_by(col(Cols.SEX), col(Cols.REGISTRATION_START))
                .as(Cols.SEX));
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

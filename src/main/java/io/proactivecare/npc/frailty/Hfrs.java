package io.proactivecare.npc.frailty;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.HfrsSettings;
import io.proactivecare.npc.schema.Cols;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Hospital Frailty Risk Score (Gilbert et al. 2018) of people at dates (docs/frailty.md): the
 * points of every distinct three-character ICD-10 code among the diagnoses of the spells admitted
 * in the look-back window, each code once.
 */
public final class Hfrs {
  private Hfrs() {}

  public static final String LOW = "low";
  public static final String INTERMEDIATE = "intermediate";
  public static final String HIGH = "high";

  /** Intermediate from 5 points, high above 15 (in tenths of a point, for exact sums). */
  public static final int INTERMEDIATE_FROM_TENTHS = 50;

  public static final int HIGH_ABOVE_TENTHS = 150;

  /** The band of a score in tenths of a point: low below 5, intermediate 5 to 15, high above 15. */
  public static String band(int tenths) {
    if (tenths > HIGH_ABOVE_TENTHS) {
      return HIGH;
    }
    return tenths >= INTERMEDIATE_FROM_TENTHS ? INTERMEDIATE : LOW;
  }

  /**
   * Adds to every request row ({@code person_id, as_of}, ...) {@code hfrs_score}, {@code
   * hfrs_band}, {@code hfrs_codes} (the scoring codes, sorted) and {@code hfrs_spells} (spells in
   * the window, scoring or not).
   *
   * <p>A spell counts on D when it was admitted from D minus the look-back to D, both included,
   * and, when discharge is required, discharged on or before D.
   */
  public static Dataset<Row> score(
      Dataset<Row> spells, Dataset<Row> requests, HfrsCodelist codelist, HfrsSettings settings) {
    Dataset<Row> keys = requests.select(Cols.PERSON_ID, Cols.AS_OF).distinct();
    Column d = col(Cols.AS_OF);
    Column inWindow =
        col(Cols.PERSON_ID)
            .equalTo(col("_person"))
            .and(col(Cols.ADMISSION_DATE).leq(d))
            .and(col(Cols.ADMISSION_DATE).geq(date_sub(d, settings.lookbackDays())));
    if (settings.requireDischarge()) {
      inWindow =
          inWindow.and(col(Cols.DISCHARGE_DATE).isNotNull()).and(col(Cols.DISCHARGE_DATE).leq(d));
    }
    Dataset<Row> windowed =
        keys.join(
            spells
                .select(
                    Cols.PERSON_ID,
                    Cols.SPELL_ID,
                    Cols.ADMISSION_DATE,
                    Cols.DISCHARGE_DATE,
                    Cols.DIAGNOSES)
                .withColumnRenamed(Cols.PERSON_ID, "_person"),
            inWindow);
    Dataset<Row> spellCounts =
        windowed
            .groupBy(Cols.PERSON_ID, Cols.AS_OF)
            .agg(count_distinct(col(Cols.SPELL_ID)).cast("int").as(Cols.HFRS_SPELLS));
    Dataset<Row> points =
        windowed
            .select(col(Cols.PERSON_ID), d, explode(col(Cols.DIAGNOSES)).as("_dx"))
            .select(col(Cols.PERSON_ID), d, substring(col("_dx"), 1, 3).as(Cols.CODE))
            .distinct()
            .join(broadcast(codes(requests, codelist)), Cols.CODE)
            .groupBy(Cols.PERSON_ID, Cols.AS_OF)
            .agg(
                sum("_tenths").cast("int").as("_tenths"),
                array_sort(collect_set(col(Cols.CODE))).as(Cols.HFRS_CODES));
    Column tenths = coalesce(col("_tenths"), lit(0));
    return requests
        .join(spellCounts, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left")
        .join(points, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left")
        .withColumn(Cols.HFRS_SCORE, tenths.cast(DataTypes.DoubleType).divide(10))
        .withColumn(
            Cols.HFRS_BAND,
            when(tenths.gt(HIGH_ABOVE_TENTHS), HIGH)
                .when(tenths.geq(INTERMEDIATE_FROM_TENTHS), INTERMEDIATE)
                .otherwise(LOW))
        .withColumn(
            Cols.HFRS_CODES,
            coalesce(
                col(Cols.HFRS_CODES),
                org.apache
                    .spark
                    .sql
                    .functions
                    .array()
                    .cast(DataTypes.createArrayType(DataTypes.StringType, false))))
        .withColumn(Cols.HFRS_SPELLS, coalesce(col(Cols.HFRS_SPELLS), lit(0)))
        .drop("_tenths");
  }

  private static Dataset<Row> codes(Dataset<Row> any, HfrsCodelist codelist) {
    List<Row> rows = new ArrayList<>();
    codelist.tenths().forEach((code, t) -> rows.add(RowFactory.create(code, t)));
    return any.sparkSession()
        .createDataFrame(
            rows,
            new StructType()
                .add(Cols.CODE, DataTypes.StringType, false)
                .add("_tenths", DataTypes.IntegerType, false));
  }
}

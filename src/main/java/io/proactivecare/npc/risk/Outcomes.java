package io.proactivecare.npc.risk;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.schema.Cols;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outcome the model predicts (docs/model.md): an emergency admission (method starting 2)
 * admitted, or a death, in the {@code horizon} days after the date: {@code D < date <= D +
 * horizon}. Events on D itself are already in the features, so they are not the outcome.
 */
public final class Outcomes {
  private Outcomes() {}

  public static final String OUTCOME = "outcome";

  /** Adds {@code outcome} (0 or 1) to every row of {@code keys} ({@code person_id, as_of}). */
  public static Dataset<Row> label(
      Dataset<Row> keys, Dataset<Row> spells, Dataset<Row> deaths, int horizon) {
    Dataset<Row> events =
        spells
            .where(col(Cols.ADMISSION_METHOD).startsWith("2"))
            .select(col(Cols.PERSON_ID).as("_person"), col(Cols.ADMISSION_DATE).as("_date"))
            .unionByName(
                deaths.select(
                    col(Cols.PERSON_ID).as("_person"), col(Cols.DATE_OF_DEATH).as("_date")));
    Column d = col(Cols.AS_OF);
    Dataset<Row> hits =
        keys.select(Cols.PERSON_ID, Cols.AS_OF)
            .distinct()
            .join(
                events,
                col(Cols.PERSON_ID)
                    .equalTo(col("_person"))
                    .and(col("_date").gt(d))
                    .and(col("_date").leq(date_add(d, horizon))))
            .groupBy(Cols.PERSON_ID, Cols.AS_OF)
            .agg(max(lit(1)).as(OUTCOME));
    return keys.join(hits, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left")
        .withColumn(OUTCOME, when(col(OUTCOME).isNull(), 0).otherwise(col(OUTCOME)));
  }
}

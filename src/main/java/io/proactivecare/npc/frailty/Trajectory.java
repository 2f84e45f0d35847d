package io.proactivecare.npc.frailty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The eFI over time: at quarter ends, and each person's progression per year (docs/frailty.md). */
public final class Trajectory {
  private Trajectory() {}

  /** Days in a year, for changes per year. */
  static final double YEAR_DAYS = 365.25;

  private static final String ORIGIN = "2000-01-01";

  /**
   * The {@code n} quarter ends (31 Mar, 30 Jun, 30 Sep, 31 Dec) up to and including {@code asOf},
   * oldest first.
   */
  public static List<LocalDate> quarterEnds(LocalDate asOf, int n) {
    LocalDate q = lastQuarterEnd(asOf);
    List<LocalDate> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(0, q);
      q = q.withDayOfMonth(1).minusMonths(2).minusDays(1);
    }
    return List.copyOf(out);
  }

  /** The last quarter end on or before {@code date}. */
  static LocalDate lastQuarterEnd(LocalDate date) {
    LocalDate start = date.with(IsoFields.DAY_OF_QUARTER, 1);
    LocalDate end = start.plusMonths(3).minusDays(1);
    return end.equals(date) ? date : start.minusDays(1);
  }

  /**
   * Each person's progression over their trajectory rows ({@code person_id, as_of, efi_score,
   * deficit_count}): the number of points, first and last dates and scores, deficits gained, and
   * {@code efi_change_per_year}, the least-squares slope of the score against time in years (null
   * with fewer than two points).
   *
   * <p>The slope is computed from whole numbers: days since a fixed origin and deficit counts (the
   * score is the count over {@link EfiDefinition#DEFICITS}, so the score's slope is the count's
   * over that). Their sums are exact in any order, so the slope has the same bits however Spark
   * partitions the rows; sums of doubles are not, and two runs on the same data wrote slopes that
   * differed in their last bits (a flat trajectory's came out as 1e-15 or -3e-16, not 0), which the
   * manifest's content checksums showed.
   */
  public static Dataset<Row> progression(Dataset<Row> trajectory) {
    Column x = datediff(col(Cols.AS_OF), lit(ORIGIN).cast("date")).cast("long");
    Column y = col(Cols.DEFICIT_COUNT).cast("long");
    Dataset<Row> sums =
        trajectory
            .withColumn("_x", x)
            .groupBy(Cols.PERSON_ID)
            .agg(
                count(lit(1)).cast("int").as(Cols.TRAJECTORY_POINTS),
                min(Cols.AS_OF).as(Cols.FIRST_DATE),
                max(Cols.AS_OF).as(Cols.LAST_DATE),
                sum("_x").as("_sx"),
                sum(y).as("_sy"),
                sum(col("_x").multiply(col("_x"))).as("_sxx"),
                sum(col("_x").multiply(y)).as("_sxy"),
                // A person has one row per date, so the row of the earliest (latest) date is the
                // least (greatest) of these, whatever the order: no join back to find it.
                min(struct(col(Cols.AS_OF), col(Cols.EFI_SCORE), col(Cols.DEFICIT_COUNT)))
                    .as("_first"),
                max(struct(col(Cols.AS_OF), col(Cols.EFI_SCORE), col(Cols.DEFICIT_COUNT)))
                    .as("_last"));
    Column n = col(Cols.TRAJECTORY_POINTS).cast("long");
    // Exact whole numbers (far below 2^53 for any trajectory), so each is a double exactly.
    Column denominator = n.multiply(col("_sxx")).minus(col("_sx").multiply(col("_sx")));
    Column numerator = n.multiply(col("_sxy")).minus(col("_sx").multiply(col("_sy")));
    Column slope =
        numerator
            .cast("double")
            .divide(denominator.cast("double"))
            .multiply(YEAR_DAYS / EfiDefinition.DEFICITS);
    return Outputs.PROGRESSION.select(
        sums.withColumn(Cols.FIRST_SCORE, col("_first").getField(Cols.EFI_SCORE))
            .withColumn(Cols.LAST_SCORE, col("_last").getField(Cols.EFI_SCORE))
            .withColumn(
                Cols.DEFICITS_GAINED,
                col("_last")
                    .getField(Cols.DEFICIT_COUNT)
                    .minus(col("_first").getField(Cols.DEFICIT_COUNT)))
            .withColumn(
                Cols.EFI_CHANGE_PER_YEAR,
                when(col(Cols.TRAJECTORY_POINTS).geq(2).and(denominator.gt(0)), slope)));
  }
}

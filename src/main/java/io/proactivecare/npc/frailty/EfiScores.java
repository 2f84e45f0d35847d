package io.proactivecare.npc.frailty;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The eFI of people at dates, from their deficit periods (docs/frailty.md). */
public final class EfiScores {
  private EfiScores() {}

  public static final String FIT = "fit";
  public static final String MILD = "mild";
  public static final String MODERATE = "moderate";
  public static final String SEVERE = "severe";

  /** Fewest deficits (out of 36) for mild, moderate and severe frailty: 0.12, 0.24, 0.36. */
  public static final int MILD_FROM = 5;

  public static final int MODERATE_FROM = 9;
  public static final int SEVERE_FROM = 13;

  /** The category of an integer deficit count, never of a rounded score. */
  public static String category(int deficits) {
    if (deficits >= SEVERE_FROM) {
      return SEVERE;
    }
    if (deficits >= MODERATE_FROM) {
      return MODERATE;
    }
    return deficits >= MILD_FROM ? MILD : FIT;
  }

  static Column category(Column deficits) {
    return when(deficits.geq(SEVERE_FROM), SEVERE)
        .when(deficits.geq(MODERATE_FROM), MODERATE)
        .when(deficits.geq(MILD_FROM), MILD)
        .otherwise(FIT);
  }

  /**
   * Adds to every request row ({@code person_id, as_of} and any other columns) its {@code
   * deficit_count}, {@code efi_score} (count / 36) and {@code efi_category}; with {@code detail},
   * also {@code deficits}: the deficits present, in number order, each with its name and the date
   * it was first recorded (for polypharmacy, the start of the current period).
   *
   * <p>A deficit is present on D when one of its periods covers D: {@code period_start <= D} and no
   * end, or {@code period_end >= D}.
   */
  public static Dataset<Row> score(
      Dataset<Row> periods, Dataset<Row> requests, EfiDefinition definition, boolean detail) {
    Dataset<Row> counted =
        detail ? detailed(periods, requests, definition) : counted(periods, requests);
    Dataset<Row> out = scored(counted);
    return detail ? orEmpty(out, Cols.DEFICITS, Outputs.DEFICIT_ENTRY) : out;
  }

  /** {@code deficit_count} (0 where null), {@code efi_score} and {@code efi_category} from it. */
  private static Dataset<Row> scored(Dataset<Row> counted) {
    Column n = coalesce(col(Cols.DEFICIT_COUNT), lit(0));
    return counted
        .withColumn(Cols.DEFICIT_COUNT, n)
        .withColumn(Cols.EFI_SCORE, n.cast(DataTypes.DoubleType).divide(EfiDefinition.DEFICITS))
        .withColumn(Cols.EFI_CATEGORY, category(n));
  }

  /** Array column {@code name} with null (no deficit present) made an empty array. */
  private static Dataset<Row> orEmpty(
      Dataset<Row> rows, String name, org.apache.spark.sql.types.DataType element) {
    return rows.withColumn(
        name,
        coalesce(
            col(name),
            org.apache
                .spark
                .sql
                .functions
                .array()
                .cast(DataTypes.createArrayType(element, false))));
  }

  /** The numbers of the deficits present, in {@link #numbers}' output. */
  public static final String NUMBERS = "_deficit_numbers";

  /**
   * Adds to every request row ({@code person_id, as_of} and any other columns) its {@code
   * deficit_count}, {@code efi_score} and {@code efi_category} as {@link #score} does, and {@link
   * #NUMBERS}: the numbers of the deficits present (in no order; empty where none is). For callers
   * that need to know which deficits are present but not their names or dates: whole numbers are
   * gathered where {@code score}'s detail gathers a name and a date with each.
   */
  public static Dataset<Row> numbers(Dataset<Row> periods, Dataset<Row> requests) {
    Dataset<Row> counted =
        present(periods, requests)
            .groupBy(Cols.PERSON_ID, Cols.AS_OF)
            .agg(
                count(lit(1)).cast("int").as(Cols.DEFICIT_COUNT),
                collect_list(col(Cols.DEFICIT_NO)).as(NUMBERS));
    return orEmpty(
        scored(requests.join(counted, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left")),
        NUMBERS,
        DataTypes.IntegerType);
  }

  /**
   * Each request's deficit periods that cover its date: the request's {@code person_id, as_of} with
   * the period's columns (its person as {@code _person}).
   */
  private static Dataset<Row> present(Dataset<Row> periods, Dataset<Row> requests) {
    Dataset<Row> keys = requests.select(Cols.PERSON_ID, Cols.AS_OF).distinct();
    Dataset<Row> p = periods.withColumnRenamed(Cols.PERSON_ID, "_person");
    return keys.join(
        p,
        col(Cols.PERSON_ID)
            .equalTo(col("_person"))
            .and(covers(col(Cols.PERIOD_START), col(Cols.PERIOD_END), col(Cols.AS_OF))));
  }

  /**
   * The requests with the deficits present at their dates: {@code deficit_count} and {@code
   * deficits} (null where none is).
   */
  private static Dataset<Row> detailed(
      Dataset<Row> periods, Dataset<Row> requests, EfiDefinition definition) {
    Dataset<Row> present = present(periods, requests);
    Dataset<Row> counted =
        present
            .join(broadcast(names(present, definition)), Cols.DEFICIT_NO)
            .groupBy(Cols.PERSON_ID, Cols.AS_OF)
            .agg(
                count(lit(1)).cast("int").as(Cols.DEFICIT_COUNT),
                array_sort(
                        collect_list(
                            struct(
                                col(Cols.DEFICIT_NO),
                                col(Cols.DEFICIT),
                                col(Cols.PERIOD_START).as(Cols.FIRST_RECORDED))))
                    .as(Cols.DEFICITS));
    return requests.join(counted, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left");
  }

  /**
   * The requests with the number of deficits present at their dates ({@code deficit_count}, null
   * where none is). Each person's periods are gathered into one array, joined to the person's
   * requests and counted there: the requests (a person at many dates, for a trajectory) are
   * shuffled once and never grouped.
   */
  private static Dataset<Row> counted(Dataset<Row> periods, Dataset<Row> requests) {
    Dataset<Row> byPerson =
        periods
            .groupBy(col(Cols.PERSON_ID).as("_person"))
            .agg(collect_list(struct(col(Cols.PERIOD_START), col(Cols.PERIOD_END))).as("_periods"));
    Column d = col(Cols.AS_OF);
    Column present =
        size(
            filter(
                col("_periods"),
                q -> covers(q.getField(Cols.PERIOD_START), q.getField(Cols.PERIOD_END), d)));
    return requests
        .join(byPerson, col(Cols.PERSON_ID).equalTo(col("_person")), "left")
        .withColumn(
            Cols.DEFICIT_COUNT, when(col("_periods").isNull(), lit(null)).otherwise(present))
        .drop("_person", "_periods");
  }

  /** A period covers D: {@code start <= D} and no end, or {@code end >= D}. */
  private static Column covers(Column start, Column end, Column d) {
    return start.leq(d).and(coalesce(end, d).geq(d));
  }

  private static Dataset<Row> names(Dataset<Row> any, EfiDefinition d) {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<Integer, String> e : d.deficits().entrySet()) {
      rows.add(RowFactory.create(e.getKey(), e.getValue()));
    }
    return any.sparkSession()
        .createDataFrame(
            rows,
            new StructType()
                .add(Cols.DEFICIT_NO, DataTypes.IntegerType, false)
                .add(Cols.DEFICIT, DataTypes.StringType, false));
  }
}

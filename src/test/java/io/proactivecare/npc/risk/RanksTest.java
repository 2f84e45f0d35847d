package io.proactivecare.npc.risk;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** {@link Ranks}: row numbers within groups by a distributed sort, as a window would give them. */
class RanksTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("g", DataTypes.StringType, true)
          .add("p", DataTypes.DoubleType, false)
          .add("id", DataTypes.StringType, false);

  private static Dataset<Row> rows(List<Row> rows) {
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  /**
   * Worked by hand: group A by p descending, equal p by id; group B and the null group alone.
   *
   * <pre>
   * A: a 0.9 -> 1, b 0.5 -> 2, c 0.5 -> 3, d 0.1 -> 4 (n 4);  B: e 0.7 -> 1 (n 1);  null: f -> 1
   * </pre>
   */
  @Test
  void numbersEachGroupFromOneInOrderWithTiesBrokenByTheKey() {
    Dataset<Row> data =
        rows(
            List.of(
                RowFactory.create("A", 0.5, "c"),
                RowFactory.create("B", 0.7, "e"),
                RowFactory.create("A", 0.1, "d"),
                RowFactory.create(null, 0.3, "f"),
                RowFactory.create("A", 0.9, "a"),
                RowFactory.create("A", 0.5, "b")));
    Map<String, String> got = new TreeMap<>();
    for (Row r :
        Ranks.number(data, List.of("g"), List.of(col("p").desc(), col("id")), "rank", "n")
            .collectAsList()) {
      got.put(r.getAs("id"), r.getAs("rank") + "/" + r.getAs("n"));
    }
    assertEquals(
        Map.of("a", "1/4", "b", "2/4", "c", "3/4", "d", "4/4", "e", "1/1", "f", "1/1"), got);
  }

  /** On 20,000 rows cut into many range partitions, the same numbers as the window. */
  @Test
  void agreesWithTheWindowAcrossManyPartitions() {
    SparkSession spark = SparkTestSession.get();
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    String aqe = spark.conf().get("spark.sql.adaptive.enabled");
    spark.conf().set("spark.sql.shuffle.partitions", "7");
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    try {
      List<Row> list = new ArrayList<>();
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 20_000; i++) {
        // Few distinct probabilities, so ties are common; groups of very different sizes.
        String g = i % 10 == 0 ? "small" : i % 3 == 0 ? "mid" : "big";
        list.add(RowFactory.create(g, random.nextInt(50) / 50.0, String.format("P%05d", i)));
      }
      Dataset<Row> data = rows(list).repartition(5);
      Dataset<Row> ours =
          Ranks.number(data, List.of("g"), List.of(col("p").desc(), col("id")), "rank", "n");
      assertEquals(7, ours.rdd().getNumPartitions(), "the numbering ran over several partitions");
      Dataset<Row> window =
          data.withColumn(
                  "rank",
                  row_number().over(Window.partitionBy("g").orderBy(col("p").desc(), col("id"))))
              .withColumn("n", count(lit(1)).over(Window.partitionBy("g")));
      assertEquals(0, ours.exceptAll(window).count());
      assertEquals(0, window.exceptAll(ours).count());
      assertEquals(20_000, ours.count());
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", before);
      spark.conf().set("spark.sql.adaptive.enabled", aqe);
    }
  }
}

package io.proactivecare.npc.risk;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Row numbers within a few large groups (a date, the eligible people), computed with a sort that
 * stays distributed. A window {@code row_number() over (partition by g order by ...)} puts every
 * row of a group in one task: with one group that is the whole table on one core, and on a cluster
 * on one executor. Here the rows are range-partitioned and sorted by (group, order) across all
 * partitions, each partition's rows per group are counted, and a row's number is the rows of its
 * group in earlier partitions plus its position in its own.
 *
 * <p>The sorted rows are checkpointed before they are counted, so the counts and the numbers come
 * from one sort (a range partitioning is sampled afresh if recomputed and may cut elsewhere).
 */
public final class Ranks {
  private static final String PID = "_rank_pid";
  private static final String MID = "_rank_mid";
  private static final String BASE = "_rank_base";
  private static final String GROUP_ROWS = "_rank_n";

  private Ranks() {}

  /**
   * {@code data} with {@code rankColumn} (an int: 1, 2, ... within each group in {@code order}; the
   * order must be total, e.g. end with a key, so that numbers are the same on every run) and {@code
   * countColumn} (the rows of the group). Groups are compared null-safe.
   *
   * @param groups the grouping columns (few distinct values: their counts are collected)
   * @param order the sort order within a group
   */
  public static Dataset<Row> number(
      Dataset<Row> data,
      List<String> groups,
      List<Column> order,
      String rankColumn,
      String countColumn) {
    List<Column> sort = new ArrayList<>();
    groups.forEach(g -> sort.add(col(g).asc_nulls_first()));
    sort.addAll(order);
    Column[] by = sort.toArray(Column[]::new);
    // The range partitioning samples its input in a job of its own: without this, whatever
    // produced the data (a model scoring everyone) would run twice.
    Dataset<Row> sorted =
        data.localCheckpoint(true)
            .repartitionByRange(by)
            .sortWithinPartitions(by)
            .withColumn(PID, spark_partition_id())
            // Consecutive within a partition, in the sorted order.
            .withColumn(MID, monotonically_increasing_id())
            .localCheckpoint(true);
    List<Column> keys = new ArrayList<>();
    keys.add(col(PID));
    groups.forEach(g -> keys.add(col(g)));
    List<Row> parts =
        sorted
            .groupBy(keys.toArray(Column[]::new))
            .agg(count(lit(1)), min(col(MID)))
            .orderBy(col(PID))
            .collectAsList();
    // Per group, the rows seen in earlier partitions; per (partition, group), the number's base.
    Map<List<Object>, Long> before = new HashMap<>();
    List<Row> bases = new ArrayList<>();
    for (Row r : parts) {
      List<Object> group = new ArrayList<>();
      for (int i = 0; i < groups.size(); i++) {
        group.add(r.get(1 + i));
      }
      long rows = r.getLong(1 + groups.size());
      long firstMid = r.getLong(2 + groups.size());
      long earlier = before.getOrDefault(group, 0L);
      before.put(group, earlier + rows);
      Object[] values = new Object[groups.size() + 2];
      values[0] = r.getInt(0);
      for (int i = 0; i < groups.size(); i++) {
        values[1 + i] = group.get(i);
      }
      values[groups.size() + 1] = earlier - firstMid + 1;
      bases.add(RowFactory.create(values));
    }
    StructType schema = new StructType().add(PID, DataTypes.IntegerType, false);
    for (String g : groups) {
      schema = schema.add(g, data.schema().apply(g).dataType(), true);
    }
    schema = schema.add(BASE, DataTypes.LongType, false);
    // Each group's total, beside each (partition, group) base.
    List<Row> withTotals = new ArrayList<>();
    for (Row b : bases) {
      List<Object> group = new ArrayList<>();
      for (int i = 0; i < groups.size(); i++) {
        group.add(b.get(1 + i));
      }
      Object[] values = new Object[groups.size() + 3];
      for (int i = 0; i < groups.size() + 2; i++) {
        values[i] = b.get(i);
      }
      values[groups.size() + 2] = before.get(group);
      withTotals.add(RowFactory.create(values));
    }
    Dataset<Row> base =
        data.sparkSession()
            .createDataFrame(withTotals, schema.add(GROUP_ROWS, DataTypes.LongType, false));
    Column on = sorted.col(PID).equalTo(base.col(PID));
    for (String g : groups) {
      on = on.and(sorted.col(g).eqNullSafe(base.col(g)));
    }
    Dataset<Row> joined = sorted.join(broadcast(base), on, "inner");
    List<Column> out = new ArrayList<>();
    for (String c : data.columns()) {
      out.add(sorted.col(c));
    }
    // An int, as row_number() gives.
    out.add(sorted.col(MID).plus(base.col(BASE)).cast(DataTypes.IntegerType).as(rankColumn));
    out.add(base.col(GROUP_ROWS).as(countColumn));
    return joined.select(out.toArray(Column[]::new));
  }
}

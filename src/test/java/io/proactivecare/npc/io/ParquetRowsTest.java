package io.proactivecare.npc.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.SparkTestSession;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ParquetRows#read}: a table Spark wrote is read with the schema from its footer, with no
 * Spark job, and gives the schema and rows Spark's own discovery gives; partition folders and files
 * Spark did not write are left to Spark's discovery.
 */
class ParquetRowsTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("person_id", DataTypes.StringType, false)
          .add("as_of", DataTypes.DateType, true)
          .add("age", DataTypes.IntegerType, true)
          .add("efi", DataTypes.DoubleType, true)
          .add("cost", DataTypes.createDecimalType(12, 2), true)
          .add("reasons", DataTypes.createArrayType(DataTypes.StringType, true), true)
          .add(
              "source",
              new StructType()
                  .add("file", DataTypes.StringType, true)
                  .add("row", DataTypes.LongType, true),
              true);

  @TempDir Path tmp;

  private static Dataset<Row> table(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(
          RowFactory.create(
              "P" + i,
              i % 4 == 0 ? null : Date.valueOf("2025-03-31"),
              i % 7 == 0 ? null : 60 + i,
              i / 36.0,
              new BigDecimal(i + ".25"),
              i % 5 == 0 ? null : Arrays.asList("r" + i, i % 2 == 0 ? null : "x"),
              i % 3 == 0 ? null : RowFactory.create("f" + i, (long) i)));
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  /** The Spark jobs {@code action} starts, counted under a job group of its own. */
  private static int jobs(Supplier<Dataset<Row>> action) {
    SparkSession spark = SparkTestSession.get();
    String group = "parquet-rows-test-" + System.nanoTime();
    spark.sparkContext().setJobGroup(group, "counting jobs", false);
    try {
      action.get();
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    return spark.sparkContext().statusTracker().getJobIdsForGroup(group).length;
  }

  @Test
  void aTableSparkWroteIsReadWithItsFootersSchemaAndNoJob() {
    SparkSession spark = SparkTestSession.get();
    for (int n : new int[] {120, 0}) {
      Path dir = tmp.resolve("t" + n);
      table(n).repartition(3).write().parquet(dir.toString());

      Dataset<Row> discovered = spark.read().parquet(dir.toString());
      Dataset<Row> read = ParquetRows.read(spark, dir);
      // Spark reads files as nullable whichever way the schema comes: the two are equal in full.
      assertEquals(discovered.schema(), read.schema(), "schema, " + n + " rows");
      assertEquals(SCHEMA.asNullable(), read.schema());
      assertEquals(
          discovered.orderBy("person_id").collectAsList(),
          read.orderBy("person_id").collectAsList(),
          "rows, " + n);
      assertEquals(n, read.count());

      assertEquals(0, jobs(() -> ParquetRows.read(spark, dir)), "reading, " + n + " rows");
      // The check can fail: Spark's own discovery runs a job for the same folder.
      assertTrue(jobs(() -> spark.read().parquet(dir.toString())) > 0);
    }
  }

  @Test
  void severalVersionsAreReadAsOne() {
    SparkSession spark = SparkTestSession.get();
    Path a = tmp.resolve("v1");
    Path b = tmp.resolve("v2");
    table(10).write().parquet(a.toString());
    table(7).write().parquet(b.toString());
    Dataset<Row> both = ParquetRows.read(spark, List.of(a, b));
    assertEquals(17, both.count());
    assertEquals(SCHEMA.asNullable(), both.schema());
  }

  @Test
  void partitionFoldersAreLeftToSparksDiscovery() {
    SparkSession spark = SparkTestSession.get();
    Path dir = tmp.resolve("partitioned");
    table(30).write().partitionBy("age").parquet(dir.toString());
    assertEquals(Optional.empty(), ParquetRows.sparkSchema(dir));
    Dataset<Row> read = ParquetRows.read(spark, dir);
    // The partition column comes from the folders' names, as Spark's discovery gives it.
    assertEquals(spark.read().parquet(dir.toString()).schema(), read.schema());
    assertTrue(Arrays.asList(read.columns()).contains("age"));
    assertEquals(30, read.count());
  }

  @Test
  void aFileSparkDidNotWriteIsLeftToSparksDiscovery() throws IOException {
    Path dir = tmp.resolve("foreign");
    Files.createDirectories(dir);
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message t { required binary person_id (UTF8); optional int32 age; }");
    Configuration conf = LocalFiles.configuration();
    org.apache.parquet.hadoop.example.GroupWriteSupport.setSchema(schema, conf);
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(
                new org.apache.hadoop.fs.Path(dir.resolve("part-0.parquet").toUri()))
            .withType(schema)
            .withConf(conf)
            .build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(schema);
      w.write(groups.newGroup().append("person_id", "P1").append("age", 70));
      w.write(groups.newGroup().append("person_id", "P2"));
    }
    assertEquals(Optional.empty(), ParquetRows.sparkSchema(dir));
    Dataset<Row> read = ParquetRows.read(SparkTestSession.get(), dir);
    assertEquals(
        new StructType()
            .add("person_id", DataTypes.StringType, true)
            .add("age", DataTypes.IntegerType, true),
        read.schema());
    assertEquals(
        List.of(RowFactory.create("P1", 70), RowFactory.create("P2", null)),
        read.orderBy("person_id").collectAsList());
  }

  @Test
  void aFolderWithoutDataFilesHasNoSchema() throws IOException {
    assertEquals(Optional.empty(), ParquetRows.sparkSchema(tmp.resolve("missing")));
    Files.createDirectories(tmp.resolve("empty"));
    assertEquals(Optional.empty(), ParquetRows.sparkSchema(tmp.resolve("empty")));
  }
}

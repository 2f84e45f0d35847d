package io.proactivecare.npc.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A written Parquet output's rows and schema, from its files' footers: what the files hold, without
 * a Spark job (a Parquet footer records each row group's row count, and Spark writes the table's
 * schema into it).
 */
public final class ParquetRows {
  private ParquetRows() {}

  /**
   * The rows of every Parquet data file under {@code dir} (partition folders included; Spark's
   * hidden {@code _} and {@code .} files skipped). A missing folder holds none.
   */
  public static long count(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    Configuration conf = LocalFiles.configuration();
    long rows = 0;
    for (Path f : dataFiles(dir)) {
      try (ParquetFileReader reader =
          ParquetFileReader.open(
              HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), conf))) {
        rows += reader.getRecordCount();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the footer of " + f, e);
      }
    }
    return rows;
  }

  /**
   * {@code dir}'s Parquet table, to be read by Spark with the schema Spark wrote into its first
   * data file's footer ({@link #sparkSchema}), so that Spark need not run a job to find it. Spark's
   * own schema discovery does the same (without {@code mergeSchema} it reads one data file's footer
   * and, when Spark wrote the file, takes the schema recorded there) but as a Spark job, about
   * 20-60 ms each in local mode and more on a cluster, and a nightly run reads dozens of tables. A
   * folder of partitions, or files that Spark did not write, are left to Spark's own discovery.
   */
  public static Dataset<Row> read(SparkSession spark, Path dir) {
    return read(spark, List.of(dir));
  }

  /**
   * Several versions of one table as one, as Spark reads several folders: with the schema of the
   * first one's footer, as Spark takes one file's without {@code mergeSchema}.
   */
  public static Dataset<Row> read(SparkSession spark, List<Path> dirs) {
    String[] paths = dirs.stream().map(Path::toString).toArray(String[]::new);
    Optional<StructType> schema = sparkSchema(dirs.get(0));
    return schema.isPresent()
        ? spark.read().schema(schema.get()).parquet(paths)
        : spark.read().parquet(paths);
  }

  /** The footer entry in which Spark records a table's schema as JSON (Spark's own key). */
  static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

  /**
   * The schema Spark recorded in the footer of {@code dir}'s first data file (in name order), if
   * the data files lie directly in {@code dir} (no partition folders, whose columns live in the
   * folders' names) and Spark wrote them.
   */
  public static Optional<StructType> sparkSchema(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> files = dataFiles(dir);
    if (files.isEmpty() || files.stream().anyMatch(f -> !dir.equals(f.getParent()))) {
      return Optional.empty();
    }
    // A footer that cannot be read, or a schema that does not parse, is left to Spark, whose read
    // then fails as it always has, with its own message.
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(files.get(0).toUri()), LocalFiles.configuration()))) {
      String json = reader.getFileMetaData().getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
      return json != null && DataType.fromJson(json) instanceof StructType struct
          ? Optional.of(struct)
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The Parquet data files under {@code dir}, in name order. */
  static List<Path> dataFiles(Path dir) {
    return visibleFiles(dir).stream().filter(ParquetRows::isParquet).toList();
  }

  /**
   * Whether {@code dir} is a Parquet table Spark can read: it has Parquet data files and no other
   * visible file (a model's folder or a report's page is an output, but not a table).
   */
  public static boolean isTable(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    List<Path> files = visibleFiles(dir);
    return !files.isEmpty() && files.stream().allMatch(ParquetRows::isParquet);
  }

  private static boolean isParquet(Path p) {
    return p.getFileName().toString().endsWith(".parquet");
  }

  /**
   * The files under {@code dir} Spark reads, in name order: not hidden, that is neither the file
   * nor any folder between it and {@code dir} starts with _ or . (Spark's markers and checksums).
   */
  private static List<Path> visibleFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(
              p ->
                  Stream.iterate(p, q -> q != null && !q.equals(dir), Path::getParent)
                      .map(q -> q.getFileName().toString())
                      .noneMatch(x -> x.startsWith("_") || x.startsWith(".")))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}

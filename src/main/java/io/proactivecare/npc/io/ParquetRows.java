package io.proactivecare.npc.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The rows of a written Parquet output, counted from its files' footers: what the files hold,
 * without a Spark job (a Parquet footer records each row group's row count).
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

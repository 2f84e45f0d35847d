package io.proactivecare.npc.ingest;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.io.CsvText;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one input file, or a folder of parts, as text: every provider column as a string, plus the
 * file (part) each row came from ({@value #FILE}), its data row number in that file ({@value #ROW},
 * 1 = first row after the header), both as one number ({@value #POSITION}) and, for CSV, the raw
 * text of rows that could not be split into fields ({@value #CORRUPT}). Each part is read by its
 * own task, so a table split into parts is read on every core (one gzip file cannot be split).
 * File-level problems (missing, unreadable, empty, wrong delimiter, a column the mapping needs is
 * absent) are refused here with exit code 3.
 */
public final class SourceReader {
  /** Data row number within the file, 1-based, header excluded. */
  public static final String ROW = "_row";

  /** The file (part) the row was read from. */
  public static final String FILE = "_file";

  /**
   * The row's place as one number: the part's index (in {@link Extract.SourceFile#parts} order)
   * times 2^40, plus {@value #ROW}. A compact key for the row within its table.
   */
  public static final String POSITION = "_pos";

  /** Bits of {@value #POSITION} that hold the row number. */
  static final int ROW_BITS = 40;

  /** Raw text of a CSV row whose fields could not be parsed. */
  public static final String CORRUPT = "_corrupt_record";

  private static final String[] OTHER_DELIMITERS = {",", ";", "\t", "|"};

  private SourceReader() {}

  /**
   * Every file-level check of one input, without Spark jobs: readable, a complete gzip, not empty,
   * the expected delimiter, unique column names, every column the mapping needs present.
   *
   * @return the file's columns, to be passed to {@link #read}
   */
  public static List<String> check(SparkSession spark, Extract.SourceFile file) {
    requireKind(file);
    return file.isParquet() ? parquetColumns(spark, file) : csvHeader(file);
  }

  /**
   * Refuses a file that is missing or unreadable, a folder that holds no Parquet files, and a file
   * named {@code .parquet} that is not Parquet (it must begin and end with the marker {@code
   * PAR1}), so that Spark is never asked to read what is not Parquet. Cheap: reads eight bytes per
   * file.
   */
  public static void requireKind(Extract.SourceFile file) {
    Path path = file.path();
    requireReadable(path);
    if (Files.isDirectory(path)) {
      List<Path> parts = file.parts();
      if (parts.isEmpty()) {
        throw Errors.inputFile(
            path,
            "is a folder, not a file, and holds no CSV or Parquet files",
            "name the file itself (CSV, CSV.gz or Parquet) under 'tables' in extract.yaml, or put"
                + " the table's parts (.csv, .csv.gz or .parquet) in the folder");
      }
      long parquet = parts.stream().filter(Extract.SourceFile::isParquetName).count();
      if (parquet > 0 && parquet < parts.size()) {
        throw Errors.inputFile(
            path,
            "holds both CSV and Parquet parts (" + parquet + " Parquet of " + parts.size() + ")",
            "keep one kind of part per table folder");
      }
      if (parquet > 0) {
        parts.forEach(SourceReader::requireParquetMarkers);
      }
    } else if (file.isParquet()) {
      requireParquetMarkers(path);
    }
  }

  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private static void requireParquetMarkers(Path path) {
    byte[] head = new byte[4];
    byte[] tail = new byte[4];
    boolean marked;
    try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(path)) {
      long size = ch.size();
      marked =
          size >= 12
              && ch.read(java.nio.ByteBuffer.wrap(head)) == 4
              && ch.position(size - 4).read(java.nio.ByteBuffer.wrap(tail)) == 4
              && java.util.Arrays.equals(head, PARQUET_MAGIC)
              && java.util.Arrays.equals(tail, PARQUET_MAGIC);
    } catch (IOException e) {
      throw Errors.inputFile(
          path, "cannot be read (" + e.getMessage() + ")", "check the file is complete");
    }
    if (!marked) {
      throw Errors.inputFile(
          path,
          "is not a Parquet file (a Parquet file begins and ends with the marker PAR1; this one is"
              + " text, truncated or another format)",
          "re-export it as Parquet, or give it the ending of what it is (.csv or .csv.gz)");
    }
  }

  /**
   * Reads a checked file (or folder of parts) with all columns as strings plus {@value #FILE},
   * {@value #ROW} and {@value #CORRUPT}: the union of one read per part, numbered within the part
   * as it is read (no second pass).
   *
   * @param columns the file's columns as returned by {@link #check}
   */
  public static Dataset<Row> read(
      SparkSession spark, Extract.SourceFile file, List<String> columns) {
    Dataset<Row> all = null;
    List<Path> parts = file.parts();
    for (int i = 0; i < parts.size(); i++) {
      Path part = parts.get(i);
      Dataset<Row> one =
          (file.isParquet() ? readParquet(spark, file, part) : readCsv(spark, file, part, columns))
              .withColumn(POSITION, functions.lit((long) i << ROW_BITS).plus(functions.col(ROW)));
      all = all == null ? one : all.unionByName(one);
    }
    return all;
  }

  /**
   * The rows without {@value #FILE} and {@value #ROW}, which {@value #POSITION} holds: narrower
   * rows to cache. {@link #withPlace} gives them back.
   */
  public static Dataset<Row> withoutPlace(Dataset<Row> rows) {
    return rows.drop(FILE, ROW);
  }

  /**
   * Gives back {@value #FILE} and {@value #ROW} from {@value #POSITION}, for rows of {@code file}
   * read by {@link #read} and narrowed by {@link #withoutPlace}.
   */
  public static Dataset<Row> withPlace(Dataset<Row> rows, Extract.SourceFile file) {
    List<Path> parts = file.parts();
    Column part =
        functions.shiftright(functions.col(POSITION), ROW_BITS).cast(DataTypes.IntegerType);
    Column name =
        parts.size() == 1
            ? functions.lit(parts.get(0).toString())
            : functions.element_at(
                functions.array(
                    parts.stream().map(p -> functions.lit(p.toString())).toArray(Column[]::new)),
                part.plus(1));
    return rows.withColumn(FILE, name)
        .withColumn(ROW, functions.col(POSITION).bitwiseAND(functions.lit((1L << ROW_BITS) - 1)));
  }

  /** Refuses a file that is missing or that this user cannot read. */
  public static void requireReadable(Path path) {
    if (!Files.exists(path)) {
      throw Errors.inputFile(
          path, "no such file", "check the file name under 'tables' in extract.yaml");
    }
    if (!Files.isReadable(path)) {
      throw Errors.inputFile(
          path, "the file is not readable (permissions)", "give the user running npc read access");
    }
  }

  /**
   * The column names of a CSV file's header, checked for the file-level problems. A gzip file is
   * decompressed to its end, so that a truncated or damaged one is refused here rather than failing
   * inside Spark half-way through the read.
   */
  public static List<String> csvHeader(Extract.SourceFile file) {
    List<Path> parts = file.parts();
    // Parts are checked two at a time (decompressing is the cost); the first problem in part order
    // is the one reported, whichever thread found it.
    List<Object> checked =
        parts.parallelStream()
            .map(
                p -> {
                  try {
                    return (Object) csvHeader(file, p);
                  } catch (RuntimeException e) {
                    return e;
                  }
                })
            .toList();
    List<String> first = null;
    for (int i = 0; i < parts.size(); i++) {
      if (checked.get(i) instanceof RuntimeException e) {
        throw e;
      }
      @SuppressWarnings("unchecked")
      List<String> columns = (List<String>) checked.get(i);
      if (first == null) {
        first = columns;
      } else if (!first.equals(columns)) {
        throw Errors.inputFile(
            parts.get(i),
            "its header ("
                + String.join(", ", columns)
                + ") differs from the first part's ("
                + parts.get(0).getFileName()
                + ": "
                + String.join(", ", first)
                + ")",
            "re-export the table so that every part has the same columns in the same order");
      }
    }
    return first;
  }

  /** The header of one CSV file (a part of {@code file}), checked. */
  private static List<String> csvHeader(Extract.SourceFile file, Path path) {
    List<String> neededColumns = file.sourceColumns();
    requireReadable(path);
    String delimiter = file.mapping().delimiter();
    String header;
    try (InputStream in = open(path);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      header = r.readLine();
      while (header != null && header.isBlank()) {
        header = r.readLine();
      }
      if (in instanceof GZIPInputStream) {
        in.transferTo(OutputStream.nullOutputStream());
      }
    } catch (EOFException e) {
      throw Errors.inputFile(
          path,
          "the gzip file is truncated (its compressed data ends early)",
          "re-export the file, or copy it again in full");
    } catch (ZipException e) {
      throw Errors.inputFile(
          path,
          "not a readable gzip file (" + e.getMessage() + ")",
          "re-export the file, or drop the .gz ending if it is not compressed");
    } catch (AccessDeniedException e) {
      throw Errors.inputFile(
          path, "the file is not readable (permissions)", "give the user running npc read access");
    } catch (IOException e) {
      throw Errors.inputFile(
          path,
          "cannot be read (" + e.getMessage() + ")",
          "check the file is complete and not locked");
    }
    if (header == null) {
      throw Errors.inputFile(
          path,
          "the file is empty (no header row)",
          "re-export it with a header row naming the columns");
    }
    if (header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    List<String> columns = splitHeader(header, delimiter.charAt(0));
    if (columns.size() == 1 && neededColumns.size() > 1) {
      for (String other : OTHER_DELIMITERS) {
        if (!other.equals(delimiter) && header.contains(other)) {
          throw Errors.inputFile(
              path,
              "the header has one column but contains '"
                  + printable(other)
                  + "': the file looks "
                  + printable(other)
                  + "-separated, not "
                  + printable(delimiter)
                  + "-separated",
              "set delimiter: "
                  + yamlValue(other)
                  + " in "
                  + file.mapping().file()
                  + " or re-export with '"
                  + printable(delimiter)
                  + "'");
        }
      }
    }
    Set<String> seen = new HashSet<>();
    for (String c : columns) {
      if (!seen.add(c)) {
        throw Errors.inputFile(
            path,
            "the header names column '" + c + "' twice",
            "re-export with unique column names");
      }
    }
    requireColumns(file, path, columns, neededColumns);
    return columns;
  }

  private static Dataset<Row> readCsv(
      SparkSession spark, Extract.SourceFile file, Path part, List<String> header) {
    StructType schema = new StructType();
    for (String c : header) {
      schema = schema.add(c, DataTypes.StringType, true);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType, true);
    return spark
        .read()
        .schema(schema)
        .option("header", "true")
        .option("sep", file.mapping().delimiter())
        .option("quote", "\"")
        .option("escape", "\"")
        // RFC 4180: a quoted field may hold line breaks. Records are then found by parsing, not by
        // splitting on lines, so each file is read whole by one task (a gzip file always is).
        .option("multiLine", "true")
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("enforceSchema", "true")
        .option("encoding", "UTF-8")
        .csv(part.toString())
        // A multi-line CSV file is never split, so it is one partition and this numbers its rows
        // in file order from 0.
        .withColumn(ROW, functions.monotonically_increasing_id().plus(1))
        .withColumn(FILE, functions.lit(part.toString()));
  }

  /**
   * The columns of a Parquet file, or of the first part of a folder; every part is checked for the
   * columns the mapping needs. Read from the footers, without Spark.
   */
  private static List<String> parquetColumns(SparkSession spark, Extract.SourceFile file) {
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> first = null;
    for (Path part : file.parts()) {
      List<String> columns = new ArrayList<>();
      try (org.apache.parquet.hadoop.ParquetFileReader footer =
          org.apache.parquet.hadoop.ParquetFileReader.open(
              org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                  new org.apache.hadoop.fs.Path(part.toUri()), conf))) {
        footer.getFooter().getFileMetaData().getSchema().getFields().stream()
            .map(org.apache.parquet.schema.Type::getName)
            .forEach(columns::add);
      } catch (IOException | RuntimeException e) {
        // The markers were checked, so the file is damaged.
        throw damagedParquet(part, e);
      }
      requireColumns(file, part, columns, file.sourceColumns());
      if (first == null) {
        first = columns;
      }
    }
    return first;
  }

  /** A Parquet file with its markers whose footer cannot be read. */
  static RuntimeException damagedParquet(Path path, Throwable cause) {
    return Errors.inputFile(
        path,
        "is a damaged Parquet file (its footer, which holds the schema, cannot be read)",
        "re-export it; rerun with --verbose for the reader's own message",
        cause);
  }

  private static Dataset<Row> readParquet(SparkSession spark, Extract.SourceFile file, Path part) {
    Dataset<Row> df = spark.read().parquet(part.toString());
    List<Column> out = new ArrayList<>();
    file.sourceColumns()
        .forEach(c -> out.add(functions.col("`" + c + "`").cast(DataTypes.StringType).as(c)));
    out.add(functions.lit(null).cast(DataTypes.StringType).as(CORRUPT));
    // The row's position in its file, whichever split of the file reads it.
    out.add(functions.col("_metadata.row_index").plus(1).as(ROW));
    out.add(functions.lit(part.toString()).as(FILE));
    return df.select(out.toArray(Column[]::new));
  }

  static void requireColumns(
      Extract.SourceFile file, Path path, List<String> present, List<String> needed) {
    Set<String> have = new LinkedHashSet<>(present);
    for (String c : needed) {
      if (!have.contains(c)) {
        List<String> shown = present.size() > 12 ? present.subList(0, 12) : present;
        throw Errors.inputFile(
            path,
            "column '"
                + c
                + "' named by mapping '"
                + file.mapping().name()
                + "' for "
                + file.table()
                + " is absent; "
                + (path.equals(file.path()) ? "the file" : "this part")
                + " has "
                + String.join(", ", shown)
                + (present.size() > 12 ? ", ..." : ""),
            "fix the mapping in "
                + file.mapping().file()
                + " or re-export the file with that column");
      }
    }
  }

  static InputStream open(Path path) throws IOException {
    InputStream in = Files.newInputStream(path);
    return path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")
        ? new GZIPInputStream(in)
        : in;
  }

  /**
   * Splits one header line on the delimiter, quoted as the reader quotes ({@link CsvText}), each
   * name trimmed.
   */
  static List<String> splitHeader(String line, char delimiter) {
    return CsvText.fields(line, delimiter).stream().map(f -> f == null ? "" : f.trim()).toList();
  }

  private static String printable(String delimiter) {
    return delimiter.equals("\t") ? "tab" : delimiter;
  }

  /** The delimiter as a mapping file takes it: {@code '\t'} for a tab (see MappingLoader). */
  private static String yamlValue(String delimiter) {
    return delimiter.equals("\t") ? "'\\t'" : "'" + delimiter + "'";
  }
}

package io.proactivecare.npc.testing;

import io.proactivecare.npc.ingest.SourceReader;
import io.proactivecare.npc.io.CsvText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A raw input table in memory, shaped as {@link SourceReader#read} returns it: every header column
 * as a string, then {@value SourceReader#CORRUPT}, {@value SourceReader#ROW} (1 = the first line)
 * and {@value SourceReader#FILE} ({@value #FILE} unless named), then {@value SourceReader#POSITION}
 * (distinct for each file name and row, so raw tables of different files can be united). Lines are
 * split on commas, as the CSV reader does:
 *
 * <ul>
 *   <li>an empty field is null (the CSV reader's default); write {@code " "} for a blank value;
 *   <li>a field in double quotes may hold commas, and {@code ""} inside it is one quote; a quote
 *       inside an unquoted field is text ({@link CsvText});
 *   <li>a line with more or fewer fields than the header is malformed: its fields are filled from
 *       the left (missing ones null, extra ones dropped) and {@value SourceReader#CORRUPT} holds
 *       the line, as the reader's PERMISSIVE mode does.
 * </ul>
 *
 * <pre>
 * Dataset&lt;Row&gt; raw = RawRows.of("person_id,pcn_code,enrolment_date,end_date",
 *     "P1,U12345,2024-10-28,",
 *     "P2,U12345");  // malformed
 * </pre>
 */
public final class RawRows {
  /** The file the rows are said to come from, unless named. */
  public static final String FILE = "raw.csv";

  private RawRows() {}

  /** The raw table of a CSV header and its data lines. */
  public static Dataset<Row> of(String header, String... lines) {
    return of(header, Arrays.asList(lines));
  }

  /** The raw table of a CSV header and its data lines, read from {@code file}. */
  public static Dataset<Row> inFile(String file, String header, String... lines) {
    return of(file, header, Arrays.asList(lines));
  }

  /** The raw table of a CSV header and its data lines. */
  public static Dataset<Row> of(String header, List<String> lines) {
    return of(FILE, header, lines);
  }

  private static Dataset<Row> of(String file, String header, List<String> lines) {
    List<String> columns = split(header);
    StructType schema = new StructType();
    for (String c : columns) {
      schema = schema.add(c, DataTypes.StringType, true);
    }
    schema =
        schema
            .add(SourceReader.CORRUPT, DataTypes.StringType, true)
            .add(SourceReader.ROW, DataTypes.LongType, false)
            .add(SourceReader.FILE, DataTypes.StringType, false)
            .add(SourceReader.POSITION, DataTypes.LongType, false);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      List<String> fields = split(line);
      Object[] values = new Object[columns.size() + 4];
      for (int c = 0; c < columns.size(); c++) {
        values[c] = c < fields.size() ? fields.get(c) : null;
      }
      values[columns.size()] = fields.size() == columns.size() ? null : line;
      values[columns.size() + 1] = (long) (i + 1);
      values[columns.size() + 2] = file;
      values[columns.size() + 3] = position(file, i + 1);
      rows.add(RowFactory.create(values));
    }
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  /** A row's position: the file name's hash in the part bits, the row below them. */
  private static long position(String file, long row) {
    return ((long) (file.hashCode() & 0x7fffff) << 40) + row;
  }

  /** One line's fields: comma-separated, quoted as the reader quotes, empty unquoted ones null. */
  static List<String> split(String line) {
    return CsvText.fields(line, ',');
  }
}

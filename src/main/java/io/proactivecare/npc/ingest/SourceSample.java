package io.proactivecare.npc.ingest;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.schema.ColumnSpec;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.TableContract;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;

/**
 * What {@code npc validate} checks of an input file without Spark, cheaply: every file-level check
 * ingest makes (its kind, header or Parquet schema, columns), then the first rows: an identifier
 * column holding an NHS number refuses the file as ingest would, and rows with the wrong number of
 * fields are counted. CSV is parsed by univocity, the parser Spark uses, with the same quoting.
 */
public final class SourceSample {
  /** Rows read from the start of each file. */
  public static final int ROWS = 1_000;

  private SourceSample() {}

  /**
   * What the sample showed.
   *
   * @param rows data rows read (at most {@link #ROWS})
   * @param malformed of those, rows whose number of fields differs from the header's
   */
  public record Result(long rows, long malformed) {}

  /** Checks {@code file} and its first {@link #ROWS} rows; refuses it as ingest would (exit 3). */
  public static Result check(Extract.SourceFile file) {
    SourceReader.requireKind(file);
    return file.isParquet() ? parquet(file) : csv(file, SourceReader.csvHeader(file));
  }

  /** Per identifier column of the contract, the provider column that fills it (if one does). */
  private static Map<String, String> identifierSources(Extract.SourceFile file) {
    TableContract contract = Contracts.byName(file.table()).orElseThrow();
    Map<String, ColumnMapping> columns = file.mapping().table(file.table()).orElseThrow();
    Map<String, String> out = new LinkedHashMap<>();
    for (ColumnSpec c : contract.identifiers()) {
      ColumnMapping m = columns.get(c.name());
      if (m != null && m.from().isPresent()) {
        out.put(c.name(), m.from().get());
      }
    }
    return out;
  }

  /** Ingest's identifiable-data guard over the sampled values of each identifier column. */
  private static final class Guard {
    private final Map<String, long[]> seen = new LinkedHashMap<>();

    void add(long row, Map<String, String> valueByColumn) {
      valueByColumn.forEach(
          (column, value) -> {
            String v = value == null ? null : value.strip();
            long[] s = seen.computeIfAbsent(column, c -> new long[] {0, 0, Long.MAX_VALUE});
            if (NhsNumber.hasShape(v)) {
              s[0]++;
            }
            if (NhsNumber.isValid(v)) {
              s[1]++;
              s[2] = Math.min(s[2], row);
            }
          });
    }

    void check(Extract.SourceFile file, Path part) {
      seen.entrySet().stream()
          .map(
              e ->
                  new IngestStep.Identifiable(
                      e.getKey(),
                      e.getValue()[0],
                      e.getValue()[1],
                      Optional.of(part.toString()),
                      e.getValue()[2]))
          .filter(IngestStep.Identifiable::refuses)
          .min(java.util.Comparator.comparingLong(IngestStep.Identifiable::firstRow))
          .ifPresent(
              id -> {
                throw IngestStep.identifiable(file, id);
              });
    }
  }

  /** The first rows of the first part (the file itself unless the table is a folder of parts). */
  private static Result csv(Extract.SourceFile file, List<String> header) {
    Path part = file.parts().get(0);
    Map<String, String> ids = identifierSources(file);
    Map<String, Integer> index = new LinkedHashMap<>();
    ids.forEach((target, source) -> index.put(target, header.indexOf(source)));
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(file.mapping().delimiter().charAt(0));
    settings.getFormat().setQuote('"');
    settings.getFormat().setQuoteEscape('"');
    settings.setLineSeparatorDetectionEnabled(true);
    settings.setMaxCharsPerColumn(-1);
    settings.setMaxColumns(Math.max(512, header.size() * 2));
    CsvParser parser = new CsvParser(settings);
    long rows = 0;
    long malformed = 0;
    Guard guard = new Guard();
    try (Reader in = new InputStreamReader(SourceReader.open(part), StandardCharsets.UTF_8)) {
      parser.beginParsing(in);
      parser.parseNext(); // the header, checked by csvHeader
      String[] fields;
      while (rows < ROWS && (fields = parser.parseNext()) != null) {
        rows++;
        if (fields.length != header.size()) {
          malformed++;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : index.entrySet()) {
          int i = e.getValue();
          values.put(e.getKey(), i >= 0 && i < fields.length ? fields[i] : null);
        }
        guard.add(rows, values);
      }
    } catch (IOException e) {
      throw Errors.inputFile(
          part, "cannot be read (" + e.getMessage() + ")", "check the file is complete");
    } finally {
      parser.stopParsing();
    }
    guard.check(file, part);
    return new Result(rows, malformed);
  }

  private static Result parquet(Extract.SourceFile file) {
    Path first = file.parts().get(0);
    Configuration conf = io.proactivecare.npc.io.LocalFiles.configuration();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(first.toUri());
    List<String> columns = new ArrayList<>();
    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
      footer.getFooter().getFileMetaData().getSchema().getFields().stream()
          .map(Type::getName)
          .forEach(columns::add);
    } catch (IOException | RuntimeException e) {
      throw SourceReader.damagedParquet(file.path(), e);
    }
    SourceReader.requireColumns(file, first, columns, file.sourceColumns());
    Map<String, String> ids = identifierSources(file);
    long rows = 0;
    Guard guard = new Guard();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
      Group g;
      while (rows < ROWS && (g = reader.read()) != null) {
        rows++;
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ids.entrySet()) {
          int i = g.getType().getFieldIndex(e.getValue());
          values.put(
              e.getKey(), g.getFieldRepetitionCount(i) == 0 ? null : g.getValueToString(i, 0));
        }
        guard.add(rows, values);
      }
    } catch (IOException e) {
      throw Errors.inputFile(
          first, "cannot be read (" + e.getMessage() + ")", "check the file is complete", e);
    }
    guard.check(file, first);
    return new Result(rows, 0);
  }
}

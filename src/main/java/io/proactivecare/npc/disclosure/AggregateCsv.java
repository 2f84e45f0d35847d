package io.proactivecare.npc.disclosure;

import io.proactivecare.npc.io.CsvTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a controlled aggregate as CSV for the publish area: {@code DIR/NAME.csv}, the header the
 * table's column names, each cell shown by the stage's rule (how a suppressed figure and a figure
 * that does not apply look, how many decimals). The measures table ({@link Measures#SCHEMA}) is
 * always shown by its own rule ({@link Measures#cell}), whichever stage writes it. Every stage's
 * aggregates go through here, so they differ only in their rule.
 */
public final class AggregateCsv {
  private AggregateCsv() {}

  /** How a stage shows one cell: the row, the column's index and its name. */
  @FunctionalInterface
  public interface Cell {
    String text(Row row, int column, String name);
  }

  /** Writes {@code rows} of output {@code name} ({@code stage/NAME}) to {@code dir/NAME.csv}. */
  public static void write(Path dir, String name, StructType schema, List<Row> rows, Cell cell) {
    Cell rule = schema.equals(Measures.SCHEMA) ? Measures::cell : cell;
    List<String> header = List.of(schema.fieldNames());
    List<List<String>> text = new ArrayList<>();
    for (Row r : rows) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < header.size(); i++) {
        line.add(rule.text(r, i, header.get(i)));
      }
      text.add(line);
    }
    CsvTables.write(dir.resolve(shortName(name) + ".csv"), header, text);
  }

  /** An output's name without its stage: {@code estimates} for {@code evaluation/estimates}. */
  public static String shortName(String name) {
    return name.substring(name.indexOf('/') + 1);
  }
}

package io.proactivecare.npc.io;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.NpcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small reference CSV (a codelist, a rules table) read whole on the driver: a header, then rows
 * of fields, with double quotes around fields that hold commas or quotes ({@link CsvText}). Every
 * problem is a one-line error naming the file, the row and the column.
 *
 * @param file where it was read from
 * @param header the column names
 * @param rows the data rows, each with its line number
 */
public record SmallCsv(Path file, List<String> header, List<Line> rows) {
  /** One data row: its line number in the file (the header is line 1) and its fields. */
  public record Line(int number, List<String> fields) {}

  /**
   * Reads {@code file}, refusing a missing file, an empty one, a missing required column, a row
   * with the wrong number of fields and an unclosed quote.
   *
   * @param what what the file is, for messages ("eFI codelist")
   * @param key the configuration key naming the file, for messages
   */
  public static SmallCsv read(Path file, String what, String key, List<String> required) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Errors.usage(
          "Cannot read the " + what + " " + file + " (" + e.getClass().getSimpleName() + ")",
          "check the path, or set " + key + " to the file");
    }
    List<CsvText.Record> records = CsvText.records(text, ',');
    if (!records.isEmpty() && records.get(records.size() - 1).unclosed()) {
      throw problem(
          file,
          records.get(records.size() - 1).line(),
          "",
          "has a quote that is never closed",
          "close the quote");
    }
    if (records.isEmpty()) {
      throw problem(file, 1, "", "is empty", "the first line must be the header");
    }
    List<String> header = text(records.get(0)).stream().map(String::strip).toList();
    for (String r : required) {
      if (!header.contains(r)) {
        throw problem(
            file,
            1,
            r,
            "the header has no column '" + r + "'",
            "the header must name: " + String.join(", ", required));
      }
    }
    List<Line> rows = new ArrayList<>();
    for (int i = 1; i < records.size(); i++) {
      List<String> f = text(records.get(i));
      if (f.size() == 1 && f.get(0).isBlank()) {
        continue;
      }
      if (f.size() != header.size()) {
        throw problem(
            file,
            records.get(i).line(),
            "",
            "has " + f.size() + " fields but the header has " + header.size(),
            "quote fields that contain commas");
      }
      rows.add(new Line(records.get(i).line(), f));
    }
    return new SmallCsv(file, header, List.copyOf(rows));
  }

  /** The fields of a row by column name. */
  public Map<String, String> fields(Line line) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      m.put(header.get(i), line.fields().get(i).strip());
    }
    return m;
  }

  /** A one-line error about a cell of this file. */
  public NpcException problem(Line line, String column, String problem, String fix) {
    return problem(file, line.number(), column, problem, fix);
  }

  private static NpcException problem(
      Path file, int line, String column, String problem, String fix) {
    return Errors.usage(
        file + ": line " + line + (column.isEmpty() ? "" : ", column " + column) + ": " + problem,
        fix);
  }

  /** A record's fields as text: an empty field is the empty string, quoted or not. */
  private static List<String> text(CsvText.Record r) {
    return r.fields().stream().map(f -> f == null ? "" : f).toList();
  }
}

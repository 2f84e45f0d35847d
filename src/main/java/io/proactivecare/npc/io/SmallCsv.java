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
 * of fields, with double quotes around fields that hold commas or quotes (RFC 4180). Every problem
 * is a one-line error naming the file, the row and the column.
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
    List<List<String>> records = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    parse(file, text, records, lines);
    if (records.isEmpty()) {
      throw problem(file, 1, "", "is empty", "the first line must be the header");
    }
    List<String> header = records.get(0).stream().map(String::strip).toList();
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
      List<String> f = records.get(i);
      if (f.size() == 1 && f.get(0).isBlank()) {
        continue;
      }
      if (f.size() != header.size()) {
        throw problem(
            file,
            lines.get(i),
            "",
            "has " + f.size() + " fields but the header has " + header.size(),
            "quote fields that contain commas");
      }
      rows.add(new Line(lines.get(i), List.copyOf(f)));
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

  private static void parse(Path file, String text, List<List<String>> records, List<Integer> at) {
    List<String> fields = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    int line = 1;
    int recordStart = 1;
    int i = 0;
    if (text.startsWith("\uFEFF")) {
      i = 1;
    }
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          cur.append(c);
        }
      } else if (c == '"' && cur.isEmpty()) {
        quoted = true;
      } else if (c == ',') {
        fields.add(cur.toString());
        cur.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        fields.add(cur.toString());
        cur.setLength(0);
        records.add(fields);
        at.add(recordStart);
        fields = new ArrayList<>();
        line++;
        recordStart = line;
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw problem(file, recordStart, "", "has a quote that is never closed", "close the quote");
    }
    if (!cur.isEmpty() || !fields.isEmpty()) {
      fields.add(cur.toString());
      records.add(fields);
      at.add(recordStart);
    }
  }
}

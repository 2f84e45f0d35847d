package io.proactivecare.npc.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one parser of quoted CSV text in the engine, quoting as Spark's CSV reader does (RFC 4180):
 * fields split on a delimiter; a field that starts with a double quote runs to its closing quote
 * and may hold delimiters, line breaks and doubled quotes ({@code ""} is one quote); a quote inside
 * an unquoted field is text. An empty field not in quotes is null, as Spark's reader reads it; an
 * empty one in quotes is the empty string. It reads the small reference files read whole ({@link
 * SmallCsv}), an extract's header line (ingest's {@code SourceReader}; the rows are Spark's to
 * read) and the tests' raw rows, so all three split a line alike.
 */
public final class CsvText {
  private CsvText() {}

  /**
   * One record.
   *
   * @param line the line it starts on (the text's first line is 1)
   * @param fields its fields in order, an empty unquoted field null
   * @param unclosed whether a quote in it is never closed (its last field then runs to the end of
   *     the text)
   */
  public record Record(int line, List<String> fields, boolean unclosed) {}

  /**
   * Every record of {@code text}, a leading byte-order mark skipped; a line break ({@code \n},
   * {@code \r\n} or {@code \r}) outside quotes ends a record. Empty text has none.
   */
  public static List<Record> records(String text, char delimiter) {
    List<Record> out = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    int line = 1;
    int start = 1;
    int i = text.startsWith("\uFEFF") ? 1 : 0;
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
        wasQuoted = true;
      } else if (c == delimiter) {
        fields.add(field(cur, wasQuoted));
        cur.setLength(0);
        wasQuoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        fields.add(field(cur, wasQuoted));
        cur.setLength(0);
        wasQuoted = false;
        out.add(new Record(start, Collections.unmodifiableList(fields), false));
        fields = new ArrayList<>();
        line++;
        start = line;
      } else {
        cur.append(c);
      }
    }
    if (quoted || wasQuoted || !cur.isEmpty() || !fields.isEmpty()) {
      fields.add(field(cur, wasQuoted));
      out.add(new Record(start, Collections.unmodifiableList(fields), quoted));
    }
    return out;
  }

  /**
   * The fields of one line (a quote left open runs to its end); an empty line is one null field.
   */
  public static List<String> fields(String line, char delimiter) {
    List<Record> records = records(line, delimiter);
    return records.isEmpty() ? Collections.singletonList(null) : records.get(0).fields();
  }

  private static String field(StringBuilder text, boolean quoted) {
    return text.isEmpty() && !quoted ? null : text.toString();
  }
}

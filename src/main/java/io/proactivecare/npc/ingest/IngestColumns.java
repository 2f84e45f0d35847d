package io.proactivecare.npc.ingest;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/** Column expressions shared by the ingest stage: strict parsing of text into typed values. */
final class IngestColumns {
  /** Separator of list values in canonical CSV (and inside the engine before typing). */
  static final String LIST_SEPARATOR = ";";

  /** The date pattern of ISO 8601 calendar dates: the canonical one, and a mapping's default. */
  static final String ISO_DATE = "yyyy-MM-dd";

  private IngestColumns() {}

  /**
   * A date in {@code pattern}, or null when the text is not exactly of that shape or not a real
   * date (2025-02-30). Strict: "2025-2-3" does not pass "yyyy-MM-dd".
   */
  static Column parseDate(Column text, String pattern) {
    Column shaped = shaped(text, shapeOf(pattern));
    int y = pattern.indexOf("yyyy");
    int m = pattern.indexOf("MM");
    int d = pattern.indexOf("dd");
    if (y >= 0 && m >= 0 && d >= 0 && letters(pattern) == 8) {
      // Four digits of year, two of month and two of day at fixed places: rearranged to ISO and
      // cast, which refuses a day the month does not have (2025-02-30) as the pattern parser does,
      // at a fraction of its cost. Year 0000 is not a year of the era, so not a date either.
      // A text already in ISO order (every date of the canonical mapping) is cast as it is.
      Column iso =
          pattern.equals(ISO_DATE)
              ? text
              : concat(
                  substring(text, y + 1, 4),
                  lit("-"),
                  substring(text, m + 1, 2),
                  lit("-"),
                  substring(text, d + 1, 2));
      return when(
          shaped.and(iso.startsWith(lit("0000")).equalTo(false)), iso.try_cast(DataTypes.DateType));
    }
    return when(shaped, try_to_timestamp(text, lit(pattern)).cast(DataTypes.DateType));
  }

  /** How many pattern letters (y, M, d) a date pattern has. */
  private static int letters(String pattern) {
    return (int) pattern.chars().filter(ch -> ch == 'y' || ch == 'M' || ch == 'd').count();
  }

  /** A whole number, or null when the text is not one. */
  static Column parseInteger(Column text) {
    return when(WHOLE_NUMBER.matches(text), text.try_cast(DataTypes.IntegerType));
  }

  /** The shape of a whole number {@link #parseInteger} reads: a sign, then one to nine digits. */
  private static final CodePattern WHOLE_NUMBER = CodePattern.compile("^[+-]?[0-9]{1,9}$");

  /**
   * Whether the whole text has {@code shape} (from {@link #shapeOf}), matched by {@link
   * CodePattern} without a regular expression engine. The whole text: a value ending in a line
   * break is not of the shape, where {@code rlike}'s {@code $} let one final line break through
   * (and a date format other than ISO then read the date from its fixed places and ignored it).
   * Provider values are trimmed of spaces, tabs and line ends first ({@link RowValidator}), so only
   * a Unicode line separator left at the end of a value, or a mapping's constant or translation
   * that ends in a line break, is refused now where it once passed.
   */
  static Column shaped(Column text, String shape) {
    return CodePattern.compile(shape).matches(text);
  }

  /** A finite decimal number, or null when the text is not one (nor finite: "1e400" overflows). */
  static Column parseDouble(Column text) {
    Column d = text.try_cast(DataTypes.DoubleType);
    Column finite = isnan(d).equalTo(false).and(abs(d).notEqual(lit(Double.POSITIVE_INFINITY)));
    return when(
        text.rlike("^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$")
            .and(d.isNotNull())
            .and(finite),
        d);
  }

  /** A list column's elements: split on ';', trimmed, empty elements dropped. */
  static Column parseList(Column text) {
    Column parts = transform(split(text, LIST_SEPARATOR), x -> trim(x));
    return array_compact(filter(parts, x -> x.notEqual(lit(""))));
  }

  /**
   * The exact shape of a numeric date pattern, for {@link CodePattern}: yyyy-MM-dd →
   * ^[0-9][0-9][0-9][0-9][-][0-9][0-9][-][0-9][0-9]$, each separator a class of itself (a mapping's
   * date format holds only y, M, d, '-', '/', '.' and ' ': MappingLoader refuses others).
   */
  static String shapeOf(String pattern) {
    StringBuilder re = new StringBuilder("^");
    for (char ch : pattern.toCharArray()) {
      re.append(ch == 'y' || ch == 'M' || ch == 'd' ? "[0-9]" : "[" + ch + "]");
    }
    return re.append('$').toString();
  }
}

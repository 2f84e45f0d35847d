package io.proactivecare.npc.ingest;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The identifiable-data guard: does a value look like a real NHS number? Ten digits (spaces or
 * dashes allowed, as in "943 476 5919") whose tenth digit is the modulus-11 check digit of the
 * first nine (weights 10 down to 2; 11 - remainder, 11 becomes 0, 10 is never valid).
 */
public final class NhsNumber {
  private NhsNumber() {}

  /** Plain Java version, the reference for {@link #looksLikeNhsNumber(Column)}. */
  public static boolean isValid(String value) {
    if (value == null) {
      return false;
    }
    String digits = value.replaceAll("[ -]", "");
    if (!digits.matches("[0-9]{10}")) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (digits.charAt(i) - '0') * (10 - i);
    }
    int check = 11 - (sum % 11);
    if (check == 11) {
      check = 0;
    }
    return check != 10 && check == digits.charAt(9) - '0';
  }

  /**
   * Plain Java: ten digits once spaces and dashes are removed (whether or not the check passes).
   */
  public static boolean hasShape(String value) {
    return value != null && value.replaceAll("[ -]", "").matches("[0-9]{10}");
  }

  /**
   * Ten digits with any spaces and dashes around and between them, and nothing else: the same as
   * ten digits once spaces and dashes are removed, counted in one loop (the guard sees every
   * identifier of every row, and a regular expression there was a large share of the ingest's CPU).
   * A final line break is not a space: "9434765919\n" has not the shape.
   */
  static boolean shaped(String value) {
    int digits = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > 10) {
          return false;
        }
      } else if (c != ' ' && c != '-') {
        return false;
      }
    }
    return digits == 10;
  }

  /**
   * {@link #shaped} as a Spark function, false for null: a class of its own, for executors to load.
   */
  private static final class Shape implements UDF1<String, Boolean> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean call(String value) {
      return value != null && shaped(value);
    }
  }

  /** True where the value is ten digits once spaces and dashes are removed; never null. */
  public static Column hasShape(Column value) {
    return udf(new Shape(), DataTypes.BooleanType).withName("nhs_number_shape").apply(value);
  }

  /**
   * Whether an identifier column's values make its file identifiable data. A person key holding one
   * valid NHS number does. A record id (spell_id, attendance_id...) does when most of its
   * NHS-number-shaped values pass the check: providers' numeric ids of ten digits pass it by chance
   * about one time in eleven (HES EPIKEY does), while a column of NHS numbers passes every time.
   *
   * @param shaped values of ten digits (spaces and dashes allowed)
   * @param valid of those, valid NHS numbers
   */
  public static boolean identifiable(boolean personKey, long shaped, long valid) {
    return valid > 0 && (personKey || 2 * valid > shaped);
  }

  /** True where the value is a valid NHS number; false (never null) otherwise. */
  public static Column looksLikeNhsNumber(Column value) {
    Column digits = regexp_replace(value, "[ -]", "");
    Column sum = lit(0);
    for (int i = 0; i < 9; i++) {
      sum = sum.plus(substring(digits, i + 1, 1).try_cast("int").multiply(10 - i));
    }
    Column remainder = sum.mod(11);
    Column check = when(remainder.equalTo(0), lit(0)).otherwise(lit(11).minus(remainder));
    Column last = substring(digits, 10, 1).try_cast("int");
    // The digits and their check only for values of the shape (rare): the rest are decided by the
    // one match.
    return when(hasShape(value), check.notEqual(10).and(check.equalTo(last))).otherwise(lit(false));
  }
}

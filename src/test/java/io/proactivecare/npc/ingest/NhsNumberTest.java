package io.proactivecare.npc.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The NHS number check: weights 10 down to 2 on the first nine digits, check digit = 11 - (sum mod
 * 11), 11 becomes 0, 10 is never valid.
 */
class NhsNumberTest {
  /** 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 mod 11 = 2; 11 - 2 = 9. */
  private static final String VALID = "9434765919";

  /** 4*10 + 0*9 + 1*8 + 0*7 + 2*6 + 3*5 + 2*4 + 1*3 + 3*2 = 92; 92 mod 11 = 4; 11 - 4 = 7. */
  private static final String VALID_TOO = "4010232137";

  /** 943476590: 299 - 1*2 = 297 = 27 * 11, remainder 0, so 11 - 0 = 11 becomes check digit 0. */
  private static final String CHECK_ELEVEN = "9434765900";

  /** 943476596: 297 + 6*2 = 309; 309 mod 11 = 1; 11 - 1 = 10: no check digit makes it valid. */
  private static final String CHECK_TEN_PREFIX = "943476596";

  private static final List<String> VALID_NUMBERS =
      List.of(
          VALID,
          "943 476 5919",
          "943-476-5919",
          " 9434765919",
          VALID_TOO,
          "401 023 2137",
          CHECK_ELEVEN);

  private static List<String> invalidNumbers() {
    List<String> out =
        new ArrayList<>(
            List.of(
                "9434765918", // check digit should be 9
                "9434765910",
                "4010232136", // check digit should be 7
                "943476591", // nine digits
                "94347659190", // eleven digits
                "94347659A9", // a letter
                "P000001",
                "943.476.5919", // dots are not separators
                ""));
    for (int last = 0; last <= 9; last++) {
      out.add(CHECK_TEN_PREFIX + last);
    }
    return out;
  }

  @Test
  void knownValidNumbersPass() {
    VALID_NUMBERS.forEach(n -> assertTrue(NhsNumber.isValid(n), n));
  }

  @Test
  void invalidNumbersFail() {
    invalidNumbers().forEach(n -> assertFalse(NhsNumber.isValid(n), n));
    assertFalse(NhsNumber.isValid(null));
  }

  @Test
  void columnAgreesWithTheJavaVersionOnTheFixtures() {
    List<String> values = new ArrayList<>(VALID_NUMBERS);
    values.addAll(invalidNumbers());
    Map<String, Boolean> expected = new HashMap<>();
    values.forEach(v -> expected.put(v, NhsNumber.isValid(v)));
    assertEquals(expected, inSpark(values));
    // null in, false (never null) out
    Row nullRow =
        SparkTestSession.get()
            .createDataset(Arrays.asList((String) null), Encoders.STRING())
            .toDF("v")
            .select(NhsNumber.looksLikeNhsNumber(col("v")), NhsNumber.hasShape(col("v")))
            .first();
    assertEquals(Boolean.FALSE, nullRow.get(0));
    assertEquals(Boolean.FALSE, nullRow.get(1));
  }

  @Test
  void columnAgreesWithTheJavaVersionOnRandomTenDigitStrings() {
    Random random = new Random(20250331L);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      StringBuilder s = new StringBuilder();
      for (int d = 0; d < 10; d++) {
        s.append((char) ('0' + random.nextInt(10)));
      }
      // every fourth one written as "ddd ddd dddd"
      values.add(
          i % 4 == 0
              ? s.substring(0, 3) + " " + s.substring(3, 6) + " " + s.substring(6)
              : s.toString());
    }
    Map<String, Boolean> expected = new HashMap<>();
    values.forEach(v -> expected.put(v, NhsNumber.isValid(v)));
    assertEquals(expected, inSpark(values));
    // About 1 in 11 random strings is valid (10 of 11 check values are digits, 1 in 10 matches):
    // make sure the sample holds both kinds.
    long valid = expected.values().stream().filter(b -> b).count();
    assertTrue(valid >= 15 && valid <= 60, "valid: " + valid + " of 400");
  }

  /**
   * The shape in Spark agrees with the Java version on the fixtures, on hashed keys, on ten digits
   * before a line break (not of the shape), and on 3,000 random texts of 9 to 14 characters, mostly
   * digits, with spaces, dashes, letters, signs and dots among them.
   */
  @Test
  void shapeColumnAgreesWithTheJavaVersion() {
    List<String> values = new ArrayList<>(VALID_NUMBERS);
    values.addAll(invalidNumbers());
    values.addAll(
        List.of(
            "88728bb4860dc427",
            "1234567890123456789",
            "12345678901234567890",
            "+943476591",
            "-9434765919",
            "9434765919-",
            "9434765919.0",
            " 943 476 5919 ",
            "--9-4-3-4-7-6-5-9-1-9--",
            "9434765919\n"));
    Random random = new Random(20261205L);
    String alphabet = "0123456789012345678901234567890123456789  --ab+.";
    for (int i = 0; i < 3000; i++) {
      StringBuilder s = new StringBuilder();
      int length = 9 + random.nextInt(6);
      for (int c = 0; c < length; c++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      values.add(s.toString());
    }
    Map<String, Boolean> expected = new HashMap<>();
    values.forEach(v -> expected.put(v, NhsNumber.hasShape(v)));
    Map<String, Boolean> shaped = inSpark(values, NhsNumber::hasShape);
    Map<String, Boolean> differing = new HashMap<>();
    expected.forEach(
        (v, shape) -> {
          if (!shape.equals(shaped.get(v))) {
            differing.put(v, shaped.get(v));
          }
        });
    assertEquals(Map.of(), differing, "values whose shape in Spark differs from Java's");
    assertEquals(expected.size(), shaped.size());
    long withShape = expected.values().stream().filter(b -> b).count();
    assertTrue(withShape >= 50 && withShape <= 2900, "of the shape: " + withShape);
  }

  private static Map<String, Boolean> inSpark(List<String> values) {
    return inSpark(values, NhsNumber::looksLikeNhsNumber);
  }

  /** Each value and {@code check} of it, computed by Spark. */
  private static Map<String, Boolean> inSpark(
      List<String> values, java.util.function.UnaryOperator<org.apache.spark.sql.Column> check) {
    Map<String, Boolean> out = new HashMap<>();
    SparkTestSession.get()
        .createDataset(values, Encoders.STRING())
        .toDF("v")
        .select(col("v"), check.apply(col("v")))
        .collectAsList()
        .forEach(r -> out.put(r.getString(0), r.getBoolean(1)));
    return out;
  }

  /**
   * Issue 15 item 7: one NHS number in the person key refuses the file; a record id only when most
   * of its ten-digit values pass the check, since numeric ids pass it by chance 1 time in 11 (HES
   * EPIKEY: HesMappingIT).
   */
  @Test
  void recordIdsAreRefusedWhenMostOfTheirTenDigitValuesAreNhsNumbers() {
    assertTrue(NhsNumber.identifiable(true, 1000, 1), "person key: one is enough");
    assertFalse(NhsNumber.identifiable(true, 1000, 0));
    assertTrue(NhsNumber.identifiable(false, 1, 1), "a lone NHS number among text ids");
    assertTrue(NhsNumber.identifiable(false, 100, 51));
    assertFalse(NhsNumber.identifiable(false, 1100, 100), "numeric ids passing by chance");
    assertFalse(NhsNumber.identifiable(false, 2, 1), "half is not most");
    assertTrue(NhsNumber.hasShape("943 476 5919"));
    assertFalse(NhsNumber.hasShape("94347659190"));
  }
}

package io.proactivecare.npc.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.schema.ColumnSpec;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.TableContract;
import io.proactivecare.npc.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * {@link CodePattern} against what the ingest used before it: Spark's {@code rlike} of {@code
 * (?:pattern)\z}, that is Java's regular expressions finding the pattern in the value.
 */
class CodePatternTest {
  /** Every pattern the contracts hold, a column's own or chosen by another column. */
  static Set<String> contractPatterns() {
    Set<String> out = new LinkedHashSet<>();
    for (TableContract t : Contracts.ALL) {
      for (ColumnSpec c : t.columns()) {
        c.pattern().ifPresent(out::add);
        out.addAll(c.patternBy().values());
      }
    }
    return out;
  }

  private static boolean regex(String pattern, String value) {
    return Pattern.compile("(?:" + pattern + ")\\z").matcher(value).find();
  }

  /** Values near each pattern's edges: right lengths and wrong, each kind of character. */
  private static List<String> values(long seed) {
    List<String> out =
        new ArrayList<>(
            List.of(
                "",
                "B86001",
                "B86001\n",
                "\nB86001",
                "b86001",
                "U12345",
                "E01011016",
                "22298006",
                "022298006",
                "1011481000000105",
                "XE0Uc",
                "G30..",
                "G30..00",
                "G30..0",
                "G30..000",
                "N180",
                "I10X",
                "Z511",
                "E119",
                "0103050P0",
                "0103050P0AAAAAA",
                "0103050P0AAAAAAA",
                "RR8",
                "RR8AB",
                "RR8ABC",
                "330",
                "11",
                "1",
                "B8600١", // an Arabic-Indic digit: [0-9] is ASCII only
                "B86001 ",
                " B86001"));
    // Each of those one character away: deleted, doubled or changed.
    for (String v : List.copyOf(out)) {
      for (int i = 0; i < v.length(); i++) {
        out.add(v.substring(0, i) + v.substring(i + 1));
        out.add(v.substring(0, i + 1) + v.substring(i));
        for (char c : "0A.a ".toCharArray()) {
          out.add(v.substring(0, i) + c + v.substring(i + 1));
        }
      }
    }
    Random random = new Random(seed);
    String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZUEabz. -\n";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(21);
      // Mostly digits and capitals, so that many values match some pattern.
      for (int c = 0; c < length; c++) {
        s.append(
            random.nextInt(4) == 0
                ? alphabet.charAt(random.nextInt(alphabet.length()))
                : random.nextBoolean()
                    ? (char) ('0' + random.nextInt(10))
                    : (char) ('A' + random.nextInt(26)));
      }
      out.add(s.toString());
    }
    return out;
  }

  @Test
  void everyContractPatternMatchesAsTheRegularExpressionDid() {
    Set<String> patterns = contractPatterns();
    assertTrue(patterns.size() >= 9, "patterns found: " + patterns);
    List<String> values = values(20261206L);
    for (String p : patterns) {
      int matched = matchedAsRegex(p, values);
      // Each pattern is tried on values it takes and values it refuses.
      assertTrue(matched >= 3 && matched < values.size() / 2, p + " matched " + matched);
    }
  }

  /** How many of the values the pattern matches, asserting CodePattern agrees on each. */
  private static int matchedAsRegex(String pattern, List<String> values) {
    CodePattern compiled = CodePattern.compile(pattern);
    int matched = 0;
    for (String v : values) {
      boolean expected = regex(pattern, v);
      assertEquals(expected, compiled.matches(v), () -> pattern + " on '" + v + "'");
      matched += expected ? 1 : 0;
    }
    return matched;
  }

  @Test
  void theShapesOfDatesAndWholeNumbersMatchAsTheirRegularExpressionsDid() {
    // The date formats mappings use, and the whole number's shape, each read without a regular
    // expression (IngestColumns.shaped) and matching Java's regular expression of the same shape
    // over the whole value (\z: a final line break does not pass, where rlike's $ let it).
    List<String> shapes = new ArrayList<>();
    for (String format :
        List.of("yyyy-MM-dd", "dd/MM/yyyy", "yyyyMMdd", "dd.MM.yyyy", "dd MM yyyy")) {
      shapes.add(IngestColumns.shapeOf(format));
    }
    assertEquals(
        "^[0-9][0-9][0-9][0-9][-][0-9][0-9][-][0-9][0-9]$", IngestColumns.shapeOf("yyyy-MM-dd"));
    shapes.add("^[+-]?[0-9]{1,9}$");
    List<String> values = new ArrayList<>(values(7L).subList(0, 2000));
    values.addAll(
        List.of(
            "2025-03-31",
            "2025-3-31",
            "2025-03-31 ",
            "2025-03-31\n",
            "31/03/2025",
            "31-03-2025",
            "20250331",
            "31.03.2025",
            "31x03x2025",
            "31 03 2025",
            "+123456789",
            "-12",
            "1234567890",
            "12a",
            "+",
            "0"));
    for (String shape : shapes) {
      assertTrue(matchedAsRegex(shape, values) >= 1, shape + " matched nothing");
    }
  }

  @Test
  void groupsAndRepetitionsBacktrackAsJavaDoes() {
    List<String> patterns =
        List.of(
            "^[A-Z]{1,3}[A-Z0-9]{2}$",
            "^([0-9]{2})?[0-9]{2}$",
            "^([A-Z][0-9])?([0-9]{2})?$",
            "^([0-9]?){2}X",
            "^(A(B[0-9]{0,2})?){1,3}$",
            "^[a-c]?[abc]{2,4}(cc)?$",
            "^ab?c$",
            "^$");
    Random random = new Random(7);
    for (String p : patterns) {
      CodePattern compiled = CodePattern.compile(p);
      for (int i = 0; i < 20_000; i++) {
        StringBuilder s = new StringBuilder();
        int length = random.nextInt(10);
        for (int c = 0; c < length; c++) {
          s.append("ABCabcX0123".charAt(random.nextInt(11)));
        }
        String v = s.toString();
        assertEquals(regex(p, v), compiled.matches(v), () -> p + " on '" + v + "'");
      }
    }
  }

  @Test
  void patternsOfAnotherKindAreRefusedWhenRead() {
    for (String p :
        List.of(
            "[0-9]{3}$",
            "^[A-Z&&B]$",
            "^[A&&]$",
            "^[A-[]$",
            "^A{+2}$",
            "^A{2,+3}$",
            "^A{-0}$",
            "^A{\u0662}$",
            "^A{256}$",
            "^A{0,1000}$",
            "^[0-9]+$",
            "^\\d{3}$",
            "^.{3}$",
            "^[^0-9]{3}$",
            "^A|B$",
            "^[0-9]{3$",
            "^(AB$",
            "^AB)$",
            "^[]$",
            "^[A-Z]{3,1}$",
            "^A*$",
            "^[\\w]$")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> CodePattern.compile(p), p);
      assertTrue(e.getMessage().startsWith("pattern " + p + " goes beyond"), e.getMessage());
    }
  }

  /**
   * Repetitions at their largest, nested groups whose lengths multiply past a long's range, and
   * long values against groups: the same answers as Java (once a group's bound overflowed, and each
   * repetition of a group was a deeper call with no limit on their number).
   */
  @Test
  void largeRepetitionsAndLongValuesAgainstGroupsGiveJavasAnswers() {
    String as255 = "A".repeat(255);
    String nested = "^" + "(".repeat(8) + "A{1,255}" + "){1,255}".repeat(8) + "$";
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("^(A){0,255}$", List.of(as255, as255 + "A", ""));
    cases.put(nested, List.of("A", "AA", "B"));
    cases.put("^([0-9]{0,255}A)?B$", List.of("0".repeat(40_000), "0".repeat(255) + "AB", "B"));
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      CodePattern compiled = CodePattern.compile(c.getKey());
      for (String v : c.getValue()) {
        assertEquals(
            regex(c.getKey(), v),
            compiled.matches(v),
            () -> c.getKey() + " on " + v.length() + " chars");
      }
    }
  }

  @Test
  void aLongValueIsRefusedQuicklyAndNullGivesNull() {
    char[] many = new char[2_000_000];
    Arrays.fill(many, '7');
    String value = new String(many);
    for (String p : contractPatterns()) {
      assertFalse(CodePattern.compile(p).matches(value), p);
    }
    assertNull(CodePattern.compile(Contracts.SNOMED).matches((String) null));
  }

  @Test
  void theSparkColumnGivesTheSameAsJavaWithNullForNull() {
    List<String> values = new ArrayList<>(values(11L).subList(0, 3000));
    values.add(null);
    CodePattern snomed = CodePattern.compile(Contracts.SNOMED);
    CodePattern read2 = CodePattern.compile(Contracts.READ2);
    List<Row> rows =
        SparkTestSession.get()
            .createDataset(values, Encoders.STRING())
            .toDF("v")
            // Not folded into the plan's local rows: the function runs in tasks, serialised.
            .repartition(2)
            .select(col("v"), snomed.matches(col("v")), read2.matches(col("v")))
            .collectAsList();
    Map<String, List<Boolean>> got = new LinkedHashMap<>();
    rows.forEach(
        r ->
            got.put(
                r.getString(0),
                Arrays.asList(
                    r.isNullAt(1) ? null : r.getBoolean(1),
                    r.isNullAt(2) ? null : r.getBoolean(2))));
    assertEquals(new LinkedHashSet<>(values).size(), got.size());
    got.forEach(
        (v, m) -> {
          if (v == null) {
            assertEquals(Arrays.asList(null, null), m);
          } else {
            assertEquals(List.of(regex(Contracts.SNOMED, v), regex(Contracts.READ2, v)), m, v);
          }
        });
  }
}

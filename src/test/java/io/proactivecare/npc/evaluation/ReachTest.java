package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.features.FeatureFixture;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked fixtures for reach and equity (docs/evaluation.md, "Reach and equity"): who was
 * listed and when, who enrolled, the days between, and the table after disclosure control.
 */
class ReachTest {
  private static final double TOLERANCE = 1e-9;
  private static final LocalDate AS_OF = LocalDate.of(2025, 3, 31);
  private static final String L1 = "2025-01-01";
  private static final String L2 = "2025-02-01";
  private static final String P1 = "U10001";
  private static final String P2 = "U10002";
  private static final String WHITE = "White";
  private static final String F = "F";
  private static final String M = "M";

  private static final StructType ELIGIBILITY =
      new StructType()
          .add(Cols.AS_OF, DataTypes.DateType, false)
          .add(Cols.PERSON_ID, DataTypes.StringType, false)
          .add(Cols.IN_COHORT, DataTypes.BooleanType, false)
          .add(Cols.PCN_CODE, DataTypes.StringType, true)
          .add(Cols.IMD_QUINTILE, DataTypes.IntegerType, true)
          .add(Cols.ETHNIC_CATEGORY, DataTypes.StringType, true)
          .add(Cols.AGE, DataTypes.IntegerType, true)
          .add(Cols.SEX, DataTypes.StringType, true);

  private final List<Row> eligibility = new ArrayList<>();

  private void on(
      String asOf,
      String person,
      boolean inCohort,
      String pcn,
      Integer quintile,
      String ethnic,
      int age,
      String sex) {
    eligibility.add(
        RowFactory.create(Date.valueOf(asOf), person, inCohort, pcn, quintile, ethnic, age, sex));
  }

  private static EvaluationSettings settings() {
    return FeatureFixture.config(Map.of()).evaluation();
  }

  /**
   * Two listing dates (L1 = 1 Jan, L2 = 1 Feb 2025), two PCNs, as of 31 March 2025.
   *
   * <pre>
   * person  first listed  PCN  IMD  age  sex  first enrolment      days from first listing
   * A       L1            P1   1    70   F    11 Jan (and 1 Mar)   10
   * B       L1            P1   1    80   M    21 Jan               20
   * C       L1            P1   2    50   F     1 Dec 2024          -31: enrolled before listing
   * D       L1            P1   2    90   F    -
   * E       L1            P2   5    66   M     2 Mar               31 + 28 + 1 = 60
   * F       L1            P2   5    77   F    -
   * G       L2            P1   3    85   F     1 Feb               0: on the day counts as after
   * H       L2            P1   ?    40   M    11 Feb               10
   * I       L2            P2   5    75   F     3 Mar               28 + 2 = 30
   * J       L2 (not L1)   P2   4    60   M    -
   * K       L2            P2   4    88   F    10 Apr: after the as-of date, not enrolled
   * M       30 Apr: after the as-of date, not listed    10 Mar at P1: enrolled, never listed
   * N       never in the eligibility table               5 Jan at P1: enrolled, never listed
   * O       eligible on L1, never in the cohort         15 Feb at P2: enrolled, never listed
   * </pre>
   *
   * A, B and E are listed again on L2; E then in P1 with IMD quintile 4, which must not change E's
   * groups (taken from the first listing).
   */
  private Dataset<Row> people() {
    on(L1, "A", true, P1, 1, WHITE, 70, F);
    on(L1, "B", true, P1, 1, WHITE, 80, M);
    on(L1, "C", true, P1, 2, "Asian", 50, F);
    on(L1, "D", true, P1, 2, WHITE, 90, F);
    on(L1, "E", true, P2, 5, "Black", 66, M);
    on(L1, "F", true, P2, 5, WHITE, 77, F);
    on(L1, "J", false, P2, 4, "Other", 60, M);
    on(L1, "O", false, P2, 3, WHITE, 55, F);
    on(L2, "A", true, P1, 1, WHITE, 70, F);
    on(L2, "B", true, P1, 1, WHITE, 80, M);
    on(L2, "E", true, P1, 4, "Black", 66, M);
    on(L2, "G", true, P1, 3, "Mixed", 85, F);
    on(L2, "H", true, P1, null, WHITE, 40, M);
    on(L2, "I", true, P2, 5, WHITE, 75, F);
    on(L2, "J", true, P2, 4, "Other", 60, M);
    on(L2, "K", true, P2, 4, WHITE, 88, F);
    on("2025-04-30", "M", true, P1, 2, WHITE, 70, M);
    FeatureFixture f = new FeatureFixture();
    f.enrol("A", P1, "2025-01-11", null).enrol("A", P2, "2025-03-01", null);
    f.enrol("B", P1, "2025-01-21", null);
    f.enrol("C", P1, "2024-12-01", null);
    f.enrol("E", P2, "2025-03-02", null);
    f.enrol("G", P1, "2025-02-01", null);
    f.enrol("H", P1, "2025-02-11", null);
    f.enrol("I", P2, "2025-03-03", null);
    f.enrol("K", P2, "2025-04-10", null);
    f.enrol("M", P1, "2025-03-10", null);
    f.enrol("N", P1, "2025-01-05", null);
    f.enrol("O", P2, "2025-02-15", null);
    Dataset<Row> table = SparkTestSession.get().createDataFrame(eligibility, ELIGIBILITY);
    return Reach.people(table, f.table(Contracts.ENROLMENTS), AS_OF, settings());
  }

  @Test
  void eachPersonIsListedFromTheirFirstListingAndEnrolledFromTheirFirstEnrolment() {
    Map<String, Row> by = new HashMap<>();
    for (Row r : people().collectAsList()) {
      by.put(r.getAs(Cols.PERSON_ID), r);
    }
    // A..K and the three enrolled never listed (M, N, O); the eligible but never listed do not
    // appear unless enrolled.
    assertEquals(14, by.size());
    assertEquals(Date.valueOf(L1), by.get("E").getAs(Cols.FIRST_LISTED));
    assertEquals(P2, by.get("E").getAs(Cols.PCN_CODE), "E's groups are from the first listing");
    assertEquals(5, (int) by.get("E").<Integer>getAs(Cols.IMD_QUINTILE));
    assertEquals("65-74", by.get("E").getAs(Cols.AGE_BAND));
    assertEquals(Date.valueOf(L2), by.get("J").getAs(Cols.FIRST_LISTED));
    assertEquals(Date.valueOf("2025-01-11"), by.get("A").getAs(Cols.ENROLMENT_DATE));
    assertEquals(P1, by.get("A").getAs(Cols.ENROLMENT_PCN));
    assertEquals(10, (int) by.get("A").<Integer>getAs(Cols.DAYS_TO_ENROLMENT));
    assertEquals(-31, (int) by.get("C").<Integer>getAs(Cols.DAYS_TO_ENROLMENT));
    assertEquals(60, (int) by.get("E").<Integer>getAs(Cols.DAYS_TO_ENROLMENT));
    assertNull(by.get("K").getAs(Cols.ENROLMENT_DATE), "enrolled after the as-of date");
    assertNull(by.get("M").getAs(Cols.FIRST_LISTED), "listed after the as-of date");
    assertEquals(P1, by.get("M").getAs(Cols.ENROLMENT_PCN));
  }

  private Map<String, Row> counts() {
    Map<String, Row> out = new HashMap<>();
    for (Row r : Reach.counts(people()).collectAsList()) {
      out.put(r.getAs(Cols.BREAKDOWN) + "/" + r.getAs(Cols.LEVEL), r);
    }
    return out;
  }

  private static long n(Row r, String column) {
    return r.<Long>getAs(column);
  }

  private static double d(Row r, String column) {
    return r.<Double>getAs(column);
  }

  @Test
  void theExactCountsAndQuartilesAreWorkedOutOnPaper() {
    Map<String, Row> c = counts();
    Row all = c.get("overall/all");
    // Listed: A B C D E F G H I J K. Enrolled by 31 March: A B C E G H I (K enrols in April).
    assertEquals(11, n(all, Cols.N_LISTED));
    assertEquals(7, n(all, Cols.N_ENROLLED));
    // On or after first listing: A B E G H I (C enrolled before).
    assertEquals(6, n(all, Cols.N_ENROLLED_AFTER_LISTING));
    // Enrolled, never listed: M N O.
    assertEquals(3, n(all, Cols.N_ENROLLED_NOT_LISTED));
    // Days 0 10 10 20 30 60; quartile p at 0-based position (6 - 1) p, interpolated (R type 7):
    // q1 at 1.25: 10 + 0.25 (10 - 10); median at 2.5: 10 + 0.5 (20 - 10); q3 at 3.75: 20 + 0.75
    // (30 - 20).
    assertEquals(10 + 0.25 * (10 - 10), d(all, Cols.DAYS_TO_ENROLMENT_Q1), TOLERANCE);
    assertEquals(10 + 0.5 * (20 - 10), d(all, Cols.DAYS_TO_ENROLMENT_MEDIAN), TOLERANCE);
    assertEquals(20 + 0.75 * (30 - 20), d(all, Cols.DAYS_TO_ENROLMENT_Q3), TOLERANCE);

    // P1, by first listing: A B C D G H listed; A B C G H enrolled; A B G H after (10 20 0 10);
    // never listed, enrolled at P1: M N.
    Row p1 = c.get("pcn/" + P1);
    assertEquals(6, n(p1, Cols.N_LISTED));
    assertEquals(5, n(p1, Cols.N_ENROLLED));
    assertEquals(4, n(p1, Cols.N_ENROLLED_AFTER_LISTING));
    assertEquals(2, n(p1, Cols.N_ENROLLED_NOT_LISTED));
    // Days 0 10 10 20, positions 3p: q1 at 0.75: 0 + 0.75 (10 - 0); median at 1.5: 10; q3 at
    // 2.25: 10 + 0.25 (20 - 10).
    assertEquals(0 + 0.75 * (10 - 0), d(p1, Cols.DAYS_TO_ENROLMENT_Q1), TOLERANCE);
    assertEquals(10 + 0.5 * (10 - 10), d(p1, Cols.DAYS_TO_ENROLMENT_MEDIAN), TOLERANCE);
    assertEquals(10 + 0.25 * (20 - 10), d(p1, Cols.DAYS_TO_ENROLMENT_Q3), TOLERANCE);

    // P2: E F I J K listed (E although on P1's list on L2); E I enrolled, both after (60, 30);
    // never listed: O.
    Row p2 = c.get("pcn/" + P2);
    assertEquals(5, n(p2, Cols.N_LISTED));
    assertEquals(2, n(p2, Cols.N_ENROLLED));
    assertEquals(2, n(p2, Cols.N_ENROLLED_AFTER_LISTING));
    assertEquals(1, n(p2, Cols.N_ENROLLED_NOT_LISTED));
    // Days 30 60, positions 1p: q1 30 + 0.25 (60 - 30); median 45; q3 30 + 0.75 (60 - 30).
    assertEquals(30 + 0.25 * (60 - 30), d(p2, Cols.DAYS_TO_ENROLMENT_Q1), TOLERANCE);
    assertEquals(30 + 0.5 * (60 - 30), d(p2, Cols.DAYS_TO_ENROLMENT_MEDIAN), TOLERANCE);
    assertEquals(30 + 0.75 * (60 - 30), d(p2, Cols.DAYS_TO_ENROLMENT_Q3), TOLERANCE);

    // Sex: F is A C D F G I K (enrolled A C G I; after A G I); M is B E H J (B E H, all after).
    assertEquals(7, n(c.get("sex/F"), Cols.N_LISTED));
    assertEquals(4, n(c.get("sex/F"), Cols.N_ENROLLED));
    assertEquals(3, n(c.get("sex/F"), Cols.N_ENROLLED_AFTER_LISTING));
    assertEquals(4, n(c.get("sex/M"), Cols.N_LISTED));
    assertEquals(3, n(c.get("sex/M"), Cols.N_ENROLLED_AFTER_LISTING));
    // The never listed are counted only overall and by PCN.
    assertEquals(0, n(c.get("sex/M"), Cols.N_ENROLLED_NOT_LISTED));
    // Deprivation: quintile 5 is E F I (E's first listing, not quintile 4); H's is unknown.
    assertEquals(3, n(c.get("imd_quintile/5"), Cols.N_LISTED));
    assertEquals(2, n(c.get("imd_quintile/4"), Cols.N_LISTED), "J and K");
    assertEquals(1, n(c.get("imd_quintile/unknown"), Cols.N_LISTED));
    // Age bands at first listing: 85+ is D (90) G (85) K (88), of whom G enrolled.
    assertEquals(3, n(c.get("age_band/85+"), Cols.N_LISTED));
    assertEquals(1, n(c.get("age_band/85+"), Cols.N_ENROLLED));
    assertEquals(1, n(c.get("ethnic_category/Black"), Cols.N_LISTED), "E only");
    // Every breakdown covers every listed person once.
    for (String b : Reach.BREAKDOWNS) {
      long listed = 0;
      for (Row r : c.values()) {
        listed += r.getAs(Cols.BREAKDOWN).equals(b) ? n(r, Cols.N_LISTED) : 0;
      }
      assertEquals(11, listed, b);
    }
  }

  @Test
  void onTheFixtureAlmostEverythingIsSmallAndSuppressed() {
    List<Row> published = Reach.control(Reach.counts(people()).collectAsList(), 10).rows();
    Row all = published.get(0);
    assertEquals("overall", all.getString(0));
    // 11 listed rounds to 10; 7 enrolled and 6 after listing are suppressed, and with them the
    // rate and the quartiles (fewer than 10 people).
    assertEquals(10L, all.<Long>getAs(Cols.N_LISTED));
    assertNull(all.getAs(Cols.N_ENROLLED));
    assertNull(all.getAs(Cols.ENROLMENT_RATE));
    assertNull(all.getAs(Cols.DAYS_TO_ENROLMENT_MEDIAN));
    assertTrue(all.<Boolean>getAs(Cols.WITHHELD));
  }

  // ---------------------------------------------------------------------------------------------
  // Disclosure control, on exact counts large enough to publish

  private static final StructType EXACT =
      new StructType()
          .add(Cols.BREAKDOWN, DataTypes.StringType, false)
          .add(Cols.LEVEL, DataTypes.StringType, false)
          .add(Cols.N_LISTED, DataTypes.LongType, false)
          .add(Cols.N_ENROLLED, DataTypes.LongType, false)
          .add(Cols.N_ENROLLED_AFTER_LISTING, DataTypes.LongType, false)
          .add(Cols.N_ENROLLED_NOT_LISTED, DataTypes.LongType, false)
          .add(Cols.DAYS_TO_ENROLMENT_Q1, DataTypes.DoubleType, true)
          .add(Cols.DAYS_TO_ENROLMENT_MEDIAN, DataTypes.DoubleType, true)
          .add(Cols.DAYS_TO_ENROLMENT_Q3, DataTypes.DoubleType, true);

  /**
   * Exact counts: 102 listed, 41 enrolled (30 after listing, 11 before), 12 enrolled never listed.
   *
   * <pre>
   *              listed  enrolled  after  (before)  (not enrolled)  never listed
   * overall       102      41       30      11          61              12
   * pcn P1         62      26       15      11          36              10
   * pcn P2         40      15       15       0          25               2
   * sex F          97      39       29      10          58               -
   * sex M           5       2        1       1           3               -
   * </pre>
   */
  private static List<Row> exact() {
    List<Row> rows =
        List.of(
            RowFactory.create("overall", "all", 102L, 41L, 30L, 12L, 5.0, 12.0, 30.0),
            RowFactory.create("pcn", P1, 62L, 26L, 15L, 10L, 4.0, 10.0, 20.0),
            RowFactory.create("pcn", P2, 40L, 15L, 15L, 2L, 6.0, 14.0, 40.0),
            RowFactory.create("sex", F, 97L, 39L, 29L, 0L, 5.0, 12.0, 30.0),
            RowFactory.create("sex", M, 5L, 2L, 1L, 0L, 3.0, 3.0, 3.0));
    return SparkTestSession.get().createDataFrame(rows, EXACT).collectAsList();
  }

  private static Map<String, Row> published(int minGroupSize) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : Reach.control(exact(), minGroupSize).rows()) {
      out.put(r.getString(0) + "/" + r.getString(1), r);
    }
    return out;
  }

  @Test
  void countsAreRoundedAndTheRateIsMadeFromTheRoundedCounts() {
    Row all = published(10).get("overall/all");
    assertEquals(100L, all.<Long>getAs(Cols.N_LISTED), "102 rounds to 100");
    assertEquals(40L, all.<Long>getAs(Cols.N_ENROLLED), "41 rounds to 40");
    assertEquals(30L, all.<Long>getAs(Cols.N_ENROLLED_AFTER_LISTING));
    assertEquals(10L, all.<Long>getAs(Cols.N_ENROLLED_NOT_LISTED), "12 rounds to 10");
    assertEquals(40 / 100.0, d(all, Cols.ENROLMENT_RATE), TOLERANCE, "not 41 / 102");
    assertEquals(12.0, d(all, Cols.DAYS_TO_ENROLMENT_MEDIAN), TOLERANCE);
    assertFalse(all.<Boolean>getAs(Cols.WITHHELD), "30 enrolled after listing");

    Row p1 = published(10).get("pcn/" + P1);
    assertEquals(60L, p1.<Long>getAs(Cols.N_LISTED), "62 rounds to 60");
    assertEquals(25L, p1.<Long>getAs(Cols.N_ENROLLED), "26 rounds to 25");
    assertEquals(25 / 60.0, d(p1, Cols.ENROLMENT_RATE), TOLERANCE);
    assertEquals(20.0, d(p1, Cols.DAYS_TO_ENROLMENT_Q3), TOLERANCE);
  }

  @Test
  void aSmallGroupIsSuppressedAndSoIsItsComplement() {
    Map<String, Row> p = published(10);
    // Sex M: 5 listed, 2 enrolled, 1 after: all suppressed, and so is the rate.
    Row m = p.get("sex/M");
    assertNull(m.getAs(Cols.N_LISTED));
    assertNull(m.getAs(Cols.N_ENROLLED));
    assertNull(m.getAs(Cols.N_ENROLLED_AFTER_LISTING));
    assertNull(m.getAs(Cols.ENROLMENT_RATE));
    assertTrue(m.<Boolean>getAs(Cols.WITHHELD));
    assertNull(m.getAs(Cols.DAYS_TO_ENROLMENT_MEDIAN));
    // Sex F would give M away as overall − F (102 − 97 = 5), so F's counts are suppressed too,
    // and F's quartiles withheld although 29 were enrolled after listing.
    Row f = p.get("sex/F");
    assertNull(f.getAs(Cols.N_LISTED));
    assertNull(f.getAs(Cols.N_ENROLLED));
    assertNull(f.getAs(Cols.N_ENROLLED_AFTER_LISTING));
    assertNull(f.getAs(Cols.ENROLMENT_RATE));
    assertTrue(f.<Boolean>getAs(Cols.WITHHELD));
    assertNull(f.getAs(Cols.DAYS_TO_ENROLMENT_Q1));
    // The never listed are not counted by sex: null there means "does not apply", not suppressed.
    assertNull(f.getAs(Cols.N_ENROLLED_NOT_LISTED));
    assertTrue(Reach.notApplicable(f, Reach.SCHEMA.fieldIndex(Cols.N_ENROLLED_NOT_LISTED)));
    // P2's 2 enrolled never listed are suppressed, and P1's 10 with them (12 − 10 = 2).
    assertNull(p.get("pcn/" + P2).getAs(Cols.N_ENROLLED_NOT_LISTED));
    assertNull(p.get("pcn/" + P1).getAs(Cols.N_ENROLLED_NOT_LISTED));
    assertFalse(
        Reach.notApplicable(
            p.get("pcn/" + P1), Reach.SCHEMA.fieldIndex(Cols.N_ENROLLED_NOT_LISTED)));
    // The overall row is untouched: 100 listed, 40 enrolled.
    assertEquals(100L, p.get("overall/all").<Long>getAs(Cols.N_LISTED));
    assertEquals(40L, p.get("overall/all").<Long>getAs(Cols.N_ENROLLED));
  }

  @Test
  void theQuartilesAreWithheldBelowTheMinimumGroupSize() {
    // With evaluation.min_group_size = 20, P1's 15 enrolled after listing are too few; overall's
    // 30 are enough.
    Map<String, Row> p = published(20);
    Row p1 = p.get("pcn/" + P1);
    assertTrue(p1.<Boolean>getAs(Cols.WITHHELD));
    assertNull(p1.getAs(Cols.DAYS_TO_ENROLMENT_MEDIAN));
    assertEquals(15L, p1.<Long>getAs(Cols.N_ENROLLED_AFTER_LISTING), "the count is still shown");
    assertFalse(p.get("overall/all").<Boolean>getAs(Cols.WITHHELD));
  }

  @Test
  void withNobodyListedOrEnrolledTheTableIsEmpty() {
    assertTrue(Reach.control(List.of(), 10).rows().isEmpty());
  }
}

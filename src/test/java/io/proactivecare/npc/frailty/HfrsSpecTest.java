package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.HfrsSettings;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HFRS rules of docs/frailty.md with hand-worked fixtures and the real points of
 * conf/codelists/hfrs_icd10.csv. All spells are scored in two Spark passes, with and without {@code
 * require_discharge}; each test reads its own people.
 */
class HfrsSpecTest {
  private static final HfrsSettings SETTINGS =
      ConfigLoader.load(Optional.empty(), Map.of()).config().hfrs();
  private static final HfrsCodelist CODELIST = HfrsCodelist.load(SETTINGS.codelist());

  /** The as-of date. D − 730 days = 2023-04-01: 366 days to 2024-04-01 (29 Feb), then 364. */
  private static final String D = "2025-03-31";

  private static final List<Row> SPELLS = new ArrayList<>();
  private static final List<Row> REQUESTS = new ArrayList<>();

  /** What {@link Hfrs#score} wrote for one person at one date. */
  record Score(double score, String band, List<String> codes, int spells) {}

  private static Map<String, Score> requireDischarge;
  private static Map<String, Score> anyDischarge;

  @BeforeAll
  static void scoreEveryFixture() {
    requireDischarge = score(SETTINGS);
    anyDischarge = score(new HfrsSettings(SETTINGS.codelist(), SETTINGS.lookbackDays(), false));
  }

  @Test
  void theDefaultsAndThePointsUsedBelowAreThePublishedOnes() {
    assertEquals(730, SETTINGS.lookbackDays());
    assertEquals(true, SETTINGS.requireDischarge());
    assertEquals(LocalDate.parse("2023-04-01"), LocalDate.parse(D).minusDays(730));
    assertEquals(109, CODELIST.tenths().size());
    assertEquals(
        1732, CODELIST.tenths().values().stream().mapToInt(Integer::intValue).sum(), "173.2");
    assertEquals(
        Map.of(
            "F00", 71, "G30", 40, "I69", 37, "F05", 32, "F01", 20, "A04", 11, "E55", 10, "E05", 9),
        Map.of(
            "F00", tenths("F00"),
            "G30", tenths("G30"),
            "I69", tenths("I69"),
            "F05", tenths("F05"),
            "F01", tenths("F01"),
            "A04", tenths("A04"),
            "E55", tenths("E55"),
            "E05", tenths("E05")));
    assertEquals(null, CODELIST.tenths().get("I10"), "I10 (hypertension) does not score");
  }

  // ---------------------------------------------------------------------------------------------
  // Each three-character code once.

  static {
    // F00 in one spell, F001 (F00 with a 4th character) in another; I10X scores nothing.
    spell("f00-twice", "2024-01-01", "2024-01-05", "F00", "I10X");
    spell("f00-twice", "2024-06-01", "2024-06-03", "F001");
    request("f00-twice", D);
    spell("fourth-characters", "2024-02-01", "2024-02-02", "G309", "F019", "G308");
    request("fourth-characters", D);
  }

  @Test
  void eachThreeCharacterCodeCountsOnceWhateverItsFourthCharacter() {
    // F00 7.1 once, though in two spells
    assertScore("f00-twice", D, 7.1, Hfrs.INTERMEDIATE, List.of("F00"), 2);
    // G30 4.0 (G309, G308) + F01 2.0 (F019) = 6.0
    assertScore("fourth-characters", D, 4.0 + 2.0, Hfrs.INTERMEDIATE, List.of("F01", "G30"), 1);
  }

  // ---------------------------------------------------------------------------------------------
  // The window: admitted from D − 730 (2023-04-01) to D, both included.

  static {
    spell("admitted-D-730", "2023-04-01", "2023-04-03", "G30");
    request("admitted-D-730", D, "2025-04-01");
    spell("admitted-D-731", "2023-03-31", "2023-04-10", "G30");
    request("admitted-D-731", D);
    spell("admitted-on-D", D, D, "G30");
    request("admitted-on-D", D);
    spell("admitted-after-D", "2025-04-01", "2025-04-02", "G30");
    request("admitted-after-D", D);
  }

  @Test
  void spellsAdmittedFrom730DaysBeforeDToDCount() {
    assertScore("admitted-D-730", D, 4.0, Hfrs.LOW, List.of("G30"), 1);
    // On 2025-04-01 the window starts 2023-04-02.
    assertScore("admitted-D-730", "2025-04-01", 0, Hfrs.LOW, List.of(), 0);
    assertScore("admitted-D-731", D, 0, Hfrs.LOW, List.of(), 0);
    assertScore("admitted-on-D", D, 4.0, Hfrs.LOW, List.of("G30"), 1);
    assertScore("admitted-after-D", D, 0, Hfrs.LOW, List.of(), 0);
    // Not admitted by D: excluded whether or not discharge is required.
    assertScore(anyDischarge, "admitted-after-D", D, 0, Hfrs.LOW, List.of(), 0);
  }

  // ---------------------------------------------------------------------------------------------
  // require_discharge: a spell counts once discharged on or before D.

  static {
    spell("open-spell", "2025-03-01", null, "F00");
    request("open-spell", D);
    spell("discharged-after-D", "2025-03-20", "2025-04-02", "G30");
    request("discharged-after-D", D);
    spell("discharged-on-D", "2025-03-20", D, "E55");
    request("discharged-on-D", D);
  }

  @Test
  void withRequireDischargeOnlySpellsDischargedByDCount() {
    assertScore("open-spell", D, 0, Hfrs.LOW, List.of(), 0);
    assertScore("discharged-after-D", D, 0, Hfrs.LOW, List.of(), 0);
    assertScore("discharged-on-D", D, 1.0, Hfrs.LOW, List.of("E55"), 1);
  }

  @Test
  void withoutRequireDischargeOpenAndLaterDischargedSpellsCount() {
    assertScore(anyDischarge, "open-spell", D, 7.1, Hfrs.INTERMEDIATE, List.of("F00"), 1);
    assertScore(anyDischarge, "discharged-after-D", D, 4.0, Hfrs.LOW, List.of("G30"), 1);
    assertScore(anyDischarge, "discharged-on-D", D, 1.0, Hfrs.LOW, List.of("E55"), 1);
  }

  // ---------------------------------------------------------------------------------------------
  // Bands: low below 5, intermediate 5 to 15 inclusive, high above 15.

  static {
    spell("band-4.9", "2024-05-01", "2024-05-02", "G30", "E05");
    request("band-4.9", D);
    spell("band-5.0", "2024-05-01", "2024-05-02", "G30", "E55");
    request("band-5.0", D);
    spell("band-15.0", "2024-05-01", "2024-05-02", "F00", "I69");
    spell("band-15.0", "2024-09-01", "2024-09-09", "F05", "E55");
    request("band-15.0", D);
    spell("band-15.1", "2024-05-01", "2024-05-02", "F00", "I69", "F05", "A04");
    request("band-15.1", D);
  }

  @Test
  void bandBoundariesAt5And15AreExactInTenths() {
    // G30 4.0 + E05 0.9 = 4.9
    assertScore("band-4.9", D, 4.9, Hfrs.LOW, List.of("E05", "G30"), 1);
    // G30 4.0 + E55 1.0 = 5.0
    assertScore("band-5.0", D, 5.0, Hfrs.INTERMEDIATE, List.of("E55", "G30"), 1);
    // F00 7.1 + I69 3.7 (first spell) + F05 3.2 + E55 1.0 (second spell) = 15.0
    assertScore("band-15.0", D, 15.0, Hfrs.INTERMEDIATE, List.of("E55", "F00", "F05", "I69"), 2);
    // F00 7.1 + I69 3.7 + F05 3.2 + A04 1.1 = 15.1
    assertScore("band-15.1", D, 15.1, Hfrs.HIGH, List.of("A04", "F00", "F05", "I69"), 1);
  }

  @Test
  void theBandOfATenthsCountIsExact() {
    assertEquals(Hfrs.LOW, Hfrs.band(49));
    assertEquals(Hfrs.INTERMEDIATE, Hfrs.band(50));
    assertEquals(Hfrs.INTERMEDIATE, Hfrs.band(150));
    assertEquals(Hfrs.HIGH, Hfrs.band(151));
  }

  // ---------------------------------------------------------------------------------------------
  // People without scoring spells.

  static {
    request("no-spells", D);
    // I10X hypertension and E119 type 2 diabetes: neither scores.
    spell("non-scoring-spell", "2024-05-01", "2024-05-02", "I10X", "E119");
    request("non-scoring-spell", D);
  }

  @Test
  void aPersonWithNoSpellsScoresZeroLowAndIsStillListed() {
    assertScore("no-spells", D, 0, Hfrs.LOW, List.of(), 0);
  }

  @Test
  void aSpellWithoutScoringCodesIsCountedButScoresNothing() {
    assertScore("non-scoring-spell", D, 0, Hfrs.LOW, List.of(), 1);
  }

  // ---------------------------------------------------------------------------------------------

  /** Asserts the HFRS with require_discharge (the default). */
  private static void assertScore(
      String person, String at, double score, String band, List<String> codes, int spells) {
    assertScore(requireDischarge, person, at, score, band, codes, spells);
  }

  private static void assertScore(
      Map<String, Score> scores,
      String person,
      String at,
      double score,
      String band,
      List<String> codes,
      int spells) {
    Score s = scores.get(key(person, at));
    String where = person + " at " + at;
    assertNotNull(s, where + ": no HFRS row");
    assertEquals(score, s.score(), 1e-9, where + ": hfrs_score");
    assertEquals(band, s.band(), where + ": hfrs_band");
    assertEquals(codes, s.codes(), where + ": hfrs_codes");
    assertEquals(spells, s.spells(), where + ": hfrs_spells");
  }

  private static int tenths(String code) {
    return CODELIST.tenths().get(code);
  }

  private static String key(String person, String at) {
    return person + "@" + at;
  }

  private static Date date(String iso) {
    return iso == null ? null : Date.valueOf(LocalDate.parse(iso));
  }

  /** A spell of {@code person}, emergency, ordinary, discharged home (or open if null). */
  private static void spell(String person, String admitted, String discharged, String... dx) {
    SPELLS.add(
        RowFactory.create(
            "S" + (SPELLS.size() + 1),
            person,
            date(admitted),
            date(discharged),
            "21",
            "1",
            discharged == null ? null : "1",
            discharged == null ? null : "19",
            "RR8",
            List.of(dx)));
  }

  private static void request(String person, String... dates) {
    for (String d : dates) {
      REQUESTS.add(RowFactory.create(person, date(d)));
    }
  }

  private static Map<String, Score> score(HfrsSettings settings) {
    Dataset<Row> spells =
        SparkTestSession.get().createDataFrame(SPELLS, Contracts.APC_SPELLS.schema());
    Dataset<Row> requests =
        SparkTestSession.get()
            .createDataFrame(
                REQUESTS,
                new StructType()
                    .add(Cols.PERSON_ID, DataTypes.StringType, false)
                    .add(Cols.AS_OF, DataTypes.DateType, false));
    Map<String, Score> out = new HashMap<>();
    for (Row r : Hfrs.score(spells, requests, CODELIST, settings).collectAsList()) {
      Score s =
          new Score(
              r.getDouble(r.fieldIndex(Cols.HFRS_SCORE)),
              r.getString(r.fieldIndex(Cols.HFRS_BAND)),
              List.copyOf(r.<String>getList(r.fieldIndex(Cols.HFRS_CODES))),
              r.getInt(r.fieldIndex(Cols.HFRS_SPELLS)));
      String k =
          key(
              r.getString(r.fieldIndex(Cols.PERSON_ID)),
              r.getDate(r.fieldIndex(Cols.AS_OF)).toString());
      if (out.put(k, s) != null) {
        throw new AssertionError("two output rows for " + k);
      }
    }
    assertEquals(REQUESTS.size(), out.size(), "one row per request");
    return out;
  }
}

package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.PopulationSettings;
import io.proactivecare.npc.population.Population;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registered population at a date (docs/population.md): registration, death, practice, PCN and
 * age, on and around D = 2025-03-31. Every fixture person is placed at every date in one Spark
 * pass; each test reads its own people. Everyone is born in 1950 and registered at B86001 from
 * 2000-01-01 unless the fixture says otherwise.
 */
class PopulationTest {
  private static final PopulationSettings SETTINGS =
      ConfigLoader.load(Optional.empty(), Map.of()).config().population();

  private static final String D = "2025-03-31";
  private static final String D_MINUS_1 = "2025-03-30";
  private static final List<String> DATES = List.of(D_MINUS_1, D, "2025-06-30", "2025-07-01");

  private static final List<Row> REGISTRATIONS = new ArrayList<>();
  private static final List<Row> SPELLS = new ArrayList<>();
  private static final List<Row> PRACTICE_PCN = new ArrayList<>();

  /** One output row. */
  record Placed(String practice, String pcn, int age) {}

  private static Map<String, Placed> placed;

  @BeforeAll
  static void placeEveryone() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> regs = spark.createDataFrame(REGISTRATIONS, Contracts.GP_REGISTRATIONS.schema());
    Dataset<Row> spells = spark.createDataFrame(SPELLS, Contracts.APC_SPELLS.schema());
    Dataset<Row> pcn = spark.createDataFrame(PRACTICE_PCN, Contracts.PRACTICE_PCN.schema());
    List<Row> rows =
        Population.at(
                regs,
                Population.deaths(regs, Optional.of(spells)),
                Optional.of(pcn),
                DATES.stream().map(LocalDate::parse).toList(),
                SETTINGS)
            .collectAsList();
    placed = new HashMap<>();
    for (Row r : rows) {
      String k =
          key(
              r.getString(r.fieldIndex(Cols.PERSON_ID)),
              r.getDate(r.fieldIndex(Cols.AS_OF)).toString());
      Placed p =
          new Placed(
              r.getString(r.fieldIndex(Cols.PRACTICE_CODE)),
              r.getString(r.fieldIndex(Cols.PCN_CODE)),
              r.getInt(r.fieldIndex(Cols.AGE)));
      if (placed.put(k, p) != null) {
        throw new AssertionError("two rows for " + k);
      }
    }
  }

  @Test
  void theAssumedBirthdayIs1July() {
    assertEquals(MonthDay.of(7, 1), SETTINGS.assumedBirthday());
  }

  // ---------------------------------------------------------------------------------------------
  // Registered on D: start <= D <= end.

  static {
    register("starts-on-D", "B86001", 1950, D, null, null);
    register("ends-on-D", "B86001", 1950, "2000-01-01", D, null);
    register("ended-D-1", "B86001", 1950, "2000-01-01", D_MINUS_1, null);
  }

  @Test
  void aRegistrationCoversItsFirstAndLastDays() {
    assertIn("starts-on-D", D);
    assertOut("starts-on-D", D_MINUS_1);
    assertIn("ends-on-D", D);
    assertOut("ends-on-D", "2025-06-30");
    assertOut("ended-D-1", D);
    assertIn("ended-D-1", D_MINUS_1);
  }

  // ---------------------------------------------------------------------------------------------
  // Alive on D: no death before D; the earliest of GP and hospital deaths.

  static {
    register("gp-died-on-D", "B86001", 1950, "2000-01-01", null, D);
    register("gp-died-D-1", "B86001", 1950, "2000-01-01", null, D_MINUS_1);
    register("apc-died-on-D", "B86001", 1950, "2000-01-01", null, null);
    spell("apc-died-on-D", "2025-03-20", D, "4", "79");
    register("apc-died-D-1", "B86001", 1950, "2000-01-01", null, null);
    spell("apc-died-D-1", "2025-03-20", D_MINUS_1, "4", "79");
    // Discharge destination 79 (died) with another discharge method.
    register("apc-destination-79-D-1", "B86001", 1950, "2000-01-01", null, null);
    spell("apc-destination-79-D-1", "2025-03-20", D_MINUS_1, "1", "79");
    // Discharged home the day before D: alive.
    register("apc-home-D-1", "B86001", 1950, "2000-01-01", null, null);
    spell("apc-home-D-1", "2025-03-20", D_MINUS_1, "1", "19");
    // The GP register says 2025-06-30, the hospital D − 1: the earlier counts.
    register("gp-later-than-apc", "B86001", 1950, "2000-01-01", null, "2025-06-30");
    spell("gp-later-than-apc", "2025-03-20", D_MINUS_1, "4", "79");
  }

  @Test
  void aPersonWhoDiedOnDIsCountedOnDButNotAfter() {
    assertIn("gp-died-on-D", D);
    assertOut("gp-died-on-D", "2025-06-30");
    assertOut("gp-died-D-1", D);
    assertIn("gp-died-D-1", D_MINUS_1);
  }

  @Test
  void aHospitalSpellEndingInDeathIsADeath() {
    assertIn("apc-died-on-D", D);
    assertOut("apc-died-on-D", "2025-06-30");
    assertOut("apc-died-D-1", D);
    assertIn("apc-died-D-1", D_MINUS_1);
    assertOut("apc-destination-79-D-1", D);
    assertIn("apc-home-D-1", D);
    assertOut("gp-later-than-apc", D);
  }

  // ---------------------------------------------------------------------------------------------
  // Two registrations covering D: the later start wins.

  static {
    register("moved-on-D", "B86001", 1950, "2000-01-01", D, null);
    register("moved-on-D", "B86002", 1950, D, null, null);
  }

  @Test
  void whereTwoRegistrationsCoverDTheLaterStartWins() {
    assertEquals("B86002", get("moved-on-D", D).practice());
    assertEquals("B86001", get("moved-on-D", D_MINUS_1).practice());
    assertEquals("B86002", get("moved-on-D", "2025-06-30").practice());
  }

  // ---------------------------------------------------------------------------------------------
  // PCN membership in force on D.

  static {
    // B86001 moves from U00001 to U00002 on D.
    pcn("B86001", "U00001", "2020-01-01", D_MINUS_1);
    pcn("B86001", "U00002", D, null);
    // B86002 has two open memberships: the later valid_from wins.
    pcn("B86002", "U00003", "2019-04-01", null);
    pcn("B86002", "U00004", "2024-04-01", null);
    // B86003's only membership ended the day before D.
    pcn("B86003", "U00005", "2019-04-01", D_MINUS_1);
    register("at-B86003", "B86003", 1950, "2000-01-01", null, null);
    // B86004's membership ends on D.
    pcn("B86004", "U00006", "2019-04-01", D);
    register("at-B86004", "B86004", 1950, "2000-01-01", null, null);
    register("at-B86001", "B86001", 1950, "2000-01-01", null, null);
    // B86005 is in two PCNs from the same day (a mistake in the reference data): the lower code,
    // whichever row comes first.
    pcn("B86005", "U00008", "2019-04-01", null);
    pcn("B86005", "U00007", "2019-04-01", null);
    register("at-B86005", "B86005", 1950, "2000-01-01", null, null);
  }

  @Test
  void thePcnIsTheMembershipInForceOnD() {
    assertEquals("U00002", get("at-B86001", D).pcn(), "valid_from = D counts");
    assertEquals("U00001", get("at-B86001", D_MINUS_1).pcn(), "valid_to = D − 1 counts on D − 1");
    assertEquals("U00004", get("moved-on-D", D).pcn(), "B86002: the later valid_from");
    assertNull(get("at-B86003", D).pcn(), "no membership in force");
    assertEquals("U00005", get("at-B86003", D_MINUS_1).pcn());
    assertEquals("U00006", get("at-B86004", D).pcn(), "valid_to = D counts");
    assertNull(get("at-B86004", "2025-06-30").pcn());
    assertEquals("U00007", get("at-B86005", D).pcn(), "the same valid_from: the lower code");
  }

  // ---------------------------------------------------------------------------------------------
  // Age in whole years, the birthday taken as 1 July of the year of birth.

  static {
    register("born-1950", "B86001", 1950, "2000-01-01", null, null);
    register("born-2000", "B86001", 2000, "2000-01-01", null, null);
  }

  @Test
  void ageCountsTheAssumedBirthdayOf1July() {
    // 1 July 2025 not reached: 2025 − 1950 − 1
    assertEquals(2025 - 1950 - 1, get("born-1950", D).age());
    assertEquals(2025 - 1950 - 1, get("born-1950", "2025-06-30").age());
    // 1 July 2025 reached: 2025 − 1950
    assertEquals(2025 - 1950, get("born-1950", "2025-07-01").age());
    assertEquals(2025 - 2000 - 1, get("born-2000", D).age());
    assertEquals(2025 - 2000, get("born-2000", "2025-07-01").age());
  }

  @Test
  void aBabyBornInTheYearOfDIsAgedZeroNotMinusOne() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> regs =
        spark.createDataFrame(
            List.of(registration("born-2025", "B86001", 2025, "2025-01-15", null, null)),
            Contracts.GP_REGISTRATIONS.schema());
    Row r =
        Population.at(
                regs,
                Population.deaths(regs, Optional.empty()),
                Optional.empty(),
                List.of(LocalDate.parse(D)),
                SETTINGS)
            .first();
    assertEquals(0, r.getInt(r.fieldIndex(Cols.AGE)));
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertIn(String person, String at) {
    assertNotNull(placed.get(key(person, at)), person + " should be in the population on " + at);
  }

  private static void assertOut(String person, String at) {
    assertNull(placed.get(key(person, at)), person + " should not be in the population on " + at);
  }

  private static Placed get(String person, String at) {
    Placed p = placed.get(key(person, at));
    assertNotNull(p, person + " should be in the population on " + at);
    return p;
  }

  private static String key(String person, String at) {
    return person + "@" + at;
  }

  private static Date date(String iso) {
    return iso == null ? null : Date.valueOf(LocalDate.parse(iso));
  }

  private static Row registration(
      String person, String practice, int born, String start, String end, String died) {
    return RowFactory.create(
        person, practice, born, "F", "E01011229", "A", date(start), date(end), date(died));
  }

  private static void register(
      String person, String practice, int born, String start, String end, String died) {
    REGISTRATIONS.add(registration(person, practice, born, start, end, died));
  }

  private static void spell(
      String person, String admitted, String discharged, String method, String destination) {
    SPELLS.add(
        RowFactory.create(
            "S" + (SPELLS.size() + 1),
            person,
            date(admitted),
            date(discharged),
            "21",
            "1",
            method,
            destination,
            "RR8",
            List.of("I10X")));
  }

  private static void pcn(String practice, String pcn, String from, String to) {
    PRACTICE_PCN.add(
        RowFactory.create(
            practice, "Practice " + practice, pcn, "PCN " + pcn, date(from), date(to)));
  }
}

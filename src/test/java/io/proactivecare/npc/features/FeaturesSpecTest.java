package io.proactivecare.npc.features;

import static io.proactivecare.npc.features.FeatureFixture.D;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.sql.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spec fixture of every counting rule in docs/features.md, at D = 2025-03-31. All fixture people
 * are built in one run; each test reads its people's rows.
 *
 * <p>Dates used throughout (checked on a calendar; 2024 is a leap year but 29 Feb 2024 is before
 * 2024-03-31):
 *
 * <ul>
 *   <li>12-month window: D − 364 = 2024-04-01 to D; D − 365 = 2024-03-31 is outside.
 *   <li>36-month window: D − 1094 = 2022-04-02 to D; D − 1095 = 2022-04-01 is outside.
 *   <li>D + 1 = 2025-04-01 (bed days count nights up to here).
 *   <li>Recency cap 1096 = D − 2022-03-31.
 * </ul>
 */
class FeaturesSpecTest {
  private static final double COST_TOLERANCE = 1e-9;
  private static final int CAP = 1096;

  private static final String SNOMED = "SNOMED";
  private static final String CTV3 = "CTV3";

  private static final String NURSING = "Long Term Support: Nursing Care";
  private static final String RESIDENTIAL = "Long Term Support: Residential Care";
  private static final String COMMUNITY = "Long Term Support: Community";
  private static final String PRISON = "Long Term Support: Prison";
  private static final String ST_MAX = "Short Term Support: ST-Max";
  private static final String ST_LOW = "Short Term Support: Ongoing Low Level";
  private static final String ST_OTHER = "Short Term Support: Other Short Term";
  private static final String CARER = "Carer Support: Direct to Carer";
  private static final String CARER_CARED_FOR =
      "Carer Support: Support involving the person cared-for";

  private static final String OPEN = null;

  private static Map<String, Row> rows;
  private static List<String> columns;
  private static org.apache.spark.sql.types.StructType schema;

  static FeatureFixture fixture() {
    FeatureFixture f = new FeatureFixture();
    // PCN membership on D: B86001 moved U11111 -> U22222 on 2025-01-01; B86002 moves to U44444
    // only on D + 1; B86003's membership ends on D (still in force); B86004's ended on D - 1.
    f.pcn("B86001", "U11111", "2019-07-01", "2024-12-31")
        .pcn("B86001", "U22222", "2025-01-01", OPEN)
        .pcn("B86002", "U33333", "2019-07-01", OPEN)
        .pcn("B86002", "U44444", "2025-04-01", OPEN)
        .pcn("B86003", "U55555", "2019-07-01", "2025-03-31")
        .pcn("B86004", "U66666", "2019-07-01", "2025-03-30");
    f.imd("E01000001", "IMD2019", 1)
        .imd("E01000001", "IoD2025", 7) // other vintage: not used by default
        .imd("E01000002", "IMD2019", 2)
        .imd("E01000003", "IMD2019", 3)
        .imd("E01000010", "IMD2019", 10);

    String since = "2000-01-01";
    f.reg("emerg", "B86001", 1950, "F", "E01000001", "A", since, OPEN)
        .reg("beds", "B86001", 1960, "M", "E01000002", "C", since, OPEN)
        .reg("longstay", "B86002", 1940, "F", "E01000003", "D", since, OPEN)
        .reg("elective", "B86002", 1970, "M", "E01000010", "G", since, OPEN)
        .reg("ae", "B86003", 1980, "F", "E01999999", "H", since, OPEN)
        .reg("outpt", "B86003", 1990, "M", null, "L", since, OPEN)
        .reg("recency", "B86003", 1945, "F", "E01000001", "M", since, OPEN)
        .reg("recent", "B86003", 1946, "M", "E01000001", "M", since, OPEN)
        .reg("none", "B86004", 2000, "U", "E01000001", "P", since, OPEN)
        .reg("sc-nursing", "B86001", 1935, "F", "E01000001", "R", since, OPEN)
        .reg("sc-residential", "B86001", 1936, "M", "E01000001", "S", since, OPEN)
        .reg("sc-community", "B86001", 1937, "F", "E01000001", "Z", since, OPEN)
        .reg("sc-short", "B86001", 1938, "M", "E01000001", "99", since, OPEN)
        .reg("sc-none", "B86001", 1939, "F", "E01000001", null, since, OPEN)
        .reg("meds", "B86002", 1955, "M", "E01000002", "B", since, OPEN)
        .reg("efi", "B86002", 1941, "F", "E01000002", "J", since, OPEN)
        .reg("hfrs", "B86002", 1942, "M", "E01000002", "K", since, OPEN)
        // Moved practice on 2024-06-01: the later registration is in force on D.
        .reg("mover", "B86001", 1965, "F", "E01000003", "N", "2010-01-01", "2024-05-31")
        .reg("mover", "B86002", 1965, "F", "E01000003", "N", "2024-06-01", OPEN)
        .reg("baby", "B86002", 2024, "I", "E01000003", "E", "2024-08-01", OPEN)
        .reg("newborn", "B86002", 2025, "F", "E01000003", "E", "2025-02-15", OPEN)
        .regDied("dead-on-d", "B86002", 1930, "M", "E01000003", "F", since, OPEN, "2025-03-31")
        // Not in the population on D: deregistered D - 1, died D - 1 (GP register and hospital),
        // registered only from D + 1.
        .reg("gone", "B86001", 1950, "F", "E01000001", "A", since, "2025-03-30")
        .regDied("dead-gp", "B86001", 1950, "F", "E01000001", "A", since, OPEN, "2025-03-30")
        .reg("dead-hosp", "B86001", 1950, "F", "E01000001", "A", since, OPEN)
        .reg("late-reg", "B86001", 1950, "F", "E01000001", "A", "2025-04-01", OPEN);
    f.spellDied("DH1", "dead-hosp", "2025-01-05", "2025-01-10", List.of());

    emergencyAdmissions(f);
    bedDays(f);
    electiveAndDayCases(f);
    emergencyCare(f);
    outpatients(f);
    recency(f);
    recent(f);
    socialCare(f);
    medicines(f);
    frailty(f);
    return f;
  }

  /** "emerg": one spell per edge and admission method, all same-day except the open one. */
  private static void emergencyAdmissions(FeatureFixture f) {
    String p = "emerg";
    f.spell("E01", p, "2024-04-01", "2024-04-01", "21", "1") // D - 364: 12m and 36m
        .spell("E02", p, "2024-03-31", "2024-03-31", "2A", "1") // D - 365: 36m only
        .spell("E03", p, "2022-04-02", "2022-04-02", "22", "1") // D - 1094: 36m
        .spell("E04", p, "2022-04-01", "2022-04-01", "23", "1") // D - 1095: neither
        .spell("E05", p, "2025-04-01", "2025-04-01", "24", "1") // D + 1: never
        .spell("E06", p, "2025-03-31", OPEN, "25", "1") // on D, still open
        .spell("E07", p, "2024-06-10", "2024-06-10", "28", "1")
        .spell("E08", p, "2024-07-10", "2024-07-10", "2B", "1")
        .spell("E09", p, "2024-08-10", "2024-08-10", "2C", "1")
        .spell("E10", p, "2024-09-10", "2024-09-10", "2D", "1")
        .spell("E11", p, "2024-10-10", "2024-10-10", "81", "1") // transfer
        .spell("E12", p, "2024-11-10", "2024-11-10", "31", "1") // maternity
        .spell("E13", p, "2024-12-10", "2024-12-10", "82", "1") // birth
        .spell("E14", p, "2025-01-10", "2025-01-10", "83", "1") // birth
        .spell("E15", p, "2025-02-10", "2025-02-10", "11", "1") // elective
        .spell("E16", p, "2023-05-01", "2023-05-01", "24", "1"); // 36m
  }

  /** "beds" and "longstay": nights inside the 12-month window. */
  private static void bedDays(FeatureFixture f) {
    String p = "beds";
    f.spell("B01", p, "2024-03-25", "2024-04-05", "21", "1") // crosses the window start
        .spell("B02", p, "2025-03-28", OPEN, "22", "1") // open on D
        .spell("B03", p, "2025-03-29", "2025-04-10", "23", "1") // discharged after D
        .spell("B04", p, "2024-10-10", "2024-10-10", "2A", "1") // same day
        .spell("B05", p, "2024-09-01", "2024-09-05", "24", "3") // regular day attender
        .spell("B06", p, "2024-11-01", "2024-11-03", "25", "4") // regular night attender
        .spell("B07", p, "2024-07-01", "2024-07-08", "21", "1")
        .spell("B08", p, "2024-08-01", "2024-08-05", "11", "1") // elective: not unplanned
        .spell("B09", p, "2024-03-01", "2024-03-20", "21", "1") // ended before the window
        .spell("B10", p, "2024-03-28", "2024-04-01", "21", "1") // ended on the window start
        .spell("B11", p, "2024-12-01", "2024-12-02", "21", "2"); // emergency day case
    // In hospital since 2021-06-01 (D - 1399), still open on D.
    f.spell("L01", "longstay", "2021-06-01", OPEN, "21", "1");
  }

  /** "elective": methods 11/12/13 with classification 1 (ordinary) or 2 (day case). */
  private static void electiveAndDayCases(FeatureFixture f) {
    String p = "elective";
    f.spell("V01", p, "2024-05-01", "2024-05-03", "11", "1")
        .spell("V02", p, "2024-06-01", "2024-06-02", "12", "1")
        .spell("V03", p, "2024-04-01", "2024-04-01", "13", "1") // D - 364
        .spell("V04", p, "2024-07-01", "2024-07-01", "11", "2")
        .spell("V05", p, "2025-03-31", "2025-03-31", "12", "2") // on D
        .spell("V06", p, "2024-03-31", "2024-03-31", "13", "1") // D - 365
        .spell("V07", p, "2024-08-01", "2024-08-01", "11", "3") // regular day attender
        .spell("V08", p, "2025-04-01", "2025-04-01", "11", "2") // D + 1
        .spell("V09", p, "2024-09-09", "2024-09-09", "21", "2") // emergency, not elective
        .spell("V10", p, "2024-10-01", "2024-10-02", "11", "4"); // regular night attender
  }

  /** "ae": department types and categories, and the arrival-date edges. */
  private static void emergencyCare(FeatureFixture f) {
    String p = "ae";
    f.ae("A01", p, "2024-04-01", "01", "1") // D - 364
        .ae("A02", p, "2024-06-01", "02", "2")
        .ae("A03", p, "2024-09-01", "03", "3")
        .ae("A04", p, "2025-03-31", "04", "1") // on D
        .ae("A05", p, "2024-10-01", "05", "1") // SDEC
        .ae("A06", p, "2024-11-01", "01", "4") // planned follow-up
        .ae("A07", p, "2024-03-31", "01", "1") // D - 365
        .ae("A08", p, "2025-04-01", "01", "2") // D + 1
        .ae("A09", p, "2024-12-01", "99", "1") // type not known
        .ae("A10", p, "2024-12-25", "01", "2")
        .ae("A11", p, "2025-01-05", "01", "9") // category not known
        .ae("A12", p, "2025-01-06", "01", "X"); // dead on arrival
  }

  /** "outpt": statuses and first-attendance codes. */
  private static void outpatients(FeatureFixture f) {
    String p = "outpt";
    f.op("O01", p, "2024-04-01", "5", "1") // D - 364, attended
        .op("O02", p, "2024-08-01", "6", "2") // arrived late, seen
        .op("O03", p, "2025-03-25", "3", "2") // did not attend
        .op("O04", p, "2024-10-01", "7", "2") // arrived late, not seen
        .op("O05", p, "2025-05-01", "0", "1") // future
        .op("O06", p, "2025-03-15", "0", "1") // status 0 dated before D
        .op("O07", p, "2024-11-01", "2", "2") // cancelled by the patient
        .op("O08", p, "2024-12-01", "4", "2") // cancelled by the provider
        .op("O09", p, "2025-03-20", "5", "5") // administrative event
        .op("O10", p, "2025-02-01", "5", null) // attended, first attendance not recorded
        .op("O11", p, "2024-03-31", "5", "3") // D - 365
        .op("O12", p, "2024-03-31", "3", "4") // D - 365, DNA
        .op("O13", p, "2025-04-02", "5", "2") // after D
        .op("O14", p, "2025-01-20", "9", "2"); // not known
  }

  /** "recency": the latest event of each kind is at a known distance from D. */
  private static void recency(FeatureFixture f) {
    String p = "recency";
    f.spell("R01", p, "2024-12-01", "2024-12-04", "21", "1") // latest emergency on or before D
        .spell("R02", p, "2023-06-01", "2023-06-02", "22", "1")
        .spell("R03", p, "2025-04-01", OPEN, "23", "1") // D + 1
        .spell("R04", p, "2025-01-15", "2025-01-16", "11", "1") // latest inpatient stay
        .spell("R05", p, "2025-03-01", "2025-03-02", "82", "1") // birth: not a stay
        .spell("R06", p, "2025-03-10", "2025-03-10", "12", "3") // regular attender: not a stay
        .spell("R07", p, "2025-04-02", "2025-04-02", "11", "2") // after D
        .spell("R08", p, "2025-03-05", "2025-03-05", "83", "2"); // birth: not a stay
    f.ae("RA1", p, "2024-02-01", "01", "1") // D - 424: outside 12m, inside the cap
        .ae("RA2", p, "2025-03-01", "05", "1") // SDEC: not counted
        .ae("RA3", p, "2025-03-20", "01", "4") // planned: not counted
        .ae("RA4", p, "2025-04-01", "01", "1"); // D + 1
    f.op("RO1", p, "2022-04-01", "6", "1") // D - 1095: one day inside the cap
        .op("RO2", p, "2025-03-01", "3", "2") // DNA: not a contact
        .op("RO3", p, "2025-04-05", "5", "2"); // after D
  }

  /** "recent": emergency admissions either side of the 90-day window's first day, D - 89. */
  private static void recent(FeatureFixture f) {
    String p = "recent";
    f.spell("N01", p, "2025-01-01", "2025-01-03", "21", "1") // D - 89: recent
        .spell("N02", p, "2024-12-31", "2024-12-31", "22", "1") // D - 90: 12m only
        .spell("N03", p, "2025-03-31", "2025-03-31", "11", "1") // elective on D: never
        .spell("N04", p, "2025-04-01", "2025-04-01", "21", "1"); // D + 1: never
  }

  private static void socialCare(FeatureFixture f) {
    String p = "sc-nursing";
    f.asc("C01", p, NURSING, "2025-03-31", OPEN, 700, "Weekly", null) // starts on D
        .asc("C02", p, RESIDENTIAL, "2024-01-01", "2025-03-31", 1000, "Fortnightly", null)
        .asc("C03", p, COMMUNITY, "2024-06-01", OPEN, 400, "4-Weekly", null)
        .asc("C04", p, ST_MAX, "2025-01-01", "2025-03-30", 300, "Weekly", null) // ended D - 1
        .asc("C05", p, CARER, "2024-01-01", OPEN, 50, "Weekly", null)
        .asc("C06", p, PRISON, "2024-01-01", OPEN, 80, "Weekly", null);
    p = "sc-residential";
    f.asc("C11", p, RESIDENTIAL, "2023-01-01", OPEN, 520, "Monthly", null)
        .asc("C12", p, COMMUNITY, "2024-09-01", "2025-06-30", 15, "Hourly", 10.0)
        .asc("C13", p, ST_LOW, "2025-04-01", OPEN, 100, "Weekly", null); // starts D + 1
    p = "sc-community";
    f.asc("C21", p, COMMUNITY, "2024-04-01", OPEN, 20, "Hourly", 7.5)
        .asc("C22", p, ST_MAX, "2025-03-01", "2025-04-15", 100, "Weekly", null);
    p = "sc-short";
    f.asc("C31", p, ST_OTHER, "2025-02-01", OPEN, 520, "Quarterly", null)
        .asc("C32", p, ST_LOW, "2024-12-01", OPEN, 5200, "Annually", null);
    p = "sc-none";
    f.asc("C41", p, CARER_CARED_FOR, "2024-01-01", OPEN, 60, "Weekly", null)
        .asc("C42", p, PRISON, "2024-05-01", OPEN, 90, "Weekly", null)
        .asc("C43", p, NURSING, "2023-01-01", "2024-06-30", 800, "Weekly", null) // ended in window
        .asc("C44", p, COMMUNITY, "2023-01-01", "2024-04-01", 100, "Weekly", null) // D - 364
        .asc("C45", p, COMMUNITY, "2023-01-01", "2024-03-31", 100, "Weekly", null) // D - 365
        .asc("C46", p, RESIDENTIAL, "2025-04-01", OPEN, 900, "Weekly", null); // starts D + 1
  }

  /** "meds": BNF chemical substance = first 9 characters of the BNF code, else the dm+d code. */
  private static void medicines(FeatureFixture f) {
    String p = "meds";
    f.med(p, "2024-04-01", "320000001", "0212000B0AAABAB") // D - 364; substance 0212000B0
        .med(p, "2024-10-01", "320000002", "0212000B0AAACAC") // same substance, other strength
        .med(p, "2025-03-31", "320000003", "0205051R0AAAAAA") // on D; 0205051R0
        .med(p, "2024-12-01", "320000004", null) // no BNF code: dm+d 320000004
        .med(p, "2024-11-01", "320000005", "0601022B0AAABAB") // 0601022B0
        .med(p, "2025-01-01", "320000005", null) // same drug without BNF: dm+d 320000005
        .med(p, "2024-03-31", "320000007", "0103050P0AAAAAA") // D - 365
        .med(p, "2024-03-30", "320000009", "0104020L0AAAAAA") // D - 366
        .med(p, "2025-04-01", "320000008", "0407010H0AAAMAM"); // D + 1
  }

  /**
   * "efi": SNOMED and CTV3 codes, each in exactly one deficit of the shipped codelists. "hfrs":
   * spells with scoring and non-scoring ICD-10 codes.
   */
  private static void frailty(FeatureFixture f) {
    String p = "efi";
    f.event(p, "2020-01-01", SNOMED, "161898004") // Falls (finding): Falls
        .event(p, "2024-01-01", SNOMED, "161898004") // the same code again
        .event(p, "2024-02-01", SNOMED, "1912002") // Fall (event): Falls again
        .event(p, "2024-06-01", SNOMED, "160689007") // Housebound (finding): Housebound
        .event(p, "2015-01-01", SNOMED, "1201005") // Benign essential hypertension
        .event(p, "2018-01-01", SNOMED, "111552007") // Diabetes mellitus without complication
        .event(p, "2025-03-31", SNOMED, "164889003") // on D: ECG atrial fibrillation
        .event(p, "2022-01-01", CTV3, "G58..") // CTV3 Heart failure
        .event(p, "2025-04-01", SNOMED, "162260006"); // D + 1: Dizziness present
    p = "hfrs";
    f.spell("H1", p, "2024-10-01", "2024-10-05", "11", "1", List.of("F001", "W19X", "I10X"))
        .spell("H2", p, "2025-01-10", "2025-01-12", "21", "1", List.of("F009", "R268"))
        .spell("H3", p, "2025-03-25", OPEN, "21", "1", List.of("S720")) // not discharged by D
        .spell("H4", p, "2022-12-01", "2022-12-05", "21", "1", List.of("N390")); // > 730 days
    // X00jb (Migrainous vertigo) is a CTV3 Dizziness code, not a Read v2 one: recorded as Read v2
    // it matches nothing.
    f.event(p, "2024-01-01", "READ2", "X00jb");
  }

  @BeforeAll
  static void build() {
    org.apache.spark.sql.Dataset<Row> built =
        fixture().features(FeatureFixture.config(Map.of()), D);
    schema = built.schema();
    List<Row> all = built.collectAsList();
    rows = new HashMap<>();
    for (Row r : all) {
      String id = r.getAs(Cols.PERSON_ID);
      if (rows.put(id, r) != null) {
        throw new AssertionError("two feature rows for " + id);
      }
    }
    columns = List.of(all.get(0).schema().fieldNames());
  }

  private static Row row(String person) {
    Row r = rows.get(person);
    assertNotNull(r, person + " has no features row");
    return r;
  }

  private static Object get(String person, String column) {
    return row(person).getAs(column);
  }

  private static void expect(String person, String column, Object expected) {
    assertEquals(expected, get(person, column), person + " " + column);
  }

  private static void expectCost(String person, double expected) {
    assertEquals(
        expected,
        (double) get(person, Cols.SOCIAL_CARE_WEEKLY_COST),
        COST_TOLERANCE,
        person + " " + Cols.SOCIAL_CARE_WEEKLY_COST);
  }

  // ---------------------------------------------------------------------------------------------
  // Who has a row, and which columns

  @Test
  void oneRowForEveryoneRegisteredAndAliveOnD() {
    Set<String> expected =
        new TreeSet<>(
            List.of(
                "emerg",
                "beds",
                "longstay",
                "elective",
                "ae",
                "outpt",
                "recency",
                "recent",
                "none",
                "sc-nursing",
                "sc-residential",
                "sc-community",
                "sc-short",
                "sc-none",
                "meds",
                "efi",
                "hfrs",
                "mover",
                "baby",
                "newborn",
                "dead-on-d"));
    // Absent: gone (deregistered D - 1), dead-gp (died D - 1), dead-hosp (died in hospital
    // 2025-01-10), late-reg (registered from D + 1).
    assertEquals(expected, new TreeSet<>(rows.keySet()));
    for (Row r : rows.values()) {
      assertEquals(Date.valueOf(D), r.getAs(Cols.AS_OF));
    }
  }

  /**
   * The columns are features/person's contract (schema/Outputs, docs/data-contracts.md), in order
   * and typed, with one flag per configured deficit: the step's write would refuse any other.
   */
  @Test
  void theDeclaredColumnsInOrderAndNoOthers() {
    Outputs.FEATURES.check(schema, FeatureFixture.config(Map.of()));
    for (String example :
        List.of("efi_falls", "efi_memory_cognitive_problems", "efi_polypharmacy")) {
      assertEquals(true, columns.contains(example), example);
    }
    // 39 named columns + 36 flags.
    assertEquals(39 + 36, columns.size());
  }

  // ---------------------------------------------------------------------------------------------
  // Admitted patient care

  @Test
  void emergencyAdmissionsIn12And36MonthsByAdmissionDateAndMethod() {
    // 12m (2024-04-01..D): E01 (21, on D - 364), E06 (25, on D), E07 (28), E08 (2B), E09 (2C),
    // E10 (2D) -> 6. Not E02 (D - 365), E05 (D + 1), E11 (81 transfer), E12 (31 maternity),
    // E13/E14 (82/83 births), E15 (11 elective).
    expect("emerg", Cols.EMERGENCY_ADMISSIONS_12M, 6);
    // 36m (2022-04-02..D): the 6 + E02 (D - 365) + E03 (D - 1094) + E16 (2023-05-01) -> 9.
    // Not E04 (D - 1095).
    expect("emerg", Cols.EMERGENCY_ADMISSIONS_36M, 9);
    // The one elective spell, E15.
    expect("emerg", Cols.ELECTIVE_ADMISSIONS_12M, 1);
    // Regular attenders' emergency spells are still emergency admissions: beds B02, B03, B04,
    // B05 (class 3), B06 (class 4), B07, B11 (class 2) -> 7; B01, B09, B10 admitted before the
    // window.
    expect("beds", Cols.EMERGENCY_ADMISSIONS_12M, 7);
    // In hospital since 2021-06-01: admitted before both windows.
    expect("longstay", Cols.EMERGENCY_ADMISSIONS_12M, 0);
    expect("longstay", Cols.EMERGENCY_ADMISSIONS_36M, 0);
  }

  @Test
  void recentEmergencyAdmissionsInThe90DaysEndingOnD() {
    // 2025-01-01..D (features.recent_window_days 90): N01 on D - 89. Not N02 on D - 90 (12m
    // only), N03 (elective), N04 (D + 1).
    expect("recent", Cols.EMERGENCY_ADMISSIONS_RECENT, 1);
    expect("recent", Cols.EMERGENCY_ADMISSIONS_12M, 2);
    // emerg: E06 on D (25); E14 (83, a birth) and E15 (elective) are in the window but are not
    // emergency admissions.
    expect("emerg", Cols.EMERGENCY_ADMISSIONS_RECENT, 1);
    // beds: B02 (D - 3) and B03 (D - 2); B11 on 2024-12-01 is D - 120.
    expect("beds", Cols.EMERGENCY_ADMISSIONS_RECENT, 2);
    expect("none", Cols.EMERGENCY_ADMISSIONS_RECENT, 0);
  }

  @Test
  void unplannedBedDaysAreNightsInsideTheWindow() {
    // E06 admitted on D and still open: (D + 1) - D = 1; every other emerg spell is same-day.
    expect("emerg", Cols.UNPLANNED_BED_DAYS_12M, 1);
    // B01 2024-03-25..2024-04-05 clipped at the window start: 04-05 - 04-01 = 4
    // B02 2025-03-28, open: (D + 1) 04-01 - 03-28 = 4
    // B03 2025-03-29, discharged 2025-04-10 (after D, same as open): 04-01 - 03-29 = 3
    // B04 same day: 0; B07 07-01..07-08: 7; B11 emergency day case 12-01..12-02: 1
    // B09 ended 2024-03-20 and B10 ended 2024-04-01 (the window start): max(0, ...) = 0
    // Not counted: B05 (class 3, 4 nights), B06 (class 4, 2 nights), B08 (elective, 4 nights).
    expect("beds", Cols.UNPLANNED_BED_DAYS_12M, 4 + 4 + 3 + 0 + 7 + 1 + 0 + 0);
    // Open since 2021-06-01: every night of the window, (D + 1) - (D - 364) = 365.
    expect("longstay", Cols.UNPLANNED_BED_DAYS_12M, 365);
  }

  @Test
  void electiveAdmissionsAndDayCases() {
    // Elective ordinary (method 1x, class 1): V01, V02, V03 (D - 364) -> 3; not V06 (D - 365),
    // V07 (class 3), V10 (class 4).
    expect("elective", Cols.ELECTIVE_ADMISSIONS_12M, 3);
    // Day cases (method 1x, class 2): V04, V05 (on D) -> 2; not V08 (D + 1), V09 (method 21).
    expect("elective", Cols.DAY_CASES_12M, 2);
    expect("elective", Cols.EMERGENCY_ADMISSIONS_12M, 1);
    // V09 is an emergency day case: no bed days, (09-09 - 09-09) = 0.
    expect("elective", Cols.UNPLANNED_BED_DAYS_12M, 0);
  }

  // ---------------------------------------------------------------------------------------------
  // A&E and outpatients

  @Test
  void aeAttendancesCountTypes01To04AndCategories1To3() {
    // A01 (01/1, D - 364), A02 (02/2), A03 (03/3), A04 (04/1, on D), A10 (01/2) -> 5.
    // Not A05 (05 SDEC), A06 (category 4), A07 (D - 365), A08 (D + 1), A09 (type 99),
    // A11 (category 9), A12 (category X).
    expect("ae", Cols.AE_ATTENDANCES_12M, 5);
    // Type 01 among the counted: A01, A10 -> 2.
    expect("ae", Cols.AE_TYPE1_ATTENDANCES_12M, 2);
    // Latest counted arrival A04 on D: 0 days.
    expect("ae", Cols.DAYS_SINCE_AE_ATTENDANCE, 0);
  }

  @Test
  void outpatientAttendancesAndDidNotAttends() {
    // Attended (5, 6) in 12m, not administrative: O01 (D - 364), O02, O10 -> 3.
    // Not O09 (first attendance 5: administrative), O11 (D - 365), O13 (after D).
    expect("outpt", Cols.OUTPATIENT_ATTENDANCES_12M, 3);
    // DNA (3): O03 -> 1. Not O04 (7, by default), O12 (D - 365); 0, 2, 4, 9 are neither.
    expect("outpt", Cols.OUTPATIENT_DNAS_12M, 1);
    // Latest contact O10 on 2025-02-01: 27 days to 2025-02-28, + 31 -> 58. The later O03 (DNA),
    // O06 (status 0), O09 (administrative) and O13 (after D) are not contacts.
    expect("outpt", Cols.DAYS_SINCE_OUTPATIENT_CONTACT, 58);
  }

  @Test
  void arrivedLateNotSeenIsADidNotAttendOnlyWhenConfigured() {
    NpcConfig config = FeatureFixture.config(Map.of("features.op_dna_statuses", "[\"3\", \"7\"]"));
    // Only outpt's registration and appointments, as in the main fixture.
    FeatureFixture f = new FeatureFixture();
    f.reg("outpt", "B86003", 1990, "M", null, "L", "2000-01-01", OPEN);
    outpatients(f);
    List<Row> out = f.features(config, D).collectAsList();
    assertEquals(1, out.size());
    Row outpt = out.get(0);
    // O03 (3) + O04 (7) -> 2; still not O12 (3, D - 365).
    assertEquals(2, (int) outpt.getAs(Cols.OUTPATIENT_DNAS_12M));
    assertEquals(3, (int) outpt.getAs(Cols.OUTPATIENT_ATTENDANCES_12M));
  }

  // ---------------------------------------------------------------------------------------------
  // Recency

  @Test
  void daysSinceTheLatestEventOnOrBeforeD() {
    // Emergency: R01 on 2024-12-01 -> 30 + 31 + 31 + 28 = 120 (R03 on D + 1 ignored).
    expect("recency", Cols.DAYS_SINCE_EMERGENCY_ADMISSION, 120);
    // Inpatient stay (class 1 or 2, not births): R04 on 2025-01-15 -> 16 + 28 + 31 = 75.
    // Later but not stays: R05 (82), R08 (83), R06 (class 3); R07 after D.
    expect("recency", Cols.DAYS_SINCE_INPATIENT_STAY, 75);
    // A&E: RA1 on 2024-02-01 -> 366 (to 2025-02-01, across 29 Feb 2024) + 58 = 424, though it is
    // outside the 12-month count. RA2 (SDEC), RA3 (planned) are not counted; RA4 after D.
    expect("recency", Cols.DAYS_SINCE_AE_ATTENDANCE, 424);
    expect("recency", Cols.AE_ATTENDANCES_12M, 0);
    // Outpatient: RO1 on 2022-04-01 = D - 1095, one day short of the cap: not capped.
    expect("recency", Cols.DAYS_SINCE_OUTPATIENT_CONTACT, 1095);
    // 12m: R01 -> 1; 36m: R01 + R02 (2023-06-01) -> 2.
    expect("recency", Cols.EMERGENCY_ADMISSIONS_12M, 1);
    expect("recency", Cols.EMERGENCY_ADMISSIONS_36M, 2);
    // On D: emerg's E06 admitted on D -> 0 (E05 on D + 1 is not "latest").
    expect("emerg", Cols.DAYS_SINCE_EMERGENCY_ADMISSION, 0);
  }

  @Test
  void recencyIsTheCapWhenNoneIsThatRecent() {
    // Admitted 2021-06-01: D - 2021-06-01 = 1399 >= 1096 -> the cap, for both recencies.
    expect("longstay", Cols.DAYS_SINCE_EMERGENCY_ADMISSION, CAP);
    expect("longstay", Cols.DAYS_SINCE_INPATIENT_STAY, CAP);
    // No A&E or outpatient contact at all.
    expect("longstay", Cols.DAYS_SINCE_AE_ATTENDANCE, CAP);
    expect("longstay", Cols.DAYS_SINCE_OUTPATIENT_CONTACT, CAP);
    // ae has no appointments and outpt no spells: the cap.
    expect("ae", Cols.DAYS_SINCE_OUTPATIENT_CONTACT, CAP);
    expect("outpt", Cols.DAYS_SINCE_EMERGENCY_ADMISSION, CAP);
  }

  // ---------------------------------------------------------------------------------------------
  // Social care

  @Test
  void socialCareActiveOnDAndTheHighestPackage() {
    // C01 starts on D and C02 ends on D: both active; C04 ended D - 1 is not.
    expect("sc-nursing", Cols.SOCIAL_CARE_ACTIVE, true);
    expect("sc-nursing", Cols.SOCIAL_CARE_PACKAGE, "nursing");
    expect("sc-nursing", Cols.CARE_HOME, true);
    // Residential C11 and community C12 (ends after D) active -> residential.
    expect("sc-residential", Cols.SOCIAL_CARE_PACKAGE, "residential");
    expect("sc-residential", Cols.CARE_HOME, true);
    // Community C21 and short-term C22 -> community; not a care home.
    expect("sc-community", Cols.SOCIAL_CARE_PACKAGE, "community");
    expect("sc-community", Cols.CARE_HOME, false);
    expect("sc-short", Cols.SOCIAL_CARE_PACKAGE, "short_term");
    expect("sc-short", Cols.SOCIAL_CARE_ACTIVE, true);
    expect("sc-short", Cols.CARE_HOME, false);
    // Only carer support and prison active; nursing ended 2024-06-30; residential from D + 1.
    expect("sc-none", Cols.SOCIAL_CARE_ACTIVE, false);
    expect("sc-none", Cols.SOCIAL_CARE_PACKAGE, "none");
    expect("sc-none", Cols.CARE_HOME, false);
  }

  @Test
  void weeklyCostByCostFrequency() {
    // C01 700 Weekly x 1 + C02 1000 Fortnightly x 1/2 + C03 400 4-Weekly x 1/4; not C04 (ended),
    // C05 (carer), C06 (prison).
    expectCost("sc-nursing", 700 * 1 + 1000 / 2.0 + 400 / 4.0);
    // C11 520 Monthly x 12/52 = 120 + C12 15 Hourly x 10 planned units a week = 150.
    expectCost("sc-residential", 520 * 12 / 52.0 + 15 * 10);
    // C21 20 Hourly x 7.5 units = 150 + C22 100 Weekly.
    expectCost("sc-community", 20 * 7.5 + 100);
    // C31 520 Quarterly x 4/52 = 40 + C32 5200 Annually x 1/52 = 100.
    expectCost("sc-short", 520 * 4 / 52.0 + 5200 / 52.0);
    expectCost("sc-none", 0.0);
  }

  @Test
  void socialCareCostOverTheDaysActiveInTheWindow() {
    // Window 2024-04-01 (D - 364) .. 2025-03-31 (D), both ends included.
    // C21 150 a week from the window's first day, open: 365 days; C22 100 a week from 2025-03-01:
    // 31 days up to D (its end after D does not count).
    expectTotal("sc-community", 150 * 365 / 7.0 + 100 * 31 / 7.0);
    // C31 40 a week from 2025-02-01: 28 + 31 = 59 days; C32 100 a week from 2024-12-01:
    // 31 + 31 + 28 + 31 = 121 days.
    expectTotal("sc-short", 40 * 59 / 7.0 + 100 * 121 / 7.0);
    // C43 800 a week ended 2024-06-30: 30 + 31 + 30 = 91 days; C44 ended on the window's first day:
    // 1 day; C45 ended the day before the window, C46 starts after D, carer and prison are not
    // packages.
    expectTotal("sc-none", 800 * 91 / 7.0 + 100 * 1 / 7.0);
  }

  private static void expectTotal(String person, double expected) {
    assertEquals(
        expected,
        (double) get(person, Cols.SOCIAL_CARE_COST_12M),
        COST_TOLERANCE,
        person + " " + Cols.SOCIAL_CARE_COST_12M);
  }

  @Test
  void socialCareServicesActiveAtAnyTimeInTheWindow() {
    // C01..C04 (C04 ended D - 1, inside the window) -> 4; carer and prison are not packages.
    expect("sc-nursing", Cols.SOCIAL_CARE_SERVICES_12M, 4);
    // C11, C12 -> 2; C13 starts D + 1.
    expect("sc-residential", Cols.SOCIAL_CARE_SERVICES_12M, 2);
    // C43 (ended 2024-06-30), C44 (ended on D - 364) -> 2; not C45 (ended D - 365), C46 (D + 1),
    // C41 (carer), C42 (prison).
    expect("sc-none", Cols.SOCIAL_CARE_SERVICES_12M, 2);
  }

  // ---------------------------------------------------------------------------------------------
  // Medicines

  @Test
  void distinctMedicinesIn12MonthsBySubstance() {
    // The polypharmacy rule's window, D - 365..D, both ends included (docs/frailty.md):
    // 0103050P0 (on D - 365, the first day in), 0212000B0 (two strengths, one on D - 364),
    // 0205051R0 (on D, the last day in), dm+d 320000004 (no BNF), 0601022B0, dm+d 320000005 (the
    // same drug issued without its BNF code counts again) -> 6.
    // Not 0104020L0 (D - 366, the day before the window) nor 0407010H0 (D + 1, the day after).
    expect("meds", Cols.MEDICINES_12M, 6);
    expect("meds", Cols.EFI_FLAG_PREFIX + "polypharmacy", true);
    expect("meds", Cols.DEFICIT_COUNT, 1);
  }

  @Test
  void medicinesAndThePolypharmacyDeficitAgreeForEveryone() {
    // One rule: the deficit is present exactly when medicines_12m reaches min_medicines (5).
    for (Row r : rows.values()) {
      int medicines = r.<Integer>getAs(Cols.MEDICINES_12M);
      boolean present = r.<Boolean>getAs(Cols.EFI_FLAG_PREFIX + "polypharmacy");
      assertEquals(medicines >= 5, present, r.<String>getAs(Cols.PERSON_ID) + ": " + medicines);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Frailty

  @Test
  void efiFlagsLongTermConditionsAndHousebound() {
    // Falls (three events, two codes: one deficit), Housebound, Hypertension, Diabetes,
    // Atrial fibrillation (on D), Heart failure (CTV3) -> 6; Dizziness only on D + 1.
    Set<String> present =
        Set.of(
            "efi_falls",
            "efi_housebound",
            "efi_hypertension",
            "efi_diabetes",
            "efi_atrial_fibrillation",
            "efi_heart_failure");
    for (String c : columns) {
      if (c.startsWith("efi_") && !c.equals(Cols.EFI_SCORE) && !c.equals(Cols.EFI_CATEGORY)) {
        expect("efi", c, present.contains(c));
      }
    }
    expect("efi", Cols.DEFICIT_COUNT, 6);
    assertEquals(6 / 36.0, (double) get("efi", Cols.EFI_SCORE), 1e-12);
    expect("efi", Cols.EFI_CATEGORY, "mild"); // 5-8
    // Long-term conditions: hypertension, diabetes, AF, heart failure -> 4 (falls and housebound
    // are deficits but not long-term conditions).
    expect("efi", Cols.LONG_TERM_CONDITIONS, 4);
    expect("efi", Cols.HOUSEBOUND, true);
    // A CTV3-only code recorded as Read v2 matches nothing.
    expect("hfrs", Cols.DEFICIT_COUNT, 0);
    expect("hfrs", "efi_dizziness", false);
    expect("hfrs", Cols.HOUSEBOUND, false);
  }

  @Test
  void hfrsScoreAndBand() {
    // H1 + H2 (admitted D - 730..D, discharged by D): F00 7.1 (in both, once), W19 3.2, R26 2.6;
    // I10 scores nothing. H3 is open on D, H4 admitted before D - 730.
    assertEquals(7.1 + 3.2 + 2.6, (double) get("hfrs", Cols.HFRS_SCORE), 1e-9);
    expect("hfrs", Cols.HFRS_BAND, "intermediate"); // 12.9 in 5..15
    assertEquals(0.0, (double) get("efi", Cols.HFRS_SCORE));
    expect("efi", Cols.HFRS_BAND, "low");
  }

  // ---------------------------------------------------------------------------------------------
  // Demographics

  @Test
  void ageInWholeYearsWithTheAssumedBirthday() {
    // Birthday taken as 1 July: on 2025-03-31 it has not come yet this year.
    expect("emerg", Cols.AGE, 2025 - 1950 - 1); // 74
    expect("longstay", Cols.AGE, 2025 - 1940 - 1); // 84
    expect("none", Cols.AGE, 2025 - 2000 - 1); // 24
    expect("baby", Cols.AGE, 2025 - 2024 - 1); // 0
    expect("baby", Cols.SEX, "I");
    expect("none", Cols.SEX, "U");
  }

  @Test
  void ageIsNeverNegativeForABabyBornThisYear() {
    expect("newborn", Cols.AGE, 0);
  }

  @Test
  void ethnicCategoryGroups() {
    Map<String, String> expected = new HashMap<>();
    expected.put("emerg", "White"); // A
    expected.put("meds", "White"); // B
    expected.put("beds", "White"); // C
    expected.put("longstay", "Mixed"); // D
    expected.put("baby", "Mixed"); // E
    expected.put("dead-on-d", "Mixed"); // F
    expected.put("elective", "Mixed"); // G
    expected.put("ae", "Asian"); // H
    expected.put("efi", "Asian"); // J
    expected.put("hfrs", "Asian"); // K
    expected.put("outpt", "Asian"); // L
    expected.put("recency", "Black"); // M
    expected.put("mover", "Black"); // N
    expected.put("none", "Black"); // P
    expected.put("sc-nursing", "Other"); // R
    expected.put("sc-residential", "Other"); // S
    expected.put("sc-community", "Unknown"); // Z
    expected.put("sc-short", "Unknown"); // 99
    expected.put("sc-none", "Unknown"); // empty
    expected.forEach((p, category) -> expect(p, Cols.ETHNIC_CATEGORY, category));
    expect("sc-short", Cols.ETHNIC_GROUP, "99");
    assertNull(get("sc-none", Cols.ETHNIC_GROUP));
  }

  @Test
  void imdDecileAndQuintileFromTheLsoa() {
    // quintile = ceil(decile / 2): 1 -> 1, 2 -> 1, 3 -> 2, 10 -> 5.
    expect("emerg", Cols.IMD_DECILE, 1); // IMD2019, not the IoD2025 row (7)
    expect("emerg", Cols.IMD_QUINTILE, 1);
    expect("beds", Cols.IMD_DECILE, 2);
    expect("beds", Cols.IMD_QUINTILE, 1);
    expect("longstay", Cols.IMD_DECILE, 3);
    expect("longstay", Cols.IMD_QUINTILE, 2);
    expect("elective", Cols.IMD_DECILE, 10);
    expect("elective", Cols.IMD_QUINTILE, 5);
    // E01999999 is not in lsoa_imd; outpt has no LSOA.
    expect("ae", Cols.LSOA_CODE, "E01999999");
    assertNull(get("ae", Cols.IMD_DECILE));
    assertNull(get("ae", Cols.IMD_QUINTILE));
    assertNull(get("outpt", Cols.LSOA_CODE));
    assertNull(get("outpt", Cols.IMD_DECILE));
    assertNull(get("outpt", Cols.IMD_QUINTILE));
  }

  @Test
  void practiceAndPcnInForceOnD() {
    expect("emerg", Cols.PRACTICE_CODE, "B86001");
    expect("emerg", Cols.PCN_CODE, "U22222"); // U11111 ended 2024-12-31
    expect("longstay", Cols.PCN_CODE, "U33333"); // U44444 only from D + 1
    expect("ae", Cols.PCN_CODE, "U55555"); // valid to D: still in force
    assertNull(get("none", Cols.PCN_CODE)); // B86004's membership ended D - 1
    // Moved from B86001 to B86002 on 2024-06-01.
    expect("mover", Cols.PRACTICE_CODE, "B86002");
    expect("mover", Cols.PCN_CODE, "U33333");
    // Died on D: still in the population on D.
    expect("dead-on-d", Cols.PRACTICE_CODE, "B86002");
  }

  // ---------------------------------------------------------------------------------------------
  // Nothing at all

  @Test
  void aPersonWithNoEventsHasZerosCapsNoneAndFalse() {
    String p = "none";
    for (String c :
        List.of(
            Cols.MEDICINES_12M,
            Cols.EMERGENCY_ADMISSIONS_12M,
            Cols.EMERGENCY_ADMISSIONS_36M,
            Cols.UNPLANNED_BED_DAYS_12M,
            Cols.ELECTIVE_ADMISSIONS_12M,
            Cols.DAY_CASES_12M,
            Cols.AE_ATTENDANCES_12M,
            Cols.AE_TYPE1_ATTENDANCES_12M,
            Cols.OUTPATIENT_ATTENDANCES_12M,
            Cols.OUTPATIENT_DNAS_12M,
            Cols.SOCIAL_CARE_SERVICES_12M,
            Cols.DEFICIT_COUNT,
            Cols.LONG_TERM_CONDITIONS)) {
      expect(p, c, 0);
    }
    for (String c :
        List.of(
            Cols.DAYS_SINCE_EMERGENCY_ADMISSION,
            Cols.DAYS_SINCE_INPATIENT_STAY,
            Cols.DAYS_SINCE_AE_ATTENDANCE,
            Cols.DAYS_SINCE_OUTPATIENT_CONTACT)) {
      expect(p, c, CAP);
    }
    expect(p, Cols.SOCIAL_CARE_ACTIVE, false);
    expect(p, Cols.SOCIAL_CARE_PACKAGE, "none");
    expect(p, Cols.SOCIAL_CARE_WEEKLY_COST, 0.0);
    expect(p, Cols.CARE_HOME, false);
    expect(p, Cols.HOUSEBOUND, false);
    expect(p, Cols.EFI_SCORE, 0.0);
    expect(p, Cols.EFI_CATEGORY, "fit");
    expect(p, Cols.HFRS_SCORE, 0.0);
    expect(p, Cols.HFRS_BAND, "low");
    for (String c : columns) {
      if (c.startsWith("efi_") && !c.equals(Cols.EFI_SCORE) && !c.equals(Cols.EFI_CATEGORY)) {
        assertFalse((boolean) get(p, c), c);
      }
    }
    // No column is left empty except the ones documented as possibly empty.
    Set<String> mayBeEmpty = Set.of(Cols.PCN_CODE, Cols.IMD_DECILE, Cols.IMD_QUINTILE);
    for (String c : columns) {
      if (!mayBeEmpty.contains(c)) {
        assertNotNull(get(p, c), c);
      }
    }
  }
}

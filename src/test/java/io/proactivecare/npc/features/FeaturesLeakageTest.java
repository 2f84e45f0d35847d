package io.proactivecare.npc.features;

import static io.proactivecare.npc.features.FeatureFixture.D;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Nothing dated after the date is used" (docs/features.md): features at D = 2025-03-31 of a
 * hand-made population are the same whether or not the data also holds what happened after D, in
 * every source table. The same rows do change the features at D2 = 2025-04-30, so the test would
 * catch a missing date filter.
 */
class FeaturesLeakageTest {
  private static final LocalDate D2 = LocalDate.of(2025, 4, 30);
  private static final String OPEN = null;
  private static final String SNOMED = "SNOMED";
  private static final String COMMUNITY = "Long Term Support: Community";
  private static final String NURSING = "Long Term Support: Nursing Care";
  private static final String CARER = "Carer Support: Direct to Carer";

  private static Dataset<Row> asIs;
  private static Dataset<Row> withLater;
  private static Map<String, Row> atD;
  private static Map<String, Row> atD2;

  /** The extract as it stood on D: only a booked appointment is dated after D. */
  static FeatureFixture asOnD() {
    FeatureFixture f = new FeatureFixture();
    f.pcn("B86001", "U11111", "2019-07-01", OPEN).pcn("B86002", "U33333", "2019-07-01", OPEN);
    f.imd("E01000001", "IMD2019", 4);
    String since = "2000-01-01";
    for (String p : List.of("hosp", "ae", "op", "meds", "efi", "asc", "move", "quiet")) {
      f.reg(p, "B86001", 1950, "F", "E01000001", "A", since, OPEN);
    }
    f.reg("dies", "B86002", 1940, "M", "E01000001", "C", since, OPEN);

    f.spell("H01", "hosp", "2024-11-01", "2024-11-05", "21", "1", List.of("F001"))
        .spell("H02", "hosp", "2025-03-28", OPEN, "22", "1", List.of()) // in hospital on D
        .spell("H03", "hosp", "2024-09-01", "2024-09-01", "11", "1")
        .spell("LD1", "dies", "2025-03-29", OPEN, "21", "1");
    f.ae("AE1", "ae", "2024-12-01", "01", "1");
    f.op("OP1", "op", "2024-10-01", "5", "1")
        .op("OP2", "op", "2024-11-01", "3", "2")
        .op("OP3", "op", "2025-04-15", "0", "2"); // booked for after D
    f.med("meds", "2024-06-01", "320000001", "0212000B0AAABAB")
        .med("meds", "2024-09-01", "320000002", "0205051R0AAAAAA")
        .med("meds", "2024-12-01", "320000003", "0103050P0AAAAAA")
        .med("meds", "2025-03-01", "320000004", "0601022B0AAABAB");
    f.event("efi", "2015-01-01", SNOMED, "1201005"); // Hypertension
    f.asc("SC1", "asc", COMMUNITY, "2024-06-01", OPEN, 200, "Weekly", null);
    return f;
  }

  /** The same extract taken later: rows dated after D added to every table, open rows closed. */
  static FeatureFixture later(FeatureFixture onD) {
    FeatureFixture f = onD.copy();
    // practice_pcn: B86001 moves to U22222 on 2025-04-15.
    f.remove(Contracts.PRACTICE_PCN, Cols.PRACTICE_CODE, "B86001")
        .pcn("B86001", "U11111", "2019-07-01", "2025-04-14")
        .pcn("B86001", "U22222", "2025-04-15", OPEN);
    // lsoa_imd: a later index vintage published (not the one configured).
    f.imd("E01000001", "IoD2025", 9);
    // gp_registrations: move registers elsewhere from 2025-04-10; dies dies on 2025-04-05.
    f.remove(Contracts.GP_REGISTRATIONS, Cols.PERSON_ID, "move")
        .reg("move", "B86001", 1950, "F", "E01000001", "A", "2000-01-01", "2025-04-09")
        .reg("move", "B86002", 1950, "F", "E01000001", "A", "2025-04-10", OPEN);
    f.remove(Contracts.GP_REGISTRATIONS, Cols.PERSON_ID, "dies")
        .regDied("dies", "B86002", 1940, "M", "E01000001", "C", "2000-01-01", OPEN, "2025-04-05");
    // apc_spells: H02 (in hospital on D) discharged after D with its diagnoses coded; LD1 ended
    // in death after D; new emergency, elective and day-case spells.
    f.remove(Contracts.APC_SPELLS, Cols.SPELL_ID, "H02")
        .spell("H02", "hosp", "2025-03-28", "2025-04-04", "22", "1", List.of("W19X", "R268"))
        .remove(Contracts.APC_SPELLS, Cols.SPELL_ID, "LD1")
        .spellDied("LD1", "dies", "2025-03-29", "2025-04-05", List.of("F001"))
        .spell("H04", "hosp", "2025-04-10", "2025-04-12", "21", "1", List.of("G81X"))
        .spell("H05", "hosp", "2025-04-15", "2025-04-15", "11", "1")
        .spell("H06", "hosp", "2025-04-20", "2025-04-20", "12", "2");
    // ae_attendances: one on D + 1 and one later.
    f.ae("AE2", "ae", "2025-04-01", "01", "2").ae("AE3", "ae", "2025-04-20", "02", "1");
    // op_appointments: the booked one attended; a DNA and another attendance.
    f.remove(Contracts.OP_APPOINTMENTS, Cols.APPOINTMENT_ID, "OP3")
        .op("OP3", "op", "2025-04-15", "5", "2")
        .op("OP4", "op", "2025-04-20", "3", "2")
        .op("OP5", "op", "2025-04-25", "6", "2");
    // gp_medications: a fifth substance on D + 1, a repeat later.
    f.med("meds", "2025-04-01", "320000005", "0407010H0AAAMAM")
        .med("meds", "2025-04-10", "320000001", "0212000B0AAABAB");
    // gp_events: Falls, Housebound, Diabetes after D.
    f.event("efi", "2025-04-02", SNOMED, "161898004")
        .event("efi", "2025-04-03", SNOMED, "160689007")
        .event("efi", "2025-04-05", SNOMED, "111552007");
    // asc_services: the community package ends after D; nursing from 2025-04-11; carer support.
    f.remove(Contracts.ASC_SERVICES, Cols.SERVICE_ID, "SC1")
        .asc("SC1", "asc", COMMUNITY, "2024-06-01", "2025-04-10", 200, "Weekly", null)
        .asc("SC2", "asc", NURSING, "2025-04-11", OPEN, 900, "Weekly", null)
        .asc("SC3", "asc", CARER, "2025-04-01", OPEN, 40, "Weekly", null);
    return f;
  }

  @BeforeAll
  static void build() {
    NpcConfig config = FeatureFixture.config(Map.of());
    FeatureFixture onD = asOnD();
    asIs = onD.features(config, D).localCheckpoint();
    // Both dates in one run: the rows at D are compared with asIs, those at D2 show the later
    // rows are seen once their dates have come.
    Dataset<Row> both = later(onD).features(config, D, D2).localCheckpoint();
    withLater = both.where(col(Cols.AS_OF).equalTo(Date.valueOf(D)));
    atD = byPerson(withLater.collectAsList());
    atD2 = byPerson(both.where(col(Cols.AS_OF).equalTo(Date.valueOf(D2))).collectAsList());
  }

  private static Map<String, Row> byPerson(List<Row> rows) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : rows) {
      m.put(r.getAs(Cols.PERSON_ID), r);
    }
    return m;
  }

  @Test
  void featuresAtDAreTheSameWithOrWithoutLaterData() {
    // hosp, ae, op, meds, efi, asc, move, quiet, dies: all registered and alive on D.
    assertEquals(9, asIs.count());
    assertEquals(asIs.count(), withLater.count());
    assertEquals(List.of(), asIs.exceptAll(withLater).collectAsList(), "only without later rows");
    assertEquals(List.of(), withLater.exceptAll(asIs).collectAsList(), "only with later rows");
  }

  @Test
  void theFeaturesComparedAreNotEmpty() {
    // What the equality above holds fixed, at D (windows 2024-04-01..D).
    expect(atD, "hosp", Cols.EMERGENCY_ADMISSIONS_12M, 2); // H01, H02
    // H01 11-05 - 11-01 = 4; H02 open: (D + 1) 04-01 - 03-28 = 4.
    expect(atD, "hosp", Cols.UNPLANNED_BED_DAYS_12M, 4 + 4);
    expect(atD, "hosp", Cols.DAYS_SINCE_EMERGENCY_ADMISSION, 3); // H02 on D - 3
    expect(atD, "hosp", Cols.HFRS_SCORE, 7.1); // H01's F00; H02 not discharged by D
    expect(atD, "ae", Cols.AE_ATTENDANCES_12M, 1);
    expect(atD, "op", Cols.OUTPATIENT_ATTENDANCES_12M, 1);
    expect(atD, "op", Cols.OUTPATIENT_DNAS_12M, 1);
    expect(atD, "meds", Cols.MEDICINES_12M, 4);
    expect(atD, "efi", Cols.DEFICIT_COUNT, 1);
    expect(atD, "asc", Cols.SOCIAL_CARE_PACKAGE, "community");
    expect(atD, "move", Cols.PRACTICE_CODE, "B86001");
    expect(atD, "quiet", Cols.PCN_CODE, "U11111");
  }

  @Test
  void theSameLaterRowsChangeTheFeaturesAtALaterDate() {
    // At D2 = 2025-04-30 (window 2024-05-01..D2) the rows added after D count, so a feature that
    // ignored the date would have differed at D.
    // Emergency admissions: H01, H02, H04 (2025-04-10) -> 3 (2 at D).
    expect(atD2, "hosp", Cols.EMERGENCY_ADMISSIONS_12M, 3);
    // Bed days: H01 4 + H02 discharged 04-04: 04-04 - 03-28 = 7 + H04 04-12 - 04-10 = 2 -> 13.
    expect(atD2, "hosp", Cols.UNPLANNED_BED_DAYS_12M, 4 + 7 + 2);
    expect(atD2, "hosp", Cols.DAYS_SINCE_EMERGENCY_ADMISSION, 20); // 04-30 - 04-10
    expect(atD2, "hosp", Cols.ELECTIVE_ADMISSIONS_12M, 2); // H03, H05
    expect(atD2, "hosp", Cols.DAY_CASES_12M, 1); // H06
    expect(atD2, "hosp", Cols.DAYS_SINCE_INPATIENT_STAY, 10); // H06 on 04-20
    // HFRS: F00 7.1 + H02's W19 3.2 and R26 2.6 (coded at discharge) + H04's G81 4.4 -> high.
    assertEquals(7.1 + 3.2 + 2.6 + 4.4, (double) atD2.get("hosp").getAs(Cols.HFRS_SCORE), 1e-9);
    expect(atD2, "hosp", Cols.HFRS_BAND, "high");
    // A&E: AE1, AE2 (D + 1), AE3 -> 3, type 01: AE1, AE2 -> 2; last AE3 on 04-20 -> 10 days.
    expect(atD2, "ae", Cols.AE_ATTENDANCES_12M, 3);
    expect(atD2, "ae", Cols.AE_TYPE1_ATTENDANCES_12M, 2);
    expect(atD2, "ae", Cols.DAYS_SINCE_AE_ATTENDANCE, 10);
    // Outpatients: OP1, OP3 (now attended), OP5 -> 3; DNAs OP2, OP4 -> 2; last OP5 -> 5 days.
    expect(atD2, "op", Cols.OUTPATIENT_ATTENDANCES_12M, 3);
    expect(atD2, "op", Cols.OUTPATIENT_DNAS_12M, 2);
    expect(atD2, "op", Cols.DAYS_SINCE_OUTPATIENT_CONTACT, 5);
    // Medicines: the fifth substance on D + 1 -> 5, and polypharmacy (>= 5) present.
    expect(atD2, "meds", Cols.MEDICINES_12M, 5);
    expect(atD2, "meds", "efi_polypharmacy", true);
    // eFI: Hypertension + Falls, Housebound, Diabetes -> 4; LTCs hypertension, diabetes -> 2.
    expect(atD2, "efi", Cols.DEFICIT_COUNT, 4);
    expect(atD2, "efi", Cols.HOUSEBOUND, true);
    expect(atD2, "efi", Cols.LONG_TERM_CONDITIONS, 2);
    // Social care: nursing from 04-11 (900 a week), care home; SC1 and SC2 in the window -> 2.
    expect(atD2, "asc", Cols.SOCIAL_CARE_PACKAGE, "nursing");
    expect(atD2, "asc", Cols.SOCIAL_CARE_WEEKLY_COST, 900.0);
    expect(atD2, "asc", Cols.CARE_HOME, true);
    expect(atD2, "asc", Cols.SOCIAL_CARE_SERVICES_12M, 2);
    // Registration, PCN membership and death.
    expect(atD2, "move", Cols.PRACTICE_CODE, "B86002");
    expect(atD2, "quiet", Cols.PCN_CODE, "U22222");
    assertFalse(atD2.containsKey("dies"), "died 2025-04-05");
    // And each of these differs from the value at D (read from the run with the later rows).
    for (String[] pc :
        List.of(
            new String[] {"hosp", Cols.EMERGENCY_ADMISSIONS_12M},
            new String[] {"hosp", Cols.HFRS_SCORE},
            new String[] {"ae", Cols.AE_ATTENDANCES_12M},
            new String[] {"op", Cols.OUTPATIENT_ATTENDANCES_12M},
            new String[] {"meds", Cols.MEDICINES_12M},
            new String[] {"efi", Cols.DEFICIT_COUNT},
            new String[] {"asc", Cols.SOCIAL_CARE_PACKAGE},
            new String[] {"move", Cols.PRACTICE_CODE},
            new String[] {"quiet", Cols.PCN_CODE})) {
      Object before = atD.get(pc[0]).getAs(pc[1]);
      Object after = atD2.get(pc[0]).getAs(pc[1]);
      assertFalse(before.equals(after), pc[0] + " " + pc[1] + " " + before + " at D and D2");
    }
  }

  @Test
  void sexForValueRulesIsTheSexOnD() {
    NpcConfig config = FeatureFixture.config(Map.of());
    FeatureFixture onD = new FeatureFixture();
    onD.pcn("B86001", "U11111", "2019-07-01", OPEN);
    onD.reg("hb", "B86001", 1950, "F", "E01000001", "A", "2000-01-01", OPEN)
        .value("hb", "2024-06-01", SNOMED, "271026005", 120.0); // haemoglobin, g/L
    FeatureFixture later = onD.copy();
    later
        .remove(Contracts.GP_REGISTRATIONS, Cols.PERSON_ID, "hb")
        .reg("hb", "B86001", 1950, "F", "E01000001", "A", "2000-01-01", "2025-04-09")
        .reg("hb", "B86001", 1950, "M", "E01000001", "A", "2025-04-10", OPEN);
    String anaemia = "efi_anaemia_haematinic_deficiency";
    Row before = onD.features(config, D).collectAsList().get(0);
    Row after = later.features(config, D).collectAsList().get(0);
    assertEquals("F", after.getAs(Cols.SEX));
    assertEquals(false, before.getAs(anaemia), "F, 120 g/L is not below 115");
    assertEquals(false, after.getAs(anaemia), "still F on D");
  }

  private static void expect(Map<String, Row> rows, String person, String column, Object value) {
    Row r = rows.get(person);
    assertNotNull(r, person + " has no row");
    assertEquals(value, r.getAs(column), person + " " + column);
  }
}

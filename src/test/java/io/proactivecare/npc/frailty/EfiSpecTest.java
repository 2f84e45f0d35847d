package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.FrailtySettings;
import io.proactivecare.npc.frailty.EfiFixture.Deficit;
import io.proactivecare.npc.frailty.EfiFixture.Efi;
import io.proactivecare.npc.frailty.EfiFixture.Period;
import io.proactivecare.npc.schema.Cols;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The eFI counting rules of docs/frailty.md, each with a hand-worked fixture, against the real
 * codelists in conf/codelists and the default settings. Every fixture person below is scored in one
 * Spark pass ({@link #scoreEveryFixture}); each test reads its own people. Expected scores are
 * written as deficits / 36.
 */
class EfiSpecTest {
  private static final FrailtySettings SETTINGS =
      ConfigLoader.load(Optional.empty(), Map.of()).config().frailty();
  private static final EfiDefinition DEFINITION = EfiDefinition.load(SETTINGS);

  /** conf/codelists/efi_deficits.csv, by number: the names the output must carry. */
  private static final List<String> NAMES =
      List.of(
          "",
          "Activity limitation",
          "Anaemia & haematinic deficiency",
          "Arthritis",
          "Atrial fibrillation",
          "Cerebrovascular disease",
          "Chronic kidney disease",
          "Diabetes",
          "Dizziness",
          "Dyspnoea",
          "Falls",
          "Foot problems",
          "Fragility fracture",
          "Hearing impairment",
          "Heart failure",
          "Heart valve disease",
          "Housebound",
          "Hypertension",
          "Hypotension / syncope",
          "Ischaemic heart disease",
          "Memory & cognitive problems",
          "Mobility and transfer problems",
          "Osteoporosis",
          "Parkinsonism & tremor",
          "Peptic ulcer",
          "Peripheral vascular disease",
          "Polypharmacy",
          "Requirement for care",
          "Respiratory disease",
          "Skin ulcer",
          "Sleep disturbance",
          "Social vulnerability",
          "Thyroid disease",
          "Urinary incontinence",
          "Urinary system disease",
          "Visual impairment",
          "Weight loss & anorexia");

  private static final int ANAEMIA = 2;
  private static final int AF = 4;
  private static final int CKD = 6;
  private static final int DIABETES = 7;
  private static final int FALLS = 10;
  private static final int PVD = 25;
  private static final int POLYPHARMACY = 26;
  private static final int SKIN_ULCER = 29;

  private static final String SNOMED = "SNOMED";
  private static final String CTV3 = "CTV3";
  private static final String READ2 = "READ2";

  /**
   * For each coded deficit, its SNOMED codes that no other deficit lists and no value rule names,
   * sorted: a code of one of these marks that deficit and nothing else.
   */
  private static final Map<Integer, List<String>> UNIQUE = uniqueSnomedCodes();

  /** The as-of date of most fixtures. */
  private static final String D = "2025-03-31";

  /**
   * Seven medicines: dm+d code and BNF presentation code. Their BNF chemical substances (the first
   * 9 characters) all differ, so the first n of them are n distinct medicines either way of
   * counting.
   */
  private static final List<List<String>> MEDICINES =
      List.of(
          List.of("320000001", "0212000B0AAABAB"), // atorvastatin
          List.of("320000002", "0206020A0AAAAAA"), // amlodipine 5 mg
          List.of("320000003", "0601022B0AAABAB"), // metformin
          List.of("320000004", "0205051R0AAAAAA"), // ramipril
          List.of("320000005", "0103050P0AAAAAA"), // omeprazole
          List.of("320000006", "0204000H0AAAAAA"), // bisoprolol
          List.of("320000007", "0602010V0AAAAAA")); // levothyroxine

  private static final EfiFixture F = new EfiFixture();
  private static Map<String, Efi> results;

  @BeforeAll
  static void scoreEveryFixture() {
    results = F.score(DEFINITION, SETTINGS.polypharmacy());
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertEquals(
        new FrailtySettings.Polypharmacy("substance", 5, 365),
        SETTINGS.polypharmacy(),
        "count_by substance, at least 5 medicines, 365 days");
    Map<Integer, String> expected = new TreeMap<>();
    for (int no = 1; no <= 36; no++) {
      expected.put(no, NAMES.get(no));
    }
    assertEquals(expected, new TreeMap<>(DEFINITION.deficits()));
    assertEquals(POLYPHARMACY, DEFINITION.polypharmacy());
  }

  // ---------------------------------------------------------------------------------------------
  // One fixture per deficit: person "deficit-NN" has one code of deficit NN only (polypharmacy:
  // five distinct medicines), dated 2020-01-01 + NN days.

  static {
    for (int no = 1; no <= 36; no++) {
      EfiFixture.Person p = F.person(perDeficitPerson(no), "F").at(D);
      if (no == POLYPHARMACY) {
        issue(p, "2025-01-10", 5);
      } else {
        p.code(perDeficitDate(no).toString(), SNOMED, UNIQUE.get(no).get(0));
      }
    }
  }

  private static String perDeficitPerson(int no) {
    return String.format("deficit-%02d", no);
  }

  private static LocalDate perDeficitDate(int no) {
    return no == POLYPHARMACY
        // The start of the polypharmacy period: the day the five medicines were issued.
        ? LocalDate.parse("2025-01-10")
        : LocalDate.parse("2020-01-01").plusDays(no);
  }

  static IntStream deficitNumbers() {
    return IntStream.rangeClosed(1, 36);
  }

  @ParameterizedTest(name = "deficit {0}")
  @MethodSource("deficitNumbers")
  void eachDeficitAloneIsOneDeficitOf36(int no) {
    assertEfi(
        perDeficitPerson(no),
        D,
        1,
        1 / 36.0,
        EfiScores.FIT,
        new Deficit(no, NAMES.get(no), perDeficitDate(no)));
  }

  @Test
  void eachChosenCodeIsListedOnceInAllTheCodelistsAndInNoValueRule() {
    for (int no = 1; no <= 36; no++) {
      if (no == POLYPHARMACY) {
        continue;
      }
      String code = UNIQUE.get(no).get(0);
      final int deficit = no;
      List<EfiDefinition.Code> rows =
          DEFINITION.codes().stream().filter(c -> c.code().equals(code)).toList();
      assertEquals(
          List.of(new EfiDefinition.Code(SNOMED, code, deficit)),
          rows,
          "deficit " + no + ": code " + code);
      assertTrue(
          DEFINITION.valueRules().stream().noneMatch(r -> r.code().equals(code)),
          "deficit " + no + ": code " + code + " has a value rule");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 1: on or before the date.

  static {
    // A fall coded on 2025-04-01: not yet present on 2025-03-31, present on 2025-04-01.
    F.person("falls-on-1-april", "F")
        .code("2025-04-01", SNOMED, UNIQUE.get(FALLS).get(0))
        .at("2025-03-31", "2025-04-01");
  }

  @Test
  void anEventDatedDCountsOnDButNotTheDayBefore() {
    assertEfi("falls-on-1-april", "2025-03-31", 0, 0 / 36.0, EfiScores.FIT);
    assertEfi(
        "falls-on-1-april", "2025-04-01", 1, 1 / 36.0, EfiScores.FIT, dx(FALLS, "2025-04-01"));
  }

  // ---------------------------------------------------------------------------------------------
  // Rules 2 and 3: ever, never resolved; deficits, not codes.

  static {
    // Four falls codes (two different codes) on four days, given out of date order.
    F.person("falls-four-times", "M")
        .code("2023-05-01", SNOMED, UNIQUE.get(FALLS).get(0))
        .code("2021-02-03", SNOMED, UNIQUE.get(FALLS).get(0))
        .code("2024-01-01", SNOMED, UNIQUE.get(FALLS).get(0))
        .code("2022-01-01", SNOMED, UNIQUE.get(FALLS).get(1))
        .at("2021-02-02", "2021-02-03", D);
  }

  @Test
  void repeatedCodesOfOneDeficitAreOneDeficitFirstRecordedOnTheEarliestDate() {
    assertEfi("falls-four-times", "2021-02-02", 0, 0 / 36.0, EfiScores.FIT);
    // The earliest of 2023-05-01, 2021-02-03, 2024-01-01 and 2022-01-01 is 2021-02-03.
    assertEfi(
        "falls-four-times", "2021-02-03", 1, 1 / 36.0, EfiScores.FIT, dx(FALLS, "2021-02-03"));
    assertEfi("falls-four-times", D, 1, 1 / 36.0, EfiScores.FIT, dx(FALLS, "2021-02-03"));
  }

  static {
    // 127013003 Disorder of kidney due to diabetes mellitus: listed under CKD and under diabetes.
    F.person("ckd-diabetes-code", "F").code("2022-02-02", SNOMED, "127013003").at(D);
    // 201250006 Ischemic ulcer of foot due to diabetes mellitus: diabetes, PVD and skin ulcer.
    F.person("three-deficit-code", "F").code("2022-02-02", SNOMED, "201250006").at(D);
  }

  @Test
  void aCodeListedUnderSeveralDeficitsCountsOnceForEach() {
    assertEquals(Set.of(CKD, DIABETES), snomedDeficits("127013003"));
    assertEquals(Set.of(DIABETES, PVD, SKIN_ULCER), snomedDeficits("201250006"));
    assertEfi(
        "ckd-diabetes-code",
        D,
        2,
        2 / 36.0,
        EfiScores.FIT,
        dx(CKD, "2022-02-02"),
        dx(DIABETES, "2022-02-02"));
    assertEfi(
        "three-deficit-code",
        D,
        3,
        3 / 36.0,
        EfiScores.FIT,
        dx(DIABETES, "2022-02-02"),
        dx(PVD, "2022-02-02"),
        dx(SKIN_ULCER, "2022-02-02"));
  }

  static {
    // No events and no medicines at all, but asked for.
    F.person("no-record", "M").at(D);
  }

  @Test
  void aRequestedPersonWithNoRecordIsScoredZeroAndFit() {
    assertEfi("no-record", D, 0, 0 / 36.0, EfiScores.FIT);
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 4: codes are matched on (coding system, code), each system against its own list.

  static {
    // X202R Lone atrial fibrillation is in the CTV3 list only.
    F.person("ctv3-X202R", "F").code("2023-03-03", CTV3, "X202R").at(D);
    F.person("read2-X202R", "F").code("2023-03-03", READ2, "X202R").at(D);
    // 16D1. Recurrent falls is in the Read v2 list only.
    F.person("read2-16D1.", "F").code("2023-04-04", READ2, "16D1.").at(D);
    F.person("ctv3-16D1.", "F").code("2023-04-04", CTV3, "16D1.").at(D);
  }

  @Test
  void ctv3AndRead2EventsMatchTheirOwnSystemsListOnly() {
    assertEquals(Set.of(AF), deficitsOf(CTV3, "X202R"));
    assertEquals(Set.of(), deficitsOf(READ2, "X202R"));
    assertEquals(Set.of(FALLS), deficitsOf(READ2, "16D1."));
    assertEquals(Set.of(), deficitsOf(CTV3, "16D1."));

    assertEfi("ctv3-X202R", D, 1, 1 / 36.0, EfiScores.FIT, dx(AF, "2023-03-03"));
    assertEfi("read2-X202R", D, 0, 0 / 36.0, EfiScores.FIT);
    assertEfi("read2-16D1.", D, 1, 1 / 36.0, EfiScores.FIT, dx(FALLS, "2023-04-04"));
    assertEfi("ctv3-16D1.", D, 0, 0 / 36.0, EfiScores.FIT);
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 5: value rules, exclusive bounds, sex-specific, from the first qualifying value.

  /** eGFR (CKD-EPI) per 1.73 m2: its rule is CKD when 0 < value < 60; the code is in no list. */
  private static final String EGFR = "1011481000000105";

  /** Haemoglobin: anaemia when 25 < g/L < 130 for M, 25 < g/L < 115 for F (or g/dL ranges). */
  private static final String HAEMOGLOBIN = "1022431000000105";

  static {
    F.person("egfr-59.9", "F").value("2024-06-01", SNOMED, EGFR, 59.9, "mL/min/1.73m2").at(D);
    F.person("egfr-60", "F").value("2024-06-01", SNOMED, EGFR, 60, "mL/min/1.73m2").at(D);
    F.person("egfr-no-value", "F").code("2024-06-01", SNOMED, EGFR).at(D);
    // 75, then 55 (qualifies), then 70 again: CKD from 2022-06-01 and never resolved.
    F.person("egfr-dips-once", "M")
        .value("2020-01-01", SNOMED, EGFR, 75, "mL/min/1.73m2")
        .value("2022-06-01", SNOMED, EGFR, 55, "mL/min/1.73m2")
        .value("2023-01-01", SNOMED, EGFR, 70, "mL/min/1.73m2")
        .at("2022-05-31", D);
  }

  @Test
  void eGfrBelow60MarksCkdAndExactly60DoesNot() {
    assertEquals(Set.of(), snomedDeficits(EGFR), "the eGFR code itself is in no deficit list");
    // 0 < 59.9 < 60
    assertEfi("egfr-59.9", D, 1, 1 / 36.0, EfiScores.FIT, dx(CKD, "2024-06-01"));
    // 60 < 60 is false: the bound is exclusive
    assertEfi("egfr-60", D, 0, 0 / 36.0, EfiScores.FIT);
    // no value, no rule
    assertEfi("egfr-no-value", D, 0, 0 / 36.0, EfiScores.FIT);
  }

  @Test
  void aQualifyingValueMarksTheDeficitFromItsDateAndForever() {
    assertEfi("egfr-dips-once", "2022-05-31", 0, 0 / 36.0, EfiScores.FIT);
    assertEfi("egfr-dips-once", D, 1, 1 / 36.0, EfiScores.FIT, dx(CKD, "2022-06-01"));
  }

  static {
    F.person("hb-120-male", "M").value("2024-07-01", SNOMED, HAEMOGLOBIN, 120, "g/L").at(D);
    F.person("hb-120-female", "F").value("2024-07-01", SNOMED, HAEMOGLOBIN, 120, "g/L").at(D);
    F.person("hb-114-female", "F").value("2024-07-01", SNOMED, HAEMOGLOBIN, 114, "g/L").at(D);
    F.person("hb-115-female", "F").value("2024-07-01", SNOMED, HAEMOGLOBIN, 115, "g/L").at(D);
  }

  @Test
  void haemoglobinRulesDependOnSex() {
    assertEquals(Set.of(), snomedDeficits(HAEMOGLOBIN), "the code itself is in no deficit list");
    // M: 25 < 120 < 130
    assertEfi("hb-120-male", D, 1, 1 / 36.0, EfiScores.FIT, dx(ANAEMIA, "2024-07-01"));
    // F: 120 is not below 115 (g/L), nor below 11.5 (g/dL)
    assertEfi("hb-120-female", D, 0, 0 / 36.0, EfiScores.FIT);
    // F: 25 < 114 < 115
    assertEfi("hb-114-female", D, 1, 1 / 36.0, EfiScores.FIT, dx(ANAEMIA, "2024-07-01"));
    // F: 115 < 115 is false
    assertEfi("hb-115-female", D, 0, 0 / 36.0, EfiScores.FIT);
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 6: polypharmacy, at least 5 distinct medicines issued from D - 365 to D.

  static {
    issue(F.person("four-medicines", "F").at(D), "2025-01-10", 4);
    issue(F.person("five-medicines", "F").at(D), "2025-01-10", 5);
  }

  @Test
  void fourDistinctMedicinesAreNotPolypharmacyAndFiveAre() {
    assertEfi("four-medicines", D, 0, 0 / 36.0, EfiScores.FIT);
    assertEfi("five-medicines", D, 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2025-01-10"));
  }

  static {
    // Four medicines on 2025-03-01; the fifth 365 days before D: 2024-03-31 (no 29 February lies
    // between 2024-03-31 and 2025-03-31).
    EfiFixture.Person p = F.person("fifth-365-days-before", "F").at(D, "2025-04-01");
    issue(p, "2025-03-01", 4);
    p.issue("2024-03-31", MEDICINES.get(4).get(0), MEDICINES.get(4).get(1));
    // The same, but the fifth 366 days before D: 2024-03-30.
    EfiFixture.Person q = F.person("fifth-366-days-before", "F").at("2025-03-30", D);
    issue(q, "2025-03-01", 4);
    q.issue("2024-03-30", MEDICINES.get(4).get(0), MEDICINES.get(4).get(1));
  }

  @Test
  void anIssue365DaysBeforeDCountsAnd366DoesNot() {
    // Five in [2024-03-31, 2025-03-31]: the period began on 2025-03-01, when the other four were
    // issued.
    assertEfi(
        "fifth-365-days-before", D, 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2025-03-01"));
    // On 2025-04-01 the 2024-03-31 issue is 366 days old: four left.
    assertEfi("fifth-365-days-before", "2025-04-01", 0, 0 / 36.0, EfiScores.FIT);
    // 2024-03-30 is 366 days before D: four in the window.
    assertEfi("fifth-366-days-before", D, 0, 0 / 36.0, EfiScores.FIT);
    // ... but 365 days before 2025-03-30, when all five count.
    assertEfi(
        "fifth-366-days-before",
        "2025-03-30",
        1,
        1 / 36.0,
        EfiScores.FIT,
        dx(POLYPHARMACY, "2025-03-01"));
  }

  // Polypharmacy coming and going. Each issue covers its day and the 365 days after.

  static {
    // Five medicines on 2022-01-10: covered to 2022-01-10 + 365 = 2023-01-10. Five again on
    // 2023-06-01: covered to 2023-06-01 + 365 = 2024-05-31 (29 February 2024 lies between).
    EfiFixture.Person p =
        F.person("poly-comes-and-goes", "F")
            .at("2023-01-10", "2023-01-11", "2023-05-31", "2023-06-01", "2024-05-31", "2024-06-01");
    issue(p, "2022-01-10", 5);
    issue(p, "2023-06-01", 5);

    // Four medicines on 2022-01-10, renewed on 2022-07-01 (covered to 2023-07-01); the fifth only
    // on 2022-03-01 (covered to 2023-03-01).
    EfiFixture.Person q =
        F.person("poly-fifth-later", "F")
            .at("2022-02-28", "2022-03-01", "2023-03-01", "2023-03-02");
    issue(q, "2022-01-10", 4);
    issue(q, "2022-07-01", 4);
    q.issue("2022-03-01", MEDICINES.get(4).get(0), MEDICINES.get(4).get(1));

    // Five on 2022-01-10 (covered to 2023-01-10) and again on 2023-01-11, the day after: one
    // unbroken period to 2023-01-11 + 365 = 2024-01-11.
    EfiFixture.Person r =
        F.person("poly-renewed-next-day", "F").at("2023-01-10", "2023-01-11", "2024-01-12");
    issue(r, "2022-01-10", 5);
    issue(r, "2023-01-11", 5);

    // Five on 2022-01-10 (covered to 2022-01-10 + 365 = 2023-01-10) and again on 2023-01-10, the
    // last day covered: the spans overlap by that day, so each medicine's two issues are one span
    // and the period runs unbroken to 2023-01-10 + 365 = 2024-01-10.
    EfiFixture.Person o =
        F.person("poly-renewed-on-the-last-day", "F").at("2023-01-10", "2023-01-11", "2024-01-11");
    issue(o, "2022-01-10", 5);
    issue(o, "2023-01-10", 5);

    // Five medicines on 2022-01-10, each issued twice that day: one span each, covered to
    // 2023-01-10. Four again on 2023-01-11, twice each: only four from then, so no second period.
    EfiFixture.Person s = F.person("poly-issued-twice-a-day", "F").at("2023-01-10", "2023-01-11");
    issue(s, "2022-01-10", 5);
    issue(s, "2022-01-10", 5);
    issue(s, "2023-01-11", 4);
    issue(s, "2023-01-11", 4);
  }

  @Test
  void polypharmacyPeriodsStartWithTheFifthMedicineAndEnd365DaysAfterALastIssue() {
    Map<String, List<Period>> periods = new TreeMap<>();
    for (Row row :
        new Polypharmacy(SETTINGS.polypharmacy()).periods(F.medications()).collectAsList()) {
      periods
          .computeIfAbsent(row.getString(row.fieldIndex(Cols.PERSON_ID)), k -> new ArrayList<>())
          .add(
              new Period(
                  row.getDate(row.fieldIndex(Cols.PERIOD_START)).toLocalDate(),
                  row.getDate(row.fieldIndex(Cols.PERIOD_END)).toLocalDate()));
    }
    periods.values().forEach(l -> l.sort((a, b) -> a.start().compareTo(b.start())));

    Map<String, List<Period>> expected = new TreeMap<>();
    // 2025-01-10 + 365 = 2026-01-10
    expected.put(perDeficitPerson(POLYPHARMACY), List.of(period("2025-01-10", "2026-01-10")));
    expected.put("five-medicines", List.of(period("2025-01-10", "2026-01-10")));
    expected.put("all-36", List.of(period("2025-01-10", "2026-01-10")));
    // Five from 2025-03-01 until the 2024-03-31 issue lapses after 2024-03-31 + 365 = 2025-03-31.
    expected.put("fifth-365-days-before", List.of(period("2025-03-01", "2025-03-31")));
    // ... and after 2024-03-30 + 365 = 2025-03-30.
    expected.put("fifth-366-days-before", List.of(period("2025-03-01", "2025-03-30")));
    expected.put(
        "poly-comes-and-goes",
        List.of(period("2022-01-10", "2023-01-10"), period("2023-06-01", "2024-05-31")));
    // From the fifth's issue, 2022-03-01, to 2022-03-01 + 365 = 2023-03-01.
    expected.put("poly-fifth-later", List.of(period("2022-03-01", "2023-03-01")));
    expected.put("poly-renewed-next-day", List.of(period("2022-01-10", "2024-01-11")));
    expected.put("poly-renewed-on-the-last-day", List.of(period("2022-01-10", "2024-01-10")));
    // Repeats on a day count once: 2022-01-10 to 2023-01-10, and four are not five.
    expected.put("poly-issued-twice-a-day", List.of(period("2022-01-10", "2023-01-10")));
    // Five keys from the 2025-01-20 issue until the four of 2025-01-10 lapse after 2026-01-10.
    expected.put("ramipril-without-bnf", List.of(period("2025-01-20", "2026-01-10")));
    // "four-medicines" and "amlodipine-two-strengths" (4 substances) never have five: no period.
    assertEquals(expected, periods);
  }

  @Test
  void aMedicineIssuedTwiceADayCountsOnce() {
    assertEfi(
        "poly-issued-twice-a-day",
        "2023-01-10",
        1,
        1 / 36.0,
        EfiScores.FIT,
        dx(POLYPHARMACY, "2022-01-10"));
    assertEquals(5, efi("poly-issued-twice-a-day", "2023-01-10").medicines());
    assertEfi("poly-issued-twice-a-day", "2023-01-11", 0, 0 / 36.0, EfiScores.FIT);
    assertEquals(4, efi("poly-issued-twice-a-day", "2023-01-11").medicines());
  }

  @Test
  void theEfiAtADateSeesThePolypharmacyPeriodCoveringIt() {
    String p = "poly-comes-and-goes";
    assertEfi(p, "2023-01-10", 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2022-01-10"));
    assertEfi(p, "2023-01-11", 0, 0 / 36.0, EfiScores.FIT);
    assertEfi(p, "2023-05-31", 0, 0 / 36.0, EfiScores.FIT);
    // first_recorded is the start of the period covering the date, not the first ever.
    assertEfi(p, "2023-06-01", 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2023-06-01"));
    assertEfi(p, "2024-05-31", 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2023-06-01"));
    assertEfi(p, "2024-06-01", 0, 0 / 36.0, EfiScores.FIT);

    String q = "poly-fifth-later";
    assertEfi(q, "2022-02-28", 0, 0 / 36.0, EfiScores.FIT);
    assertEfi(q, "2022-03-01", 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2022-03-01"));
    assertEfi(q, "2023-03-01", 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2022-03-01"));
    assertEfi(q, "2023-03-02", 0, 0 / 36.0, EfiScores.FIT);

    String r = "poly-renewed-next-day";
    assertEfi(r, "2023-01-10", 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2022-01-10"));
    // The same period: first_recorded does not move to the renewal.
    assertEfi(r, "2023-01-11", 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2022-01-10"));
    // 2024-01-12 is 366 days after 2023-01-11.
    assertEfi(r, "2024-01-12", 0, 0 / 36.0, EfiScores.FIT);
  }

  // count_by: substance (the default, used for F) or medicine_code (used for BY_CODE below).

  /** Defines in {@code f} the people whose count depends on count_by. */
  private static EfiFixture countByPeople(EfiFixture f) {
    // Three substances, plus amlodipine as 5 mg and as 10 mg: two dm+d codes, one substance
    // (0206020A0).
    f.person("amlodipine-two-strengths", "F")
        .issue("2025-01-10", "320000001", "0212000B0AAABAB") // atorvastatin
        .issue("2025-01-10", "320000003", "0601022B0AAABAB") // metformin
        .issue("2025-01-10", "320000004", "0205051R0AAAAAA") // ramipril
        .issue("2025-01-10", "320000002", "0206020A0AAAAAA") // amlodipine 5 mg
        .issue("2025-01-10", "320000012", "0206020A0AAABAB") // amlodipine 10 mg
        .at(D);
    // Four medicines, the fourth issued once with its BNF code and once without (one dm+d code):
    // by substance that is two keys, 0205051R0 and 320000004 (docs/frailty.md rule 6).
    EfiFixture.Person q = f.person("ramipril-without-bnf", "F").at(D);
    issue(q, "2025-01-10", 4);
    q.issue("2025-01-20", "320000004", null);
    return f;
  }

  private static final EfiFixture BY_CODE = countByPeople(new EfiFixture());

  static {
    countByPeople(F);
  }

  @Test
  void substanceCountsOneDrugUnderTwoCodesOnceAndMedicineCodeTwice() {
    Map<String, Efi> byCode =
        BY_CODE.score(
            DEFINITION,
            new FrailtySettings.Polypharmacy(FrailtySettings.Polypharmacy.MEDICINE_CODE, 5, 365));
    String two = EfiFixture.key("amlodipine-two-strengths", EfiFixture.date(D));
    String noBnf = EfiFixture.key("ramipril-without-bnf", EfiFixture.date(D));

    // By substance: atorvastatin, metformin, ramipril, amlodipine = 4
    assertEfi("amlodipine-two-strengths", D, 0, 0 / 36.0, EfiScores.FIT);
    assertEquals(4, efi("amlodipine-two-strengths", D).medicines());
    // By dm+d code: 320000001, 320000003, 320000004, 320000002, 320000012 = 5
    assertEfi(
        byCode.get(two),
        "by medicine_code",
        1,
        1 / 36.0,
        EfiScores.FIT,
        dx(POLYPHARMACY, "2025-01-10"));
    assertEquals(5, byCode.get(two).medicines());

    // By substance: 4 substances + the dm+d code 320000004 = 5; the period starts with the
    // 2025-01-20 issue.
    assertEfi(
        "ramipril-without-bnf", D, 1, 1 / 36.0, EfiScores.FIT, dx(POLYPHARMACY, "2025-01-20"));
    assertEquals(5, efi("ramipril-without-bnf", D).medicines());
    // By dm+d code: 320000001 to 320000004 = 4
    assertEfi(byCode.get(noBnf), "by medicine_code", 0, 0 / 36.0, EfiScores.FIT);
    assertEquals(4, byCode.get(noBnf).medicines());
  }

  @Test
  void polypharmacyMedicinesCountsTheDistinctMedicinesInTheWindowAtTheDate() {
    assertEquals(0, efi("no-record", D).medicines());
    assertEquals(4, efi("four-medicines", D).medicines());
    assertEquals(5, efi("five-medicines", D).medicines());
    // 4 from 2025-03-01 + the 2024-03-31 issue (365 days before D)
    assertEquals(4 + 1, efi("fifth-365-days-before", D).medicines());
    // the 2024-03-31 issue is 366 days before 2025-04-01
    assertEquals(4, efi("fifth-365-days-before", "2025-04-01").medicines());
    // the 2024-03-30 issue is 366 days before D
    assertEquals(4, efi("fifth-366-days-before", D).medicines());
    // Five on 2022-01-10 and none since: none in [2022-05-31, 2023-05-31]
    assertEquals(0, efi("poly-comes-and-goes", "2023-05-31").medicines());
  }

  // ---------------------------------------------------------------------------------------------
  // Rule 7: categories from the integer count. "count-N" has one code from each of the first N
  // coded deficits (1, 2, 3, ..., skipping 26), all on 2021-01-01.

  private static final int[] COUNTS = {4, 5, 8, 9, 12, 13};

  static {
    for (int n : COUNTS) {
      EfiFixture.Person p = F.person("count-" + n, "F").at(D);
      for (int no : codedDeficits().subList(0, n)) {
        p.code("2021-01-01", SNOMED, UNIQUE.get(no).get(0));
      }
    }
    // Every deficit: the 35 coded ones and five medicines.
    EfiFixture.Person all = F.person("all-36", "F").at(D);
    for (int no : codedDeficits()) {
      all.code("2021-01-01", SNOMED, UNIQUE.get(no).get(0));
    }
    issue(all, "2025-01-10", 5);
  }

  @Test
  void categoryBoundariesAre4And5_8And9_12And13Deficits() {
    assertCount("count-4", 4, 4 / 36.0, EfiScores.FIT);
    assertCount("count-5", 5, 5 / 36.0, EfiScores.MILD);
    assertCount("count-8", 8, 8 / 36.0, EfiScores.MILD);
    assertCount("count-9", 9, 9 / 36.0, EfiScores.MODERATE);
    assertCount("count-12", 12, 12 / 36.0, EfiScores.MODERATE);
    assertCount("count-13", 13, 13 / 36.0, EfiScores.SEVERE);
    assertCount("all-36", 36, 36 / 36.0, EfiScores.SEVERE);
  }

  @Test
  void theDeficitListIsInNumberOrderWithNamesAndDates() {
    List<Deficit> expected = new ArrayList<>();
    for (int no = 1; no <= 36; no++) {
      expected.add(dx(no, no == POLYPHARMACY ? "2025-01-10" : "2021-01-01"));
    }
    assertEquals(expected, efi("all-36", D).deficits());
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertCount(String person, int count, double score, String category) {
    Efi e = efi(person, D);
    assertEquals(count, e.count(), person + ": deficit_count");
    assertEquals(score, e.score(), 1e-12, person + ": efi_score");
    assertEquals(category, e.category(), person + ": efi_category");
    assertEquals(
        codedDeficits().subList(0, Math.min(count, 35)),
        e.deficits().stream().map(Deficit::no).filter(no -> no != POLYPHARMACY).toList(),
        person + ": deficits");
  }

  private static void assertEfi(
      String person, String at, int count, double score, String category, Deficit... deficits) {
    assertEfi(efi(person, at), person + " at " + at, count, score, category, deficits);
  }

  private static void assertEfi(
      Efi e, String where, int count, double score, String category, Deficit... deficits) {
    assertNotNull(e, where + ": no eFI row");
    assertEquals(count, e.count(), where + ": deficit_count");
    assertEquals(score, e.score(), 1e-12, where + ": efi_score");
    assertEquals(category, e.category(), where + ": efi_category");
    assertEquals(List.of(deficits), e.deficits(), where + ": deficits");
  }

  private static Efi efi(String person, String at) {
    Efi e = results.get(EfiFixture.key(person, EfiFixture.date(at)));
    assertNotNull(e, "no eFI row for " + person + " at " + at);
    return e;
  }

  private static Deficit dx(int no, String firstRecorded) {
    return new Deficit(no, NAMES.get(no), LocalDate.parse(firstRecorded));
  }

  private static Period period(String start, String end) {
    return new Period(LocalDate.parse(start), LocalDate.parse(end));
  }

  /** Issues the first {@code n} of {@link #MEDICINES} to {@code p} on {@code date}. */
  private static void issue(EfiFixture.Person p, String date, int n) {
    for (List<String> m : MEDICINES.subList(0, n)) {
      p.issue(date, m.get(0), m.get(1));
    }
  }

  /** The 35 coded deficits in number order. */
  private static List<Integer> codedDeficits() {
    return IntStream.rangeClosed(1, 36).filter(no -> no != POLYPHARMACY).boxed().toList();
  }

  private static Set<Integer> snomedDeficits(String code) {
    return deficitsOf(SNOMED, code);
  }

  private static Set<Integer> deficitsOf(String system, String code) {
    return DEFINITION.codes().stream()
        .filter(c -> c.system().equals(system) && c.code().equals(code))
        .map(EfiDefinition.Code::deficit)
        .collect(Collectors.toSet());
  }

  private static Map<Integer, List<String>> uniqueSnomedCodes() {
    Map<String, Set<Integer>> deficitsByCode = new HashMap<>();
    for (EfiDefinition.Code c : DEFINITION.codes()) {
      deficitsByCode
          .computeIfAbsent(c.system() + "|" + c.code(), k -> new HashSet<>())
          .add(c.deficit());
    }
    Set<String> ruleCodes =
        DEFINITION.valueRules().stream().map(r -> r.code()).collect(Collectors.toSet());
    Map<Integer, List<String>> out = new TreeMap<>();
    for (EfiDefinition.Code c : DEFINITION.codes()) {
      if (c.system().equals(SNOMED)
          && deficitsByCode.get(SNOMED + "|" + c.code()).size() == 1
          && !ruleCodes.contains(c.code())) {
        out.computeIfAbsent(c.deficit(), k -> new ArrayList<>()).add(c.code());
      }
    }
    out.values().forEach(l -> l.sort(null));
    for (int no : codedDeficits()) {
      if (out.getOrDefault(no, List.of()).size() < 2) {
        throw new IllegalStateException("deficit " + no + " has fewer than two unique codes");
      }
    }
    return out;
  }
}

package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The reference itself against hand-worked cases at the boundaries docs/frailty.md and
 * docs/population.md name, so that agreement with it in {@link EfiReferenceIT} means something.
 */
class EfiReferenceTest {
  static final NpcConfig CONFIG = ConfigLoader.load(Optional.empty(), Map.of()).config();
  static final EfiDefinition DEFINITION = EfiDefinition.load(CONFIG.frailty());
  static final HfrsCodelist HFRS = HfrsCodelist.load(CONFIG.hfrs().codelist());

  static final LocalDate D = LocalDate.of(2025, 3, 31);
  static final int CKD = 6;
  static final int DIABETES = 7;
  static final int ANAEMIA = 2;
  static final int POLYPHARMACY = 26;
  static final String DIABETES_CODE = "111552007";
  static final String BRITTLE_DIABETES = "11530004";
  static final String CKD_AND_DIABETES = "420279001";
  static final String EGFR = "1011481000000105";
  static final String HAEMOGLOBIN = "271026005";

  private final List<EfiReference.Event> events = new ArrayList<>();
  private final List<EfiReference.Issue> issues = new ArrayList<>();
  private final List<EfiReference.Registration> registrations = new ArrayList<>();
  private final List<EfiReference.Spell> spells = new ArrayList<>();

  private EfiReference reference() {
    return new EfiReference(
        DEFINITION,
        HFRS,
        CONFIG,
        events,
        issues,
        registrations,
        spells,
        List.of(
            new EfiReference.PracticePcn("B86001", "U00001", LocalDate.of(2019, 7, 1), null),
            new EfiReference.PracticePcn("B86001", "U00002", LocalDate.of(2024, 4, 1), null)));
  }

  private void person(String id, String sex, int born) {
    registrations.add(
        new EfiReference.Registration(
            id, "B86001", born, sex, LocalDate.of(2010, 1, 1), null, null));
  }

  private void event(String id, LocalDate date, String code, Double value) {
    events.add(new EfiReference.Event(id, date, "SNOMED", code, value));
  }

  private EfiReference.Efi efi(EfiReference r, String id, LocalDate d) {
    return r.efi(r.registeredOn(id, d).orElseThrow(), true);
  }

  @Test
  void codedDeficitsCountOnOrBeforeTheDateOncePerDeficitAndTwiceForASharedCode() {
    person("P1", "F", 1940);
    event("P1", D.plusDays(1), CKD_AND_DIABETES, null);
    event("P1", D, DIABETES_CODE, null);
    event("P1", D.minusDays(10), BRITTLE_DIABETES, null);
    EfiReference r = reference();
    // Diabetes twice (two codes) is one deficit, first recorded at the earlier code; the shared
    // code is after D.
    assertEquals(new TreeMap<>(Map.of(DIABETES, D.minusDays(10))), efi(r, "P1", D).deficits());
    // The next day the shared code adds CKD as well as (already present) diabetes.
    EfiReference.Efi next = efi(r, "P1", D.plusDays(1));
    assertEquals(
        new TreeMap<>(Map.of(DIABETES, D.minusDays(10), CKD, D.plusDays(1))), next.deficits());
    assertEquals(2 / 36.0, next.score());
  }

  @Test
  void valueRulesUseExclusiveBoundsAndTheSex() {
    person("M1", "M", 1940);
    person("F1", "F", 1940);
    event("M1", D.minusDays(5), EGFR, 60.0); // not below 60
    event("M1", D.minusDays(3), EGFR, 59.9);
    event("M1", D.minusDays(2), HAEMOGLOBIN, 120.0); // men: 25 < g/L < 130
    event("F1", D.minusDays(2), HAEMOGLOBIN, 120.0); // women: 25 < g/L < 115, or g/dL < 11.5
    event("F1", D.minusDays(1), EGFR, null); // no value, no deficit
    EfiReference r = reference();
    assertEquals(
        new TreeMap<>(Map.of(CKD, D.minusDays(3), ANAEMIA, D.minusDays(2))),
        efi(r, "M1", D).deficits());
    assertEquals(Map.of(), efi(r, "F1", D).deficits());
  }

  @Test
  void polypharmacyCountsSubstancesIssuedInTheWindowBothEndsIncluded() {
    person("P1", "F", 1940);
    String[] bnf = {"0212000B0AAABAB", "0205051R0", "0206020A0", "0601022B0"};
    for (int i = 0; i < bnf.length; i++) {
      issues.add(new EfiReference.Issue("P1", D.minusDays(30), "32000000" + i, bnf[i]));
    }
    // another presentation of the first substance: the same 9 characters, no new medicine
    issues.add(new EfiReference.Issue("P1", D.minusDays(20), "320000099", "0212000B0AAACAC"));
    // the fifth medicine has no BNF code and is counted by its dm+d code, 365 days before D
    issues.add(new EfiReference.Issue("P1", D.minusDays(365), "999999001", null));
    EfiReference r = reference();
    EfiReference.Efi atD = efi(r, "P1", D);
    assertEquals(5, atD.polypharmacyMedicines());
    // present since the first day the five overlapped: the four issued 30 days before D
    assertEquals(Map.of(POLYPHARMACY, D.minusDays(30)), atD.deficits());
    // a day later the dm+d issue is 366 days old
    EfiReference.Efi after = efi(r, "P1", D.plusDays(1));
    assertEquals(4, after.polypharmacyMedicines());
    assertEquals(Map.of(), after.deficits());
    List<LocalDate[]> runs = r.polypharmacyRuns("P1");
    assertEquals(1, runs.size());
    assertEquals(List.of(D.minusDays(30), D), List.of(runs.get(0)));
  }

  @Test
  void categoriesComeFromTheCount() {
    assertEquals("fit", EfiReference.category(4));
    assertEquals("mild", EfiReference.category(5));
    assertEquals("mild", EfiReference.category(8));
    assertEquals("moderate", EfiReference.category(9));
    assertEquals("moderate", EfiReference.category(12));
    assertEquals("severe", EfiReference.category(13));
  }

  @Test
  void thePopulationCountsTheDayOfDeathTheLaterRegistrationAndTheAssumedBirthday() {
    registrations.add(
        new EfiReference.Registration(
            "P1", "B86001", 1950, "F", LocalDate.of(2010, 1, 1), D, null));
    registrations.add(
        new EfiReference.Registration("P1", "A00001", 1950, "F", D, null, D.plusDays(1)));
    registrations.add(
        new EfiReference.Registration(
            "P2", "B86001", 2007, "M", LocalDate.of(2010, 1, 1), null, null));
    person("P3", "M", 1950);
    spells.add(
        new EfiReference.Spell(
            "S1", "P2", D.minusDays(3), D.minusDays(1), "1", "79", List.of("I21")));
    EfiReference r = reference();
    // the move on D: the registration that started on D wins
    assertEquals("A00001", r.registeredOn("P1", D).orElseThrow().practiceCode());
    assertNull(r.registeredOn("P1", D).orElseThrow().pcnCode());
    assertEquals(74, r.registeredOn("P1", D).orElseThrow().age());
    assertEquals(74, r.registeredOn("P3", LocalDate.of(2025, 6, 30)).orElseThrow().age());
    assertEquals(75, r.registeredOn("P3", LocalDate.of(2025, 7, 1)).orElseThrow().age());
    assertTrue(r.registeredOn("P1", D.plusDays(1)).isPresent(), "alive on the day of death");
    assertFalse(r.registeredOn("P1", D.plusDays(2)).isPresent(), "dead after it");
    // died in hospital (destination 79) on D - 1; aged 17 then (born 2007, birthday 1 July)
    assertEquals(17, r.registeredOn("P2", D.minusDays(1)).orElseThrow().age());
    assertFalse(r.registeredOn("P2", D).isPresent());
    assertFalse(r.population(D.minusDays(1)).containsKey("P2"), "under 18");
    assertTrue(r.population(D.minusDays(1)).containsKey("P3"));
    EfiReference.Member p1 = r.registeredOn("P1", D.minusDays(1)).orElseThrow();
    assertEquals("U00002", p1.pcnCode(), "the later of two memberships in force");
  }

  @Test
  void hfrsCountsEachCodeOnceInTenthsOverDischargedSpellsAdmittedInTheWindow() {
    person("P1", "F", 1940);
    spells.add(spell("S1", D.minusDays(730), D.minusDays(700), "F00", "G81X"));
    spells.add(spell("S2", D.minusDays(100), D.minusDays(90), "F00", "F059", "I10"));
    spells.add(spell("S3", D.minusDays(731), D.minusDays(700), "R29"));
    spells.add(spell("S4", D.minusDays(5), null, "R54"));
    spells.add(spell("S5", D.minusDays(5), D.plusDays(1), "R54"));
    spells.add(spell("S6", D, D, "K52"));
    EfiReference r = reference();
    EfiReference.Hfrs h = r.hfrs("P1", D);
    // F00 7.1 + G81 4.4 + F05 3.2 + K52 0.3 = 15.0: intermediate, not high
    assertEquals(71 + 44 + 32 + 3, h.tenths());
    assertEquals("intermediate", h.band());
    assertEquals(List.of("F00", "F05", "G81", "K52"), h.codes());
    assertEquals(3, h.spells());
  }

  @Test
  void hfrsBands() {
    person("P1", "F", 1940);
    spells.add(spell("S1", D.minusDays(10), D.minusDays(9), "G30", "E05"));
    spells.add(spell("S2", D.minusDays(8), D.minusDays(7), "E55"));
    EfiReference r = reference();
    // G30 4.0 + E05 0.9 = 4.9, then + E55 1.0 = 5.9
    assertEquals("low", r.hfrs("P1", D.minusDays(9)).band());
    assertEquals(49, r.hfrs("P1", D.minusDays(9)).tenths());
    assertEquals("intermediate", r.hfrs("P1", D).band());
  }

  private static EfiReference.Spell spell(
      String id, LocalDate admitted, LocalDate discharged, String... diagnoses) {
    return new EfiReference.Spell(id, "P1", admitted, discharged, "1", "19", List.of(diagnoses));
  }

  @Test
  void quarterEndsAndTheSlopeInYears() {
    assertEquals(
        List.of(LocalDate.of(2024, 9, 30), LocalDate.of(2024, 12, 31), D),
        EfiReference.quarterEnds(D, 3));
    assertEquals(
        List.of(LocalDate.of(2024, 12, 31), D),
        EfiReference.quarterEnds(LocalDate.of(2025, 5, 15), 2));
    EfiReference.Member a = new EfiReference.Member("P1", D, "B86001", null, "F", 80);
    EfiReference.Member b =
        new EfiReference.Member("P1", D.plusDays(1461), "B86001", null, "F", 84);
    EfiReference.Efi first = new EfiReference.Efi(a, new TreeMap<>(), 3, 3 / 36.0, "fit", false, 0);
    EfiReference.Efi last = new EfiReference.Efi(b, new TreeMap<>(), 7, 7 / 36.0, "mild", false, 0);
    EfiReference.Progression p = EfiReference.progression(List.of(last, first)).get("P1");
    // 1,461 days are 4 years of 365.25 days
    assertEquals((7 / 36.0 - 3 / 36.0) / 4, p.changePerYear(), 1e-15);
    assertEquals(4, p.deficitsGained());
    assertNull(EfiReference.progression(List.of(first)).get("P1").changePerYear());
  }
}

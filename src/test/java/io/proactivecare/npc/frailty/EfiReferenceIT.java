package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc frailty} on a generated population of 3,000 people, with {@link FrailtyFixture}'s
 * hand-written people appended, agrees exactly with {@link EfiReference}, a naive computation from
 * the docs, person by person: at the extract date and a year before, the eFI (deficits with first
 * recorded dates, count, score, category, polypharmacy medicines, validated-age flag, practice,
 * PCN, sex, age), the HFRS, the trajectory at every quarter end and each person's progression, and
 * the deficit periods; and the coded deficit counts agree with the generator's hidden truth. One
 * ingest serves both populations: it is most of the run's time whatever the extract's size.
 */
class EfiReferenceIT {
  static final LocalDate EXTRACT_DATE = FrailtyFixture.D;
  static final LocalDate YEAR_BEFORE = FrailtyFixture.D1;
  static final int QUARTERS = 8;
  static final int PEOPLE = 3000;

  @TempDir static Path tmp;

  static Path extract;
  static FrailtyAgreement agreement;

  @BeforeAll
  static void generateIngestAndScore() throws IOException {
    extract = tmp.resolve("extract");
    Path wh = tmp.resolve("wh");
    run(
        wh,
        "generate",
        "--people",
        String.valueOf(PEOPLE),
        "--seed",
        "17",
        "--as-of",
        EXTRACT_DATE.toString(),
        "--faults",
        "0",
        "--out",
        extract.toString());
    FrailtyFixture.appendTo(extract);
    run(wh, "ingest", "--extract", extract.toString());
    for (LocalDate asOf : List.of(EXTRACT_DATE, YEAR_BEFORE)) {
      run(
          wh,
          "frailty",
          "--as-of",
          asOf.toString(),
          "--trajectory",
          "--quarters",
          String.valueOf(QUARTERS));
    }
    long started = System.nanoTime();
    agreement = new FrailtyAgreement(new Warehouse(wh), EXTRACT_DATE);
    System.out.printf(
        Locale.ROOT,
        "EfiReferenceIT: %,d events, %,d issues, %,d spells collected in %.1f s%n",
        agreement.events.size(),
        agreement.issues.size(),
        agreement.spells.size(),
        (System.nanoTime() - started) / 1e9);
  }

  static void run(Path wh, String... args) {
    long started = System.nanoTime();
    Npc.Result r = Npc.run(wh, args);
    assertEquals(0, r.exitCode(), "npc " + String.join(" ", args) + ": " + r.errorLines());
    System.out.printf(
        Locale.ROOT,
        "npc %s: %.1f s%n",
        String.join(" ", args),
        (System.nanoTime() - started) / 1e9);
  }

  @Test
  void efiAtTheExtractDateAgrees() {
    efiAgrees(EXTRACT_DATE);
  }

  @Test
  void efiAYearBeforeTheExtractDateAgrees() {
    efiAgrees(YEAR_BEFORE);
  }

  private static void efiAgrees(LocalDate asOf) {
    SortedMap<String, EfiReference.Efi> efi = agreement.efi(asOf);
    Map<String, Integer> categories = new TreeMap<>();
    int polypharmacy = 0;
    int outside = 0;
    for (EfiReference.Efi e : efi.values()) {
      categories.merge(e.category(), 1, Integer::sum);
      polypharmacy += e.deficits().containsKey(agreement.definition.polypharmacy()) ? 1 : 0;
      outside += e.outsideValidatedAge() ? 1 : 0;
    }
    System.out.printf(
        Locale.ROOT,
        "eFI at %s: %,d people agree; categories %s; %,d with polypharmacy; %,d outside 65-95%n",
        asOf,
        efi.size(),
        categories,
        polypharmacy,
        outside);
    // The comparison only means something if the population exercises the rules.
    assertTrue(efi.size() > PEOPLE / 2, "population " + efi.size());
    assertTrue(categories.getOrDefault("severe", 0) > 0, "some severe: " + categories);
    assertTrue(polypharmacy > 0 && outside > 0, polypharmacy + " polypharmacy, " + outside);
  }

  @Test
  void hfrsAtTheExtractDateAgrees() {
    hfrsAgrees(EXTRACT_DATE);
  }

  @Test
  void hfrsAYearBeforeTheExtractDateAgrees() {
    hfrsAgrees(YEAR_BEFORE);
  }

  private static void hfrsAgrees(LocalDate asOf) {
    Map<String, Integer> bands = new TreeMap<>();
    agreement.hfrs(asOf).values().forEach(h -> bands.merge(h.band(), 1, Integer::sum));
    System.out.printf(Locale.ROOT, "HFRS at %s: people agree, bands %s%n", asOf, bands);
    assertTrue(bands.getOrDefault("intermediate", 0) > 0, "some intermediate: " + bands);
  }

  @Test
  void trajectoryAndProgressionAtTheExtractDateAgree() {
    trajectoryAgrees(EXTRACT_DATE);
  }

  @Test
  void trajectoryAndProgressionAYearBeforeAgree() {
    trajectoryAgrees(YEAR_BEFORE);
  }

  private static void trajectoryAgrees(LocalDate asOf) {
    FrailtyAgreement.TrajectorySummary s = agreement.trajectory(asOf, QUARTERS);
    System.out.printf(
        Locale.ROOT,
        "trajectory at %s: %,d rows over %d quarter ends agree; %,d progressions (%,d slopes)%n",
        asOf,
        s.rows(),
        QUARTERS,
        s.people(),
        s.slopes());
    assertTrue(s.slopes() > PEOPLE / 2, s.slopes() + " slopes compared");
  }

  @Test
  void deficitPeriodsAgree() {
    int periods = agreement.periods();
    System.out.printf(Locale.ROOT, "deficit periods: %,d agree%n", periods);
    assertTrue(periods > PEOPLE, periods + " periods");
  }

  /**
   * The generator records each coded deficit at its true onset with one code drawn from that
   * deficit's SNOMED list (PersonSimulator.eventLines), and draws eGFR values below 60 only once
   * CKD has set in (and so been coded), so the coded deficits present at the extract date are at
   * least the true ones (truth/people.csv.gz deficits_at_as_of), and exactly them for people none
   * of whose recorded codes is listed under a second deficit.
   */
  @Test
  void codedDeficitsAtTheExtractDateMatchTheGeneratorsTruth() throws IOException {
    Map<String, String[]> truth = new HashMap<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(extract.resolve("truth/people.csv.gz"))),
                StandardCharsets.UTF_8))) {
      List<String> header = List.of(in.readLine().split(","));
      assertEquals(6, header.indexOf("deficits_at_as_of"), header.toString());
      assertEquals(8, header.indexOf("registered_at_as_of"), header.toString());
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",", -1);
        truth.put(f[0], f);
      }
    }
    assertEquals(PEOPLE, truth.size());
    EfiReference reference = agreement.reference;
    Set<String> withSharedCode = new HashSet<>();
    for (EfiReference.Event e : agreement.events) {
      if (!e.date().isAfter(EXTRACT_DATE)
          && reference.deficitsOf(e.system(), e.code()).size() > 1) {
        withSharedCode.add(e.personId());
      }
    }
    Set<String> registrationEndsOnTheDate = new HashSet<>();
    for (EfiReference.Registration r : agreement.registrations) {
      if (EXTRACT_DATE.equals(r.end())) {
        registrationEndsOnTheDate.add(r.personId());
      }
    }
    SortedMap<String, EfiReference.Member> population = reference.population(EXTRACT_DATE);
    int compared = 0;
    int exact = 0;
    int shared = 0;
    int sharedExact = 0;
    List<String> below = new ArrayList<>();
    List<String> above = new ArrayList<>();
    List<String> membership = new ArrayList<>();
    for (Map.Entry<String, String[]> t : truth.entrySet()) {
      String person = t.getKey();
      boolean registered = Boolean.parseBoolean(t.getValue()[8]);
      EfiReference.Member m = population.get(person);
      // The truth's "registered" is "never deregistered"; the population also holds people whose
      // registration ends on the date (left or died that day) and leaves out children.
      boolean explained =
          registered
              ? m != null
                  || reference
                      .registeredOn(person, EXTRACT_DATE)
                      .map(x -> x.age() < agreement.config.frailty().minAge())
                      .orElse(false)
              : m == null || registrationEndsOnTheDate.contains(person);
      if (!explained) {
        membership.add(person + " registered " + registered + ", scored " + (m != null));
      }
      if (!registered || m == null) {
        continue;
      }
      int expected = Integer.parseInt(t.getValue()[6]);
      SortedMap<Integer, LocalDate> coded = reference.efi(m, false).deficits();
      coded.remove(agreement.definition.polypharmacy());
      compared++;
      boolean multi = withSharedCode.contains(person);
      shared += multi ? 1 : 0;
      if (coded.size() == expected) {
        exact++;
        sharedExact += multi ? 1 : 0;
      } else if (coded.size() < expected) {
        below.add(person + ": truth " + expected + ", computed " + coded);
      } else if (!multi) {
        above.add(person + ": truth " + expected + ", computed " + coded);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "truth at %s: %,d registered adults; coded deficits equal the truth for %,d (%.2f%%);"
            + " %,d have a code listed under two deficits, of whom %,d still equal%n",
        EXTRACT_DATE,
        compared,
        exact,
        100.0 * exact / compared,
        shared,
        sharedExact);
    assertTrue(
        membership.isEmpty(),
        membership.size() + " unexplained differences, e.g. " + FrailtyAgreement.head(membership));
    assertTrue(
        below.isEmpty(), below.size() + " below the truth, e.g. " + FrailtyAgreement.head(below));
    assertTrue(
        above.isEmpty(),
        above.size()
            + " above the truth without a shared code, e.g. "
            + FrailtyAgreement.head(above));
    assertTrue(compared > PEOPLE / 2 && shared > 0 && shared < compared, compared + ", " + shared);
  }

  /**
   * The hand-written people are as {@link FrailtyFixture} describes them. They are in every
   * comparison above, so these checks of the reference's values for them are checks of the engine.
   */
  @Nested
  class HandWrittenPeople {
    final EfiReference reference = agreement.reference;
    final LocalDate d = EXTRACT_DATE;
    final LocalDate d1 = YEAR_BEFORE;

    private SortedMap<Integer, LocalDate> deficits(String person, LocalDate date) {
      return reference.efi(reference.registeredOn(person, date).orElseThrow(), true).deficits();
    }

    @Test
    void everyRowWasIngested() {
      assertEquals(
          FrailtyFixture.ROWS.get("gp_registrations").size(),
          agreement.registrations.stream()
              .filter(r -> FrailtyFixture.isFixture(r.personId()))
              .count());
      assertEquals(
          FrailtyFixture.ROWS.get("gp_events").size(),
          agreement.events.stream().filter(e -> FrailtyFixture.isFixture(e.personId())).count());
      assertEquals(
          FrailtyFixture.ROWS.get("gp_medications").size(),
          agreement.issues.stream().filter(i -> FrailtyFixture.isFixture(i.personId())).count());
      assertEquals(
          FrailtyFixture.ROWS.get("apc_spells").size(),
          agreement.spells.stream().filter(s -> FrailtyFixture.isFixture(s.spellId())).count());
    }

    @Test
    void codesMatchPerSystemExactlyOnOrBeforeTheDate() {
      assertEquals(
          Map.of(28, LocalDate.of(2020, 5, 1), 31, LocalDate.of(2021, 6, 1), 17, d1),
          deficits("FX-CODES", d1));
      assertEquals(
          Map.of(
              28, LocalDate.of(2020, 5, 1),
              31, LocalDate.of(2021, 6, 1),
              17, d1,
              6, d1.plusDays(1),
              7, d1.plusDays(1),
              10, d),
          deficits("FX-CODES", d));
    }

    @Test
    void valueRulesAtTheirBoundsAndBySex() {
      assertEquals(
          Map.of(
              6, LocalDate.of(2023, 6, 1),
              2, LocalDate.of(2023, 2, 1),
              1, d1,
              4, LocalDate.of(2023, 3, 1)),
          deficits("FX-VALUEM", d1));
      assertEquals(
          Map.of(
              6, LocalDate.of(2023, 6, 1),
              2, LocalDate.of(2023, 2, 1),
              1, d1,
              4, LocalDate.of(2023, 3, 1),
              32, LocalDate.of(2025, 2, 1),
              10, d1.plusDays(1)),
          deficits("FX-VALUEM", d));
      assertEquals(Map.of(), deficits("FX-VALUEF", d1));
      assertEquals(Map.of(2, LocalDate.of(2024, 4, 15)), deficits("FX-VALUEF", d));
      assertEquals(Map.of(6, LocalDate.of(2023, 1, 1)), deficits("FX-VALUEI", d));
    }

    @Test
    void polypharmacyWindowAndPeriods() {
      // 365 days before D1 counts and 366 does not: five medicines, in a run since 2023-10-01
      assertEquals(Map.of(26, LocalDate.of(2023, 10, 1)), deficits("FX-POLY1", d1));
      assertEquals(Map.of(26, LocalDate.of(2025, 1, 10)), deficits("FX-POLY1", d));
      assertEquals(
          List.of(
              List.of(LocalDate.of(2023, 10, 1), d1),
              List.of(LocalDate.of(2024, 6, 1), LocalDate.of(2024, 9, 30)),
              List.of(LocalDate.of(2025, 1, 10), LocalDate.of(2025, 6, 1))),
          reference.polypharmacyRuns("FX-POLY1").stream().map(List::of).toList());
      assertEquals(5, reference.medicinesOn("FX-POLY2", d), "with and without a BNF code");
    }

    @Test
    void whoIsScoredAtEachDate() {
      SortedMap<String, EfiReference.Member> atD1 = reference.population(d1);
      SortedMap<String, EfiReference.Member> atD = reference.population(d);
      for (String p : List.of("FX-DIEDD1", "FX-LEFTD1", "FX-JOIND1", "FX-MOVED1")) {
        assertTrue(atD1.containsKey(p), p + " on D1");
      }
      for (String p : List.of("FX-DIEDD1", "FX-LEFTD1", "FX-DIED79", "FX-AGE17")) {
        assertFalse(atD.containsKey(p), p + " on D");
      }
      assertFalse(atD1.containsKey("FX-AGE18"), "17 on D1");
      assertTrue(atD.containsKey("FX-AGE18"), "18 on D");
      assertTrue(reference.population(LocalDate.of(2023, 9, 30)).containsKey("FX-DIED79"));
      assertFalse(reference.population(LocalDate.of(2023, 12, 31)).containsKey("FX-DIED79"));
      assertEquals("Y99003", atD1.get("FX-MOVED1").practiceCode());
      assertEquals("U99003", atD1.get("FX-MOVED1").pcnCode());
      assertNull(atD1.get("FX-JOIND1").pcnCode());
      assertEquals("U99002", atD.get("FX-JOIND1").pcnCode());
      assertEquals(
          List.of(64, 65, 95, 96),
          Stream.of("FX-AGE64", "FX-AGE65", "FX-AGE95", "FX-AGE96")
              .map(p -> atD.get(p).age())
              .toList());
    }

    @Test
    void hfrsWindowDischargeAndBands() {
      EfiReference.Hfrs atD = reference.hfrs("FX-HFRS1", d);
      assertEquals(List.of("F00", "F05", "G81", "K52"), atD.codes());
      assertEquals(150, atD.tenths());
      assertEquals("intermediate", atD.band());
      assertEquals(4, atD.spells(), "S1, S3, S5 and S6, which has no diagnoses");
      EfiReference.Hfrs atD1 = reference.hfrs("FX-HFRS1", d1);
      assertEquals(List.of("E55", "F00", "G81", "R29"), atD1.codes());
      assertEquals("high", atD1.band());
      assertEquals(3, atD1.spells());
      assertEquals(50, reference.hfrs("FX-HFRS2", d).tenths());
      assertEquals("intermediate", reference.hfrs("FX-HFRS2", d).band());
      assertEquals("low", reference.hfrs("FX-HFRS3", d).band());
    }
  }
}

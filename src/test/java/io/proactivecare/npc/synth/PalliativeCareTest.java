package io.proactivecare.npc.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator's palliative care coding (docs/synthetic-data.md, Model): codes before a death in
 * the window, a living register drawn from the mortality rate, and the not-indicated code after.
 */
class PalliativeCareTest {
  static final LocalDate AS_OF = GeneratorTest.AS_OF;
  static final int PEOPLE = 20_000;

  static SynthParams params;
  static PersonSimulator sim;
  static List<PersonSimulator.Person> people = new ArrayList<>();

  @BeforeAll
  static void simulate() {
    params = new SynthParams(PEOPLE, 11, AS_OF, 4, 0);
    sim =
        new PersonSimulator(
            params, Geography.build(params), Catalogue.load(GeneratorTest.CODELIST));
    for (long i = 0; i < PEOPLE; i++) {
      people.add(sim.simulate(i));
    }
  }

  @Test
  void theSameArgumentsGiveTheSamePalliativeCareWhateverTheOrder() {
    PersonSimulator other =
        new PersonSimulator(
            params, Geography.build(params), Catalogue.load(GeneratorTest.CODELIST));
    int compared = 0;
    for (long i = 499; i >= 0; i--) {
      PersonSimulator.Person p = people.get((int) i);
      PersonSimulator.Person q = other.simulate(i);
      assertEquals(p.palliative(), q.palliative());
      assertEquals(p.palliativeCode(), q.palliativeCode());
      assertEquals(p.palliativeEnded(), q.palliativeEnded());
      assertEquals(sim.palliativeLines(p), other.palliativeLines(q));
      assertEquals(sim.eventLines(p), other.eventLines(q));
      assertEquals(sim.truthLine(p), other.truthLine(q));
      compared += p.palliative() == null ? 0 : 1;
    }
    assertTrue(compared > 0, "some of the first 500 people are coded");
  }

  @Test
  void codesFallBeforeDeathAndWithinTheRecordedRegistration() {
    int coded = 0;
    int endedCodes = 0;
    for (PersonSimulator.Person p : people) {
      if (p.palliative() == null) {
        assertNull(p.palliativeEnded(), p.id());
        continue;
      }
      coded++;
      LocalDate first = p.registrations().get(0).start();
      LocalDate from = first.isAfter(params.windowStart()) ? first : params.windowStart();
      LocalDate last = p.lastDay(AS_OF);
      assertFalse(p.palliative().isBefore(from), p.id() + " coded before registration");
      assertFalse(p.palliative().isAfter(last), p.id() + " coded after the last day");
      if (p.death() != null) {
        assertTrue(p.palliative().isBefore(p.death()), p.id() + " coded on or after death");
        assertTrue(
            ChronoUnit.DAYS.between(p.palliative(), p.death()) <= 365 || livingEntry(p),
            p.id() + " coded more than a year before death");
      }
      if (p.palliativeEnded() != null) {
        endedCodes++;
        long after = ChronoUnit.DAYS.between(p.palliative(), p.palliativeEnded());
        assertTrue(after >= 30 && after <= 365, p.id() + " not indicated " + after + " days on");
        assertFalse(p.palliativeEnded().isAfter(last), p.id());
        assertTrue(p.death() == null || p.palliativeEnded().isBefore(p.death()), p.id());
      }
    }
    assertTrue(coded > 100, coded + " coded");
    assertTrue(endedCodes > 0, "some are marked not indicated");
  }

  /** Coded earlier than a year before death: only a living adult's entry to the register can be. */
  private static boolean livingEntry(PersonSimulator.Person p) {
    return ChronoUnit.DAYS.between(p.birth(), p.palliative()) / 365.25 >= 18;
  }

  @Test
  void eventsAndTruthCarryTheCodesAndNotIndicatedOnlyFollowsACode() {
    Set<String> palcare = Set.of(Catalogue.PALLIATIVE);
    for (PersonSimulator.Person p : people) {
      List<String> events = sim.eventLines(p);
      LocalDate careDate = null;
      LocalDate endedDate = null;
      int careRows = 0;
      String previous = null;
      for (String line : events) {
        String[] f = line.split(",", -1);
        assertEquals(6, f.length, line);
        if (previous != null) {
          String[] g = previous.split(",", -1);
          assertTrue(
              g[1].compareTo(f[1]) < 0 || (g[1].equals(f[1]) && g[2].compareTo(f[2]) <= 0),
              "events in date and code order: " + previous + " then " + line);
        }
        previous = line;
        if (palcare.contains(f[2])) {
          careRows++;
          careDate = LocalDate.parse(f[1]);
          assertEquals(p.palliativeCode(), f[2]);
          assertEquals("SNOMED", f[3]);
          assertEquals("", f[4] + f[5], "no value or unit");
        } else if (f[2].equals(Catalogue.PALLIATIVE_NOT_INDICATED)) {
          assertNotNull(careDate, p.id() + " not indicated without an earlier palliative code");
          assertTrue(LocalDate.parse(f[1]).isAfter(careDate), p.id());
          endedDate = LocalDate.parse(f[1]);
        }
      }
      assertTrue(careRows <= 1, p.id() + " coded " + careRows + " times");
      assertEquals(p.palliative(), careDate, p.id());
      assertEquals(p.palliativeEnded(), endedDate, p.id());
      String[] truth = sim.truthLine(p).split(",", -1);
      List<String> header = List.of(ExtractWriter.TRUTH_HEADER.split(","));
      assertEquals(header.size(), truth.length);
      assertEquals(
          careDate == null ? "" : careDate.toString(), truth[header.indexOf("palliative_care")]);
      assertEquals(
          endedDate == null ? "" : endedDate.toString(),
          truth[header.indexOf("palliative_care_not_indicated")]);
    }
  }

  @Test
  void theRegisterAtTheAsOfDateHoldsAboutHalfAPercentOfLivingAdults() {
    int adults = 0;
    int onRegister = 0;
    int deaths = 0;
    int codedBeforeDeath = 0;
    for (PersonSimulator.Person p : people) {
      if (p.death() != null) {
        deaths++;
        codedBeforeDeath += p.palliative() == null ? 0 : 1;
      }
      boolean registered = p.registrations().get(p.registrations().size() - 1).end() == null;
      if (!registered || ChronoUnit.YEARS.between(p.birth(), AS_OF) < 18) {
        continue;
      }
      adults++;
      // The register rule: the latest palliative code on or before the date, none not indicated
      // after it on or before the date (all generated codes are after 2008-04-01).
      if (p.palliative() != null
          && !p.palliative().isAfter(AS_OF)
          && (p.palliativeEnded() == null || p.palliativeEnded().isAfter(AS_OF))) {
        onRegister++;
      }
    }
    double prevalence = onRegister / (double) adults;
    double share = codedBeforeDeath / (double) deaths;
    System.out.printf(
        java.util.Locale.ROOT,
        "palliative register: %d of %d living adults (%.2f%%); coded before death: %d of %d%n",
        onRegister,
        adults,
        100 * prevalence,
        codedBeforeDeath,
        deaths);
    // QOF: about 0.4-0.5% of patients. About 13,500 living adults here, so 0.2-1.0% is over five
    // standard deviations either side of the model's 0.6%.
    assertTrue(
        prevalence >= 0.002 && prevalence <= 0.010,
        onRegister + " of " + adults + " living adults on the register: " + prevalence);
    // 40% of deaths are coded before death, plus those already on the register.
    assertTrue(
        share >= 0.35 && share <= 0.55,
        codedBeforeDeath + " of " + deaths + " people who died were coded: " + share);
  }

  @Test
  void palliativeRowsJoinAfterTheFaultsSoTheOtherRowsAreAsBefore() {
    SynthParams faulty = new SynthParams(2_000, 11, AS_OF, 4, 0.2);
    PersonSimulator s =
        new PersonSimulator(
            faulty, Geography.build(faulty), Catalogue.load(GeneratorTest.CODELIST));
    int checked = 0;
    for (long i = 0; i < 2_000; i++) {
      PersonSimulator.Person p = s.simulate(i);
      List<String> pal = s.palliativeLines(p);
      if (pal.isEmpty()) {
        continue;
      }
      checked++;
      List<String> events = s.lines(p).get(1);
      List<String> others = new ArrayList<>(events);
      assertTrue(others.removeAll(pal), p.id());
      List<String> coded = s.codedEventLines(p);
      assertEquals(coded.size(), others.size(), "faults rewrite gp_events rows, never add any");
      assertEquals(events.size(), coded.size() + pal.size());
      // Where a row is unfaulted, it is the clean row in the same place.
      int same = 0;
      for (int k = 0; k < coded.size(); k++) {
        same += coded.get(k).equals(others.get(k)) ? 1 : 0;
      }
      assertTrue(same >= coded.size() * 0.5, same + " of " + coded.size() + " rows unfaulted");
    }
    assertTrue(checked > 5, checked + " coded people");
  }

  @Test
  void extraRowsAreInsertedByDateAndCodeAmongTheCleanRows() {
    List<String> clean =
        List.of(
            "p,2024-01-01,185347001,SNOMED,,",
            "p,2024-03-01,271649006,SNOMED,120,mm[Hg]",
            "p,2024-03-01,8517006,SNOMED,,");
    List<String> faulted =
        List.of(
            "p,2024-02-30,185347001,SNOMED,,",
            "p,2024-03-01,271649006,SNOMED,120,mm[Hg]",
            "p,2024-03-01,08517006,SNOMED,,");
    List<String> extra =
        List.of("p,2024-03-01,526631000000108,SNOMED,,", "p,2025-01-01,X,SNOMED,,");
    assertEquals(
        List.of(
            "p,2024-02-30,185347001,SNOMED,,",
            "p,2024-03-01,271649006,SNOMED,120,mm[Hg]",
            "p,2024-03-01,526631000000108,SNOMED,,",
            "p,2024-03-01,08517006,SNOMED,,",
            "p,2025-01-01,X,SNOMED,,"),
        PersonSimulator.inOrder(clean, faulted, extra));
  }

  @Test
  void theGeneratorsCodesAreInThePalliativeCodelistAndInNoEfiList() throws IOException {
    Map<String, String> cluster = new HashMap<>();
    List<String> lines = Files.readAllLines(Npc.HOME.resolve("conf/codelists/palliative_care.csv"));
    assertEquals("code,term,cluster", lines.get(0));
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      assertEquals(3, f.length, l);
      assertTrue(f[0].matches("[1-9][0-9]{5,17}"), l);
      assertTrue(cluster.put(f[0], f[2]) == null, "repeated code " + f[0]);
    }
    assertEquals(74, cluster.size());
    assertEquals(2, cluster.values().stream().filter("PALCARENI_COD"::equals).count());
    for (String c : Catalogue.PALLIATIVE) {
      assertEquals("PALCARE_COD", cluster.get(c), c);
    }
    assertEquals("PALCARENI_COD", cluster.get(Catalogue.PALLIATIVE_NOT_INDICATED));
    Set<String> efi = new java.util.HashSet<>();
    Path snomed = GeneratorTest.CODELIST;
    for (String l : Files.readAllLines(snomed).subList(1, Files.readAllLines(snomed).size())) {
      efi.add(l.split(",", 3)[1]);
    }
    for (String c : Catalogue.PALLIATIVE) {
      assertFalse(efi.contains(c), c);
    }
    assertFalse(efi.contains(Catalogue.PALLIATIVE_NOT_INDICATED));
  }
}

package io.proactivecare.npc.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.io.Checksums;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
  static final Path CODELIST = Npc.HOME.resolve("conf/codelists/efi_snomed.csv");
  static final LocalDate AS_OF = LocalDate.of(2025, 3, 31);

  @TempDir Path tmp;

  @Test
  void theSameArgumentsGiveByteIdenticalFilesWhateverThePartitioning() throws Exception {
    // 25,000 people are three blocks: written by 3 partitions, then by 1, then by 2.
    SynthParams p = new SynthParams(25_000, 42, AS_OF, 4, 0.001);
    ExtractWriter.write(
        SparkTestSession.get(), p, CODELIST, tmp.resolve("a"), ExtractWriter.PEOPLE_PER_PART, 3);
    ExtractWriter.write(
        SparkTestSession.get(), p, CODELIST, tmp.resolve("b"), ExtractWriter.PEOPLE_PER_PART, 1);
    ExtractWriter.write(
        SparkTestSession.get(), p, CODELIST, tmp.resolve("c"), ExtractWriter.PEOPLE_PER_PART, 2);
    Map<String, String> a = checksums(tmp.resolve("a"));
    // extract.yaml, ten tables and five truth files
    assertEquals(16, a.size(), a.toString());
    assertEquals(a, checksums(tmp.resolve("b")));
    assertEquals(a, checksums(tmp.resolve("c")));
    ExtractWriter.write(
        SparkTestSession.get(),
        new SynthParams(25_000, 43, AS_OF, 4, 0),
        CODELIST,
        tmp.resolve("d"),
        ExtractWriter.PEOPLE_PER_PART,
        3);
    assertNotEquals(
        a.get("gp_events.csv.gz"),
        checksums(tmp.resolve("d")).get("gp_events.csv.gz"),
        "another seed, other data");
  }

  /**
   * Issue 16: in parts of 10,000 people the 25,000 are three parts per person table, which hold
   * exactly the lines of the one-file table, each part with the header; extract.yaml names the
   * folders, and the truth stays one file per table.
   */
  @Test
  void partsHoldTheSameRowsAsOneFile() throws Exception {
    SynthParams p = new SynthParams(25_000, 42, AS_OF, 4, 0.001);
    ExtractWriter.write(SparkTestSession.get(), p, CODELIST, tmp.resolve("one"), 100_000, 2);
    ExtractWriter.write(SparkTestSession.get(), p, CODELIST, tmp.resolve("parts"), 10_000, 2);
    Path folder = tmp.resolve("parts/gp_events");
    java.util.List<Path> parts;
    try (Stream<Path> s = Files.list(folder)) {
      parts = s.sorted().toList();
    }
    assertEquals(
        java.util.List.of("part-00000.csv.gz", "part-00001.csv.gz", "part-00002.csv.gz"),
        parts.stream().map(x -> x.getFileName().toString()).toList());
    java.util.List<String> whole = lines(tmp.resolve("one/gp_events.csv.gz"));
    java.util.List<String> joined = new java.util.ArrayList<>();
    for (Path part : parts) {
      java.util.List<String> l = lines(part);
      assertEquals(whole.get(0), l.get(0), "each part starts with the header");
      joined.addAll(joined.isEmpty() ? l : l.subList(1, l.size()));
    }
    assertEquals(whole, joined);
    String yaml = Files.readString(tmp.resolve("parts/extract.yaml"));
    assertTrue(yaml.contains("  gp_events: gp_events\n"), yaml);
    assertTrue(yaml.contains("  practice_pcn: practice_pcn.csv.gz\n"), yaml);
    assertTrue(Files.isRegularFile(tmp.resolve("parts/truth/people.csv.gz")));
    assertTrue(Files.notExists(tmp.resolve("parts/gp_events.csv.gz")));
  }

  private static java.util.List<String> lines(Path gz) throws java.io.IOException {
    try (java.io.BufferedReader r =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(Files.newInputStream(gz)),
                java.nio.charset.StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }

  @Test
  void aPersonIsTheSameWhicheverBlockSimulatesHer() {
    SynthParams p = new SynthParams(1_000, 5, AS_OF, 4, 0);
    Geography g = Geography.build(p);
    Catalogue c = Catalogue.load(CODELIST);
    PersonSimulator one = new PersonSimulator(p, g, c);
    PersonSimulator two = new PersonSimulator(p, g, c);
    two.simulate(3);
    assertEquals(one.eventLines(one.simulate(7)), two.eventLines(two.simulate(7)));
    assertEquals(one.registrationLines(one.simulate(7)), two.registrationLines(two.simulate(7)));
  }

  @Test
  void geographyScalesWithThePopulationAndPutsAQuarterOfLsoasInDecileOne() {
    Geography leeds = Geography.build(new SynthParams(800_000, 1, AS_OF, 4, 0));
    assertEquals(19, leeds.pcns().size());
    assertEquals(90, leeds.practices().size());
    assertEquals(500, leeds.lsoas().size());
    long decile1 = leeds.lsoas().stream().filter(l -> l.decile() == 1).count();
    assertEquals(0.25, decile1 / 500.0, 0.01);
    // the first (inner-city) PCN is more deprived than the last (suburban)
    assertTrue(
        meanDecile(leeds, 0) < meanDecile(leeds, 18) - 3,
        meanDecile(leeds, 0) + " vs " + meanDecile(leeds, 18));
    Geography small = Geography.build(new SynthParams(5_000, 1, AS_OF, 4, 0));
    assertEquals(3, small.pcns().size());
    assertEquals(6, small.practices().size());
  }

  private static double meanDecile(Geography g, int pcn) {
    return g.lsoas().stream()
        .filter(l -> l.pcn() == pcn)
        .mapToInt(Geography.Lsoa::decile)
        .average()
        .orElseThrow();
  }

  @Test
  void enrolmentSlowsTheDeficitsStillToComeByTheEffect() {
    LocalDate birth = LocalDate.of(1940, 6, 1);
    LocalDate from = LocalDate.of(2023, 6, 1);
    double z = 1.2;
    double deprivation = 0.5;
    double[] draws = new double[FrailtyModel.PREVALENCE_AT_75.length];
    LocalDate[] onsets = new LocalDate[draws.length];
    for (int d = 0; d < draws.length; d++) {
      draws[d] = 0.05 + 0.1 * d; // Exp(1) draws, spread so some deficits come before and some after
      double age = FrailtyModel.onsetAge(d, z, deprivation, draws[d]);
      onsets[d] = age < 130 ? birth.plusDays(Math.round(Math.max(0, age) * 365.25)) : null;
    }
    LocalDate[] slowed = onsets.clone();
    PersonSimulator.slowDeficits(slowed, draws, from, birth, z, deprivation, 0.2);
    int before = 0;
    int after = 0;
    for (int d = 0; d < draws.length; d++) {
      if (onsets[d] != null && !onsets[d].isAfter(from)) {
        assertEquals(onsets[d], slowed[d], "present before enrolment: unchanged");
        before++;
      } else if (slowed[d] != null) {
        after++;
        // H(from) + 0.8 (H(onset) - H(from)) = E, with H(a) = C w z exp(SLOPE (a + 12 dep - 75))
        double hFrom = h(d, z, deprivation, years(birth, from));
        double hOnset = h(d, z, deprivation, years(birth, slowed[d]));
        assertEquals(
            draws[d], hFrom + 0.8 * (hOnset - hFrom), 0.002 * draws[d] + 1e-4, "deficit " + d);
        assertTrue(
            onsets[d] == null || slowed[d].isAfter(onsets[d]), "later than without enrolment");
      }
    }
    assertTrue(before > 0 && after > 0, before + " before, " + after + " after");
    LocalDate[] unchanged = onsets.clone();
    PersonSimulator.slowDeficits(unchanged, draws, from, birth, z, deprivation, 0.0);
    // No effect, no change at all: the untreated world must equal a treated world with no effect.
    assertArrayEquals(onsets, unchanged, "no effect, no change");
  }

  @Test
  void pilotPcnsAreSpreadAcrossTheDeprivationRange() {
    SynthParams.Pilot third = SynthParams.Pilot.defaults(AS_OF);
    long n = java.util.stream.IntStream.range(0, 19).filter(k -> third.includes(k, 19)).count();
    assertEquals(6, n, "a third of 19, rounded");
    assertTrue(third.includes(1, 19) && third.includes(17, 19), "from inner city to suburb");
    SynthParams.Pilot two = new SynthParams.Pilot(2, AS_OF, 0.15, 0.2, 5, false);
    // the centres of the two halves: floor(0.5 * 4 / 2) = 1 and floor(1.5 * 4 / 2) = 3
    assertEquals(
        java.util.List.of(1, 3),
        java.util.stream.IntStream.range(0, 4).filter(k -> two.includes(k, 4)).boxed().toList());
  }

  private static double h(int d, double z, double deprivation, double age) {
    return FrailtyModel.C
        * FrailtyModel.weight(d)
        * z
        * Math.exp(
            FrailtyModel.SLOPE
                * (age
                    + FrailtyModel.DEPRIVATION_YEARS * deprivation
                    - FrailtyModel.REFERENCE_AGE));
  }

  private static double years(LocalDate from, LocalDate to) {
    return java.time.temporal.ChronoUnit.DAYS.between(from, to) / 365.25;
  }

  static Map<String, String> checksums(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(f).toString(), Checksums.sha256(f));
      }
    }
    return out;
  }
}

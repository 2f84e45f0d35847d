package io.proactivecare.npc.synth;

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
    SynthParams p = new SynthParams(25_000, 42, AS_OF, 4, 0);
    ExtractWriter.write(SparkTestSession.get(), p, CODELIST, tmp.resolve("a"), 3);
    ExtractWriter.write(SparkTestSession.get(), p, CODELIST, tmp.resolve("b"), 1);
    ExtractWriter.write(SparkTestSession.get(), p, CODELIST, tmp.resolve("c"), 2);
    Map<String, String> a = checksums(tmp.resolve("a"));
    // extract.yaml, nine tables and two truth files
    assertEquals(12, a.size(), a.toString());
    assertEquals(a, checksums(tmp.resolve("b")));
    assertEquals(a, checksums(tmp.resolve("c")));
    ExtractWriter.write(
        SparkTestSession.get(),
        new SynthParams(25_000, 43, AS_OF, 4, 0),
        CODELIST,
        tmp.resolve("d"),
        3);
    assertNotEquals(
        a.get("gp_events.csv.gz"),
        checksums(tmp.resolve("d")).get("gp_events.csv.gz"),
        "another seed, other data");
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

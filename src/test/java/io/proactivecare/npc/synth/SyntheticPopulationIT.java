package io.proactivecare.npc.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.testing.Npc;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator through the CLI: the sample is what its README command makes, and the distribution
 * targets are met. (Injected faults are checked in InjectedFaultsIT; that a clean extract ingests
 * with nothing quarantined, on EvaluationIT's populations.)
 */
class SyntheticPopulationIT {
  @TempDir Path tmp;

  @Test
  void theBundledSampleDataIsWhatItsReadmeCommandGenerates() throws Exception {
    Path out = tmp.resolve("sample");
    Npc.Result g =
        Npc.run(
            tmp.resolve("wh"),
            "generate",
            "--people",
            "5000",
            "--seed",
            "1",
            "--as-of",
            "2025-03-31",
            "--years",
            "4",
            "--out",
            out.toString());
    assertEquals(0, g.exitCode(), g.err());
    Path sample = Npc.HOME.resolve("sample-data");
    java.util.List<Path> files;
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(out)) {
      files = s.filter(java.nio.file.Files::isRegularFile).toList();
    }
    assertEquals(16, files.size());
    for (Path f : files) {
      Path rel = out.relativize(f);
      // Compare the text, not the compressed bytes, which depend on the Java runtime's zlib.
      assertEquals(
          text(f),
          text(sample.resolve(rel)),
          "sample-data/" + rel + " differs from a fresh generation: regenerate it");
    }
  }

  static String text(Path f) throws java.io.IOException {
    try (java.io.InputStream in =
        f.toString().endsWith(".gz")
            ? new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(f))
            : java.nio.file.Files.newInputStream(f)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * Targets (docs/synthetic-data.md), on 50,000 people: 65+ share 15% ± 1.5 points; a quarter in
   * IMD decile 1 ± 3; ethnically diverse 30% / 20% / 6% of under-25s / 25-64s / 65+ ± 3 points; eFI
   * among 65+ fit 50% / mild 35% / moderate 12% / severe 3% ± 4, 4, 3, 1.5 points.
   */
  @Test
  void fiftyThousandPeopleMeetTheDistributionTargets() throws Exception {
    Path out = tmp.resolve("big");
    Npc.Result g =
        Npc.run(
            tmp.resolve("wh"),
            "generate",
            "--people",
            "50000",
            "--seed",
            "2025",
            "--faults",
            "0",
            "--out",
            out.toString());
    assertEquals(0, g.exitCode(), g.err());
    PopulationStats s = PopulationStats.of(out, GeneratorTest.AS_OF, GeneratorTest.CODELIST);
    assertEquals(50_000, s.people);
    assertEquals(0.15, s.share65, 0.015, "65+ share");
    assertEquals(0.25, s.shareDecile1, 0.03, "decile 1 share");
    assertEquals(0.30, s.diverseByAge[0], 0.03, "diverse under 25");
    assertEquals(0.20, s.diverseByAge[1], 0.03, "diverse 25-64");
    assertEquals(0.06, s.diverseByAge[2], 0.03, "diverse 65+");
    assertEquals(0.50, s.efiCategories[0], 0.04, "fit");
    assertEquals(0.35, s.efiCategories[1], 0.04, "mild");
    assertEquals(0.12, s.efiCategories[2], 0.03, "moderate");
    assertEquals(0.03, s.efiCategories[3], 0.015, "severe");
    s.concentration(out, GeneratorTest.AS_OF.minusYears(1));
    assertEquals(0.50, s.topShareBedDays, 0.10, "top 5% share of unplanned bed days");
    assertEquals(
        0.19, s.topShareOutpatients, 0.05, "top 5% share of attended outpatient appointments");
    assertEquals(0.80, s.topShareSocialCare, 0.10, "top 5% share of social care packages");
    assertEquals(s.meanTrueRisk, s.observedOutcomeRate, 0.01, "true risk is calibrated");
  }
}

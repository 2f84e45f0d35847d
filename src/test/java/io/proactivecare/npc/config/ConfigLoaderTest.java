package io.proactivecare.npc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Precedence (defaults < file < flags), refusals naming the key, and the configuration hash. */
class ConfigLoaderTest {
  private static final Path HOME = io.proactivecare.npc.testing.Npc.HOME;

  @TempDir Path tmp;

  private Path file(String name, String yaml) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  private static ConfigLoader.Loaded flags(Map<String, String> overrides) {
    return ConfigLoader.load(Optional.empty(), overrides);
  }

  /** Loading must fail with exit code 2 and a message naming every fragment given. */
  private static NpcException refused(Runnable load, String... mentions) {
    NpcException e = assertThrows(NpcException.class, load::run);
    assertEquals(ExitCode.USAGE, e.exitCode(), e.getMessage());
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), () -> "expected '" + m + "' in: " + e.getMessage());
    }
    assertTrue(e.getMessage().lines().count() == 1, () -> "one line expected: " + e.getMessage());
    return e;
  }

  @Test
  void defaultsOnly() {
    NpcConfig c = flags(Map.of()).config();
    // Relative paths in the configuration are inside the installation.
    assertEquals(HOME.resolve("warehouse"), c.warehouse());
    assertEquals(HOME.resolve("sample-data"), c.extract());
    assertEquals(HOME.resolve("conf/sources"), c.mappings());
    assertEquals(
        new SparkSettings("local[*]", 8, SparkSettings.AUTO, 8L * 1024 * 1024, Map.of()),
        c.spark());
    assertEquals(new QualitySettings(0.05, Map.of(), java.util.Set.of()), c.quality());
    assertEquals(
        new IngestSettings(true, true, LocalDate.of(1900, 1, 1), 3, List.of(), 2, "auto"),
        c.ingest());
    assertEquals(java.time.MonthDay.of(7, 1), c.population().assumedBirthday());
    assertEquals(new FrailtySettings.Polypharmacy("substance", 5, 365), c.frailty().polypharmacy());
    assertEquals(
        HOME.resolve("conf/codelists/efi_snomed.csv"), c.frailty().codelists().get("SNOMED"));
    assertEquals(3, c.frailty().codelists().size());
    assertEquals(18, c.frailty().minAge());
    assertEquals(65, c.frailty().validatedMinAge());
    assertEquals(95, c.frailty().validatedMaxAge());
    assertEquals(16, c.frailty().trajectoryQuarters());
    assertEquals(
        new HfrsSettings(HOME.resolve("conf/codelists/hfrs_icd10.csv"), 730, true), c.hfrs());
  }

  @Test
  void frailtyKeysAreCheckedAndNamed() {
    refused(
        () -> flags(Map.of("frailty.polypharmacy.count_by", "chapters")),
        "frailty.polypharmacy.count_by",
        "substance or medicine_code");
    refused(
        () -> flags(Map.of("frailty.polypharmacy.min_medicines", "0")),
        "frailty.polypharmacy.min_medicines");
    refused(() -> flags(Map.of("frailty.codelists.ICD10", "x.csv")), "frailty.codelists.ICD10");
    refused(() -> flags(Map.of("frailty.validated_ages", "[95, 65]")), "frailty.validated_ages");
    refused(() -> flags(Map.of("population.assumed_birthday", "13-01")), "assumed_birthday");
    refused(() -> flags(Map.of("hfrs.lookback_days", "0")), "hfrs.lookback_days");
    assertEquals(
        "medicine_code",
        flags(Map.of("frailty.polypharmacy.count_by", "medicine_code"))
            .config()
            .frailty()
            .polypharmacy()
            .countBy());
    assertEquals(
        java.time.MonthDay.of(1, 1),
        flags(Map.of("population.assumed_birthday", "01-01"))
            .config()
            .population()
            .assumedBirthday());
  }

  @Test
  void codeGenerationIsOneOfThreeModesAndItsSizeIsInMegabytes() {
    refused(
        () -> flags(Map.of("spark.code_generation", "sometimes")),
        "spark.code_generation",
        "auto or always or never");
    refused(
        () -> flags(Map.of("spark.code_generation_above_mb", "-1")),
        "spark.code_generation_above_mb");
    SparkSettings s =
        flags(Map.of("spark.code_generation", "never", "spark.code_generation_above_mb", "3"))
            .config()
            .spark();
    assertEquals(SparkSettings.NEVER, s.codeGeneration());
    assertEquals(3L * 1024 * 1024, s.codeGenerationAboveBytes());
  }

  @Test
  void aFilesRelativePathsAreTakenFromItsFolderWhereverNpcStarts() throws IOException {
    Path site = Files.createDirectories(tmp.resolve("etc/npc"));
    Path f =
        Files.writeString(
            site.resolve("site.yaml"),
            "warehouse: wh\nextract: ../../landing/latest\npublish: /abs/publish\n"
                + "frailty:\n  codelists:\n    SNOMED: lists/snomed.csv\n");
    NpcConfig c = ConfigLoader.load(Optional.of(f), Map.of()).config();
    assertEquals(site.resolve("wh"), c.warehouse());
    assertEquals(tmp.resolve("landing/latest"), c.extract());
    assertEquals(Path.of("/abs/publish"), c.publish());
    assertEquals(site.resolve("lists/snomed.csv"), c.frailty().codelists().get("SNOMED"));
    // What the file leaves out keeps the defaults' places, in the installation.
    assertEquals(HOME.resolve("conf/sources"), c.mappings());
    assertEquals(HOME.resolve("conf/codelists/efi_ctv3.csv"), c.frailty().codelists().get("CTV3"));
  }

  @Test
  void fileOverridesDefaultsKeyByKey() throws IOException {
    Path f =
        file("npc.yaml", "quality:\n  max_quarantine_share: 0.2\nspark:\n  master: local[1]\n");
    NpcConfig c = ConfigLoader.load(Optional.of(f), Map.of()).config();
    assertEquals(0.2, c.quality().maxQuarantineShare());
    assertEquals("local[1]", c.spark().master());
    // Keys the file leaves out keep their defaults, also inside a mapping it does set.
    assertEquals(8, c.spark().shufflePartitions());
    assertEquals(HOME.resolve("warehouse"), c.warehouse());
  }

  @Test
  void flagsOverrideTheFile() throws IOException {
    Path f =
        file(
            "npc.yaml",
            "warehouse: from-file\nquality:\n  max_quarantine_share: 0.2\n  per_table:\n    gp_events: 0.3\n");
    NpcConfig c =
        ConfigLoader.load(
                Optional.of(f),
                Map.of("quality.max_quarantine_share", "0.4", "warehouse", "from-flag"))
            .config();
    assertEquals(0.4, c.quality().maxQuarantineShare());
    // A path typed as a flag is taken from the current folder.
    assertEquals(Path.of("from-flag").toAbsolutePath(), c.warehouse());
    assertEquals(0.3, c.quality().limitFor("gp_events"));
    assertEquals(0.4, c.quality().limitFor("apc_spells"));
  }

  @Test
  void unknownNestedKeyInAFileNamesTheDottedKeyAndTheFile() throws IOException {
    Path f = file("npc.yaml", "spark:\n  shuffle_partitons: 4\n");
    refused(
        () -> ConfigLoader.load(Optional.of(f), Map.of()),
        f.toString(),
        "spark.shuffle_partitons",
        "unknown key",
        "shuffle_partitions");
  }

  @Test
  void unknownKeyInAFlagIsNamed() {
    refused(
        () -> flags(Map.of("ingest.check_everything", "true")),
        "command-line flags",
        "ingest.check_everything");
    refused(() -> flags(Map.of("foo.bar", "1")), "command-line flags", "foo", "unknown key");
  }

  @Test
  void everyLevelOfTheDefaultsIsCheckedButTheOpenMappings() throws IOException {
    // Three levels down, and a mapping whose keys are fixed (the coding systems).
    refused(
        () -> flags(Map.of("risk.trees.depth", "3")),
        "risk.trees.depth",
        "unknown key",
        "max_depth");
    refused(
        () -> flags(Map.of("monitoring.psi.level", "0.1")),
        "monitoring.psi.level",
        "action, limit");
    Path icd = file("icd.yaml", "frailty:\n  codelists:\n    ICD10: x.csv\n");
    refused(
        () -> ConfigLoader.load(Optional.of(icd), Map.of()),
        "frailty.codelists.ICD10",
        "CTV3, READ2, SNOMED");
    // Below spark.settings, quality.per_table and features.cost_frequencies any name is a key.
    Path open =
        file(
            "open.yaml",
            "spark:\n  settings:\n    spark.driver.maxResultSize: 2g\n"
                + "quality:\n  per_table:\n    gp_events: 0.3\n"
                + "features:\n  cost_frequencies:\n    Daily: 7\n");
    NpcConfig c = ConfigLoader.load(Optional.of(open), Map.of()).config();
    assertEquals("2g", c.spark().settings().get("spark.driver.maxResultSize"));
    assertEquals(0.3, c.quality().limitFor("gp_events"));
    assertEquals(7.0, c.features().costFrequencies().get("Daily"));
  }

  @Test
  void badTypesNameTheKey() throws IOException {
    refused(
        () -> flags(Map.of("quality.max_quarantine_share", "lots")),
        "quality.max_quarantine_share",
        "'lots'");
    refused(
        () -> flags(Map.of("quality.max_quarantine_share", "2")),
        "quality.max_quarantine_share",
        "from 0.0 to 1.0");
    refused(
        () -> flags(Map.of("spark.shuffle_partitions", "1.5")),
        "spark.shuffle_partitions",
        "'1.5'",
        "whole number");
    refused(
        () -> flags(Map.of("ingest.check_person_references", "sometimes")),
        "ingest.check_person_references",
        "true or false");
    refused(
        () -> flags(Map.of("ingest.earliest_date", "2025-02-30")),
        "ingest.earliest_date",
        "yyyy-MM-dd");
    Path f = file("npc.yaml", "ingest:\n  earliest_date: 31/12/1900\n");
    refused(
        () -> ConfigLoader.load(Optional.of(f), Map.of()),
        f.toString(),
        "ingest.earliest_date",
        "'31/12/1900'");
  }

  @Test
  void theMaturedScoresAgeBoundIsAtLeastTheHorizon() {
    assertEquals(395, flags(Map.of()).config().monitoring().maturedMaxAgeDays());
    refused(
        () -> flags(Map.of("monitoring.matured_max_age_days", "300")),
        "monitoring.matured_max_age_days",
        "below risk.horizon_days (365)");
    assertEquals(
        300,
        flags(Map.of("monitoring.matured_max_age_days", "300", "risk.horizon_days", "180"))
            .config()
            .monitoring()
            .maturedMaxAgeDays());
  }

  @Test
  void aMappingWhereAValueBelongsIsRefused() {
    refused(() -> flags(Map.of("spark", "fast")), "spark", "'fast'");
  }

  @Test
  void perTableLimitForAnUnknownTableIsRefused() throws IOException {
    Path f = file("npc.yaml", "quality:\n  per_table:\n    unknown_table: 0.5\n");
    refused(
        () -> ConfigLoader.load(Optional.of(f), Map.of()),
        f.toString(),
        "quality.per_table.unknown_table",
        "unknown table",
        "gp_events");
    refused(
        () -> flags(Map.of("quality.per_table.gp_events", "1.5")), "quality.per_table.gp_events");
  }

  @Test
  void sparkSettingsMustBeSparkKeys() throws IOException {
    Path f = file("npc.yaml", "spark:\n  settings:\n    driver.memory: 2g\n");
    refused(
        () -> ConfigLoader.load(Optional.of(f), Map.of()),
        f.toString(),
        "spark.settings.driver.memory",
        "spark.");
  }

  @Test
  void sparkSettingsFromAFileKeepTheirDottedNames() throws IOException {
    Path f = file("npc.yaml", "spark:\n  settings:\n    spark.driver.maxResultSize: 2g\n");
    assertEquals(
        Map.of("spark.driver.maxResultSize", "2g"),
        ConfigLoader.load(Optional.of(f), Map.of()).config().spark().settings());
  }

  @Test
  void sparkSettingsCanBeSetWithAFlag() {
    // --set spark.settings.spark.sql.adaptive.enabled=false: the key below spark.settings is
    // Spark's own
    // dotted name, not a path of nested keys.
    NpcConfig c =
        flags(
                Map.of(
                    "spark.settings.spark.sql.adaptive.enabled",
                    "false",
                    "spark.settings.spark.driver.maxResultSize",
                    "2g"))
            .config();
    assertEquals(
        Map.of("spark.sql.adaptive.enabled", "false", "spark.driver.maxResultSize", "2g"),
        c.spark().settings());
  }

  @Test
  void shippedConfigFileIsExactlyTheBuiltInDefaults() {
    ConfigLoader.Loaded builtIn = flags(Map.of());
    ConfigLoader.Loaded shipped =
        ConfigLoader.load(Optional.of(HOME.resolve("conf/npc.yaml")), Map.of());
    NpcConfig s = shipped.config();
    assertEquals(Optional.of(HOME.resolve("conf/npc.yaml")), s.file(), "names the file read");
    assertEquals(
        builtIn.config(),
        new NpcConfig(
            s.warehouse(),
            s.extract(),
            s.mappings(),
            s.spark(),
            s.quality(),
            s.ingest(),
            s.population(),
            s.frailty(),
            s.hfrs(),
            s.features(),
            s.risk(),
            s.publish(),
            s.costs(),
            s.cohort(),
            s.evaluation(),
            s.monitoring(),
            Optional.empty()),
        "the same settings");
    assertEquals(builtIn.effective(), shipped.effective());
    assertEquals(builtIn.hash(), shipped.hash());
  }

  @Test
  void hashIsStableAcrossKeyOrderAndChangesWithValues() throws IOException {
    Path a =
        file(
            "a.yaml",
            "warehouse: /w\nspark:\n  master: local[1]\n  shuffle_partitions: 4\n"
                + "quality:\n  per_table:\n    gp_events: 0.1\n    apc_spells: 0.2\n");
    Path b =
        file(
            "b.yaml",
            "quality:\n  per_table:\n    apc_spells: 0.2\n    gp_events: 0.1\n"
                + "spark:\n  shuffle_partitions: 4\n  master: local[1]\nwarehouse: /w\n");
    String hashA = ConfigLoader.load(Optional.of(a), Map.of()).hash();
    assertEquals(hashA, ConfigLoader.load(Optional.of(b), Map.of()).hash());
    assertTrue(hashA.matches("[0-9a-f]{64}"), hashA);
    // The same values given as flags give the same effective configuration, so the same hash.
    assertEquals(
        hashA,
        flags(
                Map.of(
                    "quality.per_table.apc_spells",
                    "0.2",
                    "spark.master",
                    "local[1]",
                    "warehouse",
                    "/w",
                    "spark.shuffle_partitions",
                    "4",
                    "quality.per_table.gp_events",
                    "0.1"))
            .hash());
    assertNotEquals(
        hashA, ConfigLoader.load(Optional.of(a), Map.of("spark.shuffle_partitions", "5")).hash());
  }

  @Test
  void unreadableYamlNamesTheFile() throws IOException {
    Path f = file("npc.yaml", "quality: [unclosed\n");
    refused(() -> ConfigLoader.load(Optional.of(f), Map.of()), f.toString(), "not valid YAML");
    refused(
        () -> ConfigLoader.load(Optional.of(tmp.resolve("absent.yaml")), Map.of()),
        "absent.yaml",
        "no such file");
  }
}

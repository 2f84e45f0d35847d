package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.FrailtySettings;
import io.proactivecare.npc.config.NpcException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped codelists load as documented, and a user's own codelist is refused on load, in one
 * line naming file, line and column, for each problem docs/frailty.md lists.
 */
class EfiDefinitionTest {
  private static final FrailtySettings DEFAULTS =
      ConfigLoader.load(Optional.empty(), Map.of()).config().frailty();

  private static final String RULES_HEADER =
      "deficit,measure,code_system,code,comparator,low,high,sex\n";

  @TempDir Path tmp;

  @Test
  void shippedCodelistsLoad() {
    EfiDefinition d = EfiDefinition.load(DEFAULTS);
    assertEquals(36, d.deficits().size());
    // Read in number order (the features' 36 flag columns follow it, so it must not change from
    // one run to the next).
    assertEquals(
        java.util.stream.IntStream.rangeClosed(1, 36).boxed().toList(),
        List.copyOf(d.deficits().keySet()));
    assertEquals(26, d.polypharmacy());
    assertEquals("Polypharmacy", d.name(26));
    Map<String, Long> bySystem =
        d.codes().stream()
            .collect(Collectors.groupingBy(EfiDefinition.Code::system, Collectors.counting()));
    // conf/codelists/SOURCES.md: 2,089 SNOMED rows; 2,143 - 48 = 2,095 CTV3; 1,547 - 2 = 1,545
    // Read.
    assertEquals(Map.of("SNOMED", 2089L, "CTV3", 2095L, "READ2", 1545L), bySystem);
    // 90 Read/CTV3 rules (65, of which 25 split in two) + 57 SNOMED rules.
    assertEquals(147, d.valueRules().size());
    assertTrue(
        d.valueRules().stream()
            .anyMatch(r -> r.system().equals("SNOMED") && r.code().equals("1011481000000105")),
        "eGFR (SNOMED) is a value rule");
  }

  @Test
  void shippedHfrsCodelistLoads() {
    HfrsCodelist h =
        HfrsCodelist.load(ConfigLoader.load(Optional.empty(), Map.of()).config().hfrs().codelist());
    assertEquals(109, h.tenths().size());
    // Gilbert et al.: the 109 codes' points add up to 173.2.
    assertEquals(1732, h.tenths().values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(71, h.tenths().get("F00"));
  }

  @Test
  void valueRulesCompareWithExclusiveBounds() {
    EfiDefinition.ValueRule below =
        new EfiDefinition.ValueRule(6, "eGFR", "SNOMED", "1", "between", 0.0, 60.0, "any");
    assertTrue(below.matches(59.9, "F"));
    assertFalse(below.matches(60.0, "F"));
    assertFalse(below.matches(0.0, "F"));
    EfiDefinition.ValueRule hbMale =
        new EfiDefinition.ValueRule(2, "Hb", "SNOMED", "1", "between", 25.0, 130.0, "M");
    assertTrue(hbMale.matches(120, "M"));
    assertFalse(hbMale.matches(120, "F"));
    EfiDefinition.ValueRule above =
        new EfiDefinition.ValueRule(32, "TSH", "SNOMED", "1", ">", 5.5, null, "any");
    assertTrue(above.matches(5.51, "M"));
    assertFalse(above.matches(5.5, "M"));
  }

  private FrailtySettings with(String deficits, String snomed, String rules) throws IOException {
    Path d = tmp.resolve("deficits.csv");
    Path s = tmp.resolve("snomed.csv");
    Path r = tmp.resolve("rules.csv");
    Files.writeString(d, deficits);
    Files.writeString(s, snomed);
    Files.writeString(r, rules);
    return settings(d, Map.of("SNOMED", s), r);
  }

  private static FrailtySettings settings(Path deficits, Map<String, Path> lists, Path rules) {
    return new FrailtySettings(
        deficits,
        lists,
        rules,
        DEFAULTS.polypharmacy(),
        DEFAULTS.minAge(),
        DEFAULTS.validatedMinAge(),
        DEFAULTS.validatedMaxAge(),
        DEFAULTS.trajectoryQuarters());
  }

  private static String deficits36() {
    StringBuilder b = new StringBuilder("deficit_no,deficit\n");
    for (int i = 1; i <= 36; i++) {
      b.append(i).append(',').append(i == 26 ? "Polypharmacy" : "Deficit " + i).append('\n');
    }
    return b.toString();
  }

  private static void refused(FrailtySettings s, String... mentions) {
    NpcException e = assertThrows(NpcException.class, () -> EfiDefinition.load(s));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), () -> "expected '" + m + "' in: " + e.getMessage());
    }
  }

  @Test
  void aUsersOwnCodelistLoads() throws IOException {
    EfiDefinition d =
        EfiDefinition.load(
            with(
                deficits36(),
                "deficit,code,term\n"
                    + "Deficit 1,123456,\"a term, with a comma\"\n"
                    + "Deficit 2,123456,same code\n",
                RULES_HEADER + "Deficit 6,eGFR,SNOMED,1011481000000105,between,0,60,any\n"));
    // One code under two deficits is allowed: it counts for both.
    assertEquals(List.of(1, 2), d.codes().stream().map(EfiDefinition.Code::deficit).toList());
    assertEquals(1, d.valueRules().size());
  }

  @Test
  void unknownDeficitIsRefused() throws IOException {
    refused(
        with(deficits36(), "deficit,code\nFalls2,123456\n", RULES_HEADER),
        "snomed.csv",
        "line 2",
        "column deficit",
        "unknown deficit 'Falls2'");
  }

  @Test
  void duplicateRowIsRefused() throws IOException {
    refused(
        with(deficits36(), "deficit,code\nDeficit 1,123456\nDeficit 1,123456\n", RULES_HEADER),
        "line 3",
        "repeats line 2");
  }

  @Test
  void malformedCodeIsRefused() throws IOException {
    refused(
        with(deficits36(), "deficit,code\nDeficit 1,0123456\n", RULES_HEADER),
        "line 2",
        "column code",
        "'0123456' is not a SNOMED code");
    refused(with(deficits36(), "deficit,code\nDeficit 1,12a456\n", RULES_HEADER), "line 2");
  }

  @Test
  void codesForPolypharmacyAreRefused() throws IOException {
    refused(
        with(deficits36(), "deficit,code\nPolypharmacy,123456\n", RULES_HEADER),
        "Polypharmacy has no codes");
  }

  @Test
  void deficitsFileMustHold36WithPolypharmacy() throws IOException {
    refused(
        with("deficit_no,deficit\n1,Falls\n", "deficit,code\n", RULES_HEADER),
        "lists 1 deficits",
        "36");
    refused(
        with(deficits36().replace("Polypharmacy", "Medicines"), "deficit,code\n", RULES_HEADER),
        "no deficit is named 'Polypharmacy'");
    refused(
        with(deficits36().replace("2,Deficit 2", "1,Deficit 2"), "deficit,code\n", RULES_HEADER),
        "line 3",
        "deficit_no");
  }

  @Test
  void badValueRulesAreRefused() throws IOException {
    String egfr = "Deficit 6,eGFR,SNOMED,1011481000000105,";
    refused(
        with(deficits36(), "deficit,code\n", RULES_HEADER + egfr + "<=,,60,any\n"),
        "rules.csv",
        "column comparator",
        "'<=' is not a comparator");
    refused(
        with(deficits36(), "deficit,code\n", RULES_HEADER + egfr + "between,60,,any\n"),
        "comparator between needs low and high");
    refused(
        with(deficits36(), "deficit,code\n", RULES_HEADER + egfr + ">,sixty,,any\n"),
        "column low",
        "'sixty' is not a number");
    refused(
        with(deficits36(), "deficit,code\n", RULES_HEADER + "Deficit 6,x,ICD10,N18,>,1,,any\n"),
        "column code_system");
    refused(
        with(deficits36(), "deficit,code\n", RULES_HEADER + egfr + "<,,60,male\n"), "column sex");
  }

  @Test
  void brokenCsvIsRefused() throws IOException {
    refused(
        with(deficits36(), "deficit,code\nDeficit 1,123456,extra\n", RULES_HEADER),
        "line 2",
        "has 3 fields but the header has 2");
    refused(
        with(deficits36(), "deficit,code\nDeficit 1,\"123456\n", RULES_HEADER),
        "line 2",
        "never closed");
    refused(
        with(deficits36(), "deficit,cod\nDeficit 1,123456\n", RULES_HEADER), "no column 'code'");
    refused(
        settings(tmp.resolve("missing.csv"), Map.of(), tmp.resolve("r.csv")),
        "missing.csv",
        "frailty.deficits");
  }

  @Test
  void badHfrsCodelistIsRefused() throws IOException {
    Path f = tmp.resolve("hfrs.csv");
    Files.writeString(f, "icd10_code,points\nF00,7.1\nF001,1\n");
    NpcException e = assertThrows(NpcException.class, () -> HfrsCodelist.load(f));
    assertTrue(e.getMessage().contains("line 3, column icd10_code"), e.getMessage());
    Files.writeString(f, "icd10_code,points\nF00,7.15\n");
    e = assertThrows(NpcException.class, () -> HfrsCodelist.load(f));
    assertTrue(e.getMessage().contains("column points"), e.getMessage());
    Files.writeString(f, "icd10_code,points\nF00,7.1\nF00,7.1\n");
    e = assertThrows(NpcException.class, () -> HfrsCodelist.load(f));
    assertTrue(e.getMessage().contains("F00 is listed twice"), e.getMessage());
  }
}

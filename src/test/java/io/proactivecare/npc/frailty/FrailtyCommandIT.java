package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.testing.TestExtract;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc frailty} as a user runs it, on a three-person extract: refusals (nothing ingested, an
 * as-of date after the extract, a bad codelist, a bad --quarters) exit 2 with one line and publish
 * nothing; runs at two dates keep both versions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrailtyCommandIT {
  @TempDir static Path tmp;
  private Path warehouse;

  @BeforeAll
  void ingest() {
    Path extract =
        TestExtract.in(tmp.resolve("extract"))
            .date("2025-03-31")
            .csv(
                "practice_pcn",
                "practice_code,practice_name,pcn_code,pcn_name,valid_from,valid_to",
                "B86001,One,U12345,North,2019-07-01,")
            .csv(
                "gp_registrations",
                "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death",
                // P1 is 74 on 2025-03-31 (2025 - 1950 - 1: birthday taken as 1 July); P2 is 17.
                "P1,B86001,1950,F,E01024001,A,2010-01-01,,",
                "P2,B86001,2007,M,E01024001,A,2010-01-01,,",
                "P3,B86001,1940,M,E01024001,A,2010-01-01,2024-06-30,")
            .csv(
                "gp_events",
                "person_id,event_date,code,code_system,value,unit",
                // Falls (SNOMED 217082002 "Accidental fall") on 2024-11-01 for P1.
                "P1,2024-11-01,217082002,SNOMED,,")
            .csv("gp_medications", "person_id,issue_date,medicine_code,bnf_code")
            .csv(
                "apc_spells",
                "spell_id,person_id,admission_date,discharge_date,admission_method,patient_classification,discharge_method,discharge_destination,provider_code,diagnoses",
                "S1,P1,2024-10-01,2024-10-05,21,1,1,19,RR8,W19X;F050")
            .write();
    warehouse = tmp.resolve("warehouse");
    // No one here has a medicine issued: an empty table must be allowed (quality.allow_empty).
    Npc.Result r =
        Npc.run(
            warehouse,
            "ingest",
            "--extract",
            extract.toString(),
            "--set",
            "quality.allow_empty=[gp_medications]");
    assertEquals(0, r.exitCode(), () -> r.err() + r.out());
  }

  private long catalogVersion() {
    return new Warehouse(warehouse).catalog().version();
  }

  private static void refusedInOneLine(Npc.Result r, String... mentions) {
    assertEquals(2, r.exitCode(), () -> r.err() + r.out());
    List<String> lines = r.errorLines();
    assertEquals(1, lines.size(), () -> String.join("\n", lines));
    for (String m : mentions) {
      assertTrue(lines.get(0).contains(m), () -> "expected '" + m + "' in: " + lines.get(0));
    }
  }

  @Test
  void anEmptyWarehouseIsRefused() {
    refusedInOneLine(
        Npc.run(tmp.resolve("empty"), "frailty"), "no published extract", "run an ingest first");
    refusedInOneLine(
        Npc.run(tmp.resolve("empty"), "frailty", "--as-of", "2025-03-31"),
        "no 'conformed/gp_registrations'",
        "npc ingest");
  }

  @Test
  void anAsOfDateAfterTheExtractIsRefused() {
    long before = catalogVersion();
    refusedInOneLine(
        Npc.run(warehouse, "frailty", "--as-of", "2025-04-01"),
        "2025-04-01",
        "after the extract date 2025-03-31");
    assertEquals(before, catalogVersion());
  }

  @Test
  void aBadCodelistIsRefusedAndPublishesNothing() throws IOException {
    Path bad = tmp.resolve("bad_snomed.csv");
    Files.writeString(bad, "deficit,code\nFalls,217082002\nFals,12345678\n");
    long before = catalogVersion();
    refusedInOneLine(
        Npc.run(warehouse, "frailty", "--set", "frailty.codelists.SNOMED=" + bad),
        "bad_snomed.csv: line 3, column deficit",
        "unknown deficit 'Fals'");
    assertEquals(before, catalogVersion());
  }

  @Test
  void quartersOutOfRangeIsRefused() {
    refusedInOneLine(Npc.run(warehouse, "frailty", "--quarters", "1"), "--quarters 1");
  }

  @Test
  void runsAtTwoDatesKeepBothVersions() {
    Npc.Result now = Npc.run(warehouse, "frailty", "--trajectory", "--quarters", "4");
    assertEquals(0, now.exitCode(), () -> now.err() + now.out());
    // P1 is the only person aged 65+: 1 deficit (falls) -> fit.
    assertTrue(
        now.out().contains("eFI categories, ages 65+ (1 people): fit 1 (100.0%)"), now.out());
    Npc.Result earlier = Npc.run(warehouse, "frailty", "--as-of", "2024-10-31");
    assertEquals(0, earlier.exitCode(), () -> earlier.err() + earlier.out());

    Catalog catalog = new Warehouse(warehouse).catalog();
    assertEquals(
        Set.of("2024-10-31", "2025-03-31"),
        catalog.entry(FrailtyStep.EFI).orElseThrow().versions().keySet());
    assertEquals(
        Set.of("2025-03-31"),
        catalog.entry(FrailtyStep.TRAJECTORY).orElseThrow().versions().keySet());

    // P1 at 2025-03-31: falls recorded 2024-11-01, so 1/36; P2 (17) is under 18; P3 left.
    List<Row> efi = read(catalog, FrailtyStep.EFI, "2025-03-31");
    assertEquals(1, efi.size());
    Row p1 = efi.get(0);
    assertEquals("P1", p1.getAs(Cols.PERSON_ID));
    assertEquals("U12345", p1.getAs(Cols.PCN_CODE));
    assertEquals(74, (int) p1.getAs(Cols.AGE));
    assertEquals(1, (int) p1.getAs(Cols.DEFICIT_COUNT));
    assertEquals(1 / 36.0, (double) p1.getAs(Cols.EFI_SCORE), 1e-12);
    // Before the fall was recorded: nothing.
    assertEquals(
        0, (int) read(catalog, FrailtyStep.EFI, "2024-10-31").get(0).getAs(Cols.DEFICIT_COUNT));
    // HFRS: W19 3.2 + F05 3.2 = 6.4 -> intermediate (5 to 15).
    Row hfrs = read(catalog, FrailtyStep.HFRS, "2025-03-31").get(0);
    assertEquals(6.4, (double) hfrs.getAs(Cols.HFRS_SCORE), 1e-9);
    assertEquals("intermediate", hfrs.getAs(Cols.HFRS_BAND));
    // Trajectory: 4 quarter ends 2024-06-30 .. 2025-03-31; P1 at each, P3 only on 2024-06-30 (the
    // last day of the registration counts), P2 never (under 18): 4 + 1 rows.
    assertEquals(5, read(catalog, FrailtyStep.TRAJECTORY, "2025-03-31").size());
  }

  private List<Row> read(Catalog catalog, String output, String key) {
    String path = catalog.entry(output).orElseThrow().versions().get(key).path();
    return SparkTestSession.get()
        .read()
        .parquet(warehouse.resolve(path).toString())
        .orderBy(Cols.PERSON_ID)
        .collectAsList();
  }
}

package io.proactivecare.npc.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warehouse's books without Spark: run folders, manifests, catalog versions. */
class WarehouseTest {
  @TempDir Path tmp;

  private static RunManifest manifest(String runId, String startedAt) {
    return new RunManifest(
        runId,
        "ingest",
        "(command)",
        RunManifest.SUCCEEDED,
        new RunManifest.Host("h", 1),
        "2025-03-31",
        "test",
        "hash",
        startedAt,
        startedAt,
        0,
        0,
        "",
        List.of(),
        List.of(),
        0,
        List.of(),
        "");
  }

  @Test
  void runsStartedInTheSameSecondAreOrderedByStartTime() {
    Warehouse w = new Warehouse(tmp);
    // Run ids share the second; their random suffixes sort the other way round from their start
    // times.
    w.writeManifest(manifest("20250331T120000Z-ingest-ffff", "2025-03-31T12:00:00.100Z"));
    w.writeManifest(manifest("20250331T120000Z-ingest-0000", "2025-03-31T12:00:00.900Z"));
    w.writeManifest(manifest("20250331T115959Z-ingest-8888", "2025-03-31T11:59:59.999Z"));
    assertEquals(
        List.of(
            "20250331T115959Z-ingest-8888",
            "20250331T120000Z-ingest-ffff",
            "20250331T120000Z-ingest-0000"),
        w.runs().stream().map(RunManifest::runId).toList());
  }

  @Test
  void newRunsGetTheirOwnFolders() {
    Warehouse w = new Warehouse(tmp);
    Instant now = Instant.parse("2025-03-31T12:00:00.5Z");
    String a = w.newRun("nightly job", now);
    String b = w.newRun("nightly job", now);
    assertNotEquals(a, b);
    assertTrue(a.matches("20250331T120000Z-nightly_job-[0-9a-f]{4}"), a);
    assertTrue(Files.isDirectory(w.runDir(a)) && Files.isDirectory(w.runDir(b)));
    assertEquals(List.of(), w.runs(), "folders without a manifest are not runs");
  }

  @Test
  void publishingAddsVersionsAndReplacesOnlyTheSameKey() {
    Warehouse w = new Warehouse(tmp);
    assertEquals(Catalog.empty(), w.catalog());
    Instant now = Instant.parse("2025-03-31T12:00:00Z");
    assertEquals(
        1,
        w.publish(
            "r1",
            List.of(
                new RunManifest.Output(
                    "t", Sensitivity.PATIENT_LEVEL, "2025-03-31", "runs/r1/tables/t", 5, "")),
            now));
    assertEquals(
        2,
        w.publish(
            "r2",
            List.of(
                new RunManifest.Output(
                    "t", Sensitivity.PATIENT_LEVEL, "2025-04-30", "runs/r2/tables/t", 6, "")),
            now));
    assertEquals(
        3,
        w.publish(
            "r3",
            List.of(
                new RunManifest.Output(
                    "t", Sensitivity.PATIENT_LEVEL, "2025-03-31", "runs/r3/tables/t", 7, "")),
            now));
    Catalog c = w.catalog();
    assertEquals(3, c.version());
    assertEquals("r3", c.runId());
    assertEquals(
        Map.of(
            "2025-03-31",
            new Catalog.TableVersion("r3", "runs/r3/tables/t", 7),
            "2025-04-30",
            new Catalog.TableVersion("r2", "runs/r2/tables/t", 6)),
        c.entry("t").orElseThrow().versions());
    assertEquals("runs/r2/tables/t", c.latest("t").orElseThrow().path());
    // Earlier versions stay readable.
    assertEquals(
        Map.of("2025-03-31", new Catalog.TableVersion("r1", "runs/r1/tables/t", 5)),
        w.catalogVersion(1).orElseThrow().entry("t").orElseThrow().versions());
  }

  @Test
  void theCatalogSaysWhichVersionARunPublished() {
    Warehouse w = new Warehouse(tmp);
    Instant now = Instant.parse("2025-03-31T12:00:00Z");
    w.publish("a", List.of(), now);
    w.publish("b", List.of(), now);
    w.publish("c", List.of(), now);
    assertEquals(java.util.Optional.of(2L), w.publishedVersion("b", 0));
    assertEquals(java.util.Optional.of(2L), w.publishedVersion("b", 1));
    // Only versions after the one given are looked at.
    assertEquals(java.util.Optional.empty(), w.publishedVersion("b", 2));
    assertEquals(java.util.Optional.empty(), w.publishedVersion("never", 0));
  }
}

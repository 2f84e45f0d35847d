package io.proactivecare.npc.jobs;

import static io.proactivecare.npc.testing.TestSteps.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.io.ContentChecksum;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.testing.TestExtract;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Json;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs, manifests and publishing, end to end on small extracts. One warehouse ({@link #shared})
 * gets three ingests up front: the same extract twice, then again under a later extract date; the
 * tests of idempotence, catalog keys, manifests and {@code npc runs} read it. Failure tests use
 * their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobRunnerIT {
  private static final String DATE = "2025-03-31";
  private static final String LATER = "2025-04-30";
  private static final List<String> CONFORMED = List.of("gp_registrations", "gp_events");

  @TempDir static Path tmp;

  private Path shared;
  private Path extract;
  private final String[] runIds = new String[3];

  private static final String REG_HEADER =
      "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death";

  /** Registrations of persons P1..Pn (no practice reference: fewer tables, faster runs). */
  private static TestExtract registrations(Path dir, int persons) {
    String[] rows = new String[persons];
    for (int i = 1; i <= persons; i++) {
      rows[i - 1] = "P" + i + ",B86001,1950,F,E01024001,A,2010-01-01,,";
    }
    return TestExtract.in(dir).date(DATE).csv("gp_registrations", REG_HEADER, rows);
  }

  /** Two persons and two events, of which one is after the extract date (quarantined). */
  private static Path extract(Path dir) {
    return registrations(dir, 2)
        .csv(
            "gp_events",
            "person_id,event_date,code,code_system,value,unit",
            "P1,2024-05-01,73211009,SNOMED,,",
            "P2,2026-01-01,73211009,SNOMED,,")
        .write();
  }

  private static Npc.Result ingest(Path warehouse, Path extract, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "ingest",
                "--extract",
                extract.toString(),
                "--set",
                "quality.max_quarantine_share=1",
                "--set",
                "spark.shuffle_partitions=2"));
    args.addAll(List.of(more));
    Npc.Result r = Npc.run(warehouse, args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), () -> r.err() + r.out());
    return r;
  }

  @BeforeAll
  void threeIngests() {
    shared = tmp.resolve("shared");
    extract = extract(tmp.resolve("extract"));
    Warehouse w = new Warehouse(shared);
    ingest(shared, extract);
    runIds[0] = w.catalog().runId();
    ingest(shared, extract);
    runIds[1] = w.catalog().runId();
    ingest(shared, extract, "--extract-date", LATER);
    runIds[2] = w.catalog().runId();
  }

  private static List<String> sortedRows(Warehouse w, String relativePath) {
    return SparkTestSession.get()
        .read()
        .parquet(w.resolve(relativePath).toString())
        .collectAsList()
        .stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  private static ConfigLoader.Loaded config(Path warehouse, Path extract) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("warehouse", warehouse.toString());
    flags.put("extract", extract.toString());
    flags.put("mappings", Npc.HOME.resolve("conf/sources").toString());
    flags.put("quality.max_quarantine_share", "1");
    flags.put("spark.shuffle_partitions", "2");
    return ConfigLoader.load(Optional.empty(), flags);
  }

  private static JobRunner runner(ConfigLoader.Loaded loaded) {
    return new JobRunner(
        SparkTestSession::get, loaded.config(), loaded.hash(), "test", Clock.systemUTC());
  }

  private JobSpec job(String yaml, StepKind... testKinds) throws IOException {
    Path f = Files.createTempFile(tmp, "job", ".yaml");
    Files.writeString(f, yaml);
    StepRegistry registry = new StepRegistry().register(new IngestStep.Kind());
    for (StepKind k : testKinds) {
      registry.register(k);
    }
    return JobLoader.load(f, registry);
  }

  // (a) A failed run leaves the published state as it was.
  @Test
  void aFailedRunLeavesPreviousOutputsIntact() throws IOException {
    Path wh = tmp.resolve("fail");
    ingest(wh, registrations(tmp.resolve("first"), 2).write());
    Warehouse w = new Warehouse(wh);
    Catalog before = w.catalog();
    assertEquals(1, before.version());
    Map<String, List<String>> rowsBefore = new LinkedHashMap<>();
    before
        .outputs()
        .keySet()
        .forEach(o -> rowsBefore.put(o, sortedRows(w, before.latest(o).orElseThrow().path())));

    // The failing job re-ingests a bigger extract of the same date, then a step writes half an
    // output and throws.
    Step breaks =
        ctx -> {
          SparkTestSession.get()
              .range(5)
              .write()
              .parquet(ctx.outputDir("scratch/partial").toString());
          throw new IllegalStateException("step failed on purpose");
        };
    JobSpec spec =
        job(
            """
        job: failing
        steps:
          load:
            run: ingest
            outputs:
              patient_level: [conformed/*, quarantine]
          breaker:
            run: breaks
            needs: [load]
            outputs:
              patient_level: [scratch/partial]
        """,
            kind("breaks", breaks));
    ConfigLoader.Loaded loaded = config(wh, registrations(tmp.resolve("second"), 3).write());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                runner(loaded)
                    .run(spec, LocalDate.parse(DATE), Optional.empty(), ProgressListener.SILENT));
    assertEquals("step failed on purpose", e.getMessage());

    assertEquals(before, w.catalog(), "catalog unchanged");
    assertEquals(1, w.catalog().version());
    rowsBefore.forEach(
        (o, rows) -> assertEquals(rows, sortedRows(w, before.latest(o).orElseThrow().path()), o));
    assertEquals(2, rowsBefore.get(IngestStep.conformed("gp_registrations")).size());

    RunManifest failed =
        w.runs().stream().filter(m -> m.job().equals("failing")).findFirst().orElseThrow();
    assertEquals(RunManifest.FAILED, failed.status());
    assertEquals(ExitCode.UNEXPECTED.code(), failed.exitCode());
    assertEquals("IllegalStateException: step failed on purpose", failed.error());
    assertEquals(0, failed.catalogVersion());
    assertFalse(failed.finishedAt().isEmpty());
    assertEquals(
        List.of("load:succeeded", "breaker:failed"),
        failed.steps().stream().map(s -> s.name() + ":" + s.status()).toList());
    // The unpublished outputs stay in the failed run's folder for inspection.
    assertTrue(Files.isDirectory(w.outputDir(failed.runId(), "scratch/partial")));
    assertEquals(
        3,
        SparkTestSession.get()
            .read()
            .parquet(
                w.outputDir(failed.runId(), IngestStep.conformed("gp_registrations")).toString())
            .count());

    Npc.Result show = Npc.run(wh, "runs", "show", failed.runId());
    assertEquals(0, show.exitCode(), show.err());
    assertTrue(
        show.out().contains("failed (exit 1): IllegalStateException: step failed on purpose"),
        show.out());
  }

  // (b) Outputs must be declared, and declared outputs produced.
  @Test
  void aStepWritingAnUndeclaredOutputFailsWithUsage() throws IOException {
    Path wh = tmp.resolve("undeclared");
    Step writes =
        ctx -> {
          try {
            Files.createDirectories(ctx.outputDir("scratch/other"));
            Files.writeString(ctx.outputDir("scratch/other").resolve("part-0.txt"), "x");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          ctx.produced("scratch/other", DATE, 1);
        };
    JobSpec spec =
        job(
            """
        job: sloppy
        steps:
          writer:
            run: writes
            outputs:
              aggregate: [scratch/declared]
        """,
            kind("writes", writes));
    NpcException e =
        assertThrows(
            NpcException.class,
            () ->
                runner(config(wh, tmp))
                    .run(spec, LocalDate.parse(DATE), Optional.empty(), ProgressListener.SILENT));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(
        e.getMessage()
            .contains("step 'writer' wrote output 'scratch/other' that the job does not declare"),
        e.getMessage());
    Warehouse w = new Warehouse(wh);
    assertEquals(0, w.catalog().version());
    RunManifest m = w.runs().get(0);
    assertEquals(RunManifest.FAILED, m.status());
    assertEquals(2, m.exitCode());
    assertEquals(e.getMessage(), m.error());
  }

  /** A step that writes one output and one file into a staged folder shared with another step. */
  private static Step staging(String output, String file) {
    return ctx -> {
      try {
        Files.createDirectories(ctx.outputDir(output));
        Files.writeString(ctx.outputDir(output).resolve("part-0.txt"), "x");
        Files.writeString(ctx.stage("aggregate/" + DATE + "/shared").resolve(file), file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ctx.produced(output, DATE, 1);
    };
  }

  // Two steps of the evaluation job fill one aggregate folder; it was delivered twice and the
  // second copy failed ("cannot copy ... .incoming-...").
  @Test
  void twoStepsFillingOneStagedFolderDeliverItOnce() throws IOException {
    Path wh = tmp.resolve("shared-stage");
    Path publish = tmp.resolve("shared-stage-publish");
    JobSpec spec =
        job(
            """
        job: two
        steps:
          first:
            run: first
            outputs:
              aggregate: [scratch/first]
          second:
            run: second
            outputs:
              aggregate: [scratch/second]
        """,
            kind("first", staging("scratch/first", "a.csv")),
            kind("second", staging("scratch/second", "b.csv")));
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("warehouse", wh.toString());
    flags.put("extract", tmp.toString());
    flags.put("publish", publish.toString());
    flags.put("mappings", Npc.HOME.resolve("conf/sources").toString());
    runner(ConfigLoader.load(Optional.empty(), flags))
        .run(spec, LocalDate.parse(DATE), Optional.empty(), ProgressListener.SILENT);
    Path delivered = publish.resolve("aggregate/" + DATE + "/shared");
    assertEquals("a.csv", Files.readString(delivered.resolve("a.csv")));
    assertEquals("b.csv", Files.readString(delivered.resolve("b.csv")));
  }

  @Test
  void aStepNotWritingADeclaredOutputFailsWithUsage() throws IOException {
    JobSpec spec =
        job(
            """
        job: lazy
        steps:
          idle:
            run: idles
            outputs:
              aggregate: [scratch/declared]
        """,
            kind("idles", ctx -> {}));
    NpcException e =
        assertThrows(
            NpcException.class,
            () ->
                runner(config(tmp.resolve("lazy"), tmp))
                    .run(spec, LocalDate.parse(DATE), Optional.empty(), ProgressListener.SILENT));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(
        e.getMessage().contains("declares output 'scratch/declared' but wrote nothing matching it"),
        e.getMessage());
  }

  // (c) Idempotence and version keys.
  @Test
  void ingestingTheSameExtractTwiceGivesIdenticalTables() {
    Warehouse w = new Warehouse(shared);
    Catalog first = w.catalogVersion(1).orElseThrow();
    Catalog second = w.catalogVersion(2).orElseThrow();
    for (String table : CONFORMED) {
      String output = IngestStep.conformed(table);
      String p1 = first.latest(output).orElseThrow().path();
      String p2 = second.latest(output).orElseThrow().path();
      assertNotEquals(p1, p2, "each run writes its own copy");
      List<String> rows = sortedRows(w, p1);
      assertFalse(rows.isEmpty(), output);
      assertEquals(rows, sortedRows(w, p2), output);
    }
    assertEquals(
        sortedRows(w, first.latest("quarantine").orElseThrow().path()),
        sortedRows(w, second.latest("quarantine").orElseThrow().path()));
  }

  @Test
  void catalogKeepsOneVersionPerExtractDate() {
    Warehouse w = new Warehouse(shared);
    Catalog second = w.catalogVersion(2).orElseThrow();
    Catalog third = w.catalog();
    assertEquals(3, third.version());
    for (String output :
        List.of(
            IngestStep.conformed("gp_registrations"),
            IngestStep.conformed("gp_events"),
            "quarantine")) {
      // Re-ingesting the same date replaced the key's version with the newer run.
      Map<String, Catalog.TableVersion> v2 = second.entry(output).orElseThrow().versions();
      assertEquals(Set.of(DATE), v2.keySet(), output);
      assertEquals(runIds[1], v2.get(DATE).runId());
      // A new extract date adds a key and keeps the first.
      Map<String, Catalog.TableVersion> v3 = third.entry(output).orElseThrow().versions();
      assertEquals(Set.of(DATE, LATER), v3.keySet(), output);
      assertEquals(runIds[1], v3.get(DATE).runId());
      assertEquals(runIds[2], v3.get(LATER).runId());
      assertEquals(LATER, third.entry(output).orElseThrow().latestKey().orElseThrow());
    }
    assertEquals(2, third.latest(IngestStep.conformed("gp_registrations")).orElseThrow().rows());
  }

  @Test
  void thePublishedQuarantineHoldsTheRefusedRowWithItsReasonAndLine() {
    // The whole command: the gate raised to 1 lets the half-quarantined table through (exit 0,
    // checked by ingest), and the quarantine is published with the row's reason and its line in
    // the file as the CSV reader numbered it (the header apart).
    Warehouse w = new Warehouse(shared);
    List<Row> rows =
        SparkTestSession.get()
            .read()
            .parquet(
                w.resolve(
                        w.catalogVersion(1).orElseThrow().latest("quarantine").orElseThrow().path())
                    .toString())
            .collectAsList();
    assertEquals(1, rows.size());
    assertEquals("gp_events", rows.get(0).getAs(Cols.TABLE));
    assertEquals("FUTURE_DATE", rows.get(0).getAs(Cols.REASON_CODE));
    assertEquals(2L, (long) rows.get(0).<Long>getAs(Cols.ROW_NUMBER));
  }

  // (d) The manifest.
  @Test
  void manifestRecordsInputsCountsAndReasons() throws Exception {
    Warehouse w = new Warehouse(shared);
    RunManifest m = w.manifest(runIds[0]).orElseThrow();
    assertEquals(RunManifest.SUCCEEDED, m.status());
    assertEquals("ingest", m.job());
    assertEquals(DATE, m.asOf());
    assertEquals(0, m.exitCode());
    assertEquals("", m.error());
    assertEquals(1, m.catalogVersion());
    assertEquals(Engine.version(), m.codeVersion());
    assertEquals(expectedConfigHash(), m.configHash());
    assertFalse(m.finishedAt().isEmpty());

    assertEquals(CONFORMED, m.inputs().stream().map(RunManifest.Input::table).toList());
    for (RunManifest.Input in : m.inputs()) {
      Path f = extract.resolve(in.table() + ".csv");
      assertEquals(f.toString(), in.file());
      assertEquals(Files.size(f), in.bytes());
      assertEquals(
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))),
          in.sha256());
      assertEquals("canonical", in.mapping());
      assertEquals(DATE, in.extractDate());
    }

    RunManifest.StepRecord step = m.steps().get(0);
    assertEquals(RunManifest.SUCCEEDED, step.status());
    for (RunManifest.TableCount t : step.tables()) {
      assertEquals(t.read(), t.accepted() + t.quarantined(), t.table());
    }
    RunManifest.TableCount events =
        step.tables().stream().filter(t -> t.table().equals("gp_events")).findFirst().orElseThrow();
    assertEquals(
        List.of(2L, 1L, 1L), List.of(events.read(), events.accepted(), events.quarantined()));
    assertEquals(1 / 2.0, events.quarantineShare(), 1e-12);
    assertEquals(1.0, events.limit());
    assertTrue(events.gatePassed());
    assertEquals(
        List.of(new RunManifest.ReasonCount("gp_events", "FUTURE_DATE", "event_date", 1)),
        step.quarantineReasons());
    // Outputs: every conformed table and the quarantine, keyed by the extract date.
    assertEquals(
        Set.of("conformed/gp_registrations", "conformed/gp_events", "quarantine"),
        Set.copyOf(step.outputs().stream().map(RunManifest.Output::name).toList()));
    step.outputs().forEach(o -> assertEquals(DATE, o.versionKey()));
    // Each a Parquet table with its content checksum: schema, rows, content.
    step.outputs()
        .forEach(
            o ->
                assertTrue(
                    o.checksum().matches("[0-9a-f]{8}-" + o.rows() + "-[0-9a-f]{16}"),
                    o.name() + " " + o.checksum()));
    assertEquals(2 + 1 + 1, step.rows());
    assertEquals(
        List.of("practice and PCN references not checked: the extract has no practice_pcn"),
        step.notes());
    // The step's heap at its most: in use (at least what was in use when it ended), and after a
    // collection no more than that.
    assertTrue(step.peakHeapMb() != null && step.peakHeapMb() > 0, String.valueOf(step));
    assertTrue(
        step.peakHeapAfterGcMb() == null || step.peakHeapAfterGcMb() <= step.peakHeapMb(),
        String.valueOf(step));

    // The later run's manifest names the overriding extract date.
    RunManifest later = w.manifest(runIds[2]).orElseThrow();
    assertEquals(LATER, later.asOf());
    later.inputs().forEach(i -> assertEquals(LATER, i.extractDate()));
    assertEquals(m.configHash(), later.configHash(), "the extract date is not configuration");
  }

  /** The hash the CLI computes for the ingests above: conf/npc.yaml plus their flags. */
  private String expectedConfigHash() {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("quality.max_quarantine_share", "1");
    flags.put("spark.shuffle_partitions", "2");
    flags.put("spark.code_generation", SparkTestSession.codeGeneration());
    flags.put("mappings", Npc.HOME.resolve("conf/sources").toString());
    flags.put("warehouse", shared.toString());
    flags.put("extract", extract.toString());
    // Npc.run delivers beside the warehouse.
    flags.put("publish", shared.resolveSibling(shared.getFileName() + "-publish").toString());
    return ConfigLoader.load(ConfigLoader.locate(null), flags).hash();
  }

  // (e) npc runs.
  @Test
  void runsListAndShow() throws Exception {
    Npc.Result list = Npc.run(shared, "runs", "list");
    assertEquals(0, list.exitCode(), list.err());
    List<String> lines = list.out().lines().toList();
    assertEquals("runs in warehouse " + shared + ", newest first", lines.get(0), list.out());
    assertTrue(lines.get(1).startsWith("RUN"), list.out());
    assertEquals(5, lines.size(), list.out());
    assertTrue(
        lines.get(2).startsWith(runIds[2]) && lines.get(2).contains("v3 (current)"), list.out());
    assertTrue(
        lines.get(3).startsWith(runIds[1])
            && lines.get(3).contains("succeeded")
            && lines.get(3).contains("v2"),
        list.out());
    assertTrue(
        lines.get(4).startsWith(runIds[0])
            && lines.get(4).contains(" ingest ")
            && lines.get(4).contains(DATE),
        list.out());
    // Each step's duration, as the manifest records it.
    RunManifest first = new Warehouse(shared).manifest(runIds[0]).orElseThrow();
    assertTrue(
        lines
            .get(4)
            .endsWith(
                String.format(
                    java.util.Locale.ROOT,
                    "ingest %.1f",
                    first.steps().get(0).durationMs() / 1000.0)),
        list.out());

    Npc.Result limited = Npc.run(shared, "runs", "list", "--limit", "1");
    assertEquals(3, limited.out().lines().count(), limited.out());

    Npc.Result show = Npc.run(shared, "runs", "show", "latest");
    assertEquals(0, show.exitCode(), show.err());
    assertTrue(
        show.out().startsWith("run        " + runIds[2] + "\nwarehouse  " + shared + "\n"),
        show.out());
    assertTrue(show.out().contains("status     succeeded"), show.out());
    assertTrue(show.out().contains("catalog version 3"), show.out());
    assertTrue(show.out().contains("gp_events") && show.out().contains("FUTURE_DATE"), show.out());
    RunManifest.StepRecord shown =
        new Warehouse(shared).manifest(runIds[2]).orElseThrow().steps().get(0);
    assertTrue(
        show.out()
            .contains(String.format(java.util.Locale.ROOT, "  heap %,d MB", shown.peakHeapMb())),
        show.out());
    String events =
        new Warehouse(shared)
            .manifest(runIds[2]).orElseThrow().steps().get(0).outputs().stream()
                .filter(o -> o.name().equals("conformed/gp_events"))
                .findFirst()
                .orElseThrow()
                .checksum();
    assertTrue(
        show.out()
            .lines()
            .anyMatch(
                l ->
                    l.contains("-> conformed/gp_events")
                        && l.contains(ContentChecksum.shortForm(events))),
        show.out());
    // The checksums summed as the tables were written (the conformed tables) and those summed from
    // the files after the step (the quarantine) are both the files' own, read back now.
    Map<String, String> recorded = new LinkedHashMap<>();
    Map<String, Path> folders = new LinkedHashMap<>();
    Warehouse wh = new Warehouse(shared);
    for (RunManifest.Output o : wh.manifest(runIds[2]).orElseThrow().steps().get(0).outputs()) {
      recorded.put(o.name(), o.checksum());
      folders.put(o.name(), wh.resolve(o.path()));
    }
    assertTrue(recorded.containsKey("conformed/gp_events") && recorded.containsKey("quarantine"));
    assertEquals(recorded, ContentChecksum.ofFolders(SparkTestSession::get, folders));

    Npc.Result json = Npc.run(shared, "runs", "show", runIds[0], "--json");
    assertEquals(0, json.exitCode(), json.err());
    JsonNode tree = Json.MAPPER.readTree(json.out());
    assertEquals(runIds[0], tree.get("run_id").asText());
    assertEquals("succeeded", tree.get("status").asText());
    assertEquals(1, tree.get("catalog_version").asLong());
    assertEquals(
        new Warehouse(shared).manifest(runIds[0]).orElseThrow(),
        Json.MAPPER.treeToValue(tree, RunManifest.class));

    Npc.Result nope = Npc.run(shared, "runs", "show", "nope");
    assertEquals(2, nope.exitCode());
    assertEquals(1, nope.errorLines().size(), nope.err());
    assertTrue(nope.errorLines().get(0).startsWith("npc: No run 'nope' in warehouse "), nope.err());
    assertTrue(nope.errorLines().get(0).contains("runs list"), nope.err());
  }

  @Test
  void runsInAnEmptyWarehouse() {
    Path empty = tmp.resolve("empty");
    Npc.Result list = Npc.run(empty, "runs", "list");
    assertEquals(0, list.exitCode(), list.err());
    assertTrue(list.out().startsWith("no runs yet in " + empty), list.out());
    assertEquals(2, Npc.run(empty, "runs", "show", "latest").exitCode());
  }
}

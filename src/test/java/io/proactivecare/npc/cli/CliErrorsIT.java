package io.proactivecare.npc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.NpcProcess;
import io.proactivecare.npc.testing.TestExtract;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The error contract of {@code npc}, end to end: every user or data error gives its documented exit
 * code and exactly one line on standard error, starting {@code npc: }, that names the file, column
 * or key at fault and says how to fix it, with no stack trace unless {@code --verbose}.
 */
class CliErrorsIT {
  private static final String PRACTICE_HEADER =
      "practice_code,practice_name,pcn_code,pcn_name,valid_from,valid_to";
  private static final String PRACTICE_ROW = "B86001,Park Surgery,U12345,Central PCN,2019-07-01,";
  private static final String EVENTS_HEADER = "person_id,event_date,code,code_system,value,unit";
  private static final String REG_HEADER =
      "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death";

  @TempDir Path tmp;

  private Path warehouse() {
    return tmp.resolve("wh");
  }

  private Npc.Result ingest(Path extract, String... more) {
    String[] args = new String[more.length + 3];
    args[0] = "ingest";
    args[1] = "--extract";
    args[2] = extract.toString();
    System.arraycopy(more, 0, args, 3, more.length);
    return Npc.run(warehouse(), args);
  }

  /**
   * Asserts the exit code and that standard error is one {@code npc: } line with no stack trace,
   * containing every fragment given; returns that line.
   */
  private static String oneLine(Npc.Result r, int exitCode, String... mentions) {
    List<String> lines = r.errorLines();
    assertEquals(
        exitCode, r.exitCode(), () -> "exit code; stderr:\n" + r.err() + "\nstdout:\n" + r.out());
    assertEquals(1, lines.size(), () -> "one line expected on stderr:\n" + r.err());
    String line = lines.get(0);
    assertTrue(line.startsWith("npc: "), line);
    assertFalse(r.err().contains("\tat "), () -> "no stack trace without --verbose:\n" + r.err());
    for (String m : mentions) {
      assertTrue(line.contains(m), () -> "expected '" + m + "' in: " + line);
    }
    return line;
  }

  /** Nothing was published: no catalog version exists. */
  private void nothingPublished() {
    assertEquals(0, new Warehouse(warehouse()).catalog().version());
  }

  @Test
  void missingInputFile() {
    Path x =
        TestExtract.in(tmp.resolve("x")).missingFile("practice_pcn", "practice_pcn.csv").write();
    oneLine(
        ingest(x),
        3,
        x.resolve("practice_pcn.csv").toString(),
        "no such file",
        "check the file name",
        "extract.yaml");
    nothingPublished();
  }

  @Test
  void fileThatIsNotGzip() throws IOException {
    Path x =
        TestExtract.in(tmp.resolve("x")).missingFile("practice_pcn", "practice_pcn.csv.gz").write();
    Files.writeString(
        x.resolve("practice_pcn.csv.gz"), PRACTICE_HEADER + "\n" + PRACTICE_ROW + "\n");
    oneLine(ingest(x), 3, "practice_pcn.csv.gz", "not a readable gzip file", "re-export the file");
    nothingPublished();
  }

  @Test
  void truncatedGzip() throws IOException {
    // A download cut short: the header decompresses but the stream ends early.
    StringBuilder text = new StringBuilder(PRACTICE_HEADER).append('\n');
    for (int i = 0; i < 20_000; i++) {
      text.append(String.format("B%05d,Practice %d,U12345,Central PCN,2019-07-01,%n", i, i * 7919));
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] whole = bytes.toByteArray();
    Path x =
        TestExtract.in(tmp.resolve("x")).missingFile("practice_pcn", "practice_pcn.csv.gz").write();
    Files.write(x.resolve("practice_pcn.csv.gz"), Arrays.copyOf(whole, whole.length / 2));
    oneLine(ingest(x), 3, "practice_pcn.csv.gz", "gzip", "re-export the file");
    nothingPublished();
  }

  @Test
  void emptyFile() {
    Path x = TestExtract.in(tmp.resolve("x")).file("practice_pcn", "practice_pcn.csv", "").write();
    oneLine(ingest(x), 3, "practice_pcn.csv", "empty", "re-export it with a header row");
  }

  @Test
  void wrongDelimiter() {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .csv("practice_pcn", PRACTICE_HEADER.replace(',', ';'), PRACTICE_ROW.replace(',', ';'))
            .write();
    oneLine(
        ingest(x),
        3,
        "practice_pcn.csv",
        "looks ;-separated",
        "set delimiter: ';'",
        "canonical.yaml");
  }

  @Test
  void headerMissingAMappedColumn() {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .csv(
                "practice_pcn",
                "practice_code,practice_name,pcn_code,valid_from,valid_to",
                "B86001,Park Surgery,U12345,2019-07-01,")
            .write();
    oneLine(
        ingest(x),
        3,
        "practice_pcn.csv",
        "column 'pcn_name'",
        "mapping 'canonical'",
        "canonical.yaml",
        "re-export the file with that column");
  }

  @Test
  void aBrokenLastFileIsRefusedBeforeAnyTableIsWritten() throws IOException {
    // The first tables are fine; the last one lacks a column. Nothing of the run may be written.
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .basics(1)
            .csv(
                "gp_events",
                "person_id,event_date,code,code_system,value",
                "P1,2024-01-01,271649006,SNOMED,")
            .write();
    oneLine(ingest(x), 3, "gp_events.csv", "column 'unit'");
    nothingPublished();
    try (var runs = Files.list(warehouse().resolve("runs"))) {
      for (Path run : runs.toList()) {
        assertFalse(Files.exists(run.resolve("tables")), "no table written in " + run);
      }
    }
  }

  @Test
  void customMappingNamingAnAbsentColumn() throws IOException {
    Path mappings = Files.createDirectories(tmp.resolve("mappings"));
    Files.writeString(
        mappings.resolve("ods.yaml"),
        """
        description: ODS-style practice list
        delimiter: ","
        tables:
          practice_pcn:
            practice_code: PRAC_CODE
            pcn_code: PCN_CODE
            valid_from: START_DATE
        """);
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .mapping("ods")
            .csv("practice_pcn", "PRAC_CODE,PCN_CODE,FROM_DATE", "B86001,U12345,2019-07-01")
            .write();
    Npc.Result r =
        Npc.raw(
            "ingest",
            "--extract",
            x.toString(),
            "--warehouse",
            warehouse().toString(),
            "--set",
            "mappings=" + mappings);
    oneLine(
        r,
        3,
        "practice_pcn.csv",
        "column 'START_DATE'",
        "mapping 'ods'",
        mappings.resolve("ods.yaml").toString(),
        "PRAC_CODE, PCN_CODE, FROM_DATE");
  }

  @Test
  void nhsNumberAsPersonKeyIsRefusedWithoutShowingIt() throws IOException {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .csv(
                "gp_events",
                EVENTS_HEADER,
                "P1,2024-01-01,73211009,SNOMED,,",
                "9434765919,2024-01-02,73211009,SNOMED,,")
            .write();
    Npc.Result r = ingest(x, "--set", "quality.max_quarantine_share=1");
    String line =
        oneLine(
            r,
            3,
            "gp_events.csv",
            "data row 2",
            "column person_id",
            "NHS number",
            "pseudonymised extract");
    assertFalse(line.contains("9434765919"), line);
    assertFalse(r.out().contains("9434765919"), r.out());
    nothingPublished();
    // The failed run's manifest records the refusal, again without the value.
    List<RunManifest> runs = new Warehouse(warehouse()).runs();
    assertEquals(1, runs.size());
    assertEquals(RunManifest.FAILED, runs.get(0).status());
    assertEquals(3, runs.get(0).exitCode());
    String manifest =
        Files.readString(
            new Warehouse(warehouse()).runDir(runs.get(0).runId()).resolve("manifest.json"));
    assertFalse(manifest.contains("9434765919"));
  }

  /** Issue 15 item 7: every identifier column is guarded, not only the person key. */
  @Test
  void nhsNumberInAnotherIdentifierColumnIsRefused() {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .basics(1)
            .csv(
                "ae_attendances",
                "attendance_id,person_id,arrival_date,department_type,attendance_category,provider_code",
                "A1,P1,2024-01-01,01,1,RR8",
                "943 476 5919,P1,2024-01-02,01,1,RR8")
            .write();
    String line =
        oneLine(
            ingest(x), 3, "ae_attendances.csv", "data row 2", "column attendance_id", "NHS number");
    // Not the value's digits anywhere in the message but the file's path (a temporary folder's
    // random name once held 5919).
    assertFalse(line.replace(tmp.toString(), "").contains("5919"), line);
    nothingPublished();
  }

  /**
   * Issue 15 item 13: activity dated after the person's recorded death is accepted, flagged and
   * counted (a note on the console and in the manifest).
   */
  @Test
  void activityAfterDeathIsCounted() {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .basics(1)
            .csv(
                "gp_registrations",
                REG_HEADER,
                "P1,B86001,1950,F,E01024001,A,2010-01-01,2020-01-31,2020-01-31",
                "P2,B86001,1950,F,E01024001,A,2010-01-01,,",
                "P3,B86001,1950,F,E01024001,Q,2010-01-01,,")
            .csv(
                "gp_events",
                EVENTS_HEADER,
                "P1,2020-01-31,73211009,SNOMED,,",
                "P1,2020-02-01,73211009,SNOMED,,",
                "P2,2024-01-01,73211009,SNOMED,,")
            .write();
    Npc.Result r = ingest(x);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(
        r.out().contains("note: gp_events: 1 row dated after the person's recorded death"),
        r.out());
    // Item 12: a bad ethnic group keeps the registration, counted.
    assertTrue(
        r.out()
            .contains("note: gp_registrations: 1 ethnic_group value not a valid code, set to 99"),
        r.out());
    List<RunManifest> runs = new Warehouse(warehouse()).runs();
    assertTrue(
        runs.get(0).steps().get(0).notes().stream().anyMatch(n -> n.contains("recorded death")),
        "the manifest keeps the count");
  }

  @Test
  void missingExtractDescriptor() throws IOException {
    Path x = Files.createDirectories(tmp.resolve("x"));
    oneLine(
        ingest(x),
        3,
        x.resolve("extract.yaml").toString(),
        "no descriptor",
        "add extract.yaml",
        "see docs/ingest.md");
    assertFalse(Files.exists(warehouse()), "nothing written for an extract refused up front");
  }

  /** Issue 15 item 4: a future extract date would switch the future-date rule off. */
  @Test
  void anExtractDatedInTheFutureIsRefused() {
    Path x = TestExtract.in(tmp.resolve("x")).date("2999-01-01").basics(1).write();
    oneLine(
        ingest(x),
        3,
        x.resolve("extract.yaml").toString(),
        "extract_date: extract date 2999-01-01 is in the future",
        "ingest.extract_date_tolerance_days");
    assertFalse(Files.exists(warehouse()), "nothing written for an extract refused up front");
    oneLine(Npc.run(warehouse(), "validate", "--extract", x.toString()), 3, "2999-01-01");
  }

  /** Issue 15 item 8: extract.yaml may not name files outside the extract folder. */
  @Test
  void aTablePathOutsideTheExtractFolderIsRefused() throws IOException {
    Files.writeString(tmp.resolve("elsewhere.csv"), PRACTICE_HEADER + "\n" + PRACTICE_ROW + "\n");
    Path x =
        TestExtract.in(tmp.resolve("x")).missingFile("practice_pcn", "../elsewhere.csv").write();
    oneLine(
        ingest(x),
        3,
        "practice_pcn: '../elsewhere.csv' is outside the extract folder",
        "ingest.allowed_roots");
    assertFalse(Files.exists(warehouse()), "nothing read, nothing written");
    Npc.Result allowed = ingest(x, "--set", "ingest.allowed_roots=[" + tmp + "]");
    assertEquals(0, allowed.exitCode(), allowed.err());
  }

  @Test
  void missingExtractFolder() {
    oneLine(ingest(tmp.resolve("nowhere")), 3, "nowhere", "no such extract folder", "--extract");
  }

  @Test
  void unknownConfigKeyAsAFlag() {
    oneLine(
        ingest(tmp, "--set", "foo.bar=1"),
        2,
        "command-line flags",
        "foo",
        "unknown key",
        "known keys here are");
    oneLine(
        ingest(tmp, "--set", "quality.max_share=0.1"),
        2,
        "quality.max_share",
        "max_quarantine_share");
  }

  @Test
  void unknownConfigKeyInAFile() throws IOException {
    Path conf = tmp.resolve("npc.yaml");
    Files.writeString(conf, "quality:\n  max_quarantine: 0.1\n");
    oneLine(
        ingest(tmp, "--config", conf.toString()),
        2,
        conf.toString(),
        "quality.max_quarantine",
        "unknown key");
    assertFalse(Files.exists(warehouse()));
  }

  @Test
  void badConfigValue() {
    oneLine(
        ingest(tmp, "--set", "quality.max_quarantine_share=2"),
        2,
        "quality.max_quarantine_share",
        "'2'",
        "expected a number from 0.0 to 1.0");
  }

  @Test
  void qualityGateFailurePublishesNothing() throws IOException {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .csv(
                "gp_registrations",
                REG_HEADER,
                "P1,B86001,1950,F,E01024001,A,2010-01-01,,",
                "P2,B86001,1950,X,E01024001,A,2010-01-01,,")
            .write();
    // With a per-table limit raised, the same extract is accepted and published as version 1.
    Npc.Result ok = ingest(x, "--set", "quality.per_table.gp_registrations=0.5");
    assertEquals(0, ok.exitCode(), ok.err());
    Warehouse w = new Warehouse(warehouse());
    assertEquals(1, w.catalog().version());

    // Issue 15 item 14: the hints name the warehouse and the configuration file actually used.
    Path conf = tmp.resolve("site.yaml");
    Files.writeString(conf, "quality:\n  max_quarantine_share: 0.05\n");
    Npc.Result r = ingest(x, "--config", conf.toString());
    String line =
        oneLine(
            r,
            4,
            "Quality gate failed for gp_registrations",
            "50.0% of rows quarantined (1 of 2)",
            "limit of 5.0%",
            "BAD_CODE on sex",
            "nothing was published",
            "--warehouse " + warehouse(),
            "quality.per_table.gp_registrations in " + conf);
    assertFalse(line.contains("conf/npc.yaml"), line);
    assertEquals(1, w.catalog().version(), "catalog version unchanged");
    RunManifest failed = w.runs().get(w.runs().size() - 1);
    assertTrue(line.contains(failed.runId()), "names the run to inspect: " + line);
    assertEquals(RunManifest.FAILED, failed.status());
    assertEquals(4, failed.exitCode());
    assertEquals(0, failed.catalogVersion());
  }

  /**
   * Issue 15 item 14: when every row fails the same rule the mapping is the likelier fault, so the
   * hint says so rather than suggesting a higher limit.
   */
  @Test
  void aTableWhoseEveryRowFailsOneRulePointsAtTheMapping() {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .csv(
                "gp_registrations",
                REG_HEADER,
                "P1,B86001,1950,1,E01024001,A,2010-01-01,,",
                "P2,B86001,1950,2,E01024001,A,2010-01-01,,")
            .write();
    String line =
        oneLine(
            ingest(x),
            4,
            "100.0% of rows quarantined (2 of 2)",
            "every row failed BAD_CODE on sex",
            "check how the mapping fills sex",
            "canonical.yaml");
    assertFalse(line.contains("raise"), line);
  }

  /** Issue 15 item 14: the shares are shown with enough digits to differ from the limit. */
  @Test
  void theGateShowsTheShareAndLimitWithEnoughDigitsToCompareThem() {
    String[] rows = new String[1001];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = "P" + i + ",B86001,1950," + (i == 0 ? "X" : "F") + ",E01024001,A,2010-01-01,,";
    }
    Path x = TestExtract.in(tmp.resolve("x")).csv("gp_registrations", REG_HEADER, rows).write();
    oneLine(
        ingest(x, "--set", "quality.max_quarantine_share=0.0009"),
        4,
        "0.10% of rows quarantined (1 of 1,001), above the limit of 0.09%");
  }

  /** Issue 15 item 9: a header-only file may not replace a published table with an empty one. */
  @Test
  void anEmptyTableFailsTheGateUnlessAllowed() {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .basics(1)
            .csv("gp_events", EVENTS_HEADER, "P1,2024-01-01,73211009,SNOMED,,")
            .write();
    assertEquals(0, ingest(x).exitCode());
    Path empty = TestExtract.in(tmp.resolve("y")).basics(1).csv("gp_events", EVENTS_HEADER).write();
    oneLine(
        ingest(empty),
        4,
        "Quality gate failed for gp_events",
        "gp_events.csv has no data rows",
        "nothing was published",
        "quality.allow_empty");
    assertEquals(1, new Warehouse(warehouse()).catalog().version(), "the 1-row table stays");
    Npc.Result allowed = ingest(empty, "--set", "quality.allow_empty=[gp_events]");
    assertEquals(0, allowed.exitCode(), allowed.err());
  }

  @Test
  void unknownSubcommand() {
    String line =
        oneLine(Npc.raw("frobnicate"), 2, "unknown command 'frobnicate'", "ingest", "npc --help");
    assertFalse(line.contains("Unmatched"), line);
  }

  @Test
  void unknownOption() {
    oneLine(Npc.raw("ingest", "--frob"), 2, "--frob", "npc ingest --help");
  }

  @Test
  void missingArgument() {
    oneLine(Npc.raw("run"), 2, "JOB", "npc run --help");
  }

  @Test
  void generateRefusesACrisisFactorBelowOne() {
    // A factor below 1 would make a crisis lower the chance of enrolment.
    oneLine(
        Npc.raw("generate", "--people", "10", "--out", "/nonexistent", "--crisis-enrolment", "0.5"),
        2,
        "--crisis-enrolment");
  }

  @Test
  void generateRefusesAFolderThatAlreadyHoldsFiles() throws Exception {
    // Issue 15 item 21: an existing extract is never overwritten silently.
    Path out = Files.createDirectories(tmp.resolve("existing-extract"));
    Files.writeString(out.resolve("extract.yaml"), "mine\n");
    oneLine(
        Npc.raw("generate", "--people", "10", "--out", out.toString()),
        2,
        "already holds 1 file or folder (extract.yaml)",
        "--force");
    assertEquals(
        "mine\n", Files.readString(out.resolve("extract.yaml")), "the folder is untouched");
  }

  @Test
  void badDateOption() {
    String line =
        oneLine(
            Npc.raw("ingest", "--extract-date", "31/03/2025"),
            2,
            "--extract-date",
            "'31/03/2025' is not a date",
            "yyyy-MM-dd");
    // Issue 15 item 14: no Java class names.
    assertFalse(line.contains("java."), line);
    assertFalse(line.contains("LocalDate"), line);
  }

  /**
   * A real full disk: the warehouse on a 64 KiB tmpfs (mounting needs root, as CI has; skipped
   * where {@code mount} is refused). Spark's write fails deep inside a task; npc says the disk is
   * full, and where, in one line, exit 1, and publishes nothing.
   */
  @Test
  void aFullDiskSaysSoAndWhereInOneLine() throws Exception {
    Path wh = warehouse();
    Files.createDirectories(wh);
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", wh.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here: " + said);
    try {
      // 20,000 people: more than 64 KiB of Parquet.
      oneLine(
          ingest(TestExtract.in(tmp.resolve("big")).date("2025-03-31").basics(20_000).write()),
          1,
          "The disk is full (No space left on device) writing " + wh,
          "free space there");
      nothingPublished();
    } finally {
      new ProcessBuilder("umount", "--lazy", wh.toString()).inheritIO().start().waitFor();
    }
  }

  /**
   * Spark that cannot start with the configured settings (here an event-log folder that does not
   * exist) is a configuration error in one line, exit 2, without Spark's own ERROR line and stack
   * trace. A child process: this JVM's shared Spark session is already up.
   */
  @Test
  void sparkThatCannotStartIsAConfigurationErrorInOneLine() {
    Path extract = TestExtract.in(tmp.resolve("x")).date("2025-03-31").basics(10).write();
    Path missing = tmp.resolve("no-such-event-log-folder");
    NpcProcess.Result r =
        NpcProcess.run(
            tmp,
            tmp.resolve("logs"),
            180,
            "ingest",
            "--extract",
            extract.toString(),
            "--warehouse",
            warehouse().toString(),
            "--set",
            "spark.settings.spark.eventLog.enabled=true",
            "--set",
            "spark.settings.spark.eventLog.dir=" + missing);
    oneLine(
        new Npc.Result(r.exitCode(), r.out(), r.err()),
        2,
        "Spark did not start",
        missing.getFileName().toString(),
        "spark.settings");
    assertFalse(r.err().contains(" ERROR "), r.err());
  }

  /**
   * A published table's file damaged after it was written (cut short, with and without Hadoop's
   * checksum beside it) is named in one line, exit 3, and the published state is unchanged.
   */
  @Test
  void aDamagedWarehouseFileIsNamedInOneLine() throws IOException {
    Path x = TestExtract.in(tmp.resolve("x")).date("2025-03-31").basics(200).write();
    assertEquals(0, ingest(x).exitCode());
    long published = new Warehouse(warehouse()).catalog().version();
    Path table;
    try (var files = Files.walk(warehouse().resolve("runs"))) {
      table =
          files
              .filter(f -> f.toString().contains("conformed/gp_registrations/"))
              .filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    Path crc = table.resolveSibling("." + table.getFileName() + ".crc");
    assertTrue(Files.exists(crc), crc.toString());
    byte[] whole = Files.readAllBytes(table);
    Files.write(table, Arrays.copyOf(whole, whole.length / 2));
    String query = "SELECT count(*) FROM gp_registrations";
    oneLine(
        Npc.run(warehouse(), "sql", query),
        3,
        "Cannot read " + table,
        "the file is damaged (its checksum no longer matches at byte",
        "--force");
    // A run that reads it fails the same way, and its manifest records that line, not Spark's.
    oneLine(
        Npc.run(warehouse(), "frailty", "--as-of", "2025-03-31"),
        3,
        "Cannot read " + table,
        "the file is damaged");
    List<RunManifest> runs = new Warehouse(warehouse()).runs();
    RunManifest failed = runs.get(runs.size() - 1);
    assertEquals(RunManifest.FAILED, failed.status());
    assertEquals(3, failed.exitCode());
    assertTrue(
        failed.error().startsWith("Cannot read " + table + ": the file is damaged"),
        failed.error());
    Files.delete(crc);
    oneLine(
        Npc.run(warehouse(), "sql", query),
        3,
        "Cannot read " + table,
        "the file is damaged (it has no Parquet footer");
    assertEquals(published, new Warehouse(warehouse()).catalog().version());
  }

  @Test
  void verboseShowsTheStackTraceAndTheDefaultDoesNot() throws IOException {
    Path x = Files.createDirectories(tmp.resolve("x"));
    Npc.Result quiet = ingest(x);
    oneLine(quiet, 3, "no descriptor");
    Npc.Result verbose = ingest(x, "--verbose");
    assertEquals(3, verbose.exitCode());
    assertTrue(verbose.err().startsWith(quiet.errorLines().get(0)), verbose.err());
    assertTrue(verbose.err().contains("\tat io.proactivecare.npc."), verbose.err());
  }

  @Test
  void helpListsTheSubcommandsAndExitCodes() {
    Npc.Result r = Npc.raw("--help");
    assertEquals(0, r.exitCode(), r.err());
    for (String sub :
        List.of("ingest", "run", "validate", "runs", "contracts", "generate-completion")) {
      assertTrue(
          r.out().lines().anyMatch(l -> l.strip().startsWith(sub + " ") || l.strip().equals(sub)),
          sub + " in:\n" + r.out());
    }
    assertTrue(r.out().contains("4  a quality gate failed"), r.out());
    Npc.Result bare = Npc.raw();
    assertEquals(0, bare.exitCode());
    assertTrue(bare.out().contains("ingest"), bare.out());
  }

  @Test
  @org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
  void everyCommandsHelpRendersWithoutWarnings() {
    List<List<String>> commands = new java.util.ArrayList<>();
    collect(io.proactivecare.npc.cli.Cli.commandLine(), List.of(), commands);
    assertTrue(commands.size() > 10, commands.toString());
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (List<String> c : commands) {
        List<String> args = new java.util.ArrayList<>(c);
        args.add("--help");
        Npc.Result r = Npc.raw(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), c + ": " + r.err());
        assertFalse(r.out().isBlank(), c.toString());
      }
    } finally {
      System.setErr(err);
    }
    String warnings = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(warnings.contains("picocli WARN"), warnings);
  }

  private static void collect(picocli.CommandLine cmd, List<String> path, List<List<String>> out) {
    out.add(path);
    cmd.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals(sub.getCommandName())) {
                return; // an alias of a command already listed
              }
              List<String> next = new java.util.ArrayList<>(path);
              next.add(name);
              collect(sub, next, out);
            });
  }

  @Test
  void versionPrintsTheVersion() {
    Npc.Result r = Npc.raw("--version");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().strip().matches("npc \\d+\\.\\d+\\.\\d+\\S*( \\([0-9a-f]+\\))?"), r.out());
  }

  @Test
  void generateCompletionPrintsABashScript() {
    Npc.Result r = Npc.raw("generate-completion");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().lines().findFirst().orElse(""));
    assertTrue(r.out().contains("complete -F"), "registers a completion function");
    assertTrue(r.out().contains("ingest") && r.out().contains("--extract-date"));
  }

  @Test
  void validateAcceptsGoodInputsWithoutWriting() {
    Path x = TestExtract.in(tmp.resolve("x")).basics(2).write();
    Npc.Result r = Npc.run(warehouse(), "validate", "--extract", x.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("ok  configuration"), r.out());
    assertTrue(r.out().contains("ok  job jobs/nightly.yaml"), r.out());
    assertTrue(
        r.out()
            .contains(
                "ok  codelists: eFI 36 deficits, 5,729 codes, 147 value rules; HFRS 109 codes"),
        r.out());
    assertTrue(
        r.out().contains("ok  extract " + x + ": 2 files, extract date 2025-03-31"), r.out());
    assertEquals(List.of(), r.errorLines());
    assertFalse(Files.exists(warehouse()), "validate writes nothing");
  }

  @Test
  void validateRefusesABrokenInputWithoutWriting() {
    Path x =
        TestExtract.in(tmp.resolve("x"))
            .basics(2)
            .csv(
                "gp_events",
                "person_id,event_date,code,code_system,value",
                "P1,2024-01-01,73211009,SNOMED,")
            .write();
    Npc.Result r = Npc.run(warehouse(), "validate", "--extract", x.toString());
    oneLine(r, 3, "gp_events.csv", "column 'unit'", "canonical.yaml");
    assertFalse(Files.exists(warehouse()), "validate writes nothing");
  }

  /**
   * Issue 15 item 6: validate catches cheaply what ingest would refuse: a file named .parquet that
   * is not Parquet, a folder where a file is named, NHS numbers in a sample of identifier columns.
   */
  @Test
  void validateRefusesWhatIngestWouldRefuseWithoutSpark() throws IOException {
    Path notParquet =
        TestExtract.in(tmp.resolve("a"))
            .basics(1)
            .file("gp_events", "gp_events.parquet", EVENTS_HEADER + "\n")
            .write();
    oneLine(
        Npc.run(warehouse(), "validate", "--extract", notParquet.toString()),
        3,
        "gp_events.parquet",
        "is not a Parquet file");
    Path folder =
        TestExtract.in(tmp.resolve("b")).basics(1).missingFile("gp_events", "ev.csv").write();
    Files.createDirectories(folder.resolve("ev.csv"));
    oneLine(
        Npc.run(warehouse(), "validate", "--extract", folder.toString()),
        3,
        "ev.csv",
        "is a folder");
    Path nhs =
        TestExtract.in(tmp.resolve("c"))
            .basics(1)
            .csv(
                "gp_events",
                EVENTS_HEADER,
                "P1,2024-01-01,73211009,SNOMED,,",
                "\"943 476\n5919\",2024-01-02,73211009,SNOMED,,",
                "9434765919,2024-01-02,73211009,SNOMED,,")
            .write();
    String line =
        oneLine(
            Npc.run(warehouse(), "validate", "--extract", nhs.toString()),
            3,
            "gp_events.csv",
            "data row 3",
            "column person_id",
            "NHS number");
    assertFalse(line.contains("9434765919"), line);
    // Parquet: the schema and the first rows are read without Spark.
    Path parquet =
        TestExtract.in(tmp.resolve("d")).basics(1).missingFile("gp_events", "ev").write();
    io.proactivecare.npc.testing.SparkTestSession.get()
        .sql(
            "select * from values ('P1', '2024-01-01', '73211009', 'SNOMED', null, null),"
                + " ('943-476-5919', '2024-01-02', '73211009', 'SNOMED', null, null)"
                + " as t(person_id, event_date, code, code_system, value, unit)")
        .coalesce(1)
        .write()
        .parquet(parquet.resolve("ev").toString());
    oneLine(
        Npc.run(warehouse(), "validate", "--extract", parquet.toString()),
        3,
        "data row 2",
        "column person_id",
        "NHS number");
    assertFalse(Files.exists(warehouse()), "validate writes nothing");
  }

  @Test
  void validateRefusesABadJobFile() throws IOException {
    Path job = tmp.resolve("job.yaml");
    Files.writeString(
        job,
        "job: j\nsteps:\n  a:\n    run: ingest\n    needs: [b]\n    outputs:\n      aggregate: [x]\n");
    oneLine(
        Npc.run(warehouse(), "validate", job.toString()),
        2,
        job.toString(),
        "step 'a' needs unknown step 'b'");
  }
}

package io.proactivecare.npc.cli;

import static io.proactivecare.npc.testing.TestSteps.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.jobs.JobLoader;
import io.proactivecare.npc.jobs.JobLock;
import io.proactivecare.npc.jobs.JobRunner;
import io.proactivecare.npc.jobs.JobSpec;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepRegistry;
import io.proactivecare.npc.testing.LockHolder;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.NpcProcess;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.testing.TestExtract;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc run} started by a scheduler (docs/operations.md): the job lock against a real second
 * process and a lock left by a killed one, the installation found from another folder, a date done
 * skipped, a backfill in a real process, a backfill stopping at its first failure, and a failed run
 * resumed. The scheduled job is a one-step ingest of two people: cheap, and a real step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchedulingIT {
  private static final String DATE = "2025-03-31";
  private static final String REG_HEADER =
      "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death";

  @TempDir static Path tmp;
  private Path wh;
  private Path job;
  private Path elsewhere;
  private Path logs;

  @BeforeAll
  void setUp() throws IOException {
    elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    logs = tmp.resolve("logs");
    Path extract =
        TestExtract.in(tmp.resolve("extract"))
            .date(DATE)
            .csv(
                "gp_registrations",
                REG_HEADER,
                "P1,B86001,1950,F,E01024001,A,2010-01-01,,",
                "P2,B86001,1960,M,E01024001,A,2012-01-01,,")
            .write();
    job = tmp.resolve("tiny.yaml");
    Files.writeString(
        job,
        "job: tiny\nsteps:\n  ingest:\n    run: ingest\n    with:\n      extract: "
            + extract
            + "\n    outputs:\n      patient_level: [conformed/*, quarantine]\n");
  }

  /** Each test has a warehouse of its own, so the tests run in any order. */
  @BeforeEach
  void warehouse(TestInfo test) {
    wh = tmp.resolve("warehouse-" + test.getTestMethod().orElseThrow().getName());
  }

  /** Runs the tiny job as of DATE in this JVM, on the test's empty warehouse; its run id. */
  private String doneOnce() {
    Npc.Result first = Npc.raw(run());
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(1, runs().size());
    return runs().get(0).runId();
  }

  /**
   * {@code npc run tiny.yaml} with the test's warehouse; no mappings flag: the installation's
   * conf/sources must be found from any folder.
   */
  private String[] run(String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "run",
                job.toString(),
                "--warehouse",
                wh.toString(),
                "--set",
                "publish=" + tmp.resolve("publish"),
                "--spark-master",
                "local[1]",
                "--set",
                "spark.shuffle_partitions=2"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private List<RunManifest> runs() {
    return new Warehouse(wh).runs();
  }

  @Test
  void oneRunOfAJobAtATimeAndALeftLockIsClearedFromAnyFolder() throws Exception {
    // Held by this JVM: a second process refuses, exit code 5, naming the holder, doing nothing.
    try (JobLock held = JobLock.acquire(wh, "tiny", "a test", said -> {})) {
      NpcProcess.Result refused = NpcProcess.run(elsewhere, logs, 60, run());
      assertEquals(ExitCode.LOCKED.code(), refused.exitCode(), refused.out() + refused.err());
      assertEquals(
          List.of(
              "npc: Job tiny is already running in warehouse "
                  + wh
                  + " (process "
                  + ProcessHandle.current().pid()),
          refused.err().lines().map(l -> l.replaceAll(" on .*", "")).toList(),
          refused.err());
      assertTrue(refused.err().contains("let it finish"), refused.err());
      assertTrue(runs().isEmpty(), "a refused run creates no run");
    }

    // A holder killed (SIGKILL) leaves its lock file: the next run says so, clears it and runs.
    NpcProcess holder =
        NpcProcess.startMain(LockHolder.class.getName(), elsewhere, logs, wh.toString(), "tiny");
    long deadline = System.currentTimeMillis() + 30_000;
    while (!holder.outSoFar().contains("locked") && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(holder.outSoFar().contains("locked"), "the holder never took the lock");
    long dead = holder.pid();
    holder.kill();
    assertFalse(Files.readString(JobLock.file(wh, "tiny")).isEmpty(), "the dead holder's record");

    NpcProcess.Result r = NpcProcess.run(elsewhere, logs, 180, run());
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(
        r.out().contains("npc: cleared a stale lock of job tiny left by process " + dead + " on "),
        r.out());
    List<String> out = r.out().lines().toList();
    // Progress as it happens, naming the warehouse; plain lines, no control codes.
    assertTrue(
        out.stream().anyMatch(l -> l.startsWith("run ") && l.endsWith(", warehouse " + wh)),
        r.out());
    int started = indexOf(out, "[1/1] ingest", "started at");
    int ended = indexOf(out, "[1/1] ingest", " ok");
    assertTrue(started >= 0 && started < ended, r.out());
    assertTrue(out.get(ended + 1).contains("gp_registrations   read          2"), r.out());
    assertFalse(r.out().chars().anyMatch(c -> c == 27 || c == '\r'), "control codes");
    // A quiet default: no Spark WARN (or INFO) lines in a normal run.
    assertFalse(r.err().contains(" WARN ") || r.err().contains(" INFO "), r.err());
    assertTrue(Files.readString(JobLock.file(wh, "tiny")).isEmpty(), "a clean end empties it");
    assertEquals(1, runs().size());
    assertFalse(runs().get(0).fingerprint().isEmpty());
  }

  private static int indexOf(List<String> lines, String start, String contains) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(start) && lines.get(i).contains(contains)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aDateDoneIsSkippedUnlessForcedOrSomethingChanged() throws IOException {
    String firstRun = doneOnce();
    Npc.Result again = Npc.raw(run());
    assertEquals(0, again.exitCode(), again.err());
    assertEquals(
        "skipped: job tiny as of "
            + DATE
            + " already succeeded in run "
            + firstRun
            + " with the same inputs and configuration (--force runs it again), warehouse "
            + wh,
        again.out().strip());
    assertEquals(1, runs().size());

    Npc.Result forced = Npc.raw(run("--force"));
    assertEquals(0, forced.exitCode(), forced.err());
    assertEquals(2, runs().size());

    // Another configuration, or another input file, is another fingerprint: not done.
    JobSpec spec = JobLoader.load(job, io.proactivecare.npc.Engine.standardSteps());
    LocalDate date = LocalDate.parse(DATE);
    JobRunner same = runner(Map.of());
    assertTrue(same.done(spec, date, same.fingerprint(spec, date, Optional.empty())).isPresent());
    JobRunner changed = runner(Map.of("quality.max_quarantine_share", "0.5"));
    assertTrue(
        changed.done(spec, date, changed.fingerprint(spec, date, Optional.empty())).isEmpty());
    Path reg = tmp.resolve("extract/gp_registrations.csv");
    String before = Files.readString(reg);
    Files.writeString(reg, before + "P3,B86001,1970,F,E01024001,A,2012-01-01,,\n");
    try {
      assertTrue(same.done(spec, date, same.fingerprint(spec, date, Optional.empty())).isEmpty());
    } finally {
      Files.writeString(reg, before);
    }
  }

  /** The runner {@code npc run} builds for the test's flags plus {@code more}. */
  private JobRunner runner(Map<String, String> more) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("warehouse", wh.toString());
    flags.put("publish", tmp.resolve("publish").toString());
    flags.put("spark.master", "local[1]");
    flags.put("spark.shuffle_partitions", "2");
    flags.putAll(more);
    ConfigLoader.Loaded loaded = ConfigLoader.load(ConfigLoader.locate(null), flags);
    return new JobRunner(
        SparkTestSession::get, loaded.config(), loaded.hash(), "test", Clock.systemUTC());
  }

  @Test
  void aBackfillRunsEachDateInOrderAsItsOwnRunSkippingDatesDone() {
    doneOnce();
    NpcProcess.Result r =
        NpcProcess.run(elsewhere, logs, 240, run("--from", "2025-03-29", "--to", DATE));
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("backfill: 2025-03-29, date 1 of 3"), r.out());
    assertTrue(r.out().contains("backfill: 2025-03-30, date 2 of 3"), r.out());
    assertTrue(r.out().contains("skipped: job tiny as of " + DATE), r.out());
    List<RunManifest> runs = runs();
    assertEquals(3, runs.size());
    assertEquals(
        List.of("2025-03-29", "2025-03-30"),
        runs.subList(1, 3).stream().map(RunManifest::asOf).toList(),
        "in date order, one run each");
    runs.forEach(m -> assertEquals(RunManifest.SUCCEEDED, m.status(), m.runId()));
  }

  /** A step writing {@code output} (one file), failing as {@code fails} says. */
  private static Step writing(String output, java.util.function.Predicate<LocalDate> fails) {
    return ctx -> {
      try {
        Path dir = Files.createDirectories(ctx.outputDir(output));
        Files.writeString(dir.resolve("part-0.txt"), ctx.runId());
        ctx.note(output + " written");
        if (fails.test(ctx.asOf())) {
          throw Errors.usage("step for " + output + " failed on purpose at " + ctx.asOf(), "");
        }
        Files.writeString(
            Files.createDirectories(ctx.stage("aggregate/" + ctx.asOf() + "/" + output))
                .resolve("x.csv"),
            "x");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ctx.produced(output, ctx.asOf().toString(), 1);
    };
  }

  private JobSpec threeSteps(Path warehouse, java.util.function.Predicate<LocalDate> fails)
      throws IOException {
    Path f = tmp.resolve("three-" + warehouse.getFileName() + ".yaml");
    Files.writeString(
        f,
        "job: three\nsteps:\n"
            + "  first:\n    run: first\n    outputs:\n      aggregate: [scratch/first]\n"
            + "  second:\n    run: second\n    needs: [first]\n    outputs:\n"
            + "      aggregate: [scratch/second]\n"
            + "  third:\n    run: third\n    needs: [second]\n    outputs:\n"
            + "      aggregate: [scratch/third]\n");
    return JobLoader.load(
        f,
        new StepRegistry()
            .register(kind("first", writing("scratch/first", d -> false)))
            .register(kind("second", writing("scratch/second", fails)))
            .register(kind("third", writing("scratch/third", d -> false))));
  }

  private static ConfigLoader.Loaded loaded(Path warehouse) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("warehouse", warehouse.toString());
    flags.put("publish", warehouse.resolveSibling(warehouse.getFileName() + "-publish").toString());
    return ConfigLoader.load(Optional.empty(), flags);
  }

  private static JobExecution.Plan backfill(String from, String to) {
    return new JobExecution.Plan(
        Optional.empty(),
        Optional.of(LocalDate.parse(from)),
        Optional.of(LocalDate.parse(to)),
        Optional.empty(),
        true,
        Optional.empty());
  }

  @Test
  void aDateAfterTheExtractsIsRefusedBeforeAnythingRunsAsInputNotYetArrived() {
    for (String[] dates :
        List.of(
            new String[] {"--as-of", "2025-04-01"},
            new String[] {"--from", "2025-03-30", "--to", "2025-04-01"})) {
      Npc.Result r = Npc.raw(run(dates));
      assertEquals(ExitCode.INPUT_REFUSED.code(), r.exitCode(), r.out() + r.err());
      List<String> lines = r.err().strip().lines().toList();
      assertEquals(1, lines.size(), r.err());
      assertTrue(
          lines.get(0).contains(tmp.resolve("extract").resolve("extract.yaml").toString())
              && lines
                  .get(0)
                  .contains("the extract is dated 2025-03-31, before the as-of date 2025-04-01")
              && lines.get(0).contains("pass --as-of 2025-03-31 or earlier"),
          lines.get(0));
      assertFalse(Files.exists(wh.resolve("runs")), "nothing written: " + r.out());
    }
    // The extract's own date, and one before it, run.
    Npc.Result onTheDay = Npc.raw(run("--as-of", DATE));
    assertEquals(0, onTheDay.exitCode(), onTheDay.err());
  }

  /**
   * A backfilled date ingests an extract dated after it; its report still shows that ingest's
   * quarantine counts (it left them out when it looked only for extracts dated at or before it).
   */
  @Test
  void aBackfilledDatesReportShowsItsOwnIngestsQuarantineCounts() throws IOException {
    Path reported = tmp.resolve("tiny-report.yaml");
    Files.writeString(
        reported,
        Files.readString(job).replace("job: tiny", "job: tiny_report")
            + "  report:\n    run: report\n    needs: [ingest]\n    outputs:\n"
            + "      aggregate: [report]\n");
    List<String> args = new ArrayList<>(List.of(run("--from", "2025-03-30", "--to", DATE)));
    args.set(1, reported.toString());
    Npc.Result r = Npc.raw(args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.out() + r.err());
    for (String date : List.of("2025-03-30", DATE)) {
      assertTrue(
          r.out()
              .lines()
              .anyMatch(
                  l ->
                      l.startsWith("  note: report of " + date + " (")
                          && l.contains(", the quarantine counts")),
          date + ":\n" + r.out());
    }
  }

  @Test
  void aBackfillStopsAtTheFirstFailure() throws IOException {
    Path w = tmp.resolve("stops");
    JobSpec spec = threeSteps(w, d -> d.equals(LocalDate.parse("2025-03-02")));
    StringWriter text = new StringWriter();
    NpcException e =
        assertThrows(
            NpcException.class,
            () ->
                JobExecution.run(
                    loaded(w), spec, backfill("2025-03-01", "2025-03-03"), new PrintWriter(text)));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(
        text.toString().contains("backfill stopped at 2025-03-02 (date 2 of 3)"), text.toString());
    // The failed step ends with a line of its own, as a step that succeeds does.
    assertTrue(
        text.toString().lines().anyMatch(l -> l.matches("\\[2/3\\] second +[0-9.]+ s  failed")),
        text.toString());
    List<RunManifest> runs = new Warehouse(w).runs();
    assertEquals(
        List.of("2025-03-01 succeeded", "2025-03-02 failed"),
        runs.stream().map(m -> m.asOf() + " " + m.status()).toList());
  }

  @Test
  void aFailedRunResumesFromItsFirstUnfinishedStepReusingWhatFinished() throws IOException {
    Path w = tmp.resolve("resume");
    boolean[] broken = {true};
    JobSpec spec = threeSteps(w, d -> broken[0]);
    StringWriter first = new StringWriter();
    JobExecution.Plan once =
        new JobExecution.Plan(
            Optional.of(LocalDate.parse(DATE)),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            true,
            Optional.empty());
    assertThrows(
        NpcException.class, () -> JobExecution.run(loaded(w), spec, once, new PrintWriter(first)));
    Warehouse warehouse = new Warehouse(w);
    RunManifest failed = warehouse.runs().get(0);
    assertEquals(RunManifest.FAILED, failed.status());
    String runId = failed.runId();
    RunManifest.StepRecord firstStep = failed.steps().get(0);

    broken[0] = false;
    StringWriter text = new StringWriter();
    JobExecution.Plan resume =
        new JobExecution.Plan(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            true,
            Optional.of(runId));
    assertEquals(0, JobExecution.run(loaded(w), spec, resume, new PrintWriter(text)));
    List<String> out = text.toString().lines().toList();
    assertTrue(
        out.contains("  note: step first reused: it finished in the run being resumed"),
        text.toString());
    // The rerun step's note comes when it is made: between its start and its end, once.
    int start = indexOf(out, "[2/3] second", "started at");
    int note = out.indexOf("  note: scratch/second written");
    int end = indexOf(out, "[2/3] second", " ok");
    assertTrue(start < note && note < end, text.toString());
    assertEquals(1, out.stream().filter(l -> l.equals("  note: scratch/second written")).count());

    assertEquals(1, warehouse.runs().size(), "the same run, continued");
    RunManifest done = warehouse.manifest(runId).orElseThrow();
    assertEquals(RunManifest.SUCCEEDED, done.status());
    assertEquals(firstStep, done.steps().get(0), "the finished step reused as it was");
    assertEquals(
        List.of("first", "second", "third"), done.steps().stream().map(s -> s.name()).toList());
    assertNotEquals(0, done.catalogVersion());
    assertEquals(
        List.of("scratch/first", "scratch/second", "scratch/third"),
        warehouse.catalog().outputs().keySet().stream().sorted().toList());
    Path publish = w.resolveSibling("resume-publish").resolve("aggregate/" + DATE);
    for (String s : List.of("first", "second", "third")) {
      assertTrue(Files.isRegularFile(publish.resolve("scratch/" + s + "/x.csv")), s);
    }

    // A run that succeeded, or another configuration, is refused in one line (exit code 2).
    NpcException again =
        assertThrows(
            NpcException.class,
            () -> JobExecution.run(loaded(w), spec, resume, new PrintWriter(new StringWriter())));
    assertEquals(ExitCode.USAGE, again.exitCode());
    assertTrue(
        again.getMessage().contains("succeeded: there is nothing to resume"), again.getMessage());
  }
}

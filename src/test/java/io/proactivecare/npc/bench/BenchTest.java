package io.proactivecare.npc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.proactivecare.npc.Engine;
import io.proactivecare.npc.frailty.FrailtyStep;
import io.proactivecare.npc.jobs.JobLoader;
import io.proactivecare.npc.jobs.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's verdict on a run: which commands failed, so that it exits 1 and says so. */
class BenchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyCommandThatDidNotExitZeroIsNamedWithItsLog() throws Exception {
    JsonNode results =
        JSON.readTree(
            """
            {"sizes": [
              {"people": 1000,
               "jobs": [{"job": "nightly", "exit_code": 0, "log": "n.log"},
                        {"job": "evaluation", "exit_code": 4, "log": "e.log"}],
               "engine_as_peer": [{"job": "as_peer", "exit_code": 1, "log": "a.log"}],
               "peer": {"exit_code": 1, "log": "p.log"}},
              {"people": 2000,
               "jobs": [{"job": "nightly", "exit_code": 0, "log": "n2.log"}]}
            ]}
            """);
    assertEquals(
        List.of(
            "1,000 people, evaluation: exit 4 (log e.log)",
            "1,000 people, as_peer: exit 1 (log a.log)",
            "1,000 people, DuckDB peer: exit 1 (log p.log)"),
        Bench.failures(results));
  }

  @Test
  void theSampleIsNamedByItsLabelInFailuresAndTables() throws Exception {
    JsonNode results =
        JSON.readTree(
            """
            {"sizes": [{"label": "the bundled sample (sample-data/)",
              "jobs": [{"job": "nightly", "exit_code": 3, "log": "s.log", "wall_s": 40.0,
                        "peak_rss_mb": 1500, "steps": []}]}]}
            """);
    assertEquals(
        List.of("the bundled sample (sample-data/), nightly: exit 3 (log s.log)"),
        Bench.failures(results));
    String table = Bench.markdown(results.path("sizes").get(0));
    assertTrue(table.startsWith(String.format("%n### the bundled sample (sample-data/)%n")), table);
    assertTrue(table.contains("| nightly | whole command (exit 3) | 40.0 | | | | 1,500 |"), table);
  }

  @Test
  void theSamplesPeopleComeFromTheGeneratorsLineAndAreNamedInItsLabel(@TempDir Path dir)
      throws Exception {
    // The bundled sample's own extract.yaml, as the harness reads it.
    assertEquals(
        Optional.of(5000L),
        Bench.generatedPeople(Path.of("sample-data", "extract.yaml").toAbsolutePath()));
    Path handMade = dir.resolve("extract.yaml");
    Files.writeString(
        handMade, "extract_date: 2025-03-31\n# npc generate --people 7 said elsewhere\n");
    assertEquals(Optional.empty(), Bench.generatedPeople(handMade));
    assertEquals(Optional.empty(), Bench.generatedPeople(dir.resolve("missing.yaml")));
    JsonNode withPeople =
        JSON.readTree("{\"label\": \"the bundled sample (sample-data/)\", \"people\": 5000}");
    assertEquals("the bundled sample (sample-data/), 5,000 people", Bench.label(withPeople));
    assertEquals(
        "the bundled sample (sample-data/)",
        Bench.label(JSON.readTree("{\"label\": \"the bundled sample (sample-data/)\"}")));
    assertEquals("1,000,000 people", Bench.label(JSON.readTree("{\"people\": 1000000}")));
  }

  @Test
  void aRunWhoseCommandsAllRanHasNoFailures() throws Exception {
    JsonNode results =
        JSON.readTree(
            """
            {"sizes": [{"people": 1000,
              "jobs": [{"job": "nightly", "exit_code": 0}],
              "engine_as_peer": [{"job": "as_peer", "exit_code": 0}],
              "peer": {"exit_code": 0}}]}
            """);
    assertEquals(List.of(), Bench.failures(results));
  }

  @Test
  void eachStepsHeapPeakIsInItsRowAndEachCommandsResidentPeakInItsOwn() throws Exception {
    JsonNode size =
        JSON.readTree(
            """
            {"people": 1000,
             "jobs": [{"job": "nightly", "exit_code": 0, "wall_s": 12.5, "peak_rss_mb": 2345,
               "steps": [
                 {"step": "ingest", "wall_s": 6.0, "rows_in": 600, "rows_out": 590,
                  "rows_in_per_s": 100, "peak_heap_mb": 1234, "peak_heap_after_gc_mb": 567},
                 {"step": "frailty", "wall_s": 3.0, "rows_in": 300, "rows_out": 30,
                  "rows_in_per_s": 100, "peak_heap_mb": null},
                 {"step": "report", "wall_s": 1.0, "rows_in": 30, "rows_out": 1,
                  "rows_in_per_s": 30, "peak_heap_mb": 2830, "peak_heap_after_gc_mb": null}]}]}
            """);
    String table = Bench.markdown(size);
    assertTrue(table.contains("| nightly | ingest | 6.0 | 600 | 590 | 100 | 1,234 / 567 |"), table);
    assertTrue(table.contains("| nightly | frailty | 3.0 | 300 | 30 | 100 |  |"), table);
    assertTrue(table.contains("| nightly | report | 1.0 | 30 | 1 | 30 | 2,830 / no GC |"), table);
    assertTrue(table.contains("| nightly | whole command | 12.5 | | | | 2,345 |"), table);
  }

  @Test
  void thePeersPhasesAndRowsKeptAreReadFromItsSummaryAndSetAgainstTheEngines() throws Exception {
    ObjectNode peer = JSON.createObjectNode();
    Bench.peerSummary(
        """
        DuckDB peer (DuckDB v2.0.0, 2 threads): extract /x (extract date 2025-03-31), out /y
        phases: ingest 9.16 s, efi 0.58 s, utilisation 0.06 s; total 10.52 s
        table                      read         kept    dropped
        practice_pcn                 11           11          0
        gp_events             2,204,965    2,203,887      1,078
        all tables            2,204,976    2,203,898      1,078
        people: 67,308 adults scored (eFI), 86,294 registered (utilisation)
        """,
        peer);
    assertEquals(9.16, peer.path("phases_s").path("ingest").asDouble());
    assertEquals(0.06, peer.path("phases_s").path("utilisation").asDouble());
    // "all tables" is a total, not a table: it has a space in its name.
    assertEquals(2, peer.path("tables").size());
    assertEquals(2_203_887, peer.path("tables").path(1).path("kept").asLong());

    JsonNode size =
        JSON.readTree(
            """
            {"people": 100000, "jobs": [{"job": "nightly", "steps": [{"step": "ingest",
              "tables": [{"table": "practice_pcn", "read": 11, "accepted": 11},
                         {"table": "gp_events", "read": 2204965, "accepted": 2202837}]}]}]}
            """);
    ((ObjectNode) size).set("peer", peer);
    String table = Bench.rowsKept(size);
    assertTrue(table.contains("| gp_events | 2,204,965 | 2,202,837 | 2,203,887 | 1,050 |"), table);
    assertTrue(table.contains("| practice_pcn | 11 | 11 | 11 | 0 |"), table);
  }

  /**
   * The engine's side of the comparison is one process doing the peer's work: the ingest, then the
   * frailty step without its trajectory and the features, each writing what its own command writes.
   */
  @Test
  void theAsPeerJobIsTheIngestThenTheCommandsFrailtyAndFeaturesInOneRun(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("as-peer.yaml");
    Files.writeString(file, Bench.AS_PEER_JOB);
    JobSpec job = JobLoader.load(file, Engine.standardSteps());
    assertEquals(Bench.AS_PEER, job.name());
    assertEquals(
        List.of("ingest", "frailty", "features"),
        job.steps().stream().map(JobSpec.StepSpec::kind).toList());
    List<JobSpec> commands =
        List.of(
            Engine.ingestJob(Optional.empty()),
            Engine.frailtyJob(false, Optional.empty()),
            Engine.featuresJob());
    for (int i = 0; i < commands.size(); i++) {
      assertEquals(
          commands.get(i).steps().get(0).outputs(), job.steps().get(i).outputs(), job.name());
    }
    assertEquals(
        FrailtyStep.outputs(false).size(),
        job.steps().get(1).outputs().size(),
        "the frailty step writes no trajectory");
    // No step is given options: the frailty step's trajectory is off by default.
    assertTrue(!Bench.AS_PEER_JOB.contains("with:"), Bench.AS_PEER_JOB);
  }

  /** The ratio is the one process's whole time over the peer's, and only when both ran. */
  @Test
  void theRatioIsGivenOnlyWhenBothProcessesExitedZero() throws Exception {
    ObjectNode peer = (ObjectNode) JSON.readTree("{\"exit_code\": 0, \"wall_s\": 10.0}");
    Bench.compare(peer, JSON.readTree("{\"exit_code\": 0, \"wall_s\": 38.0}"));
    assertEquals(38.0, peer.path("engine_s").asDouble());
    assertEquals(3.8, peer.path("ratio_engine_to_peer").asDouble(), 1e-12);

    Bench.compare(peer, JSON.readTree("{\"exit_code\": 3, \"wall_s\": 38.0}"));
    assertTrue(peer.path("ratio_engine_to_peer").isNull(), "the engine's process failed");

    ObjectNode failedPeer = (ObjectNode) JSON.readTree("{\"exit_code\": 1, \"wall_s\": 10.0}");
    Bench.compare(failedPeer, JSON.readTree("{\"exit_code\": 0, \"wall_s\": 38.0}"));
    assertTrue(failedPeer.path("ratio_engine_to_peer").isNull(), "the peer failed");

    ObjectNode instant = (ObjectNode) JSON.readTree("{\"exit_code\": 0, \"wall_s\": 0.0}");
    Bench.compare(instant, JSON.readTree("{\"exit_code\": 0, \"wall_s\": 38.0}"));
    assertTrue(instant.path("ratio_engine_to_peer").isNull(), "no time to divide by");
  }

  /**
   * Each size is judged against the targets that apply to it: a million (10 minutes a nightly job,
   * the bar of 3 against the peer), the bundled sample (30 s a nightly job), none at other sizes; a
   * failed command is not judged.
   */
  @Test
  void theTargetsAreJudgedAtTheSizesTheyAreSetFor() throws Exception {
    JsonNode million =
        JSON.readTree(
            """
            {"people": 1000000, "jobs": [
               {"job": "nightly", "exit_code": 0, "wall_s": 518.1, "peak_rss_mb": 7000, "steps": []},
               {"job": "nightly (usual night)", "exit_code": 0, "wall_s": 612.0,
                "peak_rss_mb": 7000, "steps": []},
               {"job": "evaluation", "exit_code": 0, "wall_s": 900.0, "peak_rss_mb": 7000,
                "steps": []}],
             "peer": {"exit_code": 0, "wall_s": 87.8, "peak_rss_mb": 8900, "engine_s": 263.0,
               "ratio_engine_to_peer": 2.95, "people_differing": {"efi": 0}}}
            """);
    JsonNode judged = Bench.targets(million, "-Xmx8g");
    assertEquals(3, judged.size(), judged.toString());
    assertEquals(
        "nightly: the whole command under 600 s (-Xmx8g)", judged.get(0).get("target").asText());
    assertEquals("518.1 s", judged.get(0).get("measured").asText());
    assertTrue(judged.get(0).get("met").asBoolean());
    assertEquals(false, judged.get(1).get("met").asBoolean(), "612 s is over 10 minutes");
    assertEquals("2.95", judged.get(2).get("measured").asText());
    assertTrue(judged.get(2).get("met").asBoolean(), "2.95 is below 3");
    ((ObjectNode) million).set("targets", judged);
    String table = Bench.markdown(million);
    assertTrue(
        table.contains(
            String.format(
                "Against the targets:%n- nightly: the whole command under 600 s (-Xmx8g): 518.1 s,"
                    + " met%n- nightly (usual night): the whole command under 600 s (-Xmx8g):"
                    + " 612.0 s, NOT met%n")),
        table);
    assertTrue(table.contains("ratio 2.95."), table);

    JsonNode sample =
        JSON.readTree(
            """
            {"label": "the bundled sample (sample-data/)", "people": 5000, "jobs": [
               {"job": "nightly", "exit_code": 0, "wall_s": 53.5, "peak_rss_mb": 3700, "steps": []},
               {"job": "nightly (usual night)", "exit_code": 3, "wall_s": 2.0, "peak_rss_mb": 900,
                "steps": []}],
             "peer": {"exit_code": 0, "wall_s": 2.0, "peak_rss_mb": 200, "engine_s": 28.6,
               "ratio_engine_to_peer": 14.3, "people_differing": {}}}
            """);
    JsonNode onSample = Bench.targets(sample, "-Xmx8g");
    assertEquals(2, onSample.size(), "no ratio bar on the sample: " + onSample);
    assertEquals("nightly: the whole command under 30 s", onSample.get(0).get("target").asText());
    assertEquals(false, onSample.get(0).get("met").asBoolean());
    assertEquals("exit 3", onSample.get(1).get("measured").asText());
    assertTrue(onSample.get(1).get("met").isNull(), "a failed command is not judged");
    assertTrue(
        Bench.markdown(sample).contains("ratio 14.30 (the bar of 3 is set at a million people)."),
        Bench.markdown(sample));

    JsonNode other =
        JSON.readTree(
            """
            {"people": 100000, "jobs": [{"job": "nightly", "exit_code": 0, "wall_s": 99.0,
              "peak_rss_mb": 2000, "steps": []}]}
            """);
    assertEquals(0, Bench.targets(other, "-Xmx8g").size());
    assertTrue(!Bench.markdown(other).contains("Against the targets"));
  }

  /** A results file from before the one-process comparison still prints its ratio line. */
  @Test
  void olderResultsWithTheSumOfStepsStillPrint() throws Exception {
    JsonNode size =
        JSON.readTree(
            """
            {"people": 1000, "jobs": [],
             "peer": {"exit_code": 0, "wall_s": 10.0, "peak_rss_mb": 500, "engine_steps_s": 42.0,
               "ratio_engine_to_peer": 4.2, "people_differing": {}}}
            """);
    assertTrue(Bench.markdown(size).contains("took 42.0 s against"), Bench.markdown(size));
  }

  @Test
  void theRatioIsTheAsPeerProcessOverThePeersProcess() throws Exception {
    JsonNode size =
        JSON.readTree(
            """
            {"people": 1000, "jobs": [],
             "engine_as_peer": [{"job": "as_peer", "exit_code": 0, "wall_s": 30.0,
               "peak_rss_mb": 900, "steps": []}],
             "peer": {"exit_code": 0, "wall_s": 10.0, "peak_rss_mb": 500, "engine_s": 30.0,
               "ratio_engine_to_peer": 3.0, "people_differing": {"efi": 0}}}
            """);
    String table = Bench.markdown(size);
    assertTrue(
        table.contains(
            "ingest, eFI at the date and features in one process (as_peer) took 30.0 s against"
                + " the DuckDB peer's whole process 10.0 s: ratio 3.00 (the bar of 3 is set at a"
                + " million people)."),
        table);
    assertTrue(table.contains("| as_peer | whole command | 30.0 | | | | 900 |"), table);
  }

  /**
   * The processor is recorded, read from Linux's cpuinfo, and named in the line before the tables.
   */
  @Test
  void theProcessorIsReadFromCpuinfoAndNamedWithTheMachine(@TempDir Path dir) throws Exception {
    Path cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(
        cpuinfo,
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n"
            + "\nprocessor\t: 1\nmodel name\t: Intel(R) Xeon(R) Processor\n");
    assertEquals("Intel(R) Xeon(R) Processor", Bench.processor(cpuinfo));
    assertEquals(System.getProperty("os.arch"), Bench.processor(dir.resolve("missing")));
    ObjectNode m = JSON.createObjectNode();
    m.put("date", "2026-12-06T07:40:00Z");
    m.put("commit", "9c871a8");
    m.put("cores", 2);
    m.put("processor", "Intel(R) Xeon(R) Processor");
    m.put("memory_gib", 23.6);
    m.put("java", "17.0.15");
    assertEquals(
        "Machine: 2 cores (Intel(R) Xeon(R) Processor), 23.6 GiB, Java 17.0.15; commit 9c871a8,"
            + " 2026-12-06T07:40:00Z"
            + System.lineSeparator(),
        Bench.machineLine(m));
  }
}

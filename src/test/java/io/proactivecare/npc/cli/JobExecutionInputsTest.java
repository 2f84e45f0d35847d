package io.proactivecare.npc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.io.CodeGeneration;
import io.proactivecare.npc.jobs.JobLoader;
import io.proactivecare.npc.jobs.JobSpec;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Sensitivity;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What decides whether Spark compiles a run's queries: the size of what the run reads first. */
class JobExecutionInputsTest {
  @TempDir Path tmp;

  private ConfigLoader.Loaded loaded() {
    return ConfigLoader.load(Optional.empty(), Map.of("warehouse", tmp.toString()));
  }

  private static JobSpec job(String file) {
    return JobLoader.load(Npc.HOME.resolve("jobs").resolve(file), Engine.standardSteps());
  }

  @Test
  void aJobThatIngestsIsSizedByTheExtractsTableFilesAlone() throws IOException {
    Path sample = Npc.HOME.resolve("sample-data");
    long tables;
    try (Stream<Path> files = Files.list(sample)) {
      tables =
          files
              .filter(f -> f.getFileName().toString().endsWith(".csv.gz"))
              .mapToLong(f -> f.toFile().length())
              .sum();
    }
    assertEquals(tables, JobExecution.inputBytes(loaded(), job("nightly.yaml")));
    // Its README, extract.yaml and the generator's truth/ are not read by the ingest.
    assertTrue(tables < CodeGeneration.bytesUnder(List.of(sample)));
  }

  @Test
  void anyOtherJobIsSizedByTheNewestPublishedVersionOfEachConformedTable() throws IOException {
    JobSpec evaluation = job("evaluation.yaml");
    assertEquals(0, JobExecution.inputBytes(loaded(), evaluation), "nothing published yet");
    Warehouse w = new Warehouse(tmp);
    Instant now = Instant.parse("2025-04-30T12:00:00Z");
    write("runs/r1/tables/conformed/gp_events/part-0.parquet", 100);
    write("runs/r1/tables/conformed/asc_services/part-0.parquet", 7);
    write("runs/r1/tables/risk/scores/part-0.parquet", 1000);
    write("runs/r2/tables/conformed/gp_events/part-0.parquet", 30);
    write("runs/r2/tables/conformed/gp_events/part-1.parquet", 10);
    w.publish(
        "r1",
        List.of(
            output("conformed/gp_events", "2025-03-31", "runs/r1/tables/conformed/gp_events"),
            output("conformed/asc_services", "2025-03-31", "runs/r1/tables/conformed/asc_services"),
            output("risk/scores", "2025-03-31", "runs/r1/tables/risk/scores")),
        now);
    w.publish(
        "r2",
        List.of(output("conformed/gp_events", "2025-04-30", "runs/r2/tables/conformed/gp_events")),
        now);
    // gp_events' newer version (30 + 10) and asc_services' only one (7); not the scores.
    assertEquals(47, JobExecution.inputBytes(loaded(), evaluation));
  }

  private void write(String relative, int bytes) throws IOException {
    Path f = tmp.resolve(relative);
    Files.createDirectories(f.getParent());
    Files.write(f, new byte[bytes]);
  }

  private static RunManifest.Output output(String name, String key, String path) {
    return new RunManifest.Output(name, Sensitivity.PATIENT_LEVEL, key, path, 1, "");
  }
}

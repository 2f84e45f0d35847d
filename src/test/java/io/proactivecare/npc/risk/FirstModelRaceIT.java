package io.proactivecare.npc.risk;

import static io.proactivecare.npc.testing.TestSteps.kind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.jobs.JobLoader;
import io.proactivecare.npc.jobs.JobRunner;
import io.proactivecare.npc.jobs.JobSpec;
import io.proactivecare.npc.jobs.ProgressListener;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs started together on a warehouse with no model both train a first model. Whatever the
 * order they publish in, the model the registry calls current is the model the published scores
 * carry. The race is staged exactly: run B scores with its own first model, and before B publishes,
 * run A (started later in real time, but with the earlier run id, as a second machine's clock may
 * give it) scores with its own and publishes.
 */
class FirstModelRaceIT {
  private static final String DATE = "2025-03-31";

  @TempDir Path tmp;

  @Test
  void thePublishedScoresCarryTheModelTheRegistryCallsCurrent() throws Exception {
    Path wh = tmp.resolve("wh");
    Path extract = tmp.resolve("extract");
    for (String[] args :
        List.of(
            new String[] {
              "generate",
              "--people",
              "1500",
              "--seed",
              "21",
              "--as-of",
              DATE,
              "--out",
              extract.toString()
            },
            new String[] {"ingest", "--extract", extract.toString()})) {
      Npc.Result r = Npc.run(wh, args);
      assertEquals(0, r.exitCode(), r.err());
    }

    // Run B's second step is run A, whole: `npc risk score` finds no current model either.
    String[] runA = new String[1];
    Step meanwhile =
        ctx -> {
          Npc.Result r = Npc.run(wh, "risk", "score", "--as-of", DATE);
          assertEquals(0, r.exitCode(), r.err());
          runA[0] = new Warehouse(wh).catalog().runId();
          try {
            Files.createDirectories(ctx.outputDir("scratch/meanwhile"));
            Files.writeString(ctx.outputDir("scratch/meanwhile").resolve("run-a.txt"), runA[0]);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          ctx.produced("scratch/meanwhile", DATE, 1);
        };
    Path jobFile = tmp.resolve("race.yaml");
    Files.writeString(
        jobFile,
        """
        job: race
        steps:
          features:
            run: features
            outputs:
              patient_level: [features/person]
          train:
            run: risk_train
            needs: [features]
            with: {train: if_no_model}
            outputs:
              patient_level: [risk/model]
          risk:
            run: risk_score
            needs: [train]
            outputs:
              patient_level: [risk/scores]
          meanwhile:
            run: meanwhile
            needs: [risk]
            outputs:
              aggregate: [scratch/meanwhile]
        """);
    JobSpec job =
        JobLoader.load(jobFile, Engine.standardSteps().register(kind("meanwhile", meanwhile)));
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("warehouse", wh.toString());
    flags.put("mappings", Npc.HOME.resolve("conf/sources").toString());
    flags.put("publish", tmp.resolve("publish").toString());
    flags.put("spark.shuffle_partitions", "2");
    ConfigLoader.Loaded loaded = ConfigLoader.load(Optional.empty(), flags);
    // Run B's id sorts after run A's: its clock is an hour ahead.
    JobRunner runB =
        new JobRunner(
            SparkTestSession::get,
            loaded.config(),
            loaded.hash(),
            "test",
            Clock.offset(Clock.systemUTC(), Duration.ofHours(1)));
    NpcException refused = null;
    try {
      runB.run(job, LocalDate.parse(DATE), Optional.empty(), ProgressListener.SILENT);
    } catch (NpcException e) {
      refused = e;
    }
    assertNotNull(runA[0]);

    Warehouse w = new Warehouse(wh);
    String current = new ModelRegistry(w).currentId().orElseThrow();
    Catalog.TableVersion scores =
        w.catalog().entry(RiskScoreStep.SCORES).orElseThrow().versions().get(DATE);
    List<String> scoredWith =
        SparkTestSession.get()
            .read()
            .parquet(w.resolve(scores.path()).toString())
            .select("model_id")
            .distinct()
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    assertEquals(List.of(current), scoredWith, "the registry's current model scored them");
    // Run A published first with its first model; run B's, trained for nothing, is refused.
    assertEquals(
        runA[0],
        w.catalog().entry(ModelRegistry.OUTPUT).orElseThrow().versions().get(current).runId(),
        "the current model is the one run A published");
    assertNotNull(refused, "run B published scores of a model that is not current");
    assertEquals(ExitCode.UNEXPECTED, refused.exitCode());
    assertTrue(refused.getMessage().contains("became current while it ran"), refused.getMessage());
  }
}

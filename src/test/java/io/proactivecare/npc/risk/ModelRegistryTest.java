package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.config.RiskSettings;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Sensitivity;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's rules on models published with chosen hold-out figures: the first published is
 * current; promotion refuses a model worse than the current one on the same hold-out unless forced;
 * without that comparison, the models' own hold-out AUROCs decide.
 */
class ModelRegistryTest {
  @TempDir Path tmp;

  private static RiskModel model(String id, double auroc, String against, Double againstAuroc) {
    Learner learner =
        Learner.Regression.fit(new double[][] {{1}, {2}, {3}, {4}}, new int[] {0, 0, 1, 1}, 1.0);
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("holdout_auroc", auroc);
    if (against != null) {
      card.put("current_model", against);
      card.put("current_model_holdout_auroc", againstAuroc);
    }
    return new RiskModel(
        id,
        "2025-03-31",
        List.of("2023-03-31"),
        "2024-03-31",
        new Encoder(List.of("age"), List.of()),
        learner,
        new Calibrator.Platt(0, 1),
        new Reasons(Map.of(), 1096, 90),
        card);
  }

  private static String contentId(RiskModel m, Calibrator c, RiskSettings settings) {
    return RiskModel.contentId(
        m.encoder(),
        m.learner(),
        c,
        m.reasons(),
        m.asOf(),
        m.trainingCutoffs(),
        m.holdoutCutoff(),
        settings);
  }

  @Test
  void aModelsIdIsItsContent() {
    RiskSettings settings =
        io.proactivecare.npc.config.ConfigLoader.load(java.util.Optional.empty(), Map.of())
            .config()
            .risk();
    // Two models fitted apart on the same data: the same id, twelve hexadecimal digits.
    RiskModel a = model("a", 0.7, null, null);
    RiskModel b = model("b", 0.7, null, null);
    String id = contentId(a, a.calibrator(), settings);
    assertTrue(id.matches("[0-9a-f]{12}"), id);
    assertEquals(id, contentId(b, b.calibrator(), settings));
    // Another calibration, or other settings: another model.
    assertNotEquals(id, contentId(a, new Calibrator.Platt(0.1, 1), settings));
    RiskSettings seed7 =
        io.proactivecare.npc.config.ConfigLoader.load(
                java.util.Optional.empty(), Map.of("risk.seed", "7"))
            .config()
            .risk();
    assertNotEquals(id, contentId(a, a.calibrator(), seed7));
  }

  @Test
  void aMetricThatIsNotANumberIsWrittenAsNull() throws Exception {
    RiskModel m = model("nan", 0.7, null, null);
    Map<String, Object> holdout = new LinkedHashMap<>();
    holdout.put("ppv_top5", Double.NaN);
    holdout.put("auroc_ci", List.of(0.6, Double.NaN));
    m.card().put("holdout", holdout);
    Path dir = tmp.resolve("nan");
    ModelRegistry.save(dir, m, List.of(), SparkTestSession.get());
    String json = java.nio.file.Files.readString(dir.resolve("card.json"));
    com.fasterxml.jackson.databind.JsonNode card =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    assertTrue(card.get("holdout").get("ppv_top5").isNull(), json);
    assertTrue(card.get("holdout").get("auroc_ci").get(1).isNull(), json);
    assertEquals(0.6, card.get("holdout").get("auroc_ci").get(0).asDouble());
    assertFalse(json.contains("NaN"), json);
  }

  /** Saves and publishes a model the way a training run does. */
  private static void publish(Warehouse w, RiskModel m) {
    publish(w, m, Warehouse.PublishCheck.NONE);
  }

  /** Saves and publishes a model, the run's catalog subject to {@code check}. */
  private static int runs;

  private static void publish(Warehouse w, RiskModel m, Warehouse.PublishCheck check) {
    // Each run starts a minute after the one before, as real runs do: run ids sort by start time,
    // and the registry lists models in the order their runs published them.
    String run =
        w.newRun("risk_train", Instant.parse("2025-04-01T00:00:00Z").plusSeconds(60L * runs++));
    Path dir = w.outputDir(run, ModelRegistry.OUTPUT);
    ModelRegistry.save(dir, m, List.of(), SparkTestSession.get());
    w.publish(
        run,
        List.of(
            new RunManifest.Output(
                ModelRegistry.OUTPUT, Sensitivity.PATIENT_LEVEL, m.id(), w.relativize(dir), 1, "")),
        Instant.now(),
        check);
  }

  @Test
  void promotionComparesOnTheSameHoldout() {
    Warehouse w = new Warehouse(tmp.resolve("wh"));
    ModelRegistry r = new ModelRegistry(w);
    publish(w, model("m1", 0.75, null, null));
    assertEquals("m1", r.currentId().orElseThrow(), "the first published model is current");
    // m2 scores 0.74 on its hold-out, where m1 scored 0.76: worse, refused.
    publish(w, model("m2", 0.74, "m1", 0.76));
    NpcException e = assertThrows(NpcException.class, () -> r.promote("m2", false));
    assertTrue(e.getMessage().contains("worse on its hold-out (AUROC 0.7400)"), e.getMessage());
    assertTrue(e.getMessage().contains("current model m1 (0.7600)"), e.getMessage());
    assertEquals("m1", r.currentId().orElseThrow());
    r.promote("m2", true);
    assertEquals("m2", r.currentId().orElseThrow(), "forced");
    // m3 scores 0.77 on its hold-out, where m2 (current, not m1) was not measured: own AUROCs,
    // 0.77 against m2's 0.74: promoted.
    publish(w, model("m3", 0.77, "m1", 0.80));
    r.promote("m3", false);
    assertEquals("m3", r.currentId().orElseThrow());
    // Back to m1: its own 0.75 is below m3's 0.77: refused.
    assertThrows(NpcException.class, () -> r.promote("m1", false));
    assertEquals("m3", r.load("m3").id());
    assertThrows(NpcException.class, () -> r.load("m9"));
  }

  @Test
  void aFirstModelBecomesCurrentAsItsRunPublishesAndASecondFirstModelIsRefused() {
    Warehouse w = new Warehouse(tmp.resolve("first"));
    ModelRegistry r = new ModelRegistry(w);
    // Two runs found no model and trained one each; "b" publishes first. "a" sorts first by id,
    // which made it current under the old rule (the first by id) though "b"'s scores were out.
    publish(w, model("b", 0.75, null, null), r.scoredWith("run-b", "b", true));
    assertEquals("b", w.catalog().currentModel());
    NpcException e =
        assertThrows(
            NpcException.class,
            () -> publish(w, model("a", 0.75, null, null), r.scoredWith("run-a", "a", true)));
    assertEquals(1, e.exitCode().code());
    assertTrue(e.getMessage().contains("model b became current while it ran"), e.getMessage());
    assertEquals("b", r.currentId().orElseThrow());
    // A model merely registered later, with an id sorting first, does not take over either.
    publish(w, model("0", 0.70, null, null), r.registered("0"));
    assertEquals("b", r.currentId().orElseThrow());
  }

  @Test
  void aRunWhoseModelWasPromotedAwayMeanwhileIsRefused() {
    Warehouse w = new Warehouse(tmp.resolve("promoted"));
    ModelRegistry r = new ModelRegistry(w);
    publish(w, model("m1", 0.75, null, null), r.registered("m1"));
    publish(w, model("m2", 0.80, "m1", 0.75), r.registered("m2"));
    // A run scores with m1; m2 is promoted before it publishes.
    Warehouse.PublishCheck scoredWithM1 = r.scoredWith("run-x", "m1", false);
    r.promote("m2", false);
    NpcException e =
        assertThrows(
            NpcException.class, () -> w.publish("run-x", List.of(), Instant.now(), scoredWithM1));
    assertTrue(e.getMessage().contains("model m2 became current while it ran"), e.getMessage());
    long version = w.catalog().version();
    w.publish("run-y", List.of(), Instant.now(), r.scoredWith("run-y", "m2", false));
    assertEquals(version + 1, w.catalog().version());
  }
}

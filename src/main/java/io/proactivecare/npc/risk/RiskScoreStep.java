package io.proactivecare.npc.risk;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code run: risk_score}: scores everyone's features at the as-of date ({@code features/person},
 * written by a {@code features} step) with the current model ({@code risk/scores}). It trains
 * nothing: with no model in the registry it scores with the first model a {@code risk_train} step
 * of this run trained, which becomes current when the run publishes, and with neither it refuses.
 * The run's catalog publishes only if the model it scored with is current then (else another run
 * published a first model, or a model was promoted, meanwhile: the run fails and publishes
 * nothing).
 */
public final class RiskScoreStep implements Step {
  public static final String KIND = "risk_score";
  public static final String SCORES = "risk/scores";

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "score everyone's features with the current risk model",
        Set.of(),
        with -> new RiskScoreStep());
  }

  @Override
  public List<String> inputs() {
    return List.of(FeaturesStep.OUTPUT, ModelRegistry.OUTPUT);
  }

  @Override
  public void run(StepContext ctx) {
    ModelRegistry registry = new ModelRegistry(ctx.warehouse());
    Optional<String> current = registry.currentId();
    Optional<StepContext.InputTable> trained = ctx.thisRun(ModelRegistry.OUTPUT);
    RiskModel model;
    if (current.isPresent()) {
      model = registry.load(current.get());
      trained
          .filter(t -> !t.versionKey().equals(current.get()))
          .ifPresent(
              t ->
                  ctx.note(
                      "model "
                          + t.versionKey()
                          + ", trained by this run, is registered, not current: scored with "
                          + current.get()
                          + " (npc risk promote makes it current)"));
    } else if (trained.isPresent()) {
      ctx.read(trained.get());
      model = ModelRegistry.read(trained.get().path(), trained.get().versionKey());
    } else {
      throw Errors.usage(
          "No risk model to score with: the registry has none and no earlier step of the run"
              + " trained one",
          "run npc risk train first, or put a risk_train step before this step in the job"
              + " (jobs/nightly.yaml has one)");
    }
    // The run publishes these scores only if this model is still current then; a first model
    // becomes current in that same publish (two runs may have trained one each).
    ctx.atPublish(registry.scoredWith(ctx.runId(), model.id(), current.isEmpty()));
    StepContext.InputTable table =
        ctx.inputAt(FeaturesStep.OUTPUT, ctx.asOf().toString())
            .orElseThrow(
                () ->
                    Errors.usage(
                        "The warehouse has no " + FeaturesStep.OUTPUT + " as of " + ctx.asOf(),
                        "put a features step before this step in the job, or run npc features"
                            + " --as-of "
                            + ctx.asOf()));
    Dataset<Row> features = ctx.spark().read().parquet(table.path().toString());
    ctx.write(
        SCORES,
        ctx.asOf().toString(),
        Scoring.score(features, model, ctx.config().risk(), FeaturesStep.OUTPUT));
    ctx.note("scored with model " + model.id() + " (" + model.learner().kind() + ")");
    if (java.time.LocalDate.parse(model.asOf()).isAfter(ctx.asOf())) {
      // A backfill of a past date: the registry keeps one current model, so this is not the model
      // that was current then. Say so where a reader of the run will see it.
      ctx.note(
          "WARNING: scored "
              + ctx.asOf()
              + " with model "
              + model.id()
              + ", trained as of "
              + model.asOf()
              + ", after that date: not the model that was current then, and it learnt from"
              + " outcomes after the date");
    }
  }
}

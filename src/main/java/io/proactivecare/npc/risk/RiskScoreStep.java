package io.proactivecare.npc.risk;

import io.proactivecare.npc.features.Features;
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
 * {@code run: risk_score}: builds everyone's features at the as-of date ({@code features/person})
 * and scores them with the current model ({@code risk/scores}). With no model in the registry it
 * first trains one (published as {@code risk/model}), which becomes current when the run publishes.
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
        "build features and score everyone with the current risk model",
        Set.of(),
        with -> new RiskScoreStep());
  }

  @Override
  public void run(StepContext ctx) {
    ModelRegistry registry = new ModelRegistry(ctx.warehouse());
    Optional<RiskModel> current = registry.current();
    RiskModel model;
    if (current.isPresent()) {
      model = current.get();
    } else {
      ctx.note("no model in the registry: training the first one");
      model = RiskTrainStep.train(ctx, Optional.empty());
    }
    // The run publishes these scores only if this model is still current then; a first model
    // becomes current in that same publish (two runs may have trained one each).
    ctx.atPublish(registry.scoredWith(ctx.runId(), model.id(), current.isEmpty()));
    FeaturesStep.Sources sources = FeaturesStep.sources(ctx);
    Dataset<Row> features =
        ctx.write(
            FeaturesStep.OUTPUT,
            ctx.asOf().toString(),
            Features.build(
                sources.inputs(),
                sources.population(List.of(ctx.asOf()), ctx.config()),
                sources.efi(),
                sources.hfrs(),
                ctx.config()));
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

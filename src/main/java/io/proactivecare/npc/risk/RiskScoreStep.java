package io.proactivecare.npc.risk;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.io.ParquetRows;
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
 *
 * <p>A backfill (a date before the newest published scores) scores with the model that was current
 * then: the one that scored the newest published scores on or before the date ({@link
 * #backfillOf}), if the registry still holds it. Before the first published scores there is no such
 * model, and the run says loudly that it scores with today's.
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
    // Earlier published scores: which model was current at a backfilled date.
    return List.of(FeaturesStep.OUTPUT, ModelRegistry.OUTPUT, SCORES);
  }

  /**
   * For a backfill, the date of the published scores whose model was current at {@code asOf}: the
   * newest scored date on or before it, when some scored date is after it (else {@code asOf} is not
   * in the past of the scores, and today's current model is the one). Empty also for a backfill
   * before the first scored date: no model was current then.
   */
  static Optional<java.time.LocalDate> backfillOf(
      java.time.LocalDate asOf, java.util.Collection<java.time.LocalDate> scored) {
    if (scored.stream().noneMatch(d -> d.isAfter(asOf))) {
      return Optional.empty();
    }
    return scored.stream().filter(d -> !d.isAfter(asOf)).max(java.util.Comparator.naturalOrder());
  }

  /** The model that scored the published scores at {@code date}, if the registry still has it. */
  private static Optional<String> modelThen(
      StepContext ctx, ModelRegistry registry, java.time.LocalDate date) {
    return ctx.publishedBefore(SCORES, date.plusDays(1))
        .flatMap(
            t ->
                ParquetRows.read(ctx.spark(), t.path())
                    .select(Scoring.MODEL_ID)
                    .limit(1)
                    .collectAsList()
                    .stream()
                    .map(r -> r.getString(0))
                    .findFirst())
        .filter(id -> registry.models().stream().anyMatch(e -> e.id().equals(id)));
  }

  @Override
  public void run(StepContext ctx) {
    ModelRegistry registry = new ModelRegistry(ctx.warehouse());
    Optional<String> current = registry.currentId();
    Optional<StepContext.InputTable> trained = ctx.thisRun(ModelRegistry.OUTPUT);
    List<java.time.LocalDate> scored =
        ctx.publishedVersions(SCORES).keySet().stream().map(java.time.LocalDate::parse).toList();
    Optional<java.time.LocalDate> backfill =
        current.isEmpty() ? Optional.empty() : backfillOf(ctx.asOf(), scored);
    Optional<String> then = backfill.flatMap(d -> modelThen(ctx, registry, d));
    RiskModel model;
    if (then.isPresent()) {
      // A backfill: the model current then, whatever is current now; nothing to check at publish.
      model = registry.load(then.get());
      ctx.inputAt(ModelRegistry.OUTPUT, model.id());
      ctx.note(
          "backfill of "
              + ctx.asOf()
              + ": scored with model "
              + then.get()
              + ", which scored the published "
              + backfill.get()
              + (then.equals(current)
                  ? " and is current"
                  : " (the current model is " + current.get() + ")"));
    } else if (current.isPresent()) {
      model = registry.load(current.get());
      // Among the step's inputs, as a model trained by this run is (when the catalog holds it).
      ctx.inputAt(ModelRegistry.OUTPUT, model.id());
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
    if (then.isEmpty()) {
      ctx.atPublish(registry.scoredWith(ctx.runId(), model.id(), current.isEmpty()));
    }
    StepContext.InputTable table =
        ctx.inputAt(FeaturesStep.OUTPUT, ctx.asOf().toString())
            .orElseThrow(
                () ->
                    Errors.usage(
                        "The warehouse has no " + FeaturesStep.OUTPUT + " as of " + ctx.asOf(),
                        "put a features step before this step in the job, or run npc features"
                            + " --as-of "
                            + ctx.asOf()));
    Dataset<Row> features = ParquetRows.read(ctx.spark(), table.path());
    ctx.write(
        SCORES,
        ctx.asOf().toString(),
        Scoring.score(features, model, ctx.config().risk(), FeaturesStep.OUTPUT));
    ctx.note("scored with model " + model.id() + " (" + model.learner().kind() + ")");
    boolean trainedAfter = java.time.LocalDate.parse(model.asOf()).isAfter(ctx.asOf());
    boolean past = scored.stream().anyMatch(d -> d.isAfter(ctx.asOf()));
    if (then.isEmpty() && (past || trainedAfter)) {
      // A backfill with no model known to have been current then (before the first published
      // scores, or that model has left the registry), or a model newer than the date. Say so where
      // a reader of the run will see it.
      ctx.note(
          "WARNING: scored "
              + ctx.asOf()
              + " with model "
              + model.id()
              + ", trained as of "
              + model.asOf()
              + ": "
              + (backfill.isPresent()
                  ? "the model that scored " + backfill.get() + " is no longer in the registry"
                  : past
                      ? "no published scores on or before "
                          + ctx.asOf()
                          + " name the model current then"
                      : "not the model current then")
              + (trainedAfter ? ", and it learnt from outcomes after the date" : ""));
    }
  }
}

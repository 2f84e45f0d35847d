package io.proactivecare.npc.risk;

import static org.apache.spark.sql.functions.col;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.schema.Cols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code run: risk_train}: trains a model as of the run's date and publishes it to the registry as
 * {@code risk/model}, keyed by its id. Training changes the current model only when the registry
 * has none (the first model registered becomes current as the run publishes): else promote it.
 *
 * <p>With {@code train: if_no_model} (the nightly job) it trains only when the registry has no
 * model, and says so in a note; otherwise it notes that the current model stays and leaves {@code
 * risk/model} unwritten (recorded in the manifest with the reason). {@code train: always} (the
 * default, and {@code npc risk train}) trains every time.
 */
public final class RiskTrainStep implements Step {
  public static final String KIND = "risk_train";

  /** The option {@code with: {train: ...}}: when the step trains. */
  public static final String TRAIN = "train";

  public static final String ALWAYS = "always";
  public static final String IF_NO_MODEL = "if_no_model";

  private final Optional<Path> truth;
  private final boolean onlyFirst;

  /**
   * @param truth a generated population's truth folder (risk.csv.gz), to report the gap
   */
  public RiskTrainStep(Optional<Path> truth) {
    this(truth, false);
  }

  /**
   * @param truth a generated population's truth folder (risk.csv.gz), to report the gap
   * @param onlyFirst train only when the registry has no model
   */
  public RiskTrainStep(Optional<Path> truth, boolean onlyFirst) {
    this.truth = truth;
    this.onlyFirst = onlyFirst;
  }

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "train and register an unplanned-care risk model as of the run's date (train: always,"
            + " or if_no_model: only when the registry has none)",
        Set.of("truth", TRAIN),
        with -> {
          String when = with.optionalString(TRAIN).orElse(ALWAYS);
          if (!when.equals(ALWAYS) && !when.equals(IF_NO_MODEL)) {
            throw Errors.config(
                with.source(),
                with.keyOf(TRAIN),
                "train is '" + when + "'",
                "use " + ALWAYS + " or " + IF_NO_MODEL);
          }
          return new RiskTrainStep(
              with.optionalString("truth").map(Path::of), when.equals(IF_NO_MODEL));
        });
  }

  @Override
  public List<String> inputs() {
    return java.util.stream.Stream.concat(
            FeaturesStep.SOURCES.stream(), java.util.stream.Stream.of(ModelRegistry.OUTPUT))
        .toList();
  }

  @Override
  public void run(StepContext ctx) {
    ModelRegistry registry = new ModelRegistry(ctx.warehouse());
    if (onlyFirst) {
      Optional<String> current = registry.currentId();
      if (current.isPresent()) {
        ctx.note(
            "model "
                + current.get()
                + " is current, not training (train: "
                + IF_NO_MODEL
                + "; npc risk train trains another)");
        ctx.notWritten(
            ModelRegistry.OUTPUT, "model " + current.get() + " is current, not training");
        return;
      }
      ctx.note("no model in the registry: training the first one");
    }
    RiskModel model = train(ctx, truth);
    // The first model registered becomes current, in the run's own catalog.
    ctx.atPublish(registry.registered(model.id()));
  }

  /** Trains, writes the model's folder as output risk/model, and returns the model. */
  static RiskModel train(StepContext ctx, Optional<Path> truth) {
    FeaturesStep.Sources sources = FeaturesStep.sources(ctx);
    ModelRegistry registry = new ModelRegistry(ctx.warehouse());
    Optional<RiskModel> current = registry.current();
    Optional<Dataset<Row>> truthRows =
        truth.map(
            dir -> truthAt(ctx, dir, ctx.asOf().minusMonths(ctx.config().risk().holdoutMonths())));
    Training.Result result = Training.train(sources, ctx.asOf(), ctx.config(), truthRows, current);
    RiskModel model = result.model();
    // The id is the model's content: training the same model again registers it again, the same.
    String id = model.id();
    ModelRegistry.save(ctx.outputDir(ModelRegistry.OUTPUT), model, result.metrics(), ctx.spark());
    ctx.produced(ModelRegistry.OUTPUT, id, 1);
    ctx.note(
        String.format(
            Locale.ROOT,
            "model %s: %s, hold-out AUROC %.4f on %s rows%s",
            id,
            model.learner().kind(),
            model.holdoutAuroc(),
            model.card().get("holdout_rows"),
            model.card().containsKey("true_risk_auroc")
                ? String.format(
                    Locale.ROOT,
                    " (true risk %.4f, gap %.4f; true risk from recorded factors %.4f)",
                    ((Number) model.card().get("true_risk_auroc")).doubleValue(),
                    ((Number) model.card().get("auroc_gap_to_true_risk")).doubleValue(),
                    ((Number) model.card().getOrDefault("recorded_risk_auroc", Double.NaN))
                        .doubleValue())
                : ""));
    return model;
  }

  private static Dataset<Row> truthAt(StepContext ctx, Path dir, java.time.LocalDate cutoff) {
    Path file = dir.resolve("risk.csv.gz");
    if (!Files.isRegularFile(file)) {
      throw Errors.usage(
          "No " + file + " to compare with",
          "--truth names a generated population's truth folder (npc generate writes it)");
    }
    StructType schema =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType)
            .add("cutoff", DataTypes.DateType)
            .add("true_risk_12m", DataTypes.DoubleType)
            .add("recorded_risk_12m", DataTypes.DoubleType);
    return ctx.spark()
        .read()
        .option("header", true)
        .schema(schema)
        .csv(file.toString())
        .where(col("cutoff").equalTo(java.sql.Date.valueOf(cutoff)))
        .select(col(Cols.PERSON_ID), col("true_risk_12m"), col("recorded_risk_12m"));
  }
}

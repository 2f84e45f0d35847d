package io.proactivecare.npc.risk;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Json;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The model registry in the warehouse (docs/model.md). Each trained model is a published output
 * {@code risk/model} whose version key is the model id: a folder with {@code model.bin}, the model
 * card ({@code card.json}, {@code card.md}) and its metrics ({@code metrics/}, Parquet). The
 * current model is the one last promoted ({@code models/current.json}), else the one the catalog
 * made current when it was published as the first model ({@link Catalog#currentModel()}), else (a
 * warehouse from before that was recorded) the first published.
 *
 * <p>What is published and what is current agree: a run that scores declares, with {@link
 * #scoredWith}, a check that its catalog publishes only if the model it used is still current (or,
 * for a first model it trained, that there is still none, and then it becomes current in the same
 * catalog). Promotion and publishing both hold the warehouse's publish lock.
 */
public final class ModelRegistry {
  public static final String OUTPUT = "risk/model";
  static final String MODEL_FILE = "model.bin";

  /** The model card in Markdown, in a model's folder (card.json beside it). */
  public static final String CARD_MD = "card.md";

  private final Warehouse warehouse;

  public ModelRegistry(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Versions of the registry in the order they were published: by run id, then model id. */
  private static final java.util.Comparator<Map.Entry<String, Catalog.TableVersion>> PUBLISHED =
      Map.Entry.<String, Catalog.TableVersion>comparingByValue(
              java.util.Comparator.comparing(Catalog.TableVersion::runId))
          .thenComparing(Map.Entry.comparingByKey());

  /** A registered model: id, where it lives. */
  public record Entry(String id, Path dir) {}

  /** Every published model, oldest first. */
  public List<Entry> models() {
    List<Entry> out = new ArrayList<>();
    warehouse
        .catalog()
        .entry(OUTPUT)
        .ifPresent(
            e -> {
              // Model ids are hashes of the models; the run ids that published them sort in time
              // order (the catalog's map has no order).
              e.versions().entrySet().stream()
                  .sorted(PUBLISHED)
                  .forEach(
                      v -> out.add(new Entry(v.getKey(), warehouse.resolve(v.getValue().path()))));
            });
    return out;
  }

  private Path currentFile() {
    return warehouse.root().resolve("models").resolve("current.json");
  }

  /** The current model's id (the class comment says which). */
  public Optional<String> currentId() {
    return currentIn(warehouse.catalog());
  }

  /** The current model's id as of published state {@code catalog}. */
  Optional<String> currentIn(Catalog catalog) {
    if (Files.isRegularFile(currentFile())) {
      Map<?, ?> m = Json.read(currentFile(), Map.class);
      return Optional.of((String) m.get("model_id"));
    }
    if (!catalog.currentModel().isEmpty()) {
      return Optional.of(catalog.currentModel());
    }
    return catalog
        .entry(OUTPUT)
        .flatMap(e -> e.versions().entrySet().stream().min(PUBLISHED).map(Map.Entry::getKey));
  }

  /**
   * The publish check of a run that scored with model {@code id}: refused if another model became
   * current meanwhile (another run published a first model, or one was promoted). A first model
   * ({@code first}: the run trained it because there was none) becomes current in the run's own
   * catalog, if there is still none.
   */
  public Warehouse.PublishCheck scoredWith(String runId, String id, boolean first) {
    return (current, next) -> {
      Optional<String> now = currentIn(current);
      if (first ? now.isPresent() : !now.equals(Optional.of(id))) {
        throw Errors.conflict(
            "Run "
                + runId
                + " scored with model "
                + id
                + (first ? ", the first model, which it trained" : "")
                + ", but model "
                + now.orElse("(none)")
                + " became current while it ran (another run published it, or it was promoted);"
                + " nothing was published",
            "run it again (it will score with the current model)");
      }
      return first ? next.withCurrentModel(id) : next;
    };
  }

  /**
   * The publish check of a run that registers model {@code id} without scoring: the first model
   * registered becomes current, in the same catalog.
   */
  public Warehouse.PublishCheck registered(String id) {
    return (current, next) -> currentIn(current).isPresent() ? next : next.withCurrentModel(id);
  }

  public Optional<RiskModel> current() {
    return currentId().map(this::load);
  }

  /** Loads model {@code id}; a usage error naming the known ids when there is none. */
  public RiskModel load(String id) {
    Entry e =
        models().stream()
            .filter(m -> m.id().equals(id))
            .findFirst()
            .orElseThrow(
                () ->
                    Errors.usage(
                        "No model '" + id + "' in the registry",
                        "known models: "
                            + (models().isEmpty()
                                ? "none (run npc risk train)"
                                : String.join(", ", models().stream().map(Entry::id).toList()))));
    return read(e.dir(), id);
  }

  /**
   * The model saved in folder {@code dir} (a {@code risk/model} output), whose id is {@code id}.
   */
  public static RiskModel read(Path dir, String id) {
    try (InputStream in = Files.newInputStream(dir.resolve(MODEL_FILE));
        ObjectInputStream o = new ObjectInputStream(in)) {
      return (RiskModel) o.readObject();
    } catch (IOException | ClassNotFoundException ex) {
      throw Errors.usage(
          "Cannot read model " + id + " (" + ex.getClass().getSimpleName() + ")",
          "it was saved by another version of npc: train a new model");
    }
  }

  /**
   * Makes {@code id} current. Refuses a model that is worse on its own hold-out than the current
   * model is on the same hold-out, unless forced.
   */
  public void promote(String id, boolean force) {
    // Under the publish lock: a run publishing scores checks the current model under it too.
    warehouse.underPublishLock(
        "cannot promote model " + id + " in " + warehouse.root(),
        () -> {
          promoteLocked(id, force);
          return null;
        });
  }

  private void promoteLocked(String id, boolean force) throws IOException {
    RiskModel candidate = load(id);
    Optional<String> current = currentId();
    if (current.isPresent() && !current.get().equals(id) && !force) {
      Object theirs = candidate.card().get("current_model_holdout_auroc");
      Object against = candidate.card().get("current_model");
      double mine = candidate.holdoutAuroc();
      if (theirs instanceof Number n && current.get().equals(against)) {
        if (mine < n.doubleValue()) {
          throw Errors.usage(
              String.format(
                  Locale.ROOT,
                  "Model %s is worse on its hold-out (AUROC %.4f) than the current model %s"
                      + " (%.4f)",
                  id,
                  mine,
                  current.get(),
                  n.doubleValue()),
              "keep the current model, or pass --force");
        }
      } else {
        double currentAuc = load(current.get()).holdoutAuroc();
        if (mine < currentAuc) {
          throw Errors.usage(
              String.format(
                  Locale.ROOT,
                  "Model %s has hold-out AUROC %.4f, below the current model %s (%.4f on its own"
                      + " hold-out)",
                  id,
                  mine,
                  current.get(),
                  currentAuc),
              "keep the current model, or pass --force");
        }
      }
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("model_id", id);
    record.put("promoted_at", Instant.now().toString());
    record.put("previous", current.orElse(null));
    record.put("forced", force);
    Files.createDirectories(currentFile().getParent());
    Json.writeAtomically(currentFile(), record);
  }

  /**
   * The card as JSON writes it: a metric that is not a number (NaN: e.g. the PPV of a group with
   * nobody flagged) becomes null, not the string "NaN"; maps without an order of their own in key
   * order.
   */
  static Object finite(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return null;
    }
    if (v instanceof Map<?, ?> m) {
      // An unordered map (Map.of iterates in an order that changes from JVM to JVM) is written in
      // key order, so the same card is the same file on every run.
      Map<Object, Object> out =
          m instanceof LinkedHashMap<?, ?> || m instanceof java.util.SortedMap<?, ?>
              ? new LinkedHashMap<>()
              : new java.util.TreeMap<>(java.util.Comparator.comparing(String::valueOf));
      m.forEach((k, x) -> out.put(k, finite(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(finite(x)));
      return out;
    }
    return v;
  }

  /** Writes a model's folder: model.bin, card.json, card.md and metrics (Parquet). */
  public static void save(
      Path dir, RiskModel model, List<Training.MetricRow> metrics, SparkSession spark) {
    try {
      Files.createDirectories(dir);
      try (OutputStream out = Files.newOutputStream(dir.resolve(MODEL_FILE));
          ObjectOutputStream o = new ObjectOutputStream(out)) {
        o.writeObject(model);
      }
      Json.writeAtomically(dir.resolve("card.json"), finite(model.card()));
      Files.writeString(dir.resolve(CARD_MD), ModelCard.markdown(model), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (Training.MetricRow m : metrics) {
      rows.add(
          org.apache.spark.sql.RowFactory.create(
              m.model(), m.subgroup(), m.level(), m.metric(), m.value(), m.n()));
    }
    spark
        .createDataFrame(rows, io.proactivecare.npc.schema.Outputs.MODEL.schema())
        .coalesce(1)
        .write()
        .parquet(dir.resolve("metrics").toString());
  }
}

package io.proactivecare.npc.jobs;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.io.ContentChecksum;
import io.proactivecare.npc.schema.OutputContract;
import io.proactivecare.npc.schema.Outputs;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * What a running step sees: the session, configuration, dates, where to write, and the books it
 * keeps for the manifest. A step writes its outputs only under {@link #outputDir(String)}.
 */
public final class StepContext {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StepContext.class);
  private final Supplier<SparkSession> spark;
  private final NpcConfig config;
  private final Warehouse warehouse;
  private final Catalog published;
  private final String runId;
  private final LocalDate asOf;
  private final Optional<LocalDate> extractDate;
  private final List<Produced> produced = new ArrayList<>();
  private final List<RunManifest.Input> inputs = new ArrayList<>();
  private final List<RunManifest.TableCount> tables = new ArrayList<>();
  private final List<RunManifest.ReasonCount> reasons = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> staged = new ArrayList<>();
  private final List<String> withdrawn = new ArrayList<>();
  private final List<RunManifest.MonitoringCheck> monitoring = new ArrayList<>();
  private final List<RunManifest.NotWritten> notWritten = new ArrayList<>();
  private Warehouse.PublishCheck publishCheck = Warehouse.PublishCheck.NONE;
  private boolean checked;
  private final List<RunManifest.Output> earlier;
  private final java.util.function.Consumer<String> noteListener;
  private final Reads reads;

  /**
   * What the step may read: its declared inputs ({@link Step#inputs()}), and the tables earlier
   * steps of this run wrote that it does not need (never read, not even their published versions).
   *
   * @param step the step's name
   * @param inputs its declared inputs (names or patterns)
   * @param notNeeded output name to the step of this run that wrote it, for outputs of steps it
   *     does not need
   */
  public record Reads(String step, List<String> inputs, java.util.Map<String, String> notNeeded) {
    public Reads {
      inputs = List.copyOf(inputs);
      notNeeded = java.util.Map.copyOf(notNeeded);
    }

    /** Refuses a read of {@code name} the step did not declare or may not make. */
    void check(String name) {
      if (inputs.stream().noneMatch(p -> new JobSpec.OutputSpec(p, null).matches(name))) {
        throw new IllegalStateException(
            "step '"
                + step
                + "' read table '"
                + name
                + "', which is not among its declared inputs ("
                + String.join(", ", inputs)
                + "): a step reads only what its kind declares (Step.inputs)");
      }
      String writer = notNeeded.get(name);
      if (writer != null) {
        throw Errors.usage(
            "Step '"
                + step
                + "' read '"
                + name
                + "', which step '"
                + writer
                + "' of this run wrote, but it does not need '"
                + writer
                + "'",
            "add '" + writer + "' to the step's needs in the job file");
      }
    }
  }

  StepContext(
      Supplier<SparkSession> spark,
      NpcConfig config,
      Warehouse warehouse,
      Catalog published,
      String runId,
      LocalDate asOf,
      Optional<LocalDate> extractDate,
      List<RunManifest.Output> earlier,
      java.util.function.Consumer<String> noteListener,
      Reads reads) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
    this.published = published;
    this.runId = runId;
    this.asOf = asOf;
    this.extractDate = extractDate;
    this.earlier = List.copyOf(earlier);
    this.noteListener = noteListener;
    this.reads = reads;
  }

  /**
   * A table a step reads: an output of an earlier step of this run, else the newest published
   * version.
   *
   * @param versionKey the date keying the version read (an extract date or an as-of date)
   * @param path where it lives
   */
  public record InputTable(String name, String versionKey, String runId, Path path) {}

  /** The table {@code name} if an earlier step wrote it or it is published. */
  public Optional<InputTable> optionalInput(String name) {
    reads.check(name);
    return fromThisRun(name, k -> true)
        .or(
            () ->
                published
                    .entry(name)
                    .flatMap(Catalog.Entry::latestKey)
                    .flatMap(k -> fromCatalog(name, k)));
  }

  /** The version of {@code name} an earlier step of this run wrote, keyed as {@code key} wants. */
  private Optional<InputTable> fromThisRun(String name, java.util.function.Predicate<String> key) {
    return earlier.stream()
        .filter(o -> o.name().equals(name) && key.test(o.versionKey()))
        .findFirst()
        .map(o -> new InputTable(name, o.versionKey(), runId, warehouse.resolve(o.path())));
  }

  /**
   * The version of {@code name} an earlier step of this run wrote, whatever its key (e.g. the model
   * a {@code risk_train} step of this run trained); not noted as read until the step reads it.
   */
  public Optional<InputTable> thisRun(String name) {
    reads.check(name);
    return fromThisRun(name, k -> true);
  }

  /** The published version of {@code name} keyed {@code key}. */
  private Optional<InputTable> fromCatalog(String name, String key) {
    return published
        .entry(name)
        .flatMap(e -> Optional.ofNullable(e.versions().get(key)))
        .map(v -> new InputTable(name, key, v.runId(), warehouse.resolve(v.path())));
  }

  /**
   * The table {@code name}, noted in the manifest with the version read; a usage error when there
   * is none.
   */
  public InputTable input(String name) {
    InputTable t =
        optionalInput(name)
            .orElseThrow(
                () ->
                    io.proactivecare.npc.config.Errors.usage(
                        "The warehouse has no '" + name + "' to read",
                        "run `npc ingest` (or a job with an ingest step) first"));
    read(t);
    return t;
  }

  /**
   * An output written by the step: name, the date keying this version, its rows, and its content
   * checksum when it was summed as it was written (empty: sum the written files).
   */
  public record Produced(String name, String versionKey, long rows, String checksum) {}

  public SparkSession spark() {
    return spark.get();
  }

  public NpcConfig config() {
    return config;
  }

  public Warehouse warehouse() {
    return warehouse;
  }

  /**
   * The published versions of {@code name} when the run started (version key to version), which the
   * step must declare as an input; none when there are none.
   */
  public java.util.Map<String, Catalog.TableVersion> publishedVersions(String name) {
    reads.check(name);
    return published.entry(name).map(Catalog.Entry::versions).orElse(java.util.Map.of());
  }

  public String runId() {
    return runId;
  }

  public LocalDate asOf() {
    return asOf;
  }

  /** The extract date given on the command line, overriding the extract's own. */
  public Optional<LocalDate> extractDateOverride() {
    return extractDate;
  }

  /**
   * A folder to fill with files for the publish area, staged inside this run's folder; the runner
   * delivers it as {@code relative} under the publish area once the run has published.
   */
  public Path stage(String relative) {
    Path dir = warehouse.runDir(runId).resolve("deliver").resolve(relative);
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + dir, e);
    }
    staged.add(relative);
    return dir;
  }

  /**
   * Removes {@code relative} from the publish area when the run publishes: a folder an earlier run
   * delivered that this run replaces with nothing (e.g. the list of a PCN that no longer has one).
   */
  public void withdraw(String relative) {
    withdrawn.add(relative);
  }

  /**
   * The version of {@code name} keyed {@code key}: written by an earlier step of this run, else
   * published; noted in the manifest when found.
   */
  public Optional<InputTable> inputAt(String name, String key) {
    reads.check(name);
    Optional<InputTable> t = fromThisRun(name, key::equals).or(() -> fromCatalog(name, key));
    t.ifPresent(this::read);
    return t;
  }

  /**
   * The newest published version of {@code name} keyed by a date before {@code date}: "the previous
   * run" that a comparison is made against.
   */
  public Optional<InputTable> publishedBefore(String name, LocalDate date) {
    reads.check(name);
    return published
        .entry(name)
        .flatMap(
            e ->
                e.versions().keySet().stream()
                    .filter(k -> LocalDate.parse(k).isBefore(date))
                    .max(java.util.Comparator.naturalOrder()))
        .flatMap(k -> fromCatalog(name, k));
  }

  /** The folder to write output {@code name} to (inside this run's folder). */
  public Path outputDir(String name) {
    return warehouse.outputDir(runId, name);
  }

  public void produced(String name, String versionKey, long rows) {
    produced(name, versionKey, rows, java.util.Optional.empty());
  }

  /**
   * An output written with its content checksum taken on the way ({@link ContentChecksum#watch}).
   */
  public void produced(
      String name, String versionKey, long rows, java.util.Optional<String> checksum) {
    produced.add(new Produced(name, versionKey, rows, checksum.orElse("")));
  }

  /**
   * Writes {@code data} as Parquet output {@code name} (refusing to overwrite), records it with its
   * row count (from the written files' footers), and returns it read back, so later uses read the
   * file rather than recompute. First checks {@code data} against the output's contract ({@link
   * Outputs}): its columns, in order, with their types; a mismatch, or an output with no contract
   * or one that is not a Parquet table, is a bug and fails the step before anything is written.
   */
  public org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> write(
      String name, String versionKey, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> data) {
    OutputContract contract =
        Outputs.find(name)
            .filter(OutputContract::table)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "output '"
                            + name
                            + "' has no table contract: declare its columns in schema/Outputs"));
    contract.check(data.schema(), config);
    Path dir = outputDir(name);
    ContentChecksum.Watched watched = ContentChecksum.watch(data);
    watched
        .data()
        .write()
        .mode(org.apache.spark.sql.SaveMode.ErrorIfExists)
        .parquet(dir.toString());
    produced(name, versionKey, io.proactivecare.npc.io.ParquetRows.count(dir), watched.checksum());
    // Read back with the schema it was written with: no Spark job to discover it.
    return spark().read().schema(data.schema()).parquet(dir.toString());
  }

  /**
   * Records that the step deliberately leaves declared output {@code name} unwritten this run, and
   * why (e.g. "model X is current, not training"): the manifest lists it with the reason, so {@code
   * npc runs show} accounts for every declared output.
   */
  public void notWritten(String name, String reason) {
    notWritten.add(new RunManifest.NotWritten(name, reason));
  }

  public void input(RunManifest.Input input) {
    inputs.add(input);
  }

  public void reconciled(RunManifest.TableCount count) {
    tables.add(count);
  }

  public void quarantined(RunManifest.ReasonCount count) {
    reasons.add(count);
  }

  /** A monitoring check for the manifest (the monitoring step's section). */
  public void monitored(RunManifest.MonitoringCheck check) {
    monitoring.add(check);
  }

  /**
   * A one-line note for the manifest (a check skipped, an assumption made); no person-level values.
   */
  public void note(String note) {
    if (!notes.contains(note)) {
      notes.add(note);
      noteListener.accept(note);
    }
  }

  /**
   * Records that the step read {@code table}, for the manifest (which version, from which run). Not
   * a note for people watching: a step reads many tables, and {@code npc runs show} lists them.
   */
  public void read(InputTable table) {
    String line =
        "read " + table.name() + " version " + table.versionKey() + " (run " + table.runId() + ")";
    if (!notes.contains(line)) {
      notes.add(line);
      LOG.info("{}: {}", runId, line);
    }
  }

  /**
   * A condition the run's catalog must meet when it publishes, checked under the publish lock
   * against the state it replaces (e.g. the model this step scored with is still current).
   */
  public void atPublish(Warehouse.PublishCheck check) {
    publishCheck = publishCheck.andThen(check);
    checked = true;
  }

  /** Whether the step set a condition on publishing. */
  boolean hasPublishCheck() {
    return checked;
  }

  Warehouse.PublishCheck publishCheck() {
    return publishCheck;
  }

  List<Produced> producedOutputs() {
    return List.copyOf(produced);
  }

  List<RunManifest.Input> inputs() {
    return List.copyOf(inputs);
  }

  List<RunManifest.TableCount> tables() {
    return List.copyOf(tables);
  }

  List<RunManifest.ReasonCount> reasons() {
    return List.copyOf(reasons);
  }

  List<String> notes() {
    return List.copyOf(notes);
  }

  List<String> staged() {
    return List.copyOf(staged);
  }

  List<String> withdrawn() {
    return List.copyOf(withdrawn);
  }

  List<RunManifest.MonitoringCheck> monitoring() {
    return List.copyOf(monitoring);
  }

  List<RunManifest.NotWritten> notWrittenOutputs() {
    return List.copyOf(notWritten);
  }
}

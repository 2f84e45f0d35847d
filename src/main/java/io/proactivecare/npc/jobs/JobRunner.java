package io.proactivecare.npc.jobs;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.ingest.Extract;
import io.proactivecare.npc.ingest.ExtractLoader;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.io.Checksums;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.PublishArea;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a validated job: a new run folder, the steps in order, a manifest rewritten after each step,
 * then one atomic publish of every output. A failure at any point leaves the published state as it
 * was; the run folder and its manifest (status failed, with the error) stay for inspection.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final Supplier<SparkSession> spark;
  private final NpcConfig config;
  private final String configHash;
  private final String codeVersion;
  private final Clock clock;

  public JobRunner(
      Supplier<SparkSession> spark,
      NpcConfig config,
      String configHash,
      String codeVersion,
      Clock clock) {
    this.spark = spark;
    this.config = config;
    this.configHash = configHash;
    this.codeVersion = codeVersion;
    this.clock = clock;
  }

  /** The outcome of a run that succeeded. */
  public record Result(String runId, long catalogVersion, RunManifest manifest) {}

  /**
   * Runs {@code job} as of {@code asOf}.
   *
   * @param extractDate overrides the extract's own date for ingest steps
   * @throws NpcException for user and data errors (the manifest records it first)
   */
  public Result run(
      JobSpec job, LocalDate asOf, Optional<LocalDate> extractDate, ProgressListener progress) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    Instant started = clock.instant();
    String runId = warehouse.newRun(job.name(), started);
    return execute(
        job,
        asOf,
        extractDate,
        progress,
        new Books(runId, job, asOf, started, "", List.of(), List.of()));
  }

  /**
   * What decides a run's result, as one SHA-256: the job file's bytes, the effective configuration,
   * the as-of date and extract-date override, the current model, and the inputs: each ingest step's
   * extract files (their bytes), or, for a job that ingests nothing, every published output the job
   * does not write itself (which run wrote each version). The engine's own version is not part of
   * it: a new release does not redo dates already done.
   */
  public String fingerprint(JobSpec job, LocalDate asOf, Optional<LocalDate> extractDate) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    Catalog catalog = warehouse.catalog();
    StringBuilder text = new StringBuilder();
    text.append("job ").append(job.name()).append('\n');
    Path file = Path.of(job.file());
    if (Files.isRegularFile(file)) {
      text.append("job file ").append(Checksums.sha256(file)).append('\n');
    }
    text.append("config ").append(configHash).append('\n');
    text.append("as of ").append(asOf).append('\n');
    extractDate.ifPresent(d -> text.append("extract date ").append(d).append('\n'));
    text.append("model ").append(catalog.currentModel()).append('\n');
    boolean ingests = false;
    for (JobSpec.StepSpec s : job.steps()) {
      if (s.step() instanceof IngestStep ingest) {
        ingests = true;
        Extract extract = ExtractLoader.load(ingest.extractDir(config), config, extractDate);
        text.append("extract ").append(extract.extractDate()).append('\n');
        for (Extract.SourceFile f : extract.files()) {
          // A missing file is the ingest step's to refuse, in its own words.
          text.append(f.table())
              .append(' ')
              .append(Files.exists(f.path()) ? Checksums.sha256(f.path()) : "missing")
              .append('\n');
        }
      }
    }
    if (!ingests) {
      for (String name : new TreeSet<>(catalog.outputs().keySet())) {
        boolean own =
            job.steps().stream().flatMap(s -> s.outputs().stream()).anyMatch(o -> o.matches(name));
        if (!own) {
          catalog
              .entry(name)
              .ifPresent(
                  e ->
                      new TreeMap<>(e.versions())
                          .forEach(
                              (k, v) ->
                                  text.append(name)
                                      .append(' ')
                                      .append(k)
                                      .append(' ')
                                      .append(v.runId())
                                      .append('\n')));
        }
      }
    }
    return Checksums.sha256Text(text.toString());
  }

  /**
   * The newest run of {@code job} as of {@code asOf} that succeeded with this fingerprint, if its
   * outputs are still the published ones for that date: the date is done.
   */
  public Optional<RunManifest> done(JobSpec job, LocalDate asOf, String fingerprint) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    List<RunManifest> runs = warehouse.runs();
    for (int i = runs.size() - 1; i >= 0; i--) {
      RunManifest m = runs.get(i);
      if (m.job().equals(job.name())
          && m.asOf().equals(asOf.toString())
          && RunManifest.SUCCEEDED.equals(m.status())) {
        return fingerprint.equals(m.fingerprint()) ? Optional.of(m) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Continues run {@code failed} of {@code job}, in its own folder, from its first unfinished step:
   * the steps before it that succeeded are reused (their outputs, staged deliveries, notes and
   * counts), except a step that set a condition on publishing, which runs again with every step
   * after it. What unfinished steps left in the run's folder is removed first.
   */
  public Result resume(JobSpec job, RunManifest failed, ProgressListener progress) {
    Warehouse warehouse = new Warehouse(config.warehouse());
    List<RunManifest.StepRecord> reused = new ArrayList<>();
    for (JobSpec.StepSpec step : job.steps()) {
      Optional<RunManifest.StepRecord> r =
          failed.steps().stream().filter(x -> x.name().equals(step.name())).findFirst();
      if (r.isEmpty()
          || !RunManifest.SUCCEEDED.equals(r.get().status())
          || r.get().publishCheck()) {
        break;
      }
      reused.add(r.get());
    }
    clearUnfinished(warehouse, failed.runId(), reused);
    LOG.info("resuming run {}: {} step(s) reused", failed.runId(), reused.size());
    return execute(
        job,
        LocalDate.parse(failed.asOf()),
        Optional.empty(),
        progress,
        new Books(
            failed.runId(),
            job,
            LocalDate.parse(failed.asOf()),
            Instant.parse(failed.startedAt()),
            "",
            reused,
            failed.inputs()));
  }

  /** Removes from the run's folder every table and staged folder that no reused step wrote. */
  private static void clearUnfinished(
      Warehouse warehouse, String runId, List<RunManifest.StepRecord> reused) {
    Path dir = warehouse.runDir(runId);
    List<Path> keepTables = new ArrayList<>();
    List<Path> keepStaged = new ArrayList<>();
    for (RunManifest.StepRecord r : reused) {
      r.outputs().forEach(o -> keepTables.add(warehouse.resolve(o.path()).normalize()));
      r.staged().forEach(s -> keepStaged.add(dir.resolve("deliver").resolve(s).normalize()));
    }
    prune(dir.resolve("tables"), keepTables);
    prune(dir.resolve("deliver"), keepStaged);
  }

  /** Deletes everything under {@code dir} that is neither in {@code keep} nor above one of them. */
  private static void prune(Path dir, List<Path> keep) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var children = Files.list(dir)) {
      for (Path c : children.toList()) {
        Path n = c.normalize();
        if (keep.contains(n)) {
          continue;
        }
        if (keep.stream().anyMatch(k -> k.startsWith(n))) {
          prune(c, keep);
        } else {
          PublishArea.deleteTree(c);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Result execute(
      JobSpec job,
      LocalDate asOf,
      Optional<LocalDate> extractDate,
      ProgressListener progress,
      Books books) {
    // The single commands' jobs are built in code: their graphs are checked here too.
    JobGraph.checkReads(job.file(), job.steps());
    Warehouse warehouse = new Warehouse(config.warehouse());
    String runId = books.runId;
    Catalog published = warehouse.catalog();
    warehouse.writeManifest(books.manifest(RunManifest.RUNNING, 0, "", 0, clock.instant()));
    progress.runStarted(runId, job.name(), asOf, job.steps().size());
    LOG.info("run {} started: job {} as of {}", runId, job.name(), asOf);
    Map<String, JobSpec.StepSpec> byName = JobGraph.byName(job.steps());
    List<RunManifest.Output> outputs = new ArrayList<>();
    // Which step wrote each output, so a step sees only its needs' tables.
    Map<String, String> writer = new HashMap<>();
    List<String> staged = new ArrayList<>();
    List<String> withdrawn = new ArrayList<>();
    for (RunManifest.StepRecord r : books.steps) {
      outputs.addAll(r.outputs());
      r.outputs().forEach(o -> writer.put(o.name(), r.name()));
      r.staged().stream().filter(x -> !staged.contains(x)).forEach(staged::add);
      withdrawn.addAll(r.withdrawn());
    }
    int reused = books.steps.size();
    Warehouse.PublishCheck check = Warehouse.PublishCheck.NONE;
    try {
      int index = 0;
      for (JobSpec.StepSpec step : job.steps()) {
        index++;
        if (index <= reused) {
          progress.note(
              step.name(), "step " + step.name() + " reused: it finished in the run being resumed");
          continue;
        }
        java.util.Set<String> upstream = JobGraph.upstream(step, byName);
        StepContext ctx =
            new StepContext(
                spark,
                config,
                warehouse,
                published,
                runId,
                asOf,
                extractDate,
                outputs.stream().filter(o -> upstream.contains(writer.get(o.name()))).toList(),
                note -> progress.note(step.name(), note),
                new StepContext.Reads(
                    step.name(),
                    step.step().inputs(),
                    outputs.stream()
                        .filter(o -> !upstream.contains(writer.get(o.name())))
                        .collect(
                            java.util.stream.Collectors.toMap(
                                RunManifest.Output::name,
                                o -> writer.get(o.name()),
                                (a, b) -> a))));
        progress.stepStarted(index, job.steps().size(), step.name());
        Instant stepStart = clock.instant();
        HeapPeak heap = HeapPeak.start();
        try {
          step.step().run(ctx);
          List<RunManifest.Output> stepOutputs =
              withChecksums(checkOutputs(step, ctx, warehouse), warehouse);
          outputs.addAll(stepOutputs);
          stepOutputs.forEach(o -> writer.put(o.name(), step.name()));
          // Two steps may fill one folder (the evaluation's aggregates): deliver it once.
          ctx.staged().stream().filter(r -> !staged.contains(r)).forEach(staged::add);
          withdrawn.addAll(ctx.withdrawn());
          check = check.andThen(ctx.publishCheck());
          long rows = stepOutputs.stream().mapToLong(RunManifest.Output::rows).sum();
          long ms = Duration.between(stepStart, clock.instant()).toMillis();
          heap.close();
          RunManifest.StepRecord record =
              books.step(step, ctx, RunManifest.SUCCEEDED, stepStart, ms, rows, stepOutputs, heap);
          warehouse.writeManifest(books.manifest(RunManifest.RUNNING, 0, "", 0, clock.instant()));
          progress.stepFinished(index, job.steps().size(), record);
        } catch (Exception | Error e) {
          long ms = Duration.between(stepStart, clock.instant()).toMillis();
          // A failed step's memory too: where it ran out, its heap says how far it got.
          heap.close();
          books.step(step, ctx, RunManifest.FAILED, stepStart, ms, 0, List.of(), heap);
          progress.stepFailed(index, job.steps().size(), step.name(), ms);
          throw e;
        }
      }
      long version;
      Warehouse.PublishCheck publishCheck = check;
      if (staged.isEmpty() && withdrawn.isEmpty()) {
        version = warehouse.publish(runId, outputs, clock.instant(), publishCheck);
      } else {
        // Files for people outside the warehouse and the catalog change together or not at all.
        PublishArea.Published delivery =
            new PublishArea(config.publish())
                .publish(
                    warehouse,
                    runId,
                    warehouse.runDir(runId).resolve("deliver"),
                    staged,
                    withdrawn,
                    () -> warehouse.publish(runId, outputs, clock.instant(), publishCheck));
        version = delivery.catalogVersion();
        delivery.delivered().forEach(books::delivered);
      }
      // Taken once published: the current model is then the one the run scored with (a first
      // run trains it), so the next run of the date, with nothing changed, matches.
      books.fingerprint = fingerprint(job, asOf, extractDate);
      RunManifest done = books.manifest(RunManifest.SUCCEEDED, 0, "", version, clock.instant());
      warehouse.writeManifest(done);
      progress.runPublished(runId, version, outputs.size());
      LOG.info("run {} succeeded; published catalog version {}", runId, version);
      return new Result(runId, version, done);
    } catch (Exception | Error e) {
      // Spark's AnalysisException is a checked exception thrown from Scala: catch it too.
      // The manifest records what the user is told: one line for a full disk or a damaged file.
      NpcException known = Errors.known(e).orElse(null);
      RunManifest failed =
          books.manifest(
              RunManifest.FAILED,
              known != null ? known.exitCode().code() : ExitCode.UNEXPECTED.code(),
              known != null
                  ? known.getMessage()
                  : e.getClass().getSimpleName() + ": " + Errors.firstLine(e.getMessage()),
              0,
              clock.instant());
      try {
        warehouse.writeManifest(failed);
      } catch (RuntimeException m) {
        // On a full disk the manifest may not fit either: the run's own error matters more.
        (known != null ? known : e).addSuppressed(m);
      }
      if (known != null) {
        throw known;
      }
      throw e;
    }
  }

  /**
   * The step's outputs with the content checksums of those that are Parquet tables (docs/
   * warehouse.md, "Content checksums"): as summed while they were written, else computed from the
   * written files in one Spark job for the step, so the manifest can show that two runs wrote the
   * same tables.
   */
  private List<RunManifest.Output> withChecksums(
      List<RunManifest.Output> outputs, Warehouse warehouse) {
    Map<String, Path> folders = new java.util.LinkedHashMap<>();
    outputs.stream()
        .filter(o -> o.checksum().isEmpty())
        .forEach(o -> folders.put(o.name(), warehouse.resolve(o.path())));
    Map<String, String> sums = io.proactivecare.npc.io.ContentChecksum.ofFolders(spark, folders);
    return outputs.stream()
        .map(o -> o.checksum().isEmpty() ? o.withChecksum(sums.getOrDefault(o.name(), "")) : o)
        .toList();
  }

  /** Every produced output must be declared, and every declared output produced. */
  private static List<RunManifest.Output> checkOutputs(
      JobSpec.StepSpec step, StepContext ctx, Warehouse warehouse) {
    List<RunManifest.Output> out = new ArrayList<>();
    for (StepContext.Produced p : ctx.producedOutputs()) {
      JobSpec.OutputSpec declared =
          step.outputs().stream()
              .filter(o -> o.matches(p.name()))
              .findFirst()
              .orElseThrow(
                  () ->
                      Errors.config(
                          step.name(),
                          "outputs",
                          "step '"
                              + step.name()
                              + "' wrote output '"
                              + p.name()
                              + "' that the job does not declare",
                          "add it under the step's outputs.patient_level or outputs.aggregate"));
      out.add(
          new RunManifest.Output(
              p.name(),
              declared.sensitivity(),
              p.versionKey(),
              warehouse.relativize(ctx.outputDir(p.name())),
              p.rows(),
              p.checksum()));
    }
    for (RunManifest.NotWritten n : ctx.notWrittenOutputs()) {
      if (step.outputs().stream().noneMatch(o -> o.matches(n.name()))) {
        throw new IllegalStateException(
            "step '" + step.name() + "' left undeclared output '" + n.name() + "' unwritten");
      }
    }
    for (JobSpec.OutputSpec o : step.outputs()) {
      if (ctx.producedOutputs().stream().noneMatch(p -> o.matches(p.name()))
          && ctx.notWrittenOutputs().stream().noneMatch(n -> o.matches(n.name()))) {
        throw Errors.config(
            step.name(),
            "outputs",
            "step '"
                + step.name()
                + "' declares output '"
                + o.pattern()
                + "' but wrote nothing matching it",
            "remove it from the job file, or give the step the inputs it needs");
      }
    }
    return out;
  }

  /** The manifest's running record. */
  private final class Books {
    private final String runId;
    private final JobSpec job;
    private final LocalDate asOf;
    private final Instant started;
    private String fingerprint;
    private final List<RunManifest.Input> inputs = new ArrayList<>();
    private final List<RunManifest.StepRecord> steps = new ArrayList<>();
    private final List<String> delivered = new ArrayList<>();

    void delivered(String what) {
      delivered.add(what);
    }

    /** The books of a new run, or of a resumed one with the steps it reuses and their inputs. */
    Books(
        String runId,
        JobSpec job,
        LocalDate asOf,
        Instant started,
        String fingerprint,
        List<RunManifest.StepRecord> reused,
        List<RunManifest.Input> reusedInputs) {
      this.runId = runId;
      this.job = job;
      this.asOf = asOf;
      this.started = started;
      this.fingerprint = fingerprint;
      steps.addAll(reused);
      inputs.addAll(reusedInputs);
    }

    RunManifest.StepRecord step(
        JobSpec.StepSpec step,
        StepContext ctx,
        String status,
        Instant start,
        long ms,
        long rows,
        List<RunManifest.Output> outputs,
        HeapPeak heap) {
      ctx.inputs().stream().filter(i -> !inputs.contains(i)).forEach(inputs::add);
      RunManifest.StepRecord record =
          new RunManifest.StepRecord(
              step.name(),
              step.kind(),
              status,
              start.toString(),
              ms,
              rows,
              outputs,
              ctx.tables(),
              ctx.reasons(),
              ctx.notes(),
              ctx.staged(),
              ctx.withdrawn(),
              ctx.hasPublishCheck(),
              ctx.monitoring(),
              ctx.notWrittenOutputs(),
              heap.mebibytes(),
              heap.afterCollectionMebibytes());
      steps.add(record);
      return record;
    }

    RunManifest manifest(String status, int exitCode, String error, long version, Instant now) {
      boolean finished = !RunManifest.RUNNING.equals(status);
      return new RunManifest(
          runId,
          job.name(),
          job.file(),
          status,
          RunManifest.Host.current(),
          asOf.toString(),
          codeVersion,
          configHash,
          started.toString(),
          finished ? now.toString() : "",
          Duration.between(started, now).toMillis(),
          exitCode,
          error,
          inputs,
          steps,
          version,
          delivered,
          fingerprint);
    }
  }
}

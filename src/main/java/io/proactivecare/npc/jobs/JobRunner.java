package io.proactivecare.npc.jobs;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.PublishArea;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    Catalog published = warehouse.catalog();
    Books books = new Books(runId, job, asOf, started);
    warehouse.writeManifest(books.manifest(RunManifest.RUNNING, 0, "", 0, clock.instant()));
    progress.runStarted(runId, job.name(), asOf, job.steps().size());
    LOG.info("run {} started: job {} as of {}", runId, job.name(), asOf);
    List<RunManifest.Output> outputs = new ArrayList<>();
    List<String> staged = new ArrayList<>();
    List<String> withdrawn = new ArrayList<>();
    Warehouse.PublishCheck check = Warehouse.PublishCheck.NONE;
    try {
      int index = 0;
      for (JobSpec.StepSpec step : job.steps()) {
        index++;
        StepContext ctx =
            new StepContext(spark, config, warehouse, published, runId, asOf, extractDate, outputs);
        Instant stepStart = clock.instant();
        try {
          step.step().run(ctx);
          List<RunManifest.Output> stepOutputs = checkOutputs(step, ctx, warehouse);
          outputs.addAll(stepOutputs);
          // Two steps may fill one folder (the evaluation's aggregates): deliver it once.
          ctx.staged().stream().filter(r -> !staged.contains(r)).forEach(staged::add);
          withdrawn.addAll(ctx.withdrawn());
          check = check.andThen(ctx.publishCheck());
          long rows = stepOutputs.stream().mapToLong(RunManifest.Output::rows).sum();
          long ms = Duration.between(stepStart, clock.instant()).toMillis();
          books.step(step, ctx, RunManifest.SUCCEEDED, stepStart, ms, rows, stepOutputs);
          warehouse.writeManifest(books.manifest(RunManifest.RUNNING, 0, "", 0, clock.instant()));
          progress.stepFinished(index, job.steps().size(), step.name(), rows, ms);
        } catch (Exception | Error e) {
          books.step(
              step,
              ctx,
              RunManifest.FAILED,
              stepStart,
              Duration.between(stepStart, clock.instant()).toMillis(),
              0,
              List.of());
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
      RunManifest done = books.manifest(RunManifest.SUCCEEDED, 0, "", version, clock.instant());
      warehouse.writeManifest(done);
      progress.runPublished(runId, version, outputs.size());
      LOG.info("run {} succeeded; published catalog version {}", runId, version);
      return new Result(runId, version, done);
    } catch (Exception | Error e) {
      // Spark's AnalysisException is a checked exception thrown from Scala: catch it too.
      NpcException known = e instanceof NpcException n ? n : Errors.diskFull(e).orElse(null);
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
              p.rows()));
    }
    for (JobSpec.OutputSpec o : step.outputs()) {
      if (ctx.producedOutputs().stream().noneMatch(p -> o.matches(p.name()))) {
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
    private final List<RunManifest.Input> inputs = new ArrayList<>();
    private final List<RunManifest.StepRecord> steps = new ArrayList<>();
    private final List<String> delivered = new ArrayList<>();

    void delivered(String what) {
      delivered.add(what);
    }

    Books(String runId, JobSpec job, LocalDate asOf, Instant started) {
      this.runId = runId;
      this.job = job;
      this.asOf = asOf;
      this.started = started;
    }

    void step(
        JobSpec.StepSpec step,
        StepContext ctx,
        String status,
        Instant start,
        long ms,
        long rows,
        List<RunManifest.Output> outputs) {
      inputs.addAll(ctx.inputs());
      steps.add(
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
              ctx.notes()));
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
          delivered);
    }
  }
}

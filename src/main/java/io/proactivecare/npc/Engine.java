package io.proactivecare.npc;

import io.proactivecare.npc.cohort.CohortStep;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.evaluation.EvaluationStep;
import io.proactivecare.npc.evaluation.ReachStep;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.frailty.FrailtyStep;
import io.proactivecare.npc.ingest.ExtractLoader;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.jobs.JobSpec;
import io.proactivecare.npc.jobs.StepRegistry;
import io.proactivecare.npc.report.ReportStep;
import io.proactivecare.npc.risk.ModelRegistry;
import io.proactivecare.npc.risk.RiskScoreStep;
import io.proactivecare.npc.risk.RiskTrainStep;
import io.proactivecare.npc.schema.Outputs;
import io.proactivecare.npc.warehouse.Sensitivity;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The engine's wiring: the step kinds jobs may use, single-command jobs, and the default as-of
 * date.
 */
public final class Engine {
  private Engine() {}

  /** Every step kind a job file may name. Later stages register theirs here. */
  public static StepRegistry standardSteps() {
    return new StepRegistry()
        .register(new IngestStep.Kind())
        .register(FrailtyStep.kind())
        .register(FeaturesStep.kind())
        .register(RiskTrainStep.kind())
        .register(RiskScoreStep.kind())
        .register(CohortStep.kind())
        .register(EvaluationStep.kind())
        .register(ReachStep.kind())
        .register(io.proactivecare.npc.monitoring.MonitoringStep.kind())
        .register(ReportStep.kind());
  }

  /** The one-step job behind {@code npc ingest}. */
  public static JobSpec ingestJob(Optional<Path> extract) {
    return new JobSpec(
        "ingest",
        "ingest one extract",
        "(command)",
        List.of(
            new JobSpec.StepSpec(
                "ingest",
                IngestStep.KIND,
                List.of(),
                new IngestStep(extract),
                List.of(
                    new JobSpec.OutputSpec("conformed/*", Sensitivity.PATIENT_LEVEL),
                    new JobSpec.OutputSpec(IngestStep.QUARANTINE, Sensitivity.PATIENT_LEVEL)))));
  }

  /** The one-step job behind {@code npc frailty}. */
  public static JobSpec frailtyJob(boolean trajectory, Optional<Integer> quarters) {
    return oneStep(
        FrailtyStep.KIND,
        "eFI and HFRS at the as-of date" + (trajectory ? ", with the eFI trajectory" : ""),
        new FrailtyStep(trajectory, quarters),
        FrailtyStep.outputs(trajectory));
  }

  /** The one-step job behind {@code npc features}. */
  public static JobSpec featuresJob() {
    return oneStep(
        FeaturesStep.KIND,
        "person features at the as-of date",
        new FeaturesStep(),
        List.of(FeaturesStep.OUTPUT));
  }

  /** The one-step job behind {@code npc risk train}. */
  public static JobSpec riskTrainJob(Optional<Path> truth) {
    return oneStep(
        RiskTrainStep.KIND,
        "train and register a risk model",
        new RiskTrainStep(truth),
        List.of(ModelRegistry.OUTPUT));
  }

  /**
   * The job behind {@code npc risk score}, the same steps as jobs/nightly.yaml: the features at the
   * date, a first model when the registry has none ({@code risk_train} with {@code train:
   * if_no_model}), then the scores.
   */
  public static JobSpec riskScoreJob() {
    return new JobSpec(
        RiskScoreStep.KIND,
        "build features and score everyone with the current risk model (training a first one if"
            + " there is none)",
        "(command)",
        riskScoreSteps());
  }

  /** features, risk_train (if no model), risk_score: each needs the one before. */
  private static List<JobSpec.StepSpec> riskScoreSteps() {
    return List.of(
        patientLevel(
            FeaturesStep.KIND, List.of(), new FeaturesStep(), List.of(FeaturesStep.OUTPUT)),
        patientLevel(
            RiskTrainStep.KIND,
            List.of(FeaturesStep.KIND),
            new RiskTrainStep(Optional.empty(), true),
            List.of(ModelRegistry.OUTPUT)),
        patientLevel(
            RiskScoreStep.KIND,
            List.of(RiskTrainStep.KIND),
            new RiskScoreStep(),
            List.of(RiskScoreStep.SCORES)));
  }

  /**
   * The job behind {@code npc cohort}: the cohort step, after the steps of {@code npc risk score}
   * when the date has no published scores.
   */
  public static JobSpec cohortJob(boolean score) {
    List<JobSpec.StepSpec> steps = new java.util.ArrayList<>();
    if (score) {
      steps.addAll(riskScoreSteps());
    }
    steps.add(
        new JobSpec.StepSpec(
            CohortStep.KIND,
            CohortStep.KIND,
            score ? List.of(RiskScoreStep.KIND) : List.of(),
            new CohortStep(),
            declared(CohortStep.KIND)));
    return new JobSpec(
        CohortStep.KIND,
        (score ? "score everyone, then " : "")
            + "select the cohort and publish the PCN lists and aggregates",
        "(command)",
        steps);
  }

  /** The one-step job behind {@code npc evaluate}. */
  public static JobSpec evaluationJob() {
    return new JobSpec(
        EvaluationStep.KIND,
        "match enrolled people to controls and estimate the effect; enrolment among the listed",
        "(command)",
        List.of(
            new JobSpec.StepSpec(
                EvaluationStep.KIND,
                EvaluationStep.KIND,
                List.of(),
                new EvaluationStep(),
                declared(EvaluationStep.KIND)),
            // The same steps as jobs/evaluation.yaml, so the command and the job agree.
            new JobSpec.StepSpec(
                "reach", ReachStep.KIND, List.of(), new ReachStep(), declared(ReachStep.KIND)),
            reportStep(List.of(EvaluationStep.KIND, "reach"))));
  }

  /**
   * Every output the contracts ({@link Outputs}) say a step of {@code kind} writes, with its
   * sensitivity: a command's job declares what the contracts do, not a list of its own.
   */
  private static List<JobSpec.OutputSpec> declared(String kind) {
    return Outputs.ALL.stream()
        .filter(o -> o.step().equals(kind))
        .map(o -> new JobSpec.OutputSpec(o.name(), o.sensitivity()))
        .toList();
  }

  /** The one-step job behind {@code npc report}: the run report of the date's aggregates. */
  public static JobSpec reportJob() {
    return new JobSpec(
        ReportStep.KIND,
        "write the run report of the date's aggregate outputs",
        "(command)",
        List.of(reportStep(List.of())));
  }

  /** The report step, after the steps it {@code needs}, as the job files declare it. */
  private static JobSpec.StepSpec reportStep(List<String> needs) {
    return new JobSpec.StepSpec(
        ReportStep.KIND,
        ReportStep.KIND,
        needs,
        new ReportStep(),
        List.of(new JobSpec.OutputSpec(ReportStep.OUTPUT, Sensitivity.AGGREGATE)));
  }

  /** A job of one step, named after its kind, whose outputs are all patient-level. */
  private static JobSpec oneStep(
      String kind, String description, io.proactivecare.npc.jobs.Step step, List<String> outputs) {
    return new JobSpec(
        kind, description, "(command)", List.of(patientLevel(kind, List.of(), step, outputs)));
  }

  /** A step named after its kind whose outputs are all patient-level. */
  private static JobSpec.StepSpec patientLevel(
      String kind, List<String> needs, io.proactivecare.npc.jobs.Step step, List<String> outputs) {
    return new JobSpec.StepSpec(
        kind,
        kind,
        needs,
        step,
        outputs.stream().map(o -> new JobSpec.OutputSpec(o, Sensitivity.PATIENT_LEVEL)).toList());
  }

  /**
   * The as-of date of a run: the flag when given; else the extract date of the job's first ingest
   * step (so a run on the bundled sample data is reproducible on any day); else the newest
   * published extract.
   */
  public static LocalDate asOf(
      NpcConfig config,
      JobSpec job,
      Optional<LocalDate> asOfFlag,
      Optional<LocalDate> extractDateFlag) {
    if (asOfFlag.isPresent()) {
      return asOfFlag.get();
    }
    for (JobSpec.StepSpec s : job.steps()) {
      if (s.step() instanceof IngestStep ingest) {
        return ExtractLoader.load(ingest.extractDir(config), config, extractDateFlag).extractDate();
      }
    }
    return new Warehouse(config.warehouse())
        .catalog()
        .entry(IngestStep.conformed("gp_registrations"))
        .flatMap(e -> e.latestKey())
        .map(LocalDate::parse)
        .orElseThrow(
            () ->
                Errors.usage(
                    "No as-of date: the job ingests nothing and the warehouse has no published extract",
                    "pass --as-of yyyy-MM-dd or run an ingest first"));
  }

  /** "0.1.0 (abc1234)": the engine version and the commit it was built from. */
  public static String version() {
    Properties p = new Properties();
    try (InputStream in = Engine.class.getResourceAsStream("/npc-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = p.getProperty("version", "unknown");
    String commit = p.getProperty("commit", "");
    return commit.isBlank() || commit.startsWith("$") ? version : version + " (" + commit + ")";
  }
}

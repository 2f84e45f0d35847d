package io.proactivecare.npc.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.config.YamlNode;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.warehouse.Sensitivity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job files are validated before anything runs; every refusal names the step (or key) at fault. */
class JobLoaderTest {
  @TempDir Path tmp;

  /** A step kind for tests: does nothing, takes option {@code size}. */
  static final class Noop implements StepKind {
    @Override
    public String name() {
      return "noop";
    }

    @Override
    public String description() {
      return "does nothing";
    }

    @Override
    public Set<String> options() {
      return Set.of("size");
    }

    @Override
    public Step create(YamlNode with) {
      return ctx -> {};
    }
  }

  private static StepRegistry registry() {
    return Engine.standardSteps().register(new Noop());
  }

  private JobSpec load(String yaml) throws IOException {
    Path f = tmp.resolve("job.yaml");
    Files.writeString(f, yaml);
    return JobLoader.load(f, registry());
  }

  /**
   * The job must be refused with exit code 2, one line naming the job file and every fragment
   * given.
   */
  private void refused(String yaml, String... mentions) {
    NpcException e = assertThrows(NpcException.class, () -> load(yaml));
    assertEquals(ExitCode.USAGE, e.exitCode(), e.getMessage());
    assertTrue(e.getMessage().startsWith(tmp.resolve("job.yaml").toString()), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), () -> "expected '" + m + "' in: " + e.getMessage());
    }
  }

  private static String step(String name, String body) {
    return "  " + name + ":\n" + body.indent(4);
  }

  private static String job(String... steps) {
    return "job: test\nsteps:\n" + String.join("", steps);
  }

  private static final String OUT_A = "outputs:\n  patient_level: [a/table]";

  @Test
  void unknownTopLevelKey() {
    refused(
        "job: test\nowner: me\nsteps:\n" + step("a", "run: noop\n" + OUT_A),
        "owner",
        "unknown key",
        "steps");
  }

  @Test
  void aScheduleIsReadAndCheckedWhenTheJobLoads() throws IOException {
    String steps = "steps:\n" + step("a", "run: noop\n" + OUT_A);
    JobSpec ok =
        load("job: test\nschedule: {cron: \"30 2 * * *\", timezone: Europe/London}\n" + steps);
    assertEquals("30 2 * * *", ok.schedule().orElseThrow().cron().text());
    assertEquals("Europe/London", ok.schedule().orElseThrow().zone().getId());
    assertTrue(load(job(step("a", "run: noop\n" + OUT_A))).schedule().isEmpty());
    refused(
        "job: test\nschedule: {cron: \"30 25 * * *\", timezone: Europe/London}\n" + steps,
        ": schedule.cron: the hour field '25': 25 is outside 0-23");
    refused(
        "job: test\nschedule: {cron: \"30 2 * *\", timezone: Europe/London}\n" + steps,
        ": schedule.cron: '30 2 * *' has 4 fields");
    refused(
        "job: test\nschedule: {cron: \"30 2 * * *\", timezone: Europe/Leeds}\n" + steps,
        ": schedule.timezone: 'Europe/Leeds' is not a time zone");
    refused(
        "job: test\nschedule: {cron: \"30 2 * * *\"}\n" + steps, ": schedule.timezone: is missing");
    refused(
        "job: test\nschedule: {cron: \"30 2 * * *\", tz: UTC, timezone: UTC}\n" + steps,
        ": schedule.tz: unknown key");
  }

  @Test
  void unknownKeyInAStep() {
    refused(
        job(step("a", "run: noop\nafter: [b]\n" + OUT_A)), "steps.a.after", "unknown key", "needs");
  }

  @Test
  void unknownStepKind() {
    refused(
        job(step("score", "run: evaluate_later\n" + OUT_A)),
        "steps.score.run",
        "unknown step kind 'evaluate_later'",
        "step 'score'",
        "known kinds: ingest, frailty, features, risk_train, risk_score, cohort, evaluate,"
            + " evaluate_reach, monitoring, report, noop");
  }

  @Test
  void unknownOptionUnderWith() {
    refused(
        job(step("load", "run: ingest\nwith:\n  extract: x\n  folder: y\n" + OUT_A)),
        "steps.load.with.folder",
        "unknown key",
        "extract");
  }

  @Test
  void needsNamingAnUnknownStep() {
    refused(
        job(
            step("a", "run: noop\n" + OUT_A),
            step("b", "run: noop\nneeds: [ingest]\noutputs:\n  aggregate: [b/x]")),
        "steps.b.needs",
        "step 'b' needs unknown step 'ingest'",
        "steps are: a, b");
  }

  @Test
  void aStepNeedingItself() {
    refused(
        job(step("a", "run: noop\nneeds: [a]\n" + OUT_A)),
        "steps.a.needs",
        "step 'a' needs itself");
  }

  @Test
  void aThreeStepCycleIsShown() {
    refused(
        job(
            step("a", "run: noop\nneeds: [c]\noutputs:\n  aggregate: [x/a]"),
            step("b", "run: noop\nneeds: [a]\noutputs:\n  aggregate: [x/b]"),
            step("c", "run: noop\nneeds: [b]\noutputs:\n  aggregate: [x/c]")),
        "cycle",
        "a -> c -> b -> a");
  }

  @Test
  void theSameOutputDeclaredByTwoSteps() {
    refused(
        job(
            step("a", "run: noop\n" + OUT_A),
            step("b", "run: noop\noutputs:\n  aggregate: [a/table]")),
        "output 'a/table' of step 'b' is also declared by step 'a'");
  }

  @Test
  void overlappingPatternsEitherWayRound() {
    String wide = step("load", "run: ingest\noutputs:\n  patient_level: [conformed/*]");
    String narrow = step("fix", "run: noop\noutputs:\n  patient_level: [conformed/x]");
    refused(
        job(wide, narrow),
        "'conformed/x' of step 'fix' overlaps output 'conformed/*' of step 'load'");
    refused(
        job(narrow, wide),
        "'conformed/*' of step 'load' overlaps output 'conformed/x' of step 'fix'");
  }

  @Test
  void patternsOverlappingFromBothSides() {
    String a = step("load", "run: ingest\noutputs:\n  patient_level: [conformed/*]");
    String b = step("fix", "run: noop\noutputs:\n  patient_level: ['*/gp_events']");
    refused(job(a, b), "'*/gp_events' of step 'fix' overlaps output 'conformed/*' of step 'load'");
  }

  @Test
  void overlapIsDecidedSegmentBySegment() {
    assertTrue(JobLoader.overlap("conformed/*", "*/gp_events"));
    assertTrue(JobLoader.overlap("a/b", "a/b"));
    assertFalse(JobLoader.overlap("conformed/*", "conformed/x/y"));
    assertFalse(JobLoader.overlap("conformed/*", "frailty/efi"));
  }

  @Test
  void aWildcardInsideASegmentIsRefused() {
    refused(
        job(step("load", "run: ingest\noutputs:\n  patient_level: ['conformed/gp_*']")),
        "is not a valid name",
        "'*' stands for one whole segment");
  }

  @Test
  void anUnknownSensitivityLabel() {
    refused(
        job(step("a", "run: noop\noutputs:\n  secret: [a/table]")),
        "steps.a.outputs.secret",
        "unknown key",
        "aggregate, patient_level");
  }

  @Test
  void aStepWithoutOutputs() {
    refused(job(step("a", "run: noop")), "steps.a.outputs", "step 'a' declares no outputs");
    refused(job(step("a", "run: noop\noutputs:\n  aggregate: []")), "step 'a' declares no outputs");
  }

  @Test
  void anInvalidOutputName() {
    refused(
        job(step("a", "run: noop\noutputs:\n  aggregate: [Tables/A]")),
        "output 'Tables/A' of step 'a'");
  }

  @Test
  void aJobWithoutSteps() {
    refused("job: test\n", "steps", "no steps");
  }

  @Test
  void aMissingJobFileIsAUsageError() {
    NpcException e =
        assertThrows(
            NpcException.class, () -> JobLoader.load(tmp.resolve("absent.yaml"), registry()));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("absent.yaml"), e.getMessage());
  }

  @Test
  void needsComeFirstAndFileOrderOtherwise() throws IOException {
    JobSpec spec =
        load(
            "job: nightly\ndescription: test job\nsteps:\n"
                + step(
                    "report", "run: noop\nneeds: [score]\noutputs:\n  aggregate: [report/summary]")
                + step(
                    "ingest",
                    "run: ingest\nwith:\n  extract: extracts/march\noutputs:\n  patient_level: [conformed/*, quarantine]")
                + step(
                    "score",
                    "run: noop\nneeds: [ingest]\nwith:\n  size: 3\noutputs:\n  patient_level: [risk/scores]")
                + step("extra", "run: noop\noutputs:\n  aggregate: [extra/x]"));
    assertEquals("nightly", spec.name());
    assertEquals("test job", spec.description());
    assertEquals(
        List.of("ingest", "score", "report", "extra"),
        spec.steps().stream().map(JobSpec.StepSpec::name).toList());
    JobSpec.StepSpec ingest = spec.steps().get(0);
    assertEquals("ingest", ingest.kind());
    assertEquals(
        io.proactivecare.npc.config.Install.home().resolve("extracts/march"),
        ((IngestStep) ingest.step())
            .extractDir(ConfigLoader.load(Optional.empty(), Map.of()).config()));
    assertEquals(
        List.of(
            new JobSpec.OutputSpec("conformed/*", Sensitivity.PATIENT_LEVEL),
            new JobSpec.OutputSpec("quarantine", Sensitivity.PATIENT_LEVEL)),
        ingest.outputs());
    assertEquals(List.of("ingest"), spec.steps().get(1).needs());
    assertEquals(Sensitivity.AGGREGATE, spec.steps().get(2).outputs().get(0).sensitivity());
  }

  @Test
  void theShippedNightlyJobLoads() {
    Path home = Path.of(System.getProperty("npc.home", ".")).toAbsolutePath().normalize();
    JobSpec spec = JobLoader.load(home.resolve("jobs/nightly.yaml"), Engine.standardSteps());
    assertEquals("nightly", spec.name());
    assertEquals(
        List.of(
            "ingest",
            "frailty",
            "features",
            "risk_train",
            "risk",
            "cohort",
            "monitoring",
            "report"),
        spec.steps().stream().map(JobSpec.StepSpec::name).toList());
  }

  @Test
  void theShippedEvaluationJobLoads() {
    Path home = Path.of(System.getProperty("npc.home", ".")).toAbsolutePath().normalize();
    JobSpec spec = JobLoader.load(home.resolve("jobs/evaluation.yaml"), Engine.standardSteps());
    assertEquals(
        List.of("evaluate", "reach", "report"),
        spec.steps().stream().map(JobSpec.StepSpec::name).toList());
    JobSpec.StepSpec reach = spec.steps().get(1);
    assertEquals(List.of(), reach.needs());
    assertEquals(
        List.of(
            new JobSpec.OutputSpec("evaluation/reach", Sensitivity.AGGREGATE),
            new JobSpec.OutputSpec("evaluation/reach_measures", Sensitivity.AGGREGATE)),
        reach.outputs());
  }

  @Test
  void outputPatternsMatchOneSegment() {
    JobSpec.OutputSpec p = new JobSpec.OutputSpec("conformed/*", Sensitivity.PATIENT_LEVEL);
    assertTrue(p.matches("conformed/gp_events"));
    assertTrue(
        !p.matches("conformed/gp_events/extra")
            && !p.matches("conformed")
            && !p.matches("other/gp_events"));
    assertEquals(Optional.empty(), Sensitivity.ofLabel("secret"));
  }

  /** The nightly's first steps, with features needing {@code featuresNeeds}. */
  private static String readingJob(String featuresNeeds) {
    return job(
        step("ingest", "run: ingest\noutputs:\n  patient_level: [conformed/*, quarantine]"),
        step(
            "frailty",
            "run: frailty\nneeds: [ingest]\noutputs:\n  patient_level: [frailty/deficit_periods,"
                + " frailty/efi, frailty/hfrs]"),
        step(
            "features",
            "run: features\nneeds: "
                + featuresNeeds
                + "\noutputs:\n  patient_level: [features/person]"),
        step("risk", "run: risk_score\nneeds: [train]\noutputs:\n  patient_level: [risk/scores]"),
        step(
            "train",
            "run: risk_train\nneeds: [features]\noutputs:\n  patient_level: [risk/model]"));
  }

  @Test
  void aStepReadingATableAnotherStepWritesMustNeedThatStep() throws IOException {
    // features reads frailty/deficit_periods, which the frailty step writes: needing only ingest,
    // it could run first and read the published version. Refused, naming the step and the fix.
    refused(
        readingJob("[ingest]"),
        "steps.features.needs",
        "step 'features' reads 'frailty/deficit_periods', which step 'frailty' writes",
        "does not need 'frailty'",
        "add 'frailty' to the needs of 'features'");
    // Through the steps it needs is enough: risk reads features/person (features) and
    // conformed/* is not among its inputs; train needs features, which needs frailty and ingest.
    assertEquals(
        List.of("ingest", "frailty", "features", "train", "risk"),
        load(readingJob("[frailty]")).steps().stream().map(JobSpec.StepSpec::name).toList());
  }

  @Test
  void aTableNoStepOfTheJobWritesIsReadAsPublished() throws IOException {
    // The cohort reads risk/scores, features/person and the conformed tables: none written here.
    assertEquals(
        1,
        load(job(step("cohort", "run: cohort\noutputs:\n  patient_level: [cohort/list]")))
            .steps()
            .size());
  }

  @Test
  void theCommandsJobsReadOnlyWhatTheirStepsNeed() {
    for (JobSpec j :
        List.of(
            Engine.ingestJob(Optional.empty()),
            Engine.frailtyJob(true, Optional.empty()),
            Engine.featuresJob(),
            Engine.riskTrainJob(Optional.empty()),
            Engine.riskScoreJob(),
            Engine.cohortJob(true),
            Engine.cohortJob(false),
            Engine.evaluationJob(),
            Engine.reportJob())) {
      JobGraph.checkReads(j.name(), j.steps());
    }
    // npc cohort on an unscored date: its cohort step reads features/person through its needs.
    JobSpec cohort = Engine.cohortJob(true);
    assertEquals(
        Set.of("risk_score", "risk_train", "features"),
        JobGraph.upstream(cohort.steps().get(3), JobGraph.byName(cohort.steps())));
  }
}

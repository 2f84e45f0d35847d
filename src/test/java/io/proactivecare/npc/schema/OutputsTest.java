package io.proactivecare.npc.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.jobs.JobLoader;
import io.proactivecare.npc.jobs.JobSpec;
import io.proactivecare.npc.testing.Npc;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every output a step may write has a contract (schema/Outputs) that agrees with what the jobs say
 * of it: a new output without one, or one a job labels with another sensitivity, fails here rather
 * than at the first night's write.
 */
class OutputsTest {
  /** Every job: the job files and the commands' own jobs. */
  private static List<JobSpec> jobs() {
    List<JobSpec> jobs = new ArrayList<>();
    for (String file : List.of("jobs/nightly.yaml", "jobs/evaluation.yaml")) {
      jobs.add(JobLoader.load(Npc.HOME.resolve(file), Engine.standardSteps()));
    }
    jobs.add(Engine.ingestJob(Optional.empty()));
    jobs.add(Engine.frailtyJob(true, Optional.empty()));
    jobs.add(Engine.featuresJob());
    jobs.add(Engine.riskTrainJob(Optional.empty()));
    jobs.add(Engine.riskScoreJob());
    jobs.add(Engine.cohortJob(true));
    jobs.add(Engine.evaluationJob());
    jobs.add(Engine.reportJob());
    return jobs;
  }

  @Test
  void everyOutputAJobDeclaresHasAContractWithItsSensitivityAndStep() {
    List<String> problems = new ArrayList<>();
    for (JobSpec job : jobs()) {
      for (JobSpec.StepSpec step : job.steps()) {
        for (JobSpec.OutputSpec o : step.outputs()) {
          String where = job.name() + " step " + step.name() + " output " + o.pattern();
          List<OutputContract> contracts = Outputs.matching(o::matches);
          if (contracts.isEmpty()) {
            problems.add(where + ": no contract");
          }
          for (OutputContract c : contracts) {
            if (c.sensitivity() != o.sensitivity()) {
              problems.add(where + ": the job says " + o.sensitivity() + ", " + c.sensitivity());
            }
            if (!c.step().equals(step.kind())) {
              problems.add(where + ": written by a " + step.kind() + " step, not " + c.step());
            }
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyContractIsAnOutputOfSomeJob() {
    Set<String> declared = new HashSet<>();
    for (JobSpec job : jobs()) {
      for (JobSpec.StepSpec step : job.steps()) {
        for (OutputContract c : Outputs.ALL) {
          if (step.outputs().stream().anyMatch(o -> o.matches(c.name()))) {
            declared.add(c.name());
          }
        }
      }
    }
    assertEquals(
        List.of(),
        Outputs.ALL.stream().map(OutputContract::name).filter(n -> !declared.contains(n)).toList());
  }

  @Test
  void theConformedTablesAreTheInputContracts() {
    for (TableContract t : Contracts.ALL) {
      OutputContract c = Outputs.find("conformed/" + t.name()).orElseThrow();
      assertEquals(t.schema(), c.schema());
      assertEquals(t.columnNames(), c.columnNames());
    }
    assertEquals(Optional.empty(), Outputs.find("conformed/unknown"));
  }

  /** Names are unique within an output, and every column says what it holds in its own words. */
  @Test
  void everyColumnIsNamedOnceAndDescribed() {
    NpcConfig config = ConfigLoader.load(Optional.empty(), Map.of()).config();
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (OutputContract o : Outputs.ALL) {
      if (!names.add(o.name())) {
        problems.add(o.name() + " declared twice");
      }
      if (o.row().strip().length() < 20 || o.versionKey().isBlank()) {
        problems.add(o.name() + ": what a row is, or its version key, is not said");
      }
      if (o.table() && o.columns().isEmpty()) {
        problems.add(o.name() + ": a table without columns");
      }
      List<String> columns = List.of(o.schema(config).fieldNames());
      if (new HashSet<>(columns).size() != columns.size()) {
        problems.add(o.name() + ": a column name repeats in " + columns);
      }
      for (OutputColumn c : o.columns()) {
        String d = c.description().strip();
        if (d.isEmpty() || letters(d).equals(letters(c.name()))) {
          problems.add(o.name() + "." + c.name() + " ('" + d + "')");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  private static String letters(String s) {
    return s.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
  }
}

package io.proactivecare.npc.jobs;

import io.proactivecare.npc.config.Errors;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What each step of a job may read, from the job's graph: a table a step reads ({@link
 * Step#inputs()}) that another step of the job writes must come from a step it needs, directly or
 * through the steps those need. Tables no step of the job writes are read as published.
 */
public final class JobGraph {
  private JobGraph() {}

  /** The steps {@code step} needs, directly or through the steps those need. */
  public static Set<String> upstream(JobSpec.StepSpec step, Map<String, JobSpec.StepSpec> steps) {
    Set<String> out = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(step.needs());
    while (!todo.isEmpty()) {
      String n = todo.pop();
      JobSpec.StepSpec s = steps.get(n);
      if (s != null && out.add(n)) {
        todo.addAll(s.needs());
      }
    }
    return out;
  }

  /** The steps of {@code steps} by name. */
  public static Map<String, JobSpec.StepSpec> byName(List<JobSpec.StepSpec> steps) {
    return steps.stream()
        .collect(
            Collectors.toMap(
                JobSpec.StepSpec::name, s -> s, (a, b) -> a, java.util.LinkedHashMap::new));
  }

  /** Whether a table name or pattern matches another ('*' standing for one whole segment). */
  static boolean overlap(String a, String b) {
    return JobLoader.overlap(a, b);
  }

  /**
   * A step of the job, other than {@code step} and the steps it needs, that writes a table {@code
   * step} reads: the first such, as (reader's input, writer, writer's output).
   */
  static Optional<String[]> unneededWriter(
      JobSpec.StepSpec step, Map<String, JobSpec.StepSpec> steps) {
    Set<String> up = upstream(step, steps);
    for (String input : step.step().inputs()) {
      for (JobSpec.StepSpec w : steps.values()) {
        if (w.name().equals(step.name()) || up.contains(w.name())) {
          continue;
        }
        for (JobSpec.OutputSpec o : w.outputs()) {
          if (overlap(input, o.pattern())) {
            return Optional.of(new String[] {input, w.name(), o.pattern()});
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Refuses (usage error naming {@code source} and the step's needs) a job in which a step reads a
   * table that another of its steps writes without needing that step.
   */
  public static void checkReads(String source, List<JobSpec.StepSpec> steps) {
    Map<String, JobSpec.StepSpec> byName = byName(steps);
    for (JobSpec.StepSpec s : steps) {
      unneededWriter(s, byName)
          .ifPresent(
              w -> {
                throw Errors.config(
                    source,
                    "steps." + s.name() + ".needs",
                    "step '"
                        + s.name()
                        + "' reads '"
                        + w[0]
                        + "', which step '"
                        + w[1]
                        + "' writes ('"
                        + w[2]
                        + "'), but does not need '"
                        + w[1]
                        + "'",
                    "add '"
                        + w[1]
                        + "' to the needs of '"
                        + s.name()
                        + "' (or of a step it needs), so it reads this run's table, not the"
                        + " published one");
              });
    }
  }
}

package io.proactivecare.npc.jobs;

import io.proactivecare.npc.warehouse.Sensitivity;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * A validated job ({@code jobs/*.yaml}): named steps in the order they run.
 *
 * @param name job name
 * @param description what the job is for
 * @param file the job file, or "(command)" for a single command
 * @param steps steps in a valid run order (every step after the steps it needs)
 * @param schedule when a scheduler should start it (the job file's {@code schedule}), if it says
 */
public record JobSpec(
    String name,
    String description,
    String file,
    List<StepSpec> steps,
    Optional<Schedule> schedule) {
  public JobSpec {
    steps = List.copyOf(steps);
  }

  /** A job with no schedule (the single commands' one-step jobs). */
  public JobSpec(String name, String description, String file, List<StepSpec> steps) {
    this(name, description, file, steps, Optional.empty());
  }

  /**
   * When a site's scheduler starts the job: a cron expression read in a time zone
   * (docs/operations.md).
   *
   * @param cron when, e.g. {@code 30 2 * * *}
   * @param zone the time zone the expression is read in, e.g. Europe/London
   */
  public record Schedule(Cron cron, ZoneId zone) {}

  /**
   * One step.
   *
   * @param name step name, unique in the job
   * @param kind what it runs (a registered step kind, e.g. ingest)
   * @param needs steps that must finish first
   * @param step the configured step, ready to run
   * @param outputs the outputs it may write, each with its sensitivity
   */
  public record StepSpec(
      String name, String kind, List<String> needs, Step step, List<OutputSpec> outputs) {
    public StepSpec {
      needs = List.copyOf(needs);
      outputs = List.copyOf(outputs);
    }
  }

  /**
   * A declared output: a name or a pattern with {@code *} standing for one path segment (e.g.
   * {@code conformed/*}).
   */
  public record OutputSpec(String pattern, Sensitivity sensitivity) {
    public boolean matches(String output) {
      return output.matches(java.util.regex.Pattern.quote(pattern).replace("*", "\\E[^/]+\\Q"));
    }
  }
}

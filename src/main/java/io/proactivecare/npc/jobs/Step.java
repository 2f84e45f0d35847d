package io.proactivecare.npc.jobs;

/** A configured step of a job. Writes only through {@link StepContext#outputDir(String)}. */
@FunctionalInterface
public interface Step {
  /** Runs the step, declaring every output it writes with {@link StepContext#produced}. */
  void run(StepContext ctx);
}

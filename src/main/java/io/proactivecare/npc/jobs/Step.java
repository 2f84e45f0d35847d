package io.proactivecare.npc.jobs;

import java.util.List;

/** A configured step of a job. Writes only through {@link StepContext#outputDir(String)}. */
@FunctionalInterface
public interface Step {
  /** Runs the step, declaring every output it writes with {@link StepContext#produced}. */
  void run(StepContext ctx);

  /**
   * The tables the step may read, each a name or a pattern with {@code *} for one path segment
   * ({@code conformed/*}): the outputs of steps it needs (transitively) or, when no step of the job
   * writes them, their published versions, including earlier versions of its own outputs. A job
   * whose step reads a table another of its steps writes, without needing that step, is refused
   * when it loads ({@link JobGraph}); a read of any table not listed here fails the run.
   */
  default List<String> inputs() {
    return List.of();
  }
}

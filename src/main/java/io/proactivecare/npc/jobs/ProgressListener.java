package io.proactivecare.npc.jobs;

import io.proactivecare.npc.warehouse.RunManifest;
import java.time.LocalDate;

/**
 * Hears about a run's progress as it happens: the CLI prints a line when a step starts, each note
 * when the step makes it, and a line when the step ends. Never given person-level data.
 */
public interface ProgressListener {
  void runStarted(String runId, String job, LocalDate asOf, int steps);

  /** Step {@code index} of {@code total} is starting. */
  default void stepStarted(int index, int total, String step) {}

  /** A step's note (an assumption made, a check skipped, a summary), once, when it is made. */
  default void note(String step, String note) {}

  /** Step {@code index} of {@code total} succeeded; {@code record} is what the manifest holds. */
  void stepFinished(int index, int total, RunManifest.StepRecord record);

  /** Step {@code index} of {@code total} failed after {@code millis}; the error follows. */
  default void stepFailed(int index, int total, String step, long millis) {}

  void runPublished(String runId, long catalogVersion, int outputs);

  ProgressListener SILENT =
      new ProgressListener() {
        @Override
        public void runStarted(String runId, String job, LocalDate asOf, int steps) {}

        @Override
        public void stepFinished(int index, int total, RunManifest.StepRecord record) {}

        @Override
        public void runPublished(String runId, long catalogVersion, int outputs) {}
      };
}

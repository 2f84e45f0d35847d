package io.proactivecare.npc.jobs;

/**
 * Hears about a run's progress; the CLI prints one line per step. Never given person-level data.
 */
public interface ProgressListener {
  void runStarted(String runId, String job, java.time.LocalDate asOf, int steps);

  void stepFinished(int index, int total, String step, long rows, long durationMs);

  void runPublished(String runId, long catalogVersion, int outputs);

  ProgressListener SILENT =
      new ProgressListener() {
        @Override
        public void runStarted(String runId, String job, java.time.LocalDate asOf, int steps) {}

        @Override
        public void stepFinished(int index, int total, String step, long rows, long durationMs) {}

        @Override
        public void runPublished(String runId, long catalogVersion, int outputs) {}
      };
}

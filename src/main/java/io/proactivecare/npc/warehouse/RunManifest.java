package io.proactivecare.npc.warehouse;

import java.util.List;

/**
 * The manifest of one run ({@code runs/<run-id>/manifest.json}): what ran, on what, with which code
 * and configuration, and what came out. Rewritten atomically after every step, so a run that is
 * killed shows how far it got. Holds counts only, never person-level values.
 *
 * @param runId unique run id, sortable by start time
 * @param job job name
 * @param jobFile job file path, or "(command)" for single commands
 * @param status running, succeeded or failed
 * @param host the machine and process that ran it, to tell a killed run from a running one
 * @param asOf the as-of date of the run
 * @param codeVersion engine version and commit
 * @param configHash SHA-256 of the effective configuration
 * @param startedAt start time (UTC)
 * @param finishedAt end time (UTC), empty while running
 * @param durationMs run duration
 * @param exitCode exit code of the run
 * @param error the one-line error of a failed run
 * @param inputs input files with checksums
 * @param steps steps in the order they ran
 * @param catalogVersion the catalog version this run published, 0 if none
 * @param delivered folders delivered to the publish area after publishing, with their file counts
 * @param fingerprint SHA-256 of what decides the run's result (job file, configuration, input
 *     files, current model; docs/operations.md): a run of the same job and date with the same
 *     fingerprint as one that succeeded is skipped; empty for single commands
 */
public record RunManifest(
    String runId,
    String job,
    String jobFile,
    String status,
    Host host,
    String asOf,
    String codeVersion,
    String configHash,
    String startedAt,
    String finishedAt,
    long durationMs,
    int exitCode,
    String error,
    List<Input> inputs,
    List<StepRecord> steps,
    long catalogVersion,
    List<String> delivered,
    String fingerprint) {

  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  public RunManifest {
    inputs = List.copyOf(inputs);
    steps = List.copyOf(steps);
    delivered = delivered == null ? List.of() : List.copyOf(delivered);
    fingerprint = fingerprint == null ? "" : fingerprint;
  }

  /**
   * The status to show: a run still marked running whose process is gone on this machine was killed
   * (or its machine stopped) before it could record its end.
   */
  public String displayStatus() {
    if (RUNNING.equals(status) && host != null && host.isThisMachine() && !host.isAlive()) {
      return "killed";
    }
    return status;
  }

  /**
   * Where a run ran.
   *
   * @param name host name
   * @param pid process id
   */
  public record Host(String name, long pid) {
    public static Host current() {
      String name;
      try {
        name = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        name = "unknown";
      }
      return new Host(name, ProcessHandle.current().pid());
    }

    boolean isThisMachine() {
      return current().name().equals(name);
    }

    boolean isAlive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  /**
   * One input file.
   *
   * @param table canonical table
   * @param file path as given
   * @param mapping column mapping used
   * @param bytes size
   * @param sha256 checksum of the file's bytes (of all part files, in name order, for a folder)
   * @param extractDate extract date of the file
   */
  public record Input(
      String table, String file, String mapping, long bytes, String sha256, String extractDate) {}

  /**
   * One step.
   *
   * @param name step name in the job
   * @param kind what it runs
   * @param status succeeded or failed
   * @param startedAt start (UTC)
   * @param durationMs duration
   * @param rows total rows written
   * @param outputs outputs written
   * @param tables per-table reconciliation (ingest)
   * @param quarantineReasons quarantined rows by table, reason and column (ingest)
   * @param notes what the step skipped or assumed, one line each
   * @param staged folders the step staged for the publish area (relative to it)
   * @param withdrawn folders of the publish area the step withdraws
   * @param publishCheck whether the step set a condition on publishing (such a step is run again,
   *     not reused, when its run is resumed: the condition is code, not data)
   * @param monitoring what the monitoring step measured and found, one check each (empty for other
   *     steps)
   * @param notWritten declared outputs the step deliberately did not write this run, with why
   * @param peakHeapMb the most Java heap in use while the step ran, in MiB ({@link
   *     io.proactivecare.npc.jobs.HeapPeak}: the driver's, and in local mode the executors' too);
   *     null in manifests written before it was recorded
   * @param peakHeapAfterGcMb the most Java heap left in use after a collection while the step ran,
   *     in MiB: nearer the data the step held; null when no collection ran during the step, and as
   *     above
   */
  public record StepRecord(
      String name,
      String kind,
      String status,
      String startedAt,
      long durationMs,
      long rows,
      List<Output> outputs,
      List<TableCount> tables,
      List<ReasonCount> quarantineReasons,
      List<String> notes,
      List<String> staged,
      List<String> withdrawn,
      boolean publishCheck,
      List<MonitoringCheck> monitoring,
      List<NotWritten> notWritten,
      Long peakHeapMb,
      Long peakHeapAfterGcMb) {
    public StepRecord {
      monitoring = monitoring == null ? List.of() : List.copyOf(monitoring);
      notWritten = notWritten == null ? List.of() : List.copyOf(notWritten);
      outputs = List.copyOf(outputs);
      tables = List.copyOf(tables);
      quarantineReasons = List.copyOf(quarantineReasons);
      notes = List.copyOf(notes);
      staged = staged == null ? List.of() : List.copyOf(staged);
      withdrawn = withdrawn == null ? List.of() : List.copyOf(withdrawn);
    }
  }

  /** Every monitoring check of the run's steps, in the order made. */
  public List<MonitoringCheck> monitoring() {
    return steps.stream().flatMap(s -> s.monitoring().stream()).toList();
  }

  /**
   * One monitoring measure of a run against the usual, and what it found (docs/operations.md,
   * "Monitoring"). Counts and rates only, never person-level values.
   *
   * @param measure {@code quarantine_share}, {@code rows_read}, {@code psi}, {@code churn_share},
   *     {@code auroc}, {@code observed_over_expected} or {@code calibration_in_the_large}
   * @param subject what it is of: a table, {@code risk/scores} or {@code cohort/list}
   * @param value this run's value; null when not measured
   * @param baseline what it is compared with (the median of the earlier runs', or for the PSI the
   *     previous published run's scores); null when there is none
   * @param basis in words: which runs or version the baseline is from, or why there is none
   * @param limit the configured limit, null when the measure has no alert
   * @param action {@code fail} or {@code warn}, empty when the measure has no alert
   * @param status {@code ok}, {@code warn} or {@code fail} (an alert with that action), {@code
   *     no_baseline} (nothing to compare with yet) or {@code not_matured}
   */
  public record MonitoringCheck(
      String measure,
      String subject,
      Double value,
      Double baseline,
      String basis,
      Double limit,
      String action,
      String status) {
    public static final String OK = "ok";
    public static final String WARN = "warn";
    public static final String FAIL = "fail";
    public static final String NO_BASELINE = "no_baseline";
    public static final String NOT_MATURED = "not_matured";

    /** Whether the check raised an alert (a warning or a failed gate). */
    public boolean alert() {
      return WARN.equals(status) || FAIL.equals(status);
    }
  }

  /**
   * A declared output a step did not write this run, on purpose.
   *
   * @param name the output, e.g. risk/model
   * @param reason why, in words (e.g. "model X is current, not training")
   */
  public record NotWritten(String name, String reason) {}

  /**
   * One output of a step.
   *
   * @param name output name, e.g. conformed/gp_events
   * @param sensitivity patient_level or aggregate
   * @param versionKey the date keying this version
   * @param path location relative to the warehouse root
   * @param rows rows written
   * @param checksum the content checksum of a Parquet table ({@code io/ContentChecksum}: schema,
   *     rows, content), equal for equal rows and schema however they were written; empty for an
   *     output that is not a Parquet table (a model's folder, the report) or a run made before
   *     checksums were recorded
   */
  public record Output(
      String name,
      Sensitivity sensitivity,
      String versionKey,
      String path,
      long rows,
      String checksum) {
    public Output {
      checksum = checksum == null ? "" : checksum;
    }

    /** This output with its content checksum. */
    public Output withChecksum(String sum) {
      return new Output(name, sensitivity, versionKey, path, rows, sum);
    }
  }

  /**
   * The reconciliation of one ingested table: read = accepted + quarantined, checked by the code.
   *
   * @param table canonical table
   * @param read rows read from the file
   * @param accepted rows in the conformed table
   * @param quarantined rows in the quarantine table
   * @param quarantineShare quarantined / read
   * @param limit the configured limit of that share
   * @param gatePassed whether the share is within the limit
   */
  public record TableCount(
      String table,
      long read,
      long accepted,
      long quarantined,
      double quarantineShare,
      double limit,
      boolean gatePassed) {}

  /**
   * Quarantined rows of one table for one first reason.
   *
   * @param table canonical table
   * @param reasonCode the first failed rule
   * @param column the column it applies to, if any
   * @param rows number of rows
   */
  public record ReasonCount(String table, String reasonCode, String column, long rows) {}
}

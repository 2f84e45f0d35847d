package io.proactivecare.npc.config;

/**
 * What the nightly run's monitoring compares and when it alerts (docs/operations.md, "Monitoring").
 *
 * @param historyRuns how many earlier successful runs of the job make "the usual" (their median)
 * @param quarantineShareRise a table's quarantined share above the usual by more than this
 *     (absolute, 0.02 is two percentage points)
 * @param volumeDrop a table's rows read below the usual by more than this share of it
 * @param psi the risk scores' population stability index against the previous published run above
 *     this
 * @param churnRise the cohort lists' churn share above the usual by more than this (absolute)
 * @param aurocFloor the AUROC of the scores published a horizon earlier, on their matured outcomes,
 *     below this
 * @param maturedMaxAgeDays the oldest scores that AUROC is computed for, in days before the as-of
 *     date (at least {@code risk.horizon_days}): after a gap in the runs the newest scores a
 *     horizon old may be much older, and would judge the model of long ago, not the current one
 */
public record MonitoringSettings(
    int historyRuns,
    Threshold quarantineShareRise,
    Threshold volumeDrop,
    Threshold psi,
    Threshold churnRise,
    Threshold aurocFloor,
    int maturedMaxAgeDays) {

  public static final String FAIL = "fail";
  public static final String WARN = "warn";

  /**
   * One alert's limit and what it does.
   *
   * @param limit the value the measure is compared with
   * @param action {@value #FAIL} (a failed quality gate: exit 4, nothing published) or {@value
   *     #WARN} (a warning line; the run publishes)
   */
  public record Threshold(double limit, String action) {
    public boolean fails() {
      return FAIL.equals(action);
    }
  }
}

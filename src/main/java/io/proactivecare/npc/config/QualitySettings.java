package io.proactivecare.npc.config;

import java.util.Map;

/**
 * Data-quality gates.
 *
 * @param maxQuarantineShare largest share (0 to 1) of a table's rows that may be quarantined before
 *     the run fails with exit code 4
 * @param perTable overrides of that share for named tables
 * @param allowEmpty tables that may be published with no rows; any other table the extract names
 *     fails the gate when its file has no data rows
 */
public record QualitySettings(
    double maxQuarantineShare, Map<String, Double> perTable, java.util.Set<String> allowEmpty) {
  public QualitySettings {
    perTable = Map.copyOf(perTable);
    allowEmpty = java.util.Set.copyOf(allowEmpty);
  }

  /**
   * Whether a table of {@code read} rows, {@code quarantined} of them refused, may be published.
   */
  public boolean passes(String table, long read, long quarantined) {
    if (read == 0) {
      return allowEmpty.contains(table);
    }
    return (double) quarantined / read <= limitFor(table);
  }

  /** The quarantine limit that applies to one table. */
  public double limitFor(String table) {
    return perTable.getOrDefault(table, maxQuarantineShare);
  }
}

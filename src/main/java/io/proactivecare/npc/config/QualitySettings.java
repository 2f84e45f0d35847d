package io.proactivecare.npc.config;

import java.util.Map;

/**
 * Data-quality gates.
 *
 * @param maxQuarantineShare largest share (0 to 1) of a table's rows that may be quarantined before
 *     the run fails with exit code 4
 * @param perTable overrides of that share for named tables
 */
public record QualitySettings(double maxQuarantineShare, Map<String, Double> perTable) {
  public QualitySettings {
    perTable = Map.copyOf(perTable);
  }

  /** The quarantine limit that applies to one table. */
  public double limitFor(String table) {
    return perTable.getOrDefault(table, maxQuarantineShare);
  }
}

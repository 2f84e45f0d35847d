package io.proactivecare.npc.report;

import io.proactivecare.npc.warehouse.RunManifest;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run report is drawn from: aggregate outputs only, every figure already through disclosure
 * control where it counts people, a suppressed figure null.
 *
 * @param asOf the date reported on
 * @param runId the run that writes the report
 * @param tables aggregate outputs at the date by name (e.g. {@code cohort/churn}), each row its
 *     columns by name; an output not published at the date is absent
 * @param quarantine the ingest that published the extract the date's outputs were made from
 * @param modelCard the card of the risk model that scored the date ({@code card.json})
 * @param monitoring the checks of the run that published the date's {@code monitoring/measures},
 *     from its manifest
 */
public record ReportInputs(
    LocalDate asOf,
    String runId,
    Map<String, List<Map<String, Object>>> tables,
    Optional<Quarantine> quarantine,
    Optional<ModelCard> modelCard,
    Optional<MonitoringChecks> monitoring) {
  public ReportInputs {
    tables = Map.copyOf(tables);
  }

  /** The rows of {@code name}, empty when it is not published at the date. */
  public List<Map<String, Object>> table(String name) {
    return tables.getOrDefault(name, List.of());
  }

  /** The ingest's reconciliation per table, from its run manifest (counts of rows, not people). */
  public record Quarantine(String runId, String extractDate, List<RunManifest.TableCount> tables) {
    public Quarantine {
      tables = List.copyOf(tables);
    }
  }

  /** A model's card as the registry keeps it. */
  public record ModelCard(String modelId, Map<String, Object> card) {}

  /**
   * A run's monitoring checks as its manifest records them: exact, kept in the warehouse; the
   * report shows those that rest on counts of people only as published after disclosure control.
   */
  public record MonitoringChecks(String runId, List<RunManifest.MonitoringCheck> checks) {
    public MonitoringChecks {
      checks = List.copyOf(checks);
    }
  }
}

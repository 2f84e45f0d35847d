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
 */
public record ReportInputs(
    LocalDate asOf,
    String runId,
    Map<String, List<Map<String, Object>>> tables,
    Optional<Quarantine> quarantine,
    Optional<ModelCard> modelCard) {
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
}

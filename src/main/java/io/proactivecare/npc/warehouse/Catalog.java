package io.proactivecare.npc.warehouse;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One published state of the warehouse: for every output, the versions that readers see. An
 * output's versions are keyed by date: the extract date for ingested tables, the as-of date for
 * outputs computed at a date. Re-publishing a key replaces it; other keys stay.
 *
 * @param version catalog version, 0 for an empty warehouse
 * @param publishedAt when this version was published (UTC, ISO-8601)
 * @param runId the run that published it
 * @param outputs output name to its entry
 * @param currentModel the risk model made current by publishing, empty if none was (the first model
 *     a run trains and scores with becomes current in the same publish as its scores;
 *     docs/model.md, "The registry")
 */
public record Catalog(
    long version,
    String publishedAt,
    String runId,
    Map<String, Entry> outputs,
    String currentModel) {
  public Catalog {
    outputs = Map.copyOf(outputs);
    currentModel = currentModel == null ? "" : currentModel;
  }

  public static Catalog empty() {
    return new Catalog(0, "", "", Map.of(), "");
  }

  /** This catalog with {@code id} as the current model. */
  public Catalog withCurrentModel(String id) {
    return new Catalog(version, publishedAt, runId, outputs, id);
  }

  /**
   * One output.
   *
   * @param sensitivity patient_level or aggregate
   * @param versions version key (a date) to where that version lives
   */
  public record Entry(Sensitivity sensitivity, Map<String, TableVersion> versions) {
    public Entry {
      versions = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(versions));
    }

    /** The newest version key. */
    public Optional<String> latestKey() {
      return versions.keySet().stream().max(String::compareTo);
    }
  }

  /**
   * One version of an output.
   *
   * @param runId run that wrote it
   * @param path location relative to the warehouse root
   * @param rows number of rows
   */
  public record TableVersion(String runId, String path, long rows) {}

  public Optional<Entry> entry(String output) {
    return Optional.ofNullable(outputs.get(output));
  }

  /** The location (relative to the warehouse) of the newest version of {@code output}. */
  public Optional<TableVersion> latest(String output) {
    return entry(output).flatMap(e -> e.latestKey().map(k -> e.versions().get(k)));
  }
}

package io.proactivecare.npc.config;

/**
 * Options of the ingest validation rules (docs/data-contracts.md says which rule each affects).
 *
 * @param checkPersonReferences quarantine rows whose person is absent from the same extract's
 *     accepted GP registrations (UNKNOWN_PERSON); skipped when the extract has no registrations
 * @param checkPracticeReferences quarantine registrations whose practice, and enrolments whose PCN,
 *     are absent from the same extract's practice-to-PCN reference
 * @param earliestDate dates before this are refused as implausible (OUT_OF_RANGE)
 * @param extractDateToleranceDays an extract dated more than this many days after today (UTC) is
 *     refused
 * @param allowedRoots folders outside the extract folder whose files extract.yaml may name
 * @param concurrentTables slots for tables ingested at once once the references are in, each table
 *     taking its share by the cores its read keeps busy (1: one at a time)
 */
public record IngestSettings(
    boolean checkPersonReferences,
    boolean checkPracticeReferences,
    java.time.LocalDate earliestDate,
    int extractDateToleranceDays,
    java.util.List<java.nio.file.Path> allowedRoots,
    int concurrentTables) {
  public IngestSettings {
    allowedRoots = java.util.List.copyOf(allowedRoots);
  }
}

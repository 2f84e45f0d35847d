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
 * @param cache how each table's checked rows are held between its passes: {@link #ROWS}, {@link
 *     #COLUMNS} or {@link #AUTO} (rows when they would fit well within memory)
 */
public record IngestSettings(
    boolean checkPersonReferences,
    boolean checkPracticeReferences,
    java.time.LocalDate earliestDate,
    int extractDateToleranceDays,
    java.util.List<java.nio.file.Path> allowedRoots,
    int concurrentTables,
    String cache) {
  /** Rows when the table's rows, estimated from its size on disk, fit well within memory. */
  public static final String AUTO = "auto";

  /** Spark's rows as they are: quicker to fill and to read again, about twice the memory. */
  public static final String ROWS = "rows";

  /** Spark's in-memory columnar cache: compact. */
  public static final String COLUMNS = "columns";

  public IngestSettings {
    allowedRoots = java.util.List.copyOf(allowedRoots);
  }
}

package io.proactivecare.npc.ingest;

/**
 * Something noted about an accepted row without refusing it; ingest counts each kind per table and
 * column into the run's notes (docs/ingest.md says why these rows are kept).
 */
public enum RowFlag {
  /**
   * An optional descriptive column held an invalid code; it was set to the column's unknown code.
   */
  SET_TO_UNKNOWN,
  /** The row's activity date is after the death recorded in the person's registrations. */
  AFTER_DEATH;

  /** The note of {@code rows} flagged rows of {@code table}, e.g. for the console and manifest. */
  public String note(String table, String column, String unknownCode, long rows) {
    String n = String.format("%,d", rows);
    return switch (this) {
      case SET_TO_UNKNOWN ->
          String.format(
              "%s: %s %s %s not a valid code, set to %s (not known)",
              table, n, column, rows == 1 ? "value" : "values", unknownCode);
      case AFTER_DEATH ->
          String.format(
              "%s: %s %s dated after the person's recorded death (accepted: %s after date_of_death)",
              table, n, rows == 1 ? "row" : "rows", column);
    };
  }
}

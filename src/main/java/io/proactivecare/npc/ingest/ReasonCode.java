package io.proactivecare.npc.ingest;

/** Why a row was quarantined. Each code is documented in docs/data-contracts.md. */
public enum ReasonCode {
  MALFORMED_ROW(
      "the row could not be split into the header's fields (wrong number of fields or broken quoting)"),
  MISSING("a required value is empty"),
  BAD_DATE("a date does not parse in the mapping's date format, or is not a real date"),
  BAD_NUMBER("a number does not parse, or is not finite"),
  BAD_CODE("a coded value is not one of the contract's codes"),
  TOO_LONG("a text value is longer than the contract's limit for its column"),
  BAD_FORMAT(
      "a value (or list element) does not have the contract's form, e.g. an ICD-10 or ODS code: the whole value must match the column's pattern below, from `^` to `$`; a value ending in a line break does not"),
  OUT_OF_RANGE(
      "a number or date is outside the plausible range (e.g. a negative cost, a date before ingest.earliest_date)"),
  DATE_ORDER("two dates are in the wrong order, e.g. discharge before admission"),
  FUTURE_DATE("a date is after the extract date"),
  DUPLICATE(
      "the row repeats an earlier row's key (or, for tables without a key, the whole row); the first is kept"),
  UNKNOWN_PRACTICE("the practice is not in the same extract's practice-to-PCN reference"),
  UNKNOWN_PCN("the PCN is not in the same extract's practice-to-PCN reference"),
  UNKNOWN_PERSON("the person is not in the same extract's accepted GP registrations");

  private final String meaning;

  ReasonCode(String meaning) {
    this.meaning = meaning;
  }

  public String meaning() {
    return meaning;
  }
}

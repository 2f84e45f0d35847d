package io.proactivecare.npc.synth;

/**
 * The data faults the generator can inject (docs/synthetic-data.md). Each makes a row fail exactly
 * one ingest rule, so that a test can check that ingest quarantines every injected fault under the
 * expected reason, and nothing else: injected count = quarantined count per kind.
 */
enum Fault {
  MALFORMED_DATE("gp_events", "BAD_DATE", "event_date is not a real date (2024-02-30)"),
  FUTURE_DATE("gp_events", "FUTURE_DATE", "event_date after the extract date"),
  WRONG_FORM_CODE("gp_events", "BAD_FORMAT", "SNOMED code with a leading zero"),
  PERSON_NOT_REGISTERED(
      "gp_events", "UNKNOWN_PERSON", "a row for a person absent from the GP register"),
  DUPLICATE_ISSUE("gp_medications", "DUPLICATE", "a medicine issue written twice"),
  DISCHARGE_BEFORE_ADMISSION("apc_spells", "DATE_ORDER", "discharge 1 to 5 days before admission"),
  MALFORMED_ARRIVAL("ae_attendances", "BAD_DATE", "arrival_date written dd/MM/yyyy"),
  DUPLICATE_APPOINTMENT("op_appointments", "DUPLICATE", "an appointment written twice"),
  UNKNOWN_PRACTICE(
      "gp_registrations", "UNKNOWN_PRACTICE", "a practice code in no practice-to-PCN row"),
  NEGATIVE_COST("asc_services", "OUT_OF_RANGE", "a negative unit cost");

  private final String table;
  private final String reason;
  private final String description;

  Fault(String table, String reason, String description) {
    this.table = table;
    this.reason = reason;
    this.description = description;
  }

  String table() {
    return table;
  }

  /** The reason code ingest must give the row. */
  String reason() {
    return reason;
  }

  String description() {
    return description;
  }
}

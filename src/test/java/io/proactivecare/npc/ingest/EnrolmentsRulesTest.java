package io.proactivecare.npc.ingest;

import static io.proactivecare.npc.testing.RuleCheck.accepted;
import static io.proactivecare.npc.testing.RuleCheck.date;
import static io.proactivecare.npc.testing.RuleCheck.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.RuleCheck;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Spec fixture of the enrolments contract. Extract date 2025-03-31. */
class EnrolmentsRulesTest {
  private static final String HEADER = "person_id,pcn_code,enrolment_date,end_date";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.ENROLMENTS);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER, accepted("P1,U12345,2024-10-28,"), accepted("P2,U34567,2023-01-01,2024-01-01"));

    Row p1 = o.acceptedWhere(Cols.PERSON_ID, "P1");
    assertEquals("U12345", p1.getAs(Cols.PCN_CODE));
    assertEquals(LocalDate.of(2024, 10, 28), date(p1, Cols.ENROLMENT_DATE));
    assertNull(p1.getAs(Cols.END_DATE));
    Row p2 = o.acceptedWhere(Cols.PERSON_ID, "P2");
    assertEquals(LocalDate.of(2023, 1, 1), date(p2, Cols.ENROLMENT_DATE));
    assertEquals(LocalDate.of(2024, 1, 1), date(p2, Cols.END_DATE));
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",U12345,2024-10-28,", "MISSING:person_id"),
        refused("P1,,2024-10-28,", "MISSING:pcn_code"),
        refused("P1,U12345,,", "MISSING:enrolment_date"),
        refused("P2,B86001,2024-10-28,", "BAD_FORMAT:pcn_code"),
        refused("P2,U1234,2024-10-28,", "BAD_FORMAT:pcn_code"),
        refused("P3,U12345,28/10/2024,", "BAD_DATE:enrolment_date"),
        refused("P3,U12345,2024-10-28,2024-11-31", "BAD_DATE:end_date"),
        refused("P3,U12345,1899-12-31,", "OUT_OF_RANGE:enrolment_date"),
        refused("P4,U12345,2024-10-28,2024-10-27", "DATE_ORDER:end_date"),
        accepted("P4,U12345,2024-10-28,2024-10-28"),
        accepted("P5,U12345,2025-03-31,2025-03-31"),
        refused("P5,U12345,2025-04-01,", "FUTURE_DATE:enrolment_date"),
        refused("P5,U12345,2025-03-01,2025-04-01", "FUTURE_DATE:end_date"),
        refused("P6,U12345", "MALFORMED_ROW", "MISSING:enrolment_date"),
        refused(
            ",U1234,2025-04-02,2025-04-01",
            "MISSING:person_id",
            "BAD_FORMAT:pcn_code",
            "DATE_ORDER:end_date",
            "FUTURE_DATE:enrolment_date",
            "FUTURE_DATE:end_date"));
  }

  @Test
  void duplicatePersonAndEnrolmentDateKeepTheFirstValidRow() {
    CHECK.expect(
        HEADER,
        accepted("P1,U12345,2024-10-28,"),
        accepted("P1,U12345,2023-01-01,2024-01-01"),
        refused("P1,U34567,2024-10-28,", "DUPLICATE:person_id"),
        refused("P2,U1234,2024-10-28,", "BAD_FORMAT:pcn_code"),
        accepted("P2,U12345,2024-10-28,"));
  }

  @Test
  void unknownPersonsAndPcnsAreRefusedWhenTheReferencesArePresentAndTheChecksAreOn() {
    String[] lines = {
      "P1,U12345,2024-10-28,",
      "P9,U12345,2024-10-28,",
      "P1,U99999,2024-10-29,",
      "P9,U99999,2024-10-30,"
    };
    RuleCheck both = CHECK.withPersons("P1").withPcns("U12345");
    assertEquals(
        Map.of(
            1L, List.of(),
            2L, List.of("UNKNOWN_PERSON:person_id"),
            3L, List.of("UNKNOWN_PCN:pcn_code"),
            4L, List.of("UNKNOWN_PERSON:person_id", "UNKNOWN_PCN:pcn_code")),
        both.reasons(HEADER, lines));

    // no references in the extract: nothing checked
    assertEquals(
        Map.of(1L, List.of(), 2L, List.of(), 3L, List.of(), 4L, List.of()),
        CHECK.reasons(HEADER, lines));
    // the PCN check follows check_practice_references, the person check check_person_references
    assertEquals(
        List.of("UNKNOWN_PERSON:person_id"),
        both.settings(RuleCheck.NO_PRACTICE_CHECK).reasons(HEADER, lines).get(4L));
    assertEquals(
        List.of("UNKNOWN_PCN:pcn_code"),
        both.settings(RuleCheck.NO_PERSON_CHECK).reasons(HEADER, lines).get(4L));
  }

  @Test
  void aRowRefusedForAnUnknownReferenceDoesNotMakeTheNextOneADuplicate() {
    // The first row of the key is refused (its PCN is unknown), so the second is the one kept.
    RuleCheck both = CHECK.withPersons("P1", "P2").withPcns("U12345");
    assertEquals(
        Map.of(
            1L, List.of("UNKNOWN_PCN:pcn_code"),
            2L, List.of(),
            3L, List.of("DUPLICATE:person_id"),
            4L, List.of("UNKNOWN_PERSON:person_id"),
            5L, List.of("UNKNOWN_PERSON:person_id")),
        both.reasons(
            HEADER,
            "P1,U99999,2024-10-28,",
            "P1,U12345,2024-10-28,",
            "P1,U12345,2024-10-28,2025-01-01",
            "P9,U12345,2024-10-28,",
            "P9,U12345,2024-10-28,"));
  }
}

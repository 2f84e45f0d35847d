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
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Spec fixture of the op_appointments contract. Extract date 2025-03-31. */
class OpAppointmentsRulesTest {
  private static final String HEADER =
      "appointment_id,person_id,appointment_date,attendance_status,first_attendance,treatment_specialty,provider_code";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.OP_APPOINTMENTS);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER, accepted("O1,P1,2024-04-14,5,3,330,RR8"), accepted("O2,P2,2024-04-15,3,,,"));

    Row o1 = o.acceptedWhere(Cols.APPOINTMENT_ID, "O1");
    assertEquals("P1", o1.getAs(Cols.PERSON_ID));
    assertEquals(LocalDate.of(2024, 4, 14), date(o1, Cols.APPOINTMENT_DATE));
    assertEquals("5", o1.getAs(Cols.ATTENDANCE_STATUS));
    assertEquals("3", o1.getAs(Cols.FIRST_ATTENDANCE));
    assertEquals("330", o1.getAs(Cols.TREATMENT_SPECIALTY));
    assertEquals("RR8", o1.getAs(Cols.PROVIDER_CODE));
    Row o2 = o.acceptedWhere(Cols.APPOINTMENT_ID, "O2");
    assertNull(o2.getAs(Cols.FIRST_ATTENDANCE));
    assertNull(o2.getAs(Cols.TREATMENT_SPECIALTY));
    assertNull(o2.getAs(Cols.PROVIDER_CODE));
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",P1,2024-04-14,5,,,", "MISSING:appointment_id"),
        refused("O10,,2024-04-14,5,,,", "MISSING:person_id"),
        refused("O11,P1,,5,,,", "MISSING:appointment_date"),
        refused("O12,P1,2024-04-14,,,,", "MISSING:attendance_status"),
        refused("O20,P1,2024-04-14,1,,,", "BAD_CODE:attendance_status"),
        refused("O21,P1,2024-04-14,05,,,", "BAD_CODE:attendance_status"),
        refused("O22,P1,2024-04-14,5,0,,", "BAD_CODE:first_attendance"),
        refused("O23,P1,2024-04-14,5,6,,", "BAD_CODE:first_attendance"),
        // treatment function: three capitals or digits
        refused("O30,P1,2024-04-14,5,,33,", "BAD_FORMAT:treatment_specialty"),
        refused("O31,P1,2024-04-14,5,,3300,", "BAD_FORMAT:treatment_specialty"),
        accepted("O32,P1,2024-04-14,5,,N30,"),
        refused("O33,P1,2024-04-14,5,,,R", "BAD_FORMAT:provider_code"),
        refused("O40,P1,2024-04-31,5,,,", "BAD_DATE:appointment_date"),
        refused("O41,P1,1899-12-31,5,,,", "OUT_OF_RANGE:appointment_date"),
        // FUTURE_DATE, except for appointments still to come (attendance status 0)
        accepted("O50,P1,2025-03-31,5,,,"),
        refused("O51,P1,2025-04-01,5,,,", "FUTURE_DATE:appointment_date"),
        accepted("O52,P1,2025-04-01,0,1,330,RR8"),
        accepted("O53,P1,2026-01-15, 0 ,,,"),
        refused(
            "O54,P1,2025-04-01,1,,,", "BAD_CODE:attendance_status", "FUTURE_DATE:appointment_date"),
        refused(
            "O55,P1,2025-04-01,,,,", "MISSING:attendance_status", "FUTURE_DATE:appointment_date"),
        // a future appointment is not a past one: status 0 in the past is fine too
        accepted("O56,P1,2024-04-14,0,,,"),
        refused("O60,P1,2024-04-14", "MALFORMED_ROW", "MISSING:attendance_status"),
        refused(
            ",P1,2024-04-31,0,6,33,RR8",
            "MISSING:appointment_id",
            "BAD_DATE:appointment_date",
            "BAD_CODE:first_attendance",
            "BAD_FORMAT:treatment_specialty"));
  }

  @Test
  void duplicateAppointmentIdsKeepTheFirstValidRow() {
    CHECK.expect(
        HEADER,
        accepted("O1,P1,2024-04-14,5,,,"),
        refused("O1,P1,2024-04-14,5,,,", "DUPLICATE:appointment_id"),
        refused("O2,P1,2025-04-01,5,,,", "FUTURE_DATE:appointment_date"),
        accepted("O2,P1,2025-04-01,0,,,"),
        refused("O2,P1,2025-04-02,0,,,", "DUPLICATE:appointment_id"));
  }

  @Test
  void unknownPersonsAreRefusedWhenTheRegisterIsPresentAndTheCheckIsOn() {
    CHECK.assertPersonReferenceRule(HEADER, "O1,P1,2024-04-14,5,,,", "O2,P9,2024-04-14,5,,,");
  }
}

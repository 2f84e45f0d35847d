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

/** Spec fixture of the ae_attendances contract. Extract date 2025-03-31. */
class AeAttendancesRulesTest {
  private static final String HEADER =
      "attendance_id,person_id,arrival_date,department_type,attendance_category,provider_code";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.AE_ATTENDANCES);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER, accepted("A1,P1,2024-01-10,01,1,RR8"), accepted("A2,P2,2024-01-11,05,X,"));

    Row a1 = o.acceptedWhere(Cols.ATTENDANCE_ID, "A1");
    assertEquals("P1", a1.getAs(Cols.PERSON_ID));
    assertEquals(LocalDate.of(2024, 1, 10), date(a1, Cols.ARRIVAL_DATE));
    assertEquals("01", a1.getAs(Cols.DEPARTMENT_TYPE));
    assertEquals("1", a1.getAs(Cols.ATTENDANCE_CATEGORY));
    assertEquals("RR8", a1.getAs(Cols.PROVIDER_CODE));
    Row a2 = o.acceptedWhere(Cols.ATTENDANCE_ID, "A2");
    assertEquals("05", a2.getAs(Cols.DEPARTMENT_TYPE));
    assertEquals("X", a2.getAs(Cols.ATTENDANCE_CATEGORY));
    assertNull(a2.getAs(Cols.PROVIDER_CODE));
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",P1,2024-01-10,01,1,", "MISSING:attendance_id"),
        refused("A10,,2024-01-10,01,1,", "MISSING:person_id"),
        refused("A11,P1,,01,1,", "MISSING:arrival_date"),
        refused("A12,P1,2024-01-10,,1,", "MISSING:department_type"),
        refused("A13,P1,2024-01-10,01,,", "MISSING:attendance_category"),
        // codes are text: "1" is not department type "01"
        refused("A20,P1,2024-01-10,1,1,", "BAD_CODE:department_type"),
        refused("A21,P1,2024-01-10,06,1,", "BAD_CODE:department_type"),
        accepted("A22,P1,2024-01-10,99,9,"),
        refused("A23,P1,2024-01-10,01,5,", "BAD_CODE:attendance_category"),
        refused("A24,P1,2024-01-10,01,x,", "BAD_CODE:attendance_category"),
        refused("A25,P1,2024-01-10,01,01,", "BAD_CODE:attendance_category"),
        refused("A30,P1,2024-01-10,01,1,RR-8", "BAD_FORMAT:provider_code"),
        accepted("A31,P1,2024-01-10,01,1,RR801"),
        refused("A40,P1,2024-1-10,01,1,", "BAD_DATE:arrival_date"),
        refused("A41,P1,1899-12-31,01,1,", "OUT_OF_RANGE:arrival_date"),
        accepted("A50,P1,2025-03-31,01,1,"),
        refused("A51,P1,2025-04-01,01,1,", "FUTURE_DATE:arrival_date"),
        refused("A60,P1,2024-01-10,01", "MALFORMED_ROW", "MISSING:attendance_category"),
        // too many fields: malformed, though every field read is valid
        refused("A61,P1,2024-01-10,01,1,RR8,extra", "MALFORMED_ROW"),
        refused(
            ",P1,2025-04-01,1,5,rr8",
            "MISSING:attendance_id",
            "BAD_CODE:department_type",
            "BAD_CODE:attendance_category",
            "BAD_FORMAT:provider_code",
            "FUTURE_DATE:arrival_date"));
  }

  @Test
  void duplicateAttendanceIdsKeepTheFirstValidRow() {
    CHECK.expect(
        HEADER,
        accepted("A1,P1,2024-01-10,01,1,"),
        refused("A1,P2,2024-01-11,02,2,", "DUPLICATE:attendance_id"),
        refused("A2,P1,2024-01-10,07,1,", "BAD_CODE:department_type"),
        accepted("A2,P1,2024-01-10,01,1,"));
  }

  @Test
  void unknownPersonsAreRefusedWhenTheRegisterIsPresentAndTheCheckIsOn() {
    CHECK.assertPersonReferenceRule(HEADER, "A1,P1,2024-01-10,01,1,", "A2,P9,2024-01-10,01,1,");
  }
}

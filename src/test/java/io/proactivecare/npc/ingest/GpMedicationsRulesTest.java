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

/** Spec fixture of the gp_medications contract (no key: duplicates are whole-row repeats). */
class GpMedicationsRulesTest {
  private static final String HEADER = "person_id,issue_date,medicine_code,bnf_code";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.GP_MEDICATIONS);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER,
            accepted("P1,2024-09-18,320000009,0601022B0"),
            accepted("P2,2024-09-19,39732311000001104,"));

    Row p1 = o.acceptedWhere(Cols.PERSON_ID, "P1");
    assertEquals(LocalDate.of(2024, 9, 18), date(p1, Cols.ISSUE_DATE));
    assertEquals("320000009", p1.getAs(Cols.MEDICINE_CODE));
    assertEquals("0601022B0", p1.getAs(Cols.BNF_CODE));
    Row p2 = o.acceptedWhere(Cols.PERSON_ID, "P2");
    assertEquals("39732311000001104", p2.getAs(Cols.MEDICINE_CODE));
    assertNull(p2.getAs(Cols.BNF_CODE));
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",2024-09-18,320000009,", "MISSING:person_id"),
        refused("P1,,320000009,", "MISSING:issue_date"),
        refused("P1,2024-09-18,,", "MISSING:medicine_code"),
        // dm+d code: a SNOMED CT concept id
        refused("P2,2024-09-18,0320000009,", "BAD_FORMAT:medicine_code"),
        refused("P2,2024-09-18,32000,", "BAD_FORMAT:medicine_code"),
        refused("P2,2024-09-18,0601022B0,", "BAD_FORMAT:medicine_code"),
        // BNF: four digits (chapter, section, paragraph) then up to 11 capitals or digits
        accepted("P3,2024-09-18,320000009,0601"),
        accepted("P3,2024-09-18,320000009,0601022B0AAABAB"),
        refused("P3,2024-09-18,320000009,0601022B0AAABABX", "BAD_FORMAT:bnf_code"),
        refused("P3,2024-09-18,320000009,060", "BAD_FORMAT:bnf_code"),
        refused("P3,2024-09-18,320000009,0601022b0", "BAD_FORMAT:bnf_code"),
        refused("P3,2024-09-18,320000009,A601022B0", "BAD_FORMAT:bnf_code"),
        refused("P3,2024-09-18,320000009,06.01.02", "BAD_FORMAT:bnf_code"),
        refused("P4,18/09/2024,320000009,", "BAD_DATE:issue_date"),
        refused("P4,1899-12-31,320000009,", "OUT_OF_RANGE:issue_date"),
        accepted("P5,2025-03-31,320000009,"),
        refused("P5,2025-04-01,320000009,", "FUTURE_DATE:issue_date"),
        refused("P6,2024-09-18", "MALFORMED_ROW", "MISSING:medicine_code"),
        refused(
            ",2025-04-01,0320000009,060",
            "MISSING:person_id",
            "BAD_FORMAT:medicine_code",
            "BAD_FORMAT:bnf_code",
            "FUTURE_DATE:issue_date"));
  }

  @Test
  void wholeRowRepeatsAreDuplicatesAndTheFirstIsKept() {
    CHECK.expect(
        HEADER,
        accepted("P1,2024-09-18,320000009,0601022B0"),
        accepted("P1,2024-09-18,320000009,"),
        refused("P1,2024-09-18,320000009,0601022B0", "DUPLICATE"),
        refused("P1,2024-09-18,320000009,", "DUPLICATE"),
        accepted("P1,2024-09-19,320000009,0601022B0"),
        refused("P2,2024-09-18,320000009,060", "BAD_FORMAT:bnf_code"),
        refused("P2,2024-09-18,320000009,060", "BAD_FORMAT:bnf_code"));
  }

  @Test
  void unknownPersonsAreRefusedWhenTheRegisterIsPresentAndTheCheckIsOn() {
    CHECK.assertPersonReferenceRule(HEADER, "P1,2024-09-18,320000009,", "P9,2024-09-18,320000009,");
  }
}

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

/** Spec fixture of the gp_events contract (no key: duplicates are whole-row repeats). */
class GpEventsRulesTest {
  private static final String HEADER = "person_id,event_date,code,code_system,value,unit";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.GP_EVENTS);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER,
            accepted("P1,2024-01-10,22298006,SNOMED,,"),
            accepted("P2,2024-01-11,XE0Uc,CTV3,39.8,mL/min/1.73m2"),
            accepted("P3,2024-01-12,G30..00,READ2,-1.5e2,"),
            accepted("P4,2024-01-13,G30..,READ2,.5,"));

    Row p1 = o.acceptedWhere(Cols.PERSON_ID, "P1");
    assertEquals(LocalDate.of(2024, 1, 10), date(p1, Cols.EVENT_DATE));
    assertEquals("22298006", p1.getAs(Cols.CODE));
    assertEquals("SNOMED", p1.getAs(Cols.CODE_SYSTEM));
    assertNull(p1.getAs(Cols.VALUE));
    assertNull(p1.getAs(Cols.UNIT));

    Row p2 = o.acceptedWhere(Cols.PERSON_ID, "P2");
    assertEquals(39.8, (double) p2.getAs(Cols.VALUE), 1e-12);
    assertEquals("mL/min/1.73m2", p2.getAs(Cols.UNIT));
    assertEquals(
        -1.5 * 100, (double) o.acceptedWhere(Cols.PERSON_ID, "P3").getAs(Cols.VALUE), 1e-12);
    assertEquals(0.5, (double) o.acceptedWhere(Cols.PERSON_ID, "P4").getAs(Cols.VALUE), 1e-12);
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",2024-01-10,22298006,SNOMED,,", "MISSING:person_id"),
        refused("P1,,22298006,SNOMED,,", "MISSING:event_date"),
        refused("P1,2024-01-10,,SNOMED,,", "MISSING:code"),
        refused("P1,2024-01-10,22298006,,,", "MISSING:code_system"),
        refused("P1,2024-01-10,22298006,snomed,,", "BAD_CODE:code_system"),
        // a code of an unknown system is not checked for form: only the system is reported
        refused("P1,2024-01-10,I10X,ICD10,,", "BAD_CODE:code_system"),
        // SNOMED CT: 6 to 18 digits, no leading zero
        accepted("P2,2024-01-10,123456,SNOMED,,"),
        accepted("P2,2024-01-10,123456789012345678,SNOMED,,"),
        refused("P2,2024-01-10,12345,SNOMED,,", "BAD_FORMAT:code"),
        refused("P2,2024-01-10,1234567890123456789,SNOMED,,", "BAD_FORMAT:code"),
        refused("P2,2024-01-10,022298006,SNOMED,,", "BAD_FORMAT:code"),
        refused("P2,2024-01-10,XE0Uc,SNOMED,,", "BAD_FORMAT:code"),
        accepted("P2,2024-01-10,\"22298006\n\",SNOMED,,"),
        refused("P2,2024-01-11,\"222\n98006\",SNOMED,,", "BAD_FORMAT:code"),
        // CTV3: exactly five characters of letters, digits and dots
        accepted("P3,2024-01-10,XE0U.,CTV3,,"),
        refused("P3,2024-01-10,22298006,CTV3,,", "BAD_FORMAT:code"),
        refused("P3,2024-01-10,XE0U,CTV3,,", "BAD_FORMAT:code"),
        refused("P3,2024-01-10,G30..00,CTV3,,", "BAD_FORMAT:code"),
        refused("P3,2024-01-10,XE-Uc,CTV3,,", "BAD_FORMAT:code"),
        // Read v2: five characters, optionally a two-digit term code
        accepted("P4,2024-01-10,G30..,READ2,,"),
        refused("P4,2024-01-10,G30..0,READ2,,", "BAD_FORMAT:code"),
        refused("P4,2024-01-10,G30..0A,READ2,,", "BAD_FORMAT:code"),
        refused("P4,2024-01-10,22298006,READ2,,", "BAD_FORMAT:code"),
        // value: a finite number
        refused("P5,2024-01-10,22298006,SNOMED,abc,", "BAD_NUMBER:value"),
        refused("P5,2024-01-10,22298006,SNOMED,NaN,", "BAD_NUMBER:value"),
        refused("P5,2024-01-10,22298006,SNOMED,Infinity,", "BAD_NUMBER:value"),
        refused("P5,2024-01-10,22298006,SNOMED,1e400,", "BAD_NUMBER:value"),
        refused("P5,2024-01-10,22298006,SNOMED,\"1,5\",", "BAD_NUMBER:value"),
        refused("P5,2024-01-10,22298006,SNOMED,<60,", "BAD_NUMBER:value"),
        accepted("P5,2024-01-10,22298006,SNOMED,-0.25,"),
        refused("P6,2024-02-30,22298006,SNOMED,,", "BAD_DATE:event_date"),
        // ISO dates are cast as they are: strictly the pattern's shape, a real day, a year of the
        // era
        accepted("P6,2024-02-29,22298006,SNOMED,,"),
        refused("P6,2023-02-29,22298006,SNOMED,,", "BAD_DATE:event_date"),
        refused("P6,2024-1-10,22298006,SNOMED,,", "BAD_DATE:event_date"),
        refused("P6,2024-01-10T00:00,22298006,SNOMED,,", "BAD_DATE:event_date"),
        refused("P6,2024,22298006,SNOMED,,", "BAD_DATE:event_date"),
        refused("P6,0000-01-10,22298006,SNOMED,,", "BAD_DATE:event_date"),
        refused("P6,1899-12-31,22298006,SNOMED,,", "OUT_OF_RANGE:event_date"),
        accepted("P7,2025-03-31,22298006,SNOMED,,"),
        refused("P7,2025-04-01,22298006,SNOMED,,", "FUTURE_DATE:event_date"),
        refused("P8,2024-01-10,22298006", "MALFORMED_ROW", "MISSING:code_system"),
        refused(
            ",2025-04-01,022298006,SNOMED,NaN,",
            "MISSING:person_id",
            "BAD_FORMAT:code",
            "BAD_NUMBER:value",
            "FUTURE_DATE:event_date"));
  }

  @Test
  void wholeRowRepeatsAreDuplicatesAndTheFirstIsKept() {
    CHECK.expect(
        HEADER,
        accepted("P1,2024-01-10,22298006,SNOMED,,"),
        refused("P1,2024-01-10,22298006,SNOMED,,", "DUPLICATE"),
        // trimmed values are compared, so spacing does not hide a repeat
        refused(" P1 ,2024-01-10, 22298006 ,SNOMED,,", "DUPLICATE"),
        // one differing column (the value) makes a different row
        accepted("P1,2024-01-10,22298006,SNOMED,1,"),
        accepted("P1,2024-01-10,22298006,SNOMED,1,mmol/L"),
        // repeats of an invalid row: each refused for its own reason, none a duplicate
        refused("P2,2024-01-10,22298006,SNOMED,NaN,", "BAD_NUMBER:value"),
        refused("P2,2024-01-10,22298006,SNOMED,NaN,", "BAD_NUMBER:value"));
  }

  @Test
  void rowsWhoseKeysShareAHashAreComparedOnTheKeyItself() {
    // The duplicate check hashes each valid row's key and compares only rows whose hash repeats.
    // The hash skips empty fields, so "5" as the value and "5" as the unit of an otherwise equal
    // row hash alike: the rows differ, and neither is a duplicate; a true repeat still is.
    CHECK.expect(
        HEADER,
        accepted("P1,2024-01-10,22298006,SNOMED,5,"),
        accepted("P1,2024-01-10,22298006,SNOMED,,5"),
        refused("P1,2024-01-10,22298006,SNOMED,,5", "DUPLICATE"));
    long hashes =
        io.proactivecare.npc.testing.SparkTestSession.get()
            .sql(
                "SELECT xxhash64('P1', '2024-01-10', '22298006', 'SNOMED', '5', CAST(NULL AS STRING))"
                    + " = xxhash64('P1', '2024-01-10', '22298006', 'SNOMED', CAST(NULL AS STRING),"
                    + " '5') AS same")
            .filter("same")
            .count();
    assertEquals(1, hashes, "the two different rows' keys hash alike");
  }

  @Test
  void unknownPersonsAreRefusedWhenTheRegisterIsPresentAndTheCheckIsOn() {
    CHECK.assertPersonReferenceRule(
        HEADER, "P1,2024-01-10,22298006,SNOMED,,", "P9,2024-01-10,22298006,SNOMED,,");
  }
}

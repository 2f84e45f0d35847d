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

/** Spec fixture of the gp_registrations contract (the register). Extract date 2025-03-31. */
class GpRegistrationsRulesTest {
  private static final String HEADER =
      "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.GP_REGISTRATIONS);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER,
            accepted("P1,B86001,1950,F,E01024001,A,2010-01-01,,"),
            accepted("P2,B86002,1940,M,,,2000-05-01,2024-12-31,2024-12-31"));

    Row p1 = o.acceptedWhere(Cols.PERSON_ID, "P1");
    assertEquals("B86001", p1.getAs(Cols.PRACTICE_CODE));
    assertEquals(Integer.valueOf(1950), p1.getAs(Cols.YEAR_OF_BIRTH));
    assertEquals("F", p1.getAs(Cols.SEX));
    assertEquals("E01024001", p1.getAs(Cols.LSOA_CODE));
    assertEquals("A", p1.getAs(Cols.ETHNIC_GROUP));
    assertEquals(LocalDate.of(2010, 1, 1), date(p1, Cols.REGISTRATION_START));
    assertNull(p1.getAs(Cols.REGISTRATION_END));
    assertNull(p1.getAs(Cols.DATE_OF_DEATH));

    Row p2 = o.acceptedWhere(Cols.PERSON_ID, "P2");
    assertNull(p2.getAs(Cols.LSOA_CODE));
    assertNull(p2.getAs(Cols.ETHNIC_GROUP));
    assertEquals(LocalDate.of(2024, 12, 31), date(p2, Cols.REGISTRATION_END));
    assertEquals(LocalDate.of(2024, 12, 31), date(p2, Cols.DATE_OF_DEATH));
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",B86001,1950,F,,,2010-01-01,,", "MISSING:person_id"),
        refused("P1,,1950,F,,,2010-01-01,,", "MISSING:practice_code"),
        refused("P2,B86001,,F,,,2010-01-01,,", "MISSING:year_of_birth"),
        refused("P3,B86001,1950,,,,2010-01-01,,", "MISSING:sex"),
        refused("P4,B86001,1950,F,,,,,", "MISSING:registration_start"),
        refused("P10,B8600,1950,F,,,2010-01-01,,", "BAD_FORMAT:practice_code"),
        refused("P11,B86001,1950,F,E0102400,,2010-01-01,,", "BAD_FORMAT:lsoa_code"),
        refused("P12,B86001,19x0,F,,,2010-01-01,,", "BAD_NUMBER:year_of_birth"),
        refused("P13,B86001,1950.0,F,,,2010-01-01,,", "BAD_NUMBER:year_of_birth"),
        // year_of_birth from 1880 to 2100
        refused("P14,B86001,1879,F,,,2010-01-01,,", "OUT_OF_RANGE:year_of_birth"),
        accepted("P15,B86001,1880,F,,,2010-01-01,,"),
        refused("P16,B86001,1950,f,,,2010-01-01,,", "BAD_CODE:sex"),
        refused("P17,B86001,1950,X,,,2010-01-01,,", "BAD_CODE:sex"),
        accepted("P18,B86001,1950,I,,99,2010-01-01,,"),
        accepted("P19,B86001,1950,U,,Z,2010-01-01,,"),
        // an invalid ethnic group keeps the registration: it becomes 99 (LenientRulesTest)
        accepted("P20,B86001,1950,F,,9,2010-01-01,,"),
        accepted("P21,B86001,1950,F,,I,2010-01-01,,"),
        refused("P22,B86001,1950,F,,,2010-02-29,,", "BAD_DATE:registration_start"),
        refused("P23,B86001,1950,F,,,2010-01-01,2020-1-1,", "BAD_DATE:registration_end"),
        refused("P24,B86001,1950,F,,,2010-01-01,,31/01/2020", "BAD_DATE:date_of_death"),
        refused("P25,B86001,1880,F,,,1899-12-31,,", "OUT_OF_RANGE:registration_start"),
        // DATE_ORDER: end and death not before the start; the same day is fine
        refused("P30,B86001,1950,F,,,2010-01-01,2009-12-31,", "DATE_ORDER:registration_end"),
        refused("P31,B86001,1950,F,,,2010-01-01,,2009-12-31", "DATE_ORDER:date_of_death"),
        accepted("P32,B86001,1950,F,,,2010-01-01,2010-01-01,2010-01-01"),
        // FUTURE_DATE: every date of the register; the extract date itself is fine
        accepted("P40,B86001,1950,F,,,2025-03-31,2025-03-31,2025-03-31"),
        refused("P41,B86001,1950,F,,,2025-04-01,,", "FUTURE_DATE:registration_start"),
        refused("P42,B86001,1950,F,,,2010-01-01,2025-04-01,", "FUTURE_DATE:registration_end"),
        refused("P43,B86001,1950,F,,,2010-01-01,,2025-04-01", "FUTURE_DATE:date_of_death"),
        // born in the extract year: fine; after it: FUTURE_DATE, and registered before being born
        accepted("P50,B86001,2025,F,,,2025-01-01,,"),
        refused(
            "P51,B86001,2026,F,,,2025-01-01,,",
            "FUTURE_DATE:year_of_birth",
            "DATE_ORDER:registration_start"),
        refused(
            "P52,B86001,2101,F,,,2025-01-01,,",
            "OUT_OF_RANGE:year_of_birth",
            "FUTURE_DATE:year_of_birth",
            "DATE_ORDER:registration_start"),
        // registered in the year before the year of birth: refused; in the year of birth: fine
        refused("P53,B86001,1950,F,,,1949-12-31,,", "DATE_ORDER:registration_start"),
        accepted("P54,B86001,1950,F,,,1950-01-01,,"),
        refused("P60,B86001,1950,F", "MALFORMED_ROW", "MISSING:registration_start"),
        refused(
            ",B8600,1950,x,E0102400,9,2010-01-01,2009-12-31,2025-04-01",
            "MISSING:person_id",
            "BAD_FORMAT:practice_code",
            "BAD_CODE:sex",
            "BAD_FORMAT:lsoa_code",
            "DATE_ORDER:registration_end",
            "FUTURE_DATE:date_of_death"));
  }

  @Test
  void duplicatePersonAndStartKeepTheFirstValidRow() {
    CHECK.expect(
        HEADER,
        accepted("P1,B86001,1950,F,,,2010-01-01,2015-12-31,"),
        accepted("P1,B86002,1950,F,,,2016-01-01,,"),
        refused("P1,B86003,1950,F,,,2016-01-01,,", "DUPLICATE:person_id"),
        refused("P2,B86001,1950,F,,,2010-02-30,,", "BAD_DATE:registration_start"),
        refused("P2,B86001,1950,Q,,,2010-01-01,,", "BAD_CODE:sex"),
        accepted("P2,B86001,1950,F,,,2010-01-01,,"));
  }

  @Test
  void unknownPracticesAreRefusedWhenTheReferenceIsPresentAndTheCheckIsOn() {
    String[] lines = {
      "P1,B86001,1950,F,,,2010-01-01,,",
      "P2,B86099,1950,F,,,2010-01-01,,",
      "P3,B8609,1950,F,,,2010-01-01,,"
    };
    // The register itself is not checked against persons.
    RuleCheck withReference = CHECK.withPersons("P1").withPractices("B86001");
    assertEquals(
        Map.of(
            1L, List.of(),
            2L, List.of("UNKNOWN_PRACTICE:practice_code"),
            3L, List.of("BAD_FORMAT:practice_code", "UNKNOWN_PRACTICE:practice_code")),
        withReference.reasons(HEADER, lines));
    // skipped when the extract has no practice_pcn, or check_practice_references is off
    Map<Long, List<String>> unchecked =
        Map.of(1L, List.of(), 2L, List.of(), 3L, List.of("BAD_FORMAT:practice_code"));
    assertEquals(unchecked, CHECK.reasons(HEADER, lines));
    assertEquals(
        unchecked, withReference.settings(RuleCheck.NO_PRACTICE_CHECK).reasons(HEADER, lines));
  }
}

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

/**
 * Spec fixture of the practice_pcn contract (the reference table: no person, no extract-date rule).
 */
class PracticePcnRulesTest {
  private static final String HEADER =
      "practice_code,practice_name,pcn_code,pcn_name,valid_from,valid_to";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.PRACTICE_PCN);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER,
            accepted("B86001,\"Park Surgery, Leeds\",U12345,Leeds Central PCN,2019-07-01,"),
            accepted("B86002,,U12346,,2019-07-01,2023-03-31"));

    Row b1 = o.acceptedWhere(Cols.PRACTICE_CODE, "B86001");
    assertEquals("Park Surgery, Leeds", b1.getAs(Cols.PRACTICE_NAME));
    assertEquals("U12345", b1.getAs(Cols.PCN_CODE));
    assertEquals("Leeds Central PCN", b1.getAs(Cols.PCN_NAME));
    assertEquals(LocalDate.of(2019, 7, 1), date(b1, Cols.VALID_FROM));
    assertNull(b1.getAs(Cols.VALID_TO));

    Row b2 = o.acceptedWhere(Cols.PRACTICE_CODE, "B86002");
    assertNull(b2.getAs(Cols.PRACTICE_NAME));
    assertEquals(LocalDate.of(2023, 3, 31), date(b2, Cols.VALID_TO));
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",Park,U12345,,2019-07-01,", "MISSING:practice_code"),
        refused("B86001,Park,,,2019-07-01,", "MISSING:pcn_code"),
        refused("B86001,Park,U12345,,,", "MISSING:valid_from"),
        // ODS practice code: one capital letter and five digits
        refused("b86001,,U12345,,2019-07-01,", "BAD_FORMAT:practice_code"),
        refused("B8600,,U12345,,2019-07-01,", "BAD_FORMAT:practice_code"),
        refused("B860011,,U12345,,2019-07-01,", "BAD_FORMAT:practice_code"),
        refused("BB6001,,U12345,,2019-07-01,", "BAD_FORMAT:practice_code"),
        accepted("Y02345,,U12345,,2019-07-01,"),
        // white space around a value, line breaks and tabs included, is cleaned away before the
        // rules
        accepted("\"B86013\n\",,U12345,,2019-07-01,"),
        accepted("B86014,,\"\tU12345\r\n\",,2019-07-01,"),
        // a line break inside a value is not white space around it: not a valid code
        refused("\"B86\n015\",,U12345,,2019-07-01,", "BAD_FORMAT:practice_code"),
        // ODS PCN code: U and five digits
        refused("B86003,,U1234,,2019-07-01,", "BAD_FORMAT:pcn_code"),
        refused("B86004,,V12345,,2019-07-01,", "BAD_FORMAT:pcn_code"),
        refused("B86005,,u12345,,2019-07-01,", "BAD_FORMAT:pcn_code"),
        refused("B86006,,U12345,,2019-07-32,", "BAD_DATE:valid_from"),
        refused("B86007,,U12345,,2019-07-01,2023/03/31", "BAD_DATE:valid_to"),
        refused("B86008,,U12345,,1899-12-31,", "OUT_OF_RANGE:valid_from"),
        refused("B86009,,U12345,,2019-07-01,2019-06-30", "DATE_ORDER:valid_to"),
        accepted("B86010,,U12345,,2019-07-01,2019-07-01"),
        // a reference table is not checked against the extract date: a future membership is fine
        accepted("B86011,,U12345,,2026-04-01,"),
        refused("B86012,Park,U12345", "MALFORMED_ROW", "MISSING:valid_from"),
        refused(
            "b8601,,U1234,,2019-02-29,",
            "BAD_FORMAT:practice_code",
            "BAD_FORMAT:pcn_code",
            "BAD_DATE:valid_from"));
  }

  @Test
  void duplicatePracticeAndStartKeepTheFirstValidRow() {
    CHECK.expect(
        HEADER,
        accepted("B86001,,U12345,,2019-07-01,2021-03-31"),
        accepted("B86001,,U12346,,2021-04-01,"),
        refused("B86001,,U99999,,2021-04-01,", "DUPLICATE:practice_code"),
        refused("B86002,,U1234,,2019-07-01,", "BAD_FORMAT:pcn_code"),
        accepted("B86002,,U12345,,2019-07-01,"));
  }
}

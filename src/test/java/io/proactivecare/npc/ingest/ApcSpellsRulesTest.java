package io.proactivecare.npc.ingest;

import static io.proactivecare.npc.testing.RuleCheck.accepted;
import static io.proactivecare.npc.testing.RuleCheck.date;
import static io.proactivecare.npc.testing.RuleCheck.refused;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.proactivecare.npc.config.IngestSettings;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.RawRows;
import io.proactivecare.npc.testing.RuleCheck;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Spec fixture of the apc_spells contract: every rule, one line each. Extract date 2025-03-31. */
class ApcSpellsRulesTest {
  private static final String HEADER =
      "spell_id,person_id,admission_date,discharge_date,admission_method,patient_classification,discharge_method,discharge_destination,provider_code,diagnoses";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.APC_SPELLS);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER,
            accepted("S1,P1,2024-01-10,2024-01-12,2A,1,1,19,RR8,I10X;N180"),
            accepted("S2,P2,2024-02-01,,11,2,,,,"),
            accepted("  S3 , P3 ,2024-03-01,2024-03-01,21,1,4,79,RR801, I10X ; N180 ;;J189 "));

    Row s1 = o.acceptedWhere(Cols.SPELL_ID, "S1");
    assertEquals("P1", s1.getAs(Cols.PERSON_ID));
    assertEquals(LocalDate.of(2024, 1, 10), date(s1, Cols.ADMISSION_DATE));
    assertEquals(LocalDate.of(2024, 1, 12), date(s1, Cols.DISCHARGE_DATE));
    assertEquals("2A", s1.getAs(Cols.ADMISSION_METHOD));
    assertEquals("1", s1.getAs(Cols.PATIENT_CLASSIFICATION));
    assertEquals("1", s1.getAs(Cols.DISCHARGE_METHOD));
    assertEquals("19", s1.getAs(Cols.DISCHARGE_DESTINATION));
    assertEquals("RR8", s1.getAs(Cols.PROVIDER_CODE));
    assertEquals(List.of("I10X", "N180"), s1.getList(s1.fieldIndex(Cols.DIAGNOSES)));

    // Optional columns left empty: nulls, and an empty (not null) diagnosis list.
    Row s2 = o.acceptedWhere(Cols.SPELL_ID, "S2");
    assertNull(s2.getAs(Cols.DISCHARGE_DATE));
    assertNull(s2.getAs(Cols.DISCHARGE_METHOD));
    assertNull(s2.getAs(Cols.PROVIDER_CODE));
    assertEquals(List.of(), s2.getList(s2.fieldIndex(Cols.DIAGNOSES)));

    // Values are trimmed; list elements are trimmed and empty elements dropped.
    Row s3 = o.acceptedWhere(Cols.SPELL_ID, "S3");
    assertEquals("P3", s3.getAs(Cols.PERSON_ID));
    assertEquals(List.of("I10X", "N180", "J189"), s3.getList(s3.fieldIndex(Cols.DIAGNOSES)));

    assertEquals(
        RuleCheck.describe(Contracts.APC_SPELLS.schema()),
        RuleCheck.describe(
            RowValidator.accepted(o.validated(), Contracts.APC_SPELLS, CHECK.dateFormats())
                .schema()));
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        // MISSING, for each required column; blank counts as empty
        refused(",P1,2024-01-10,2024-01-12,21,1,1,19,RR8,I10X", "MISSING:spell_id"),
        refused("S11,  ,2024-01-10,2024-01-12,21,1,1,19,RR8,I10X", "MISSING:person_id"),
        refused("S12,P1,,2024-01-12,21,1,1,19,RR8,I10X", "MISSING:admission_date"),
        refused("S13,P1,2024-01-10,2024-01-12,,1,1,19,RR8,I10X", "MISSING:admission_method"),
        refused("S14,P1,2024-01-10,2024-01-12,21,,1,19,RR8,I10X", "MISSING:patient_classification"),
        // BAD_DATE: not a real date, not zero-padded, another format
        refused("S20,P1,2025-02-30,,21,1,,,,", "BAD_DATE:admission_date"),
        refused("S21,P1,2024-1-10,,21,1,,,,", "BAD_DATE:admission_date"),
        refused("S22,P1,10/01/2024,,21,1,,,,", "BAD_DATE:admission_date"),
        refused("S23,P1,2024-01-10,2024-13-01,21,1,,,,", "BAD_DATE:discharge_date"),
        accepted("S24,P1,2024-02-29,,21,1,,,,"),
        // OUT_OF_RANGE: before ingest.earliest_date 1900-01-01
        refused("S25,P1,1899-12-31,,21,1,,,,", "OUT_OF_RANGE:admission_date"),
        accepted("S26,P1,1900-01-01,,21,1,,,,"),
        // BAD_CODE
        refused("S30,P1,2024-01-10,,2E,1,,,,", "BAD_CODE:admission_method"),
        refused("S31,P1,2024-01-10,,2a,1,,,,", "BAD_CODE:admission_method"),
        refused("S32,P1,2024-01-10,,21,6,,,,", "BAD_CODE:patient_classification"),
        refused("S33,P1,2024-01-10,,21,1,0,,,", "BAD_CODE:discharge_method"),
        // BAD_FORMAT
        refused("S40,P1,2024-01-10,,21,1,,9,,", "BAD_FORMAT:discharge_destination"),
        refused("S41,P1,2024-01-10,,21,1,,,rr8,", "BAD_FORMAT:provider_code"),
        refused("S42,P1,2024-01-10,,21,1,,,RR8011,", "BAD_FORMAT:provider_code"),
        refused("S43,P1,2024-01-10,,21,1,,,R8,", "BAD_FORMAT:provider_code"),
        refused("S44,P1,2024-01-10,,21,1,,,,I10X;I10.9", "BAD_FORMAT:diagnoses"),
        refused("S45,P1,2024-01-10,,21,1,,,,i10x", "BAD_FORMAT:diagnoses"),
        refused("S46,P1,2024-01-10,,21,1,,,,I1", "BAD_FORMAT:diagnoses"),
        accepted("S47,P1,2024-01-10,,21,1,,,,C504111"),
        refused("S48,P1,2024-01-10,,21,1,,,,C5041111", "BAD_FORMAT:diagnoses"),
        accepted("S49,P1,2024-01-10,,21,1,,,,\"N180;I10X\n\""),
        refused("S49X,P1,2024-01-10,,21,1,,,,\"N180;I1\n0X\"", "BAD_FORMAT:diagnoses"),
        // DATE_ORDER: discharge before admission; the same day is fine
        refused("S50,P1,2024-01-10,2024-01-09,21,1,,,,", "DATE_ORDER:discharge_date"),
        accepted("S51,P1,2024-01-10,2024-01-10,21,1,,,,"),
        // FUTURE_DATE: the extract date itself is fine, the day after is not
        accepted("S60,P1,2025-03-31,2025-03-31,21,1,,,,"),
        refused("S61,P1,2025-04-01,,21,1,,,,", "FUTURE_DATE:admission_date"),
        refused("S62,P1,2025-03-30,2025-04-01,21,1,,,,", "FUTURE_DATE:discharge_date"),
        // MALFORMED_ROW: too few fields; the missing fields are also reported
        refused(
            "S70,P1,2024-01-10",
            "MALFORMED_ROW",
            "MISSING:admission_method",
            "MISSING:patient_classification"),
        // several reasons on one row, in rule order (columns in contract order, then pairs, then
        // future)
        refused(
            ",P1,2025-02-30,2024-01-09,2E,1,1,19,RR8,I10.9",
            "MISSING:spell_id",
            "BAD_DATE:admission_date",
            "BAD_CODE:admission_method",
            "BAD_FORMAT:diagnoses"),
        refused(
            "S81,P1,2025-04-02,2025-04-01,21,1,,,,",
            "DATE_ORDER:discharge_date",
            "FUTURE_DATE:admission_date",
            "FUTURE_DATE:discharge_date"));
  }

  @Test
  void duplicateSpellIdsKeepTheFirstValidRow() {
    CHECK.expect(
        HEADER,
        accepted("S1,P1,2024-01-10,,21,1,,,,"),
        refused("S1,P2,2024-02-01,,11,1,,,,", "DUPLICATE:spell_id"),
        // a duplicate of an invalid row does not make the valid one a duplicate
        refused("S2,P1,2025-02-30,,21,1,,,,", "BAD_DATE:admission_date"),
        accepted("S2,P1,2024-01-10,,21,1,,,,"),
        // an invalid repeat of a kept row gets its own reasons only
        refused("S1,P1,2024-01-10,,99X,1,,,,", "BAD_CODE:admission_method"));
  }

  @Test
  void theFirstByRowNumberIsKeptWhateverTheOrderOfTheRows() {
    // The same three rows, held in reverse order: row 1 is still the one kept.
    Dataset<Row> reversed =
        RawRows.of(
                HEADER,
                "S1,P1,2024-01-10,,21,1,,,,",
                "S1,P2,2024-01-11,,21,1,,,,",
                "S1,P3,2024-01-12,,21,1,,,,")
            .orderBy(col(SourceReader.ROW).desc());
    RuleCheck.Outcome o = CHECK.run(reversed);
    assertEquals(
        Map.of(1L, List.of(), 2L, List.of("DUPLICATE:spell_id"), 3L, List.of("DUPLICATE:spell_id")),
        o.reasons());
    assertEquals("P1", o.acceptedWhere(Cols.SPELL_ID, "S1").getAs(Cols.PERSON_ID));
  }

  @Test
  void acrossPartsTheFirstInPartOrderIsKeptNotTheLowestRowNumber() {
    // S1 is row 2 of the first part and row 1 of the second: the first part's row is kept.
    Dataset<Row> parts =
        RawRows.inFile(
                "apc/part-00001.csv.gz",
                HEADER,
                "S9,P9,2024-01-09,,21,1,,,,",
                "S1,P1,2024-01-10,,21,1,,,,")
            .union(RawRows.inFile("apc/part-00002.csv.gz", HEADER, "S1,P2,2024-01-11,,21,1,,,,"));
    RuleCheck.Outcome o = CHECK.run(parts);
    assertEquals("P1", o.acceptedWhere(Cols.SPELL_ID, "S1").getAs(Cols.PERSON_ID));
  }

  @Test
  void unknownPersonsAreRefusedWhenTheRegisterIsPresentAndTheCheckIsOn() {
    String[] lines = {
      "S1,P1,2024-01-10,,21,1,,,,", "S2,P9,2024-01-10,,21,1,,,,", "S3,,2024-01-10,,21,1,,,,"
    };
    RuleCheck withRegister = CHECK.withPersons("P1", "P2");
    // an empty person is MISSING, not unknown
    assertEquals(
        Map.of(
            1L,
            List.of(),
            2L,
            List.of("UNKNOWN_PERSON:person_id"),
            3L,
            List.of("MISSING:person_id")),
        withRegister.reasons(HEADER, lines));
    // skipped when the extract has no register, or check_person_references is off
    assertEquals(
        Map.of(1L, List.of(), 2L, List.of(), 3L, List.of("MISSING:person_id")),
        CHECK.reasons(HEADER, lines));
    assertEquals(
        Map.of(1L, List.of(), 2L, List.of(), 3L, List.of("MISSING:person_id")),
        withRegister.settings(RuleCheck.NO_PERSON_CHECK).reasons(HEADER, lines));
  }

  @Test
  void datesAreReadInTheMappingsFormatAndTheEarliestDateIsASetting() {
    RuleCheck ukDates =
        CHECK
            .dateFormat(Cols.ADMISSION_DATE, "dd/MM/yyyy")
            .settings(
                new IngestSettings(true, true, LocalDate.of(2000, 1, 1), 3, List.of(), 2, "auto"));
    RuleCheck.Outcome o =
        ukDates.expect(
            HEADER,
            accepted("S1,P1,10/01/2024,2024-01-12,21,1,,,,"),
            refused("S2,P1,2024-01-10,,21,1,,,,", "BAD_DATE:admission_date"),
            refused("S3,P1,1/1/2024,,21,1,,,,", "BAD_DATE:admission_date"),
            refused("S4,P1,30/02/2024,,21,1,,,,", "BAD_DATE:admission_date"),
            // the pair is compared as dates, each read in its own format
            refused("S5,P1,13/01/2024,2024-01-12,21,1,,,,", "DATE_ORDER:discharge_date"),
            refused("S6,P1,31/12/1999,,21,1,,,,", "OUT_OF_RANGE:admission_date"),
            accepted("S7,P1,01/01/2000,,21,1,,,,"),
            refused("S8,P1,01/04/2025,,21,1,,,,", "FUTURE_DATE:admission_date"));
    assertEquals(
        LocalDate.of(2024, 1, 10), date(o.acceptedWhere(Cols.SPELL_ID, "S1"), Cols.ADMISSION_DATE));
    assertEquals(
        LocalDate.of(2000, 1, 1), date(o.acceptedWhere(Cols.SPELL_ID, "S7"), Cols.ADMISSION_DATE));
  }

  @Test
  void aRowRefusedForAnUnknownPersonDoesNotMakeTheNextOneADuplicate() {
    RuleCheck withRegister = CHECK.withPersons("P1");
    assertEquals(
        Map.of(1L, List.of("UNKNOWN_PERSON:person_id"), 2L, List.of()),
        withRegister.reasons(HEADER, "S1,P9,2024-01-10,,21,1,,,,", "S1,P1,2024-01-10,,21,1,,,,"));
  }
}

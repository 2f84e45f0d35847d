package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.RawRows;
import io.proactivecare.npc.testing.RuleCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The quarantine output of {@link RowValidator#quarantine}: its columns, reasons and original text.
 */
class QuarantineTest {
  private static final String APC_HEADER =
      "spell_id,person_id,admission_date,discharge_date,admission_method,patient_classification,discharge_method,discharge_destination,provider_code,diagnoses";

  @Test
  void aDischargeBeforeTheAdmissionIsQuarantinedWithItsLine() {
    RuleCheck check = RuleCheck.of(Contracts.APC_SPELLS);
    Dataset<Row> validated =
        check.validated(
            RawRows.of(
                APC_HEADER,
                "S1,P1,2024-01-10,2024-01-12,21,1,1,19,RR8,I10X;N180",
                "S2,P2,2024-01-10,2024-01-09,21,1,1,19,RR8,"));
    List<Row> q = check.quarantine(validated).collectAsList();
    assertEquals(1, q.size());
    assertEquals("DATE_ORDER", q.get(0).getAs(Cols.REASON_CODE));
    assertEquals(2L, (long) q.get(0).<Long>getAs(Cols.ROW_NUMBER));
    assertEquals(
        1, RowValidator.accepted(validated, Contracts.APC_SPELLS, check.dateFormats()).count());
  }

  @Test
  void refusedRowsKeepTheirReasonsAndOriginalText() throws Exception {
    RuleCheck check = RuleCheck.of(Contracts.APC_SPELLS);
    Dataset<Row> validated =
        check.validated(
            RawRows.inFile(
                "extract/apc_spells.csv",
                APC_HEADER,
                "S1,P1,2024-01-10,2024-01-12,21,1,1,19,RR8,I10X;N180",
                " ,P1 ,2025-02-30,2024-01-09,2E,1,1,19,RR8,I10X;I10.9",
                "S3,P1,2024-01-10"));
    Dataset<Row> q = check.quarantine(validated);

    // The quarantine's declared columns without the table column (the partition).
    assertEquals(
        RuleCheck.describe(RowValidator.quarantineSchema()), RuleCheck.describe(q.schema()));

    Map<Long, Row> rows = new TreeMap<>();
    q.collectAsList().forEach(r -> rows.put(r.getAs(Cols.ROW_NUMBER), r));
    assertEquals(
        List.of(2L, 3L), List.copyOf(rows.keySet()), "row 1 is accepted, rows 2 and 3 quarantined");
    assertEquals(
        1, RowValidator.accepted(validated, Contracts.APC_SPELLS, check.dateFormats()).count());

    Row two = rows.get(2L);
    assertEquals("extract/apc_spells.csv", two.getAs(Cols.SOURCE_FILE));
    assertEquals("MISSING", two.getAs(Cols.REASON_CODE));
    assertEquals("spell_id", two.getAs(Cols.REASON_COLUMN));
    assertEquals("spell_id is required but empty", two.getAs(Cols.REASON_DETAIL));
    assertEquals(
        List.of(
            "MISSING:spell_id",
            "BAD_DATE:admission_date",
            "BAD_CODE:admission_method",
            "BAD_FORMAT:diagnoses"),
        two.getList(two.fieldIndex(Cols.REASONS)));
    // The record holds the provider's fields as they were, before trimming.
    Map<String, String> record =
        new ObjectMapper()
            .readValue(
                (String) two.getAs(Cols.RECORD),
                new TypeReference<LinkedHashMap<String, String>>() {});
    Map<String, String> original = new LinkedHashMap<>();
    original.put("spell_id", " ");
    original.put("person_id", "P1 ");
    original.put("admission_date", "2025-02-30");
    original.put("discharge_date", "2024-01-09");
    original.put("admission_method", "2E");
    original.put("patient_classification", "1");
    original.put("discharge_method", "1");
    original.put("discharge_destination", "19");
    original.put("provider_code", "RR8");
    original.put("diagnoses", "I10X;I10.9");
    assertEquals(original, record);

    // A malformed row: no column, and the record is the raw line.
    Row three = rows.get(3L);
    assertEquals("MALFORMED_ROW", three.getAs(Cols.REASON_CODE));
    assertNull(three.getAs(Cols.REASON_COLUMN));
    assertEquals(
        "the row could not be split into the header's fields", three.getAs(Cols.REASON_DETAIL));
    assertEquals(
        List.of("MALFORMED_ROW", "MISSING:admission_method", "MISSING:patient_classification"),
        three.getList(three.fieldIndex(Cols.REASONS)));
    assertEquals("S3,P1,2024-01-10", three.getAs(Cols.RECORD));
  }

  @Test
  void everyReasonSaysWhatIsWrongWithTheValue() {
    RuleCheck apc = RuleCheck.of(Contracts.APC_SPELLS).withPersons("P1");
    assertEquals(
        List.of(
            "spell_id is required but empty",
            "admission_date '2025-02-30' is not a date (expected yyyy-MM-dd)",
            "admission_date 1899-12-31 is before 1900-01-01 (ingest.earliest_date)",
            "admission_method '2E' is not a valid code",
            "provider_code 'rr8' does not match ^[A-Z0-9]{3,5}$",
            "diagnoses element 'I10.9' does not match ^[A-Z][0-9]{2}[0-9A-Z]{0,4}$",
            "discharge_date 2024-01-09 is before admission_date 2024-01-10",
            "admission_date 2025-04-01 is after the extract date 2025-03-31",
            "repeats an earlier row with the same spell_id",
            "person_id P9 is not in the accepted gp_registrations"),
        details(
            apc,
            APC_HEADER,
            "S1,P1,2024-01-10,,21,1,,,,",
            ",P1,2024-01-10,,21,1,,,,",
            "S2,P1,2025-02-30,,21,1,,,,",
            "S3,P1,1899-12-31,,21,1,,,,",
            "S4,P1,2024-01-10,,2E,1,,,,",
            "S5,P1,2024-01-10,,21,1,,,rr8,",
            "S6,P1,2024-01-10,,21,1,,,,I10X;I10.9;N18.0",
            "S7,P1,2024-01-10,2024-01-09,21,1,,,,",
            "S8,P1,2025-04-01,,21,1,,,,",
            "S1,P1,2024-02-01,,22,1,,,,",
            "S9,P9,2024-01-10,,21,1,,,,"));

    assertEquals(
        List.of(
            "imd_decile '1.5' is not a whole number",
            "imd_decile 11 is out of range (expected from 1 to 10)",
            "imd_rank 0 is out of range (expected at least 1)",
            "imd_vintage 'IMD2015' is not a valid code"),
        details(
            RuleCheck.of(Contracts.LSOA_IMD),
            "lsoa_code,imd_vintage,imd_decile,imd_rank",
            "E01000001,IMD2019,1.5,",
            "E01000002,IMD2019,11,",
            "E01000003,IMD2019,1,0",
            "E01000004,IMD2015,1,"));

    assertEquals(
        List.of(
            "unit_cost 'abc' is not a number",
            "unit_cost -1 is out of range (expected at least 0)"),
        details(
            RuleCheck.of(Contracts.ASC_SERVICES),
            "service_id,person_id,service_type,service_component,start_date,end_date,unit_cost,cost_frequency,planned_units_per_week",
            "C1,P1,Long Term Support: Community,,2024-01-01,,abc,,",
            "C2,P1,Long Term Support: Community,,2024-01-01,,-1,,"));

    assertEquals(
        List.of("code 'XE0U' is not a valid CTV3 code", "repeats an earlier identical row"),
        details(
            RuleCheck.of(Contracts.GP_EVENTS),
            "person_id,event_date,code,code_system,value,unit",
            "P1,2024-01-10,XE0U,CTV3,,",
            "P1,2024-01-10,XE0Uc,CTV3,,",
            "P1,2024-01-10,XE0Uc,CTV3,,"));

    RuleCheck registrations = RuleCheck.of(Contracts.GP_REGISTRATIONS).withPractices("B86001");
    assertEquals(
        List.of(
            "year_of_birth 2026 is after the extract year 2025",
            "registration_start 1949-12-31 is before year_of_birth 1950",
            "practice_code B86099 is not in the practice_pcn reference"),
        details(
            registrations,
            "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death",
            "P1,B86001,2026,F,,,2025-01-01,,",
            "P2,B86001,1950,F,,,1949-12-31,,",
            "P3,B86099,1950,F,,,2010-01-01,,"));

    RuleCheck enrolments = RuleCheck.of(Contracts.ENROLMENTS).withPcns("U12345");
    assertEquals(
        List.of("pcn_code U99999 is not in the practice_pcn reference"),
        details(enrolments, "person_id,pcn_code,enrolment_date,end_date", "P1,U99999,2024-10-28,"));
  }

  /** The detail of the first reason of each refused line, in row order. */
  private static List<String> details(RuleCheck check, String header, String... lines) {
    return check
        .quarantine(check.validated(RawRows.of(header, lines)))
        .orderBy(Cols.ROW_NUMBER)
        .select(Cols.REASON_DETAIL)
        .collectAsList()
        .stream()
        .map(r -> r.getString(0))
        .toList();
  }
}

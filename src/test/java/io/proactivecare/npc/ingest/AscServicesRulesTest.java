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

/** Spec fixture of the asc_services contract. Extract date 2025-03-31. */
class AscServicesRulesTest {
  private static final String HEADER =
      "service_id,person_id,service_type,service_component,start_date,end_date,unit_cost,cost_frequency,planned_units_per_week";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.ASC_SERVICES);
  private static final String NURSING = "Long Term Support: Nursing Care";

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER,
            accepted("C1,P1,Long Term Support: Nursing Care,,2022-06-01,,990.0,Weekly,"),
            // the end date may be planned, after the extract date
            accepted(
                "C2,P2,Short Term Support: ST-Max,Direct Payment,2025-01-06,2025-06-30,18.5,Hourly,10"),
            accepted(
                "C3,P3,Carer Support: Support involving the person cared-for,,2024-01-01,,0,,0.5"));

    Row c1 = o.acceptedWhere(Cols.SERVICE_ID, "C1");
    assertEquals("P1", c1.getAs(Cols.PERSON_ID));
    assertEquals(NURSING, c1.getAs(Cols.SERVICE_TYPE));
    assertNull(c1.getAs(Cols.SERVICE_COMPONENT));
    assertEquals(LocalDate.of(2022, 6, 1), date(c1, Cols.START_DATE));
    assertNull(c1.getAs(Cols.END_DATE));
    assertEquals(990.0, (double) c1.getAs(Cols.UNIT_COST), 1e-12);
    assertEquals("Weekly", c1.getAs(Cols.COST_FREQUENCY));
    assertNull(c1.getAs(Cols.PLANNED_UNITS_PER_WEEK));

    Row c2 = o.acceptedWhere(Cols.SERVICE_ID, "C2");
    assertEquals("Direct Payment", c2.getAs(Cols.SERVICE_COMPONENT));
    assertEquals(LocalDate.of(2025, 6, 30), date(c2, Cols.END_DATE));
    assertEquals(18.5, (double) c2.getAs(Cols.UNIT_COST), 1e-12);
    assertEquals(10.0, (double) c2.getAs(Cols.PLANNED_UNITS_PER_WEEK), 1e-12);

    Row c3 = o.acceptedWhere(Cols.SERVICE_ID, "C3");
    assertEquals(0.0, (double) c3.getAs(Cols.UNIT_COST), 1e-12);
    assertEquals(0.5, (double) c3.getAs(Cols.PLANNED_UNITS_PER_WEEK), 1e-12);
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",P1," + NURSING + ",,2022-06-01,,,,", "MISSING:service_id"),
        refused("C10,," + NURSING + ",,2022-06-01,,,,", "MISSING:person_id"),
        refused("C11,P1,,,2022-06-01,,,,", "MISSING:service_type"),
        refused("C12,P1," + NURSING + ",,,,,,", "MISSING:start_date"),
        // service type: the CLD list, exactly
        refused("C20,P1,Long Term Support: nursing care,,2022-06-01,,,,", "BAD_CODE:service_type"),
        refused("C21,P1,Nursing Care,,2022-06-01,,,,", "BAD_CODE:service_type"),
        accepted("C22,P1,Long Term Support: Prison,,2022-06-01,,,,"),
        // costs and units: finite numbers, not negative
        refused("C30,P1," + NURSING + ",,2022-06-01,,-0.01,,", "OUT_OF_RANGE:unit_cost"),
        refused("C31,P1," + NURSING + ",,2022-06-01,,£990,,", "BAD_NUMBER:unit_cost"),
        refused("C32,P1," + NURSING + ",,2022-06-01,,NaN,,", "BAD_NUMBER:unit_cost"),
        refused("C33,P1," + NURSING + ",,2022-06-01,,1e400,,", "BAD_NUMBER:unit_cost"),
        refused("C34,P1," + NURSING + ",,2022-06-01,,\"1,000.00\",,", "BAD_NUMBER:unit_cost"),
        refused("C35,P1," + NURSING + ",,2022-06-01,,,,-1", "OUT_OF_RANGE:planned_units_per_week"),
        refused("C36,P1," + NURSING + ",,2022-06-01,,,,ten", "BAD_NUMBER:planned_units_per_week"),
        refused("C40,P1," + NURSING + ",,2022-06-31,,,,", "BAD_DATE:start_date"),
        refused("C41,P1," + NURSING + ",,2022-06-01,2022-6-30,,,", "BAD_DATE:end_date"),
        refused(
            "C42,P1," + NURSING + ",,1899-12-30,1899-12-31,,,",
            "OUT_OF_RANGE:start_date",
            "OUT_OF_RANGE:end_date"),
        refused("C43,P1," + NURSING + ",,2022-06-01,2022-05-31,,,", "DATE_ORDER:end_date"),
        accepted("C44,P1," + NURSING + ",,2022-06-01,2022-06-01,,,"),
        // only the start is checked against the extract date
        accepted("C50,P1," + NURSING + ",,2025-03-31,2030-01-01,,,"),
        refused("C51,P1," + NURSING + ",,2025-04-01,,,,", "FUTURE_DATE:start_date"),
        refused("C60,P1," + NURSING, "MALFORMED_ROW", "MISSING:start_date"),
        refused(
            ",P1,Nursing,,2025-04-02,2025-04-01,-5,,abc",
            "MISSING:service_id",
            "BAD_CODE:service_type",
            "OUT_OF_RANGE:unit_cost",
            "BAD_NUMBER:planned_units_per_week",
            "DATE_ORDER:end_date",
            "FUTURE_DATE:start_date"));
  }

  @Test
  void duplicateServiceIdsKeepTheFirstValidRow() {
    CHECK.expect(
        HEADER,
        accepted("C1,P1," + NURSING + ",,2022-06-01,,990,Weekly,"),
        refused("C1,P1," + NURSING + ",,2023-06-01,,990,Weekly,", "DUPLICATE:service_id"),
        refused("C2,P1," + NURSING + ",,2022-06-01,,-990,Weekly,", "OUT_OF_RANGE:unit_cost"),
        accepted("C2,P1," + NURSING + ",,2022-06-01,,990,Weekly,"));
  }

  @Test
  void unknownPersonsAreRefusedWhenTheRegisterIsPresentAndTheCheckIsOn() {
    CHECK.assertPersonReferenceRule(
        HEADER, "C1,P1," + NURSING + ",,2022-06-01,,,,", "C2,P9," + NURSING + ",,2022-06-01,,,,");
  }
}

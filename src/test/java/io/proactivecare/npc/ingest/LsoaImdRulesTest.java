package io.proactivecare.npc.ingest;

import static io.proactivecare.npc.testing.RuleCheck.accepted;
import static io.proactivecare.npc.testing.RuleCheck.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.RuleCheck;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Spec fixture of the lsoa_imd contract. */
class LsoaImdRulesTest {
  private static final String HEADER = "lsoa_code,imd_vintage,imd_decile,imd_rank";
  private static final RuleCheck CHECK = RuleCheck.of(Contracts.LSOA_IMD);

  @Test
  void validRowsAreAcceptedWithTypedValues() {
    RuleCheck.Outcome o =
        CHECK.expect(
            HEADER,
            accepted("E01024000,IMD2019,1,1000"),
            accepted("E01033000,IoD2025,10,"),
            accepted("E01024001,IoD2025,07,+32844"));

    Row a = o.acceptedWhere(Cols.LSOA_CODE, "E01024000");
    assertEquals("IMD2019", a.getAs(Cols.IMD_VINTAGE));
    assertEquals(Integer.valueOf(1), a.getAs(Cols.IMD_DECILE));
    assertEquals(Integer.valueOf(1000), a.getAs(Cols.IMD_RANK));

    Row b = o.acceptedWhere(Cols.LSOA_CODE, "E01033000");
    assertEquals("IoD2025", b.getAs(Cols.IMD_VINTAGE));
    assertEquals(Integer.valueOf(10), b.getAs(Cols.IMD_DECILE));
    assertNull(b.getAs(Cols.IMD_RANK));

    // a leading zero and a plus sign are still whole numbers
    Row c = o.acceptedWhere(Cols.LSOA_CODE, "E01024001");
    assertEquals(Integer.valueOf(7), c.getAs(Cols.IMD_DECILE));
    assertEquals(Integer.valueOf(32844), c.getAs(Cols.IMD_RANK));
  }

  @Test
  void everyRowRule() {
    CHECK.expect(
        HEADER,
        refused(",IMD2019,1,", "MISSING:lsoa_code"),
        refused("E01000001,,1,", "MISSING:imd_vintage"),
        refused("E01000002,IMD2019,,", "MISSING:imd_decile"),
        // LSOA: E01 and six digits (English LSOAs only)
        refused("E0100000,IMD2019,1,", "BAD_FORMAT:lsoa_code"),
        refused("E010000031,IMD2019,1,", "BAD_FORMAT:lsoa_code"),
        refused("W01000001,IMD2019,1,", "BAD_FORMAT:lsoa_code"),
        refused("e01000004,IMD2019,1,", "BAD_FORMAT:lsoa_code"),
        refused("E02000005,IMD2019,1,", "BAD_FORMAT:lsoa_code"),
        refused("E01000006,IMD2015,1,", "BAD_CODE:imd_vintage"),
        refused("E01000007,imd2019,1,", "BAD_CODE:imd_vintage"),
        // BAD_NUMBER: not a whole number
        refused("E01000010,IMD2019,1.5,", "BAD_NUMBER:imd_decile"),
        refused("E01000011,IMD2019,5.0,", "BAD_NUMBER:imd_decile"),
        refused("E01000012,IMD2019,abc,", "BAD_NUMBER:imd_decile"),
        refused("E01000013,IMD2019,NaN,", "BAD_NUMBER:imd_decile"),
        refused("E01000014,IMD2019,1,\"1,000\"", "BAD_NUMBER:imd_rank"),
        refused("E01000015,IMD2019,1,1e3", "BAD_NUMBER:imd_rank"),
        // OUT_OF_RANGE: decile 1 to 10, rank at least 1
        refused("E01000020,IMD2019,0,", "OUT_OF_RANGE:imd_decile"),
        refused("E01000021,IMD2019,11,", "OUT_OF_RANGE:imd_decile"),
        refused("E01000022,IMD2019,-1,", "OUT_OF_RANGE:imd_decile"),
        accepted("E01000023,IMD2019,1,1"),
        accepted("E01000024,IMD2019,10,32844"),
        refused("E01000025,IMD2019,5,0", "OUT_OF_RANGE:imd_rank"),
        refused("E01000026,IMD2019", "MALFORMED_ROW", "MISSING:imd_decile"),
        refused(
            "W0100027,IMD2015,0,-5",
            "BAD_FORMAT:lsoa_code",
            "BAD_CODE:imd_vintage",
            "OUT_OF_RANGE:imd_decile",
            "OUT_OF_RANGE:imd_rank"));
  }

  @Test
  void duplicateLsoaAndVintageKeepTheFirstValidRow() {
    CHECK.expect(
        HEADER,
        accepted("E01024000,IMD2019,1,1000"),
        accepted("E01024000,IoD2025,2,2000"),
        refused("E01024000,IMD2019,3,3000", "DUPLICATE:lsoa_code"),
        refused("E01024001,IMD2019,0,", "OUT_OF_RANGE:imd_decile"),
        accepted("E01024001,IMD2019,4,"),
        refused("E01024001,IMD2019,5,", "DUPLICATE:lsoa_code"));
  }
}

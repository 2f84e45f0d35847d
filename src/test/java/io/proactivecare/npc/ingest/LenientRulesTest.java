package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.RuleCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules that keep a row rather than lose it, and limits on text: issue 15 items 10 and 12. Extract
 * date 2025-03-31.
 */
class LenientRulesTest {
  private static final String REG_HEADER =
      "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death";
  private static final String PRACTICE_HEADER =
      "practice_code,practice_name,pcn_code,pcn_name,valid_from,valid_to";

  @TempDir Path tmp;

  /** Item 10: a text value longer than its contract's limit is quarantined as TOO_LONG. */
  @Test
  void textLongerThanTheContractsLimitIsQuarantined() {
    String name200 = "N".repeat(200);
    Map<Long, List<String>> reasons =
        RuleCheck.of(Contracts.PRACTICE_PCN)
            .reasons(
                PRACTICE_HEADER,
                "B86001," + name200 + ",U12345,Central PCN,2019-07-01,",
                "B86002," + name200 + "N,U12345,Central PCN,2019-07-01,",
                "B86003,Hill,U12345," + "P".repeat(1_000_000) + ",2019-07-01,");
    assertEquals(
        Map.of(
            1L, List.of(),
            2L, List.of("TOO_LONG:practice_name"),
            3L, List.of("TOO_LONG:pcn_name")),
        reasons);
  }

  /**
   * Item 12: an invalid code in an optional descriptive column of the register (ethnic group) keeps
   * the registration, with the value set to 99 (not known), instead of losing the person.
   */
  @Test
  void aBadEthnicGroupBecomesNotKnownAndTheRegistrationIsKept() {
    RuleCheck.Outcome o =
        RuleCheck.of(Contracts.GP_REGISTRATIONS)
            .run(
                REG_HEADER,
                "P1,B86001,1950,F,E01024001,Q,2010-01-01,,",
                "P2,B86001,1950,F,E01024001,A,2010-01-01,,");
    assertEquals(Map.of(1L, List.of(), 2L, List.of()), o.reasons());
    Row p1 = o.acceptedWhere(Cols.PERSON_ID, "P1");
    assertEquals("99", p1.getAs(Cols.ETHNIC_GROUP));
    assertEquals("A", o.acceptedWhere(Cols.PERSON_ID, "P2").getAs(Cols.ETHNIC_GROUP));
  }

  /**
   * Item 12: a translation to '' or to ~ (null) in a mapping means "not recorded"; the loader keeps
   * both as "" (RowValidatorMapTest shows "" becomes empty).
   */
  @Test
  void aTranslationToNullIsATranslationToEmpty() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mappings"));
    Files.writeString(
        dir.resolve("m.yaml"),
        """
        tables:
          gp_registrations:
            person_id: ID
            practice_code: PRAC
            year_of_birth: YOB
            sex: SEX
            ethnic_group: {from: ETH, values: {"9": '', "8": ~, "1": A}}
            registration_start: START
        """);
    SourceMapping m = MappingLoader.load(dir, "m");
    Map<String, String> values =
        m.table("gp_registrations").orElseThrow().get(Cols.ETHNIC_GROUP).values();
    assertEquals(Map.of("9", "", "8", "", "1", "A"), values);
  }
}

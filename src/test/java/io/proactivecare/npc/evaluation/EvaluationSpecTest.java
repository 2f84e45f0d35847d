package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.features.FeatureFixture;
import io.proactivecare.npc.population.Population;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked fixtures for the evaluation's Spark rules (docs/evaluation.md): index dates, risk
 * sets, matching blocks and the outcome windows either side of the index date.
 */
class EvaluationSpecTest {
  private static final String SNOMED = "SNOMED";
  private static final String OPEN = null;

  private static NpcConfig config(String... overrides) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < overrides.length; i += 2) {
      m.put(overrides[i], overrides[i + 1]);
    }
    return FeatureFixture.config(m);
  }

  private static LocalDate date(Row r, String column) {
    Date d = r.getAs(column);
    return d == null ? null : d.toLocalDate();
  }

  private static Map<String, Row> byPerson(Dataset<Row> data) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : data.collectAsList()) {
      out.put(r.getAs(Cols.PERSON_ID), r);
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Index dates and risk sets

  private static FeatureFixture enrolments() {
    FeatureFixture f = new FeatureFixture();
    // A: enrolled twice; the first enrolment (2024-01-15, U10001) is the one evaluated.
    f.enrol("A", "U10001", "2024-01-15", "2024-03-01").enrol("A", "U10002", "2024-06-20", OPEN);
    // B: enrolled on the first of a month.
    f.enrol("B", "U10001", "2024-02-01", OPEN);
    return f;
  }

  @Test
  void theIndexDateIsTheFirstOfTheMonthAfterEnrolmentOrTheEnrolmentDate() {
    FeatureFixture f = enrolments();
    Map<String, Row> next =
        byPerson(RiskSets.treated(f.table(Contracts.ENROLMENTS), config().evaluation()));
    assertEquals(2, next.size(), "one row per person");
    assertEquals(LocalDate.of(2024, 2, 1), date(next.get("A"), Cols.INDEX_DATE));
    assertEquals(LocalDate.of(2024, 1, 15), date(next.get("A"), Cols.ENROLMENT_DATE));
    assertEquals("U10001", next.get("A").getAs(Cols.ENROLMENT_PCN));
    // Enrolled on 1 February: followed from 1 March, so February is wholly before the index date.
    assertEquals(LocalDate.of(2024, 3, 1), date(next.get("B"), Cols.INDEX_DATE));

    Map<String, Row> exact =
        byPerson(
            RiskSets.treated(
                f.table(Contracts.ENROLMENTS),
                config("evaluation.index_date", "enrolment_date").evaluation()));
    assertEquals(LocalDate.of(2024, 1, 15), date(exact.get("A"), Cols.INDEX_DATE));
    assertEquals(LocalDate.of(2024, 2, 1), date(exact.get("B"), Cols.INDEX_DATE));
  }

  /**
   * Six people at practice P1 (PCN U10001) or P2 (U10002); T is enrolled on 2024-01-15 (index
   * 2024-02-01), E on 2023-12-10 (index 2024-01-01), L on 2024-05-05 (later), Y is 17, G left the
   * area before the index date, C is never enrolled.
   */
  private static FeatureFixture riskSet() {
    FeatureFixture f = new FeatureFixture();
    f.pcn("P1", "U10001", "2019-01-01", OPEN).pcn("P2", "U10002", "2019-01-01", OPEN);
    f.reg("T", "P1", 1940, "F", "E01000001", "A", "2020-01-01", OPEN)
        .reg("E", "P1", 1941, "M", "E01000001", "A", "2020-01-01", OPEN)
        .reg("L", "P1", 1942, "F", "E01000001", "A", "2020-01-01", OPEN)
        .reg("Y", "P2", 2007, "F", "E01000001", "A", "2020-01-01", OPEN)
        .reg("G", "P2", 1950, "M", "E01000001", "A", "2020-01-01", "2024-01-10")
        .reg("C", "P2", 1950, "M", "E01000001", "A", "2020-01-01", OPEN);
    f.enrol("T", "U10001", "2024-01-15", OPEN)
        .enrol("E", "U10001", "2023-12-10", OPEN)
        .enrol("L", "U10001", "2024-05-05", OPEN);
    return f;
  }

  private static Map<String, Row> members(FeatureFixture f, NpcConfig config, LocalDate index) {
    Dataset<Row> regs = f.table(Contracts.GP_REGISTRATIONS);
    Dataset<Row> pop =
        Population.at(
            regs,
            Population.deaths(regs, Optional.empty()),
            Optional.of(f.table(Contracts.PRACTICE_PCN)),
            List.of(index),
            config.population());
    Dataset<Row> enrolled = RiskSets.treated(f.table(Contracts.ENROLMENTS), config.evaluation());
    Dataset<Row> treated =
        enrolled.where(
            org.apache.spark.sql.functions.col(Cols.INDEX_DATE).equalTo(Date.valueOf(index)));
    return byPerson(RiskSets.members(pop, treated, enrolled, config.evaluation(), 18));
  }

  @Test
  void theRiskSetHoldsTheEnrolledPersonAndEligiblePeopleNotYetEnrolled() {
    Map<String, Row> m = members(riskSet(), config(), LocalDate.of(2024, 2, 1));
    // T at its index date; L and C as candidates; E enrolled before (2023-12-10), Y aged 16 or
    // 17 (2024 - 2007 - 1 before the assumed birthday), G no longer registered: none of them.
    assertEquals(List.of("C", "L", "T"), m.keySet().stream().sorted().toList());
    assertEquals(RiskSets.TREATED, m.get("T").getAs(Cols.ROLE));
    assertEquals(RiskSets.CANDIDATE, m.get("C").getAs(Cols.ROLE));
    // L enrols on 2024-05-05: a candidate now, carrying the date its follow-up is censored at.
    assertEquals(LocalDate.of(2024, 5, 5), date(m.get("L"), Cols.LATER_ENROLMENT));
    assertNull(m.get("C").getAs(Cols.LATER_ENROLMENT));
    assertEquals("75-84", m.get("T").getAs(Cols.AGE_BAND), "born 1940: 83 on 2024-02-01");
  }

  @Test
  void laterEnrolledPeopleCanBeDroppedAndControlsTakenFromOtherPcns() {
    LocalDate index = LocalDate.of(2024, 2, 1);
    Map<String, Row> dropped =
        members(riskSet(), config("evaluation.later_enrolled_controls", "drop"), index);
    assertEquals(List.of("C", "T"), dropped.keySet().stream().sorted().toList());
    // Only U10002 enrolled nobody: L (U10001) is no candidate; T stays.
    Map<String, Row> other =
        members(riskSet(), config("evaluation.controls", "non_participating_pcns"), index);
    assertEquals(List.of("C", "T"), other.keySet().stream().sorted().toList());
  }

  // ---------------------------------------------------------------------------------------------
  // Matching blocks: the index date and the exact strata

  private static final StructType SCORED =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType)
          .add(Cols.INDEX_DATE, DataTypes.DateType)
          .add(Cols.ROLE, DataTypes.StringType)
          .add(Cols.PROPENSITY_LOGIT, DataTypes.DoubleType)
          .add(Cols.SEX, DataTypes.StringType);

  private static Row scored(String id, String index, String role, double logit, String sex) {
    return RowFactory.create(id, Date.valueOf(index), role, logit, sex);
  }

  @Test
  void controlsComeFromTheSameIndexDateAndStratumAndBorrowTheIndexDate() {
    String c = RiskSets.CANDIDATE;
    Dataset<Row> in =
        SparkTestSession.get()
            .createDataFrame(
                List.of(
                    scored("T1", "2024-02-01", RiskSets.TREATED, 0.0, "F"),
                    // Closest, but a man: another stratum.
                    scored("M1", "2024-02-01", c, 0.01, "M"),
                    // Closer still, but measured for another index date.
                    scored("F0", "2024-03-01", c, 0.0, "F"),
                    scored("F1", "2024-02-01", c, 0.5, "F"),
                    scored("F2", "2024-02-01", c, -0.75, "F")),
                SCORED);
    Map<String, Row> out =
        byPerson(Matching.match(in, List.of("sex"), 1.0, 1, GreedyMatcher.Order.LARGEST));
    assertEquals(List.of("F1", "T1"), out.keySet().stream().sorted().toList());
    Row control = out.get("F1");
    assertEquals(RiskSets.CONTROL, control.getAs(Cols.ROLE));
    assertEquals("T1", control.getAs(Cols.MATCHED_SET));
    assertEquals(LocalDate.of(2024, 2, 1), date(control, Cols.INDEX_DATE));
    assertEquals(0.5, control.<Double>getAs(Cols.MATCH_DISTANCE), 1e-12);
    assertEquals(1.0, control.<Double>getAs(Cols.MATCH_WEIGHT), 1e-12);

    // Exact on nothing but the date, the man is nearest.
    Map<String, Row> any =
        byPerson(Matching.match(in, List.of(), 1.0, 1, GreedyMatcher.Order.LARGEST));
    assertEquals("T1", any.get("M1").getAs(Cols.MATCHED_SET));
    // Ratio 2: F1 and F2 each weigh a half.
    Map<String, Row> two =
        byPerson(Matching.match(in, List.of("sex"), 1.0, 2, GreedyMatcher.Order.LARGEST));
    assertEquals(0.5, two.get("F2").<Double>getAs(Cols.MATCH_WEIGHT), 1e-12);
    assertEquals(2, two.get("F2").<Integer>getAs(Cols.MATCH_ROUND));
    // A caliper of 0.25: nobody within it.
    Map<String, Row> none =
        byPerson(Matching.match(in, List.of("sex"), 0.25, 1, GreedyMatcher.Order.LARGEST));
    assertEquals(List.of("T1"), none.keySet().stream().toList());
    assertEquals("outside_caliper", none.get("T1").getAs(Cols.UNMATCHED_REASON));
  }

  /**
   * Exact on prior_admissions: emergency admissions in the 12 months before, banded 0, 1, 2, 3+,
   * and whether one was recent. T3 (3 admissions, 1 recent) takes C5 (5, 2 recent: the same band)
   * though C2 (2) and C3 (3, none recent) are nearer; T1 (1) finds nobody in its band.
   */
  @Test
  void priorAdmissionsAreMatchedExactlyInBands() {
    StructType schema =
        SCORED
            .add(Cols.EMERGENCY_ADMISSIONS_12M, DataTypes.IntegerType)
            .add(Cols.EMERGENCY_ADMISSIONS_RECENT, DataTypes.IntegerType);
    String c = RiskSets.CANDIDATE;
    String d = "2024-02-01";
    Dataset<Row> in =
        SparkTestSession.get()
            .createDataFrame(
                List.of(
                    RowFactory.create("T3", Date.valueOf(d), RiskSets.TREATED, 0.0, "F", 3, 1),
                    RowFactory.create("C2", Date.valueOf(d), c, 0.01, "F", 2, 1),
                    RowFactory.create("C3", Date.valueOf(d), c, 0.02, "F", 3, 0),
                    RowFactory.create("C5", Date.valueOf(d), c, 0.4, "F", 5, 2),
                    RowFactory.create("T1", Date.valueOf(d), RiskSets.TREATED, 1.0, "F", 1, 0),
                    RowFactory.create("C0", Date.valueOf(d), c, 1.0, "F", 0, 0)),
                schema);
    Map<String, Row> out =
        byPerson(
            Matching.match(
                in, List.of("sex", "prior_admissions"), 1.0, 1, GreedyMatcher.Order.LARGEST));
    assertEquals("T3", out.get("C5").getAs(Cols.MATCHED_SET));
    assertEquals(List.of("C5", "T1", "T3"), out.keySet().stream().sorted().toList());
    assertEquals("no_candidate_in_stratum", out.get("T1").getAs(Cols.UNMATCHED_REASON));
  }

  // ---------------------------------------------------------------------------------------------
  // Outcome windows either side of the index date

  /**
   * Index date D = 2024-02-01. With follow_up_days 365 the follow-up is [2024-02-01, 2025-01-30]
   * (2024 is a leap year: 2024-02-01 + 364 days); the pre-period is [2023-02-01, 2024-01-31].
   */
  private static FeatureFixture outcomes() {
    FeatureFixture f = new FeatureFixture();
    f.pcn("P1", "U10001", "2019-01-01", OPEN);
    // S survives: spells across the index date and at both window edges.
    f.reg("S", "P1", 1940, "F", "E01000001", "A", "2020-01-01", OPEN)
        // Emergency, 2024-01-29 to 2024-02-03: 3 nights before (02-01 - 01-29), 2 after.
        .spell("S1", "S", "2024-01-29", "2024-02-03", "21", "1")
        // Emergency on the last day of follow-up (counted) and the day after it (not).
        .spell("S2", "S", "2025-01-30", "2025-01-30", "22", "1")
        .spell("S3", "S", "2025-01-31", "2025-02-02", "22", "1")
        // Emergency on the first day of the pre-period (counted) and the day before (not).
        .spell("S4", "S", "2023-02-01", "2023-02-01", "21", "1")
        .spell("S5", "S", "2023-01-31", "2023-01-31", "21", "1")
        // Elective ordinary admission after, a day case before.
        .spell("S6", "S", "2024-05-01", "2024-05-03", "11", "1")
        .spell("S7", "S", "2023-06-01", "2023-06-01", "12", "2")
        .ae("A1", "S", "2024-01-31", "01", "1")
        .ae("A2", "S", "2024-02-01", "01", "1")
        .ae("A3", "S", "2024-03-01", "05", "1") // SDEC: not an attendance
        .op("O1", "S", "2024-04-01", "5", "1")
        .op("O2", "S", "2024-04-02", "3", "2") // did not attend
        // A community package from 2024-01-25 to 2024-02-07 at 70 pounds a week: 7 days before
        // (01-25..01-31) and 7 after (02-01..02-07), 70 pounds each side.
        .asc(
            "C1",
            "S",
            "Long Term Support: Community",
            "2024-01-25",
            "2024-02-07",
            70,
            "Weekly",
            null)
        // Falls recorded before the index date; housebound during follow-up.
        .event("S", "2022-01-01", SNOMED, "161898004")
        .event("S", "2024-06-01", SNOMED, "160689007");
    // X dies in hospital on 2024-06-30: follow-up ends then (151 days: 29 + 31 + 30 + 31 + 30).
    f.reg("X", "P1", 1935, "M", "E01000001", "A", "2020-01-01", OPEN)
        .spellDied("X1", "X", "2024-06-20", "2024-06-30", List.of());
    // K is a control who enrols on 2024-05-01: censored on 2024-04-30 (90 days: 29 + 31 + 30).
    f.reg("K", "P1", 1950, "F", "E01000001", "A", "2020-01-01", OPEN)
        .spell("K1", "K", "2024-04-30", "2024-05-02", "21", "1")
        .spell("K2", "K", "2024-05-01", "2024-05-02", "21", "1");
    return f;
  }

  /** What the outcome windows are asked for: a person, their index date, a later enrolment. */
  private static final StructType REQUESTS =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType)
          .add(Cols.INDEX_DATE, DataTypes.DateType)
          .add(Cols.LATER_ENROLMENT, DataTypes.DateType);

  private static Map<String, Row> countOutcomes(FeatureFixture f, NpcConfig config) {
    Date d = Date.valueOf("2024-02-01");
    Dataset<Row> requests =
        SparkTestSession.get()
            .createDataFrame(
                List.of(
                    RowFactory.create("S", d, null),
                    RowFactory.create("X", d, null),
                    RowFactory.create("K", d, Date.valueOf("2024-05-01"))),
                REQUESTS);
    Dataset<Row> regs = f.table(Contracts.GP_REGISTRATIONS);
    Dataset<Row> spells = f.table(Contracts.APC_SPELLS);
    OutcomeWindows.Sources in =
        new OutcomeWindows.Sources(
            regs,
            Population.deaths(regs, Optional.of(spells)),
            spells,
            f.table(Contracts.AE_ATTENDANCES),
            f.table(Contracts.OP_APPOINTMENTS),
            f.table(Contracts.ASC_SERVICES),
            f.deficitPeriods(config));
    return byPerson(
        OutcomeWindows.count(
            requests,
            in,
            365,
            365,
            LocalDate.of(2025, 3, 31),
            config.features(),
            config.costs(),
            FeatureFixture.efi(config)));
  }

  private static long n(Row r, String measure, String window) {
    return r.<Long>getAs(OutcomeWindows.column(measure, window));
  }

  @Test
  void activityIsCountedInTheWindowsEitherSideOfTheIndexDate() {
    Row s = countOutcomes(outcomes(), config()).get("S");
    String pre = OutcomeWindows.PRE;
    String post = OutcomeWindows.POST;
    assertEquals(LocalDate.of(2025, 1, 30), date(s, Cols.FOLLOW_UP_END));
    assertEquals(365 / 365.0, s.<Double>getAs("years_post"), 1e-12);
    assertEquals(365 / 365.0, s.<Double>getAs("years_pre"), 1e-12);
    // Before: S1 (2024-01-29) and S4 (the first day); not S5. After: S2 (the last day); not S3.
    assertEquals(2, n(s, OutcomeWindows.EMERGENCY_ADMISSIONS, pre));
    assertEquals(1, n(s, OutcomeWindows.EMERGENCY_ADMISSIONS, post));
    // S1's 5 nights split at the index date: 3 before, 2 after; S2, S4 are same-day.
    assertEquals(3, n(s, OutcomeWindows.UNPLANNED_BED_DAYS, pre));
    assertEquals(2, n(s, OutcomeWindows.UNPLANNED_BED_DAYS, post));
    assertEquals(1, n(s, OutcomeWindows.ELECTIVE_ADMISSIONS, post));
    assertEquals(1, n(s, OutcomeWindows.DAY_CASES, pre));
    assertEquals(1, n(s, OutcomeWindows.AE_ATTENDANCES, pre));
    assertEquals(1, n(s, OutcomeWindows.AE_ATTENDANCES, post), "A3 is SDEC");
    assertEquals(1, n(s, OutcomeWindows.OUTPATIENT_ATTENDANCES, post));
    assertEquals(1, n(s, OutcomeWindows.OUTPATIENT_DNAS, post));
    // Unplanned contacts: emergency admissions + A&E; planned: electives, day cases, outpatients.
    assertEquals(2 + 1, n(s, OutcomeWindows.UNPLANNED_CONTACTS, pre));
    assertEquals(1 + 1, n(s, OutcomeWindows.UNPLANNED_CONTACTS, post));
    assertEquals(1 + 1, n(s, OutcomeWindows.PLANNED_CONTACTS, post));
    // The package: active in both windows, started before the index date, 7 days at 70 a week.
    assertEquals(1, n(s, OutcomeWindows.NEW_PACKAGES, pre));
    assertEquals(0, n(s, OutcomeWindows.NEW_PACKAGES, post));
    assertEquals(1, n(s, OutcomeWindows.ACTIVE_PACKAGES, post));
    assertEquals(70 * 7 / 7.0, s.<Double>getAs("social_care_cost_post"), 1e-9);
    // Hospital cost after: 2 bed days x 350, 1 elective x 4000, 1 A&E x 200, 1 outpatient x 150.
    assertEquals(2 * 350 + 4000 + 200 + 150, s.<Double>getAs("hospital_cost_post"), 1e-9);
    assertEquals(2 * 350 + 4000 + 200 + 150 + 70, s.<Double>getAs("total_cost_post"), 1e-9);
    assertEquals(false, s.getAs(Cols.DIED));
    // The eFI on the last day of follow-up: falls and housebound, 2 of 36.
    assertEquals(2 / 36.0, s.<Double>getAs(Cols.EFI_AFTER), 1e-12);
  }

  @Test
  void aLaterEnrolmentEndsAControlsFollowUpOnlyWhenCensoring() {
    Date later = Date.valueOf("2024-05-01");
    Dataset<Row> candidates =
        SparkTestSession.get()
            .createDataFrame(
                List.<Row>of(RowFactory.create("K", Date.valueOf("2024-02-01"), later)), REQUESTS);
    Row keep = EvaluationStep.outcomeRequests(candidates, config().evaluation()).first();
    assertTrue(keep.isNullAt(keep.fieldIndex(Cols.LATER_ENROLMENT)), "keep is the default");
    Row censor =
        EvaluationStep.outcomeRequests(
                candidates, config("evaluation.later_enrolled_controls", "censor").evaluation())
            .first();
    assertEquals(later, censor.getAs(Cols.LATER_ENROLMENT));
    // A control enrolled on the last day of a 365-day follow-up from 2024-02-01 (2025-01-30)
    // counts as enrolled during follow-up; one enrolled the day after does not.
    StructType controls = REQUESTS;
    List<Row> rows =
        List.of(
            new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
                new Object[] {"A", Date.valueOf("2024-02-01"), Date.valueOf("2025-01-30")},
                controls),
            new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
                new Object[] {"B", Date.valueOf("2024-02-01"), Date.valueOf("2025-01-31")},
                controls),
            new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
                new Object[] {"C", Date.valueOf("2024-02-01"), null}, controls));
    assertEquals(1, EvaluationStep.enrolledDuringFollowUp(rows, 365));
  }

  @Test
  void deathAndLaterEnrolmentEndFollowUpAndRatesUseTheYearsFollowed() {
    Map<String, Row> out = countOutcomes(outcomes(), config());
    Row x = out.get("X");
    assertEquals(LocalDate.of(2024, 6, 30), date(x, Cols.FOLLOW_UP_END));
    assertEquals(true, x.getAs(Cols.DIED));
    assertEquals((29 + 31 + 30 + 31 + 30) / 365.0, x.<Double>getAs("years_post"), 1e-12);
    // The fatal spell, 10 nights inside follow-up.
    assertEquals(10, n(x, OutcomeWindows.UNPLANNED_BED_DAYS, OutcomeWindows.POST));
    assertNull(x.getAs(Cols.EFI_AFTER), "no eFI a year on for someone who died");
    Row k = out.get("K");
    assertEquals(LocalDate.of(2024, 4, 30), date(k, Cols.FOLLOW_UP_END));
    assertEquals(false, k.getAs(Cols.DIED));
    assertEquals((29 + 31 + 30) / 365.0, k.<Double>getAs("years_post"), 1e-12);
    // K1 (2024-04-30) is in follow-up, K2 (the enrolment day) is not; K1's night of 04-30 only.
    assertEquals(1, n(k, OutcomeWindows.EMERGENCY_ADMISSIONS, OutcomeWindows.POST));
    assertEquals(1, n(k, OutcomeWindows.UNPLANNED_BED_DAYS, OutcomeWindows.POST));
    assertTrue(k.isNullAt(k.fieldIndex(Cols.EFI_AFTER)));
  }
}

package io.proactivecare.npc.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.CohortSettings;
import io.proactivecare.npc.config.CostSettings;
import io.proactivecare.npc.disclosure.Measures;
import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The cohort's rules on hand-written populations (docs/cohort.md): the exact share with ties, each
 * exclusion, the per-PCN quota, every flag across two consecutive runs, stickiness and a person who
 * moved PCN between runs.
 */
class CohortSpecTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final LocalDate D1 = LocalDate.of(2024, 9, 30);
  private static final LocalDate D2 = LocalDate.of(2025, 3, 31);
  private static final CostSettings COSTS = new CostSettings(350, 4000, 900, 200, 150);

  private static CohortSettings settings(double share, String scope, double stay) {
    return new CohortSettings(
        share,
        scope,
        18,
        Set.of(CohortSettings.CARE_HOME, CohortSettings.PALLIATIVE_CARE),
        java.nio.file.Path.of("unused"),
        LocalDate.of(2008, 4, 1),
        stay,
        20,
        io.proactivecare.npc.population.AgeBands.STANDARD,
        "");
  }

  /** One person at a date: what the features and scores say. */
  private record P(
      String id,
      String pcn,
      int age,
      Double probability,
      double percentile,
      boolean careHome,
      String efiCategory,
      int bedDays) {
    static P of(String id, String pcn, double probability) {
      return new P(id, pcn, 70, probability, 100 * probability, false, "mild", 3);
    }

    P bedDays(int n) {
      return new P(id, pcn, age, probability, percentile, careHome, efiCategory, n);
    }

    P pcn(String p) {
      return new P(id, p, age, probability, percentile, careHome, efiCategory, bedDays);
    }

    P age(int a) {
      return new P(id, pcn, a, probability, percentile, careHome, efiCategory, bedDays);
    }

    P unscored() {
      return new P(id, pcn, age, null, percentile, careHome, efiCategory, bedDays);
    }

    P inCareHome() {
      return new P(id, pcn, age, probability, percentile, true, efiCategory, bedDays);
    }

    P percentile(double p) {
      return new P(id, pcn, age, probability, p, careHome, efiCategory, bedDays);
    }

    P frailty(String c) {
      return new P(id, pcn, age, probability, percentile, careHome, c, bedDays);
    }
  }

  private static final StructType FEATURES =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType, false)
          .add(Cols.AS_OF, DataTypes.DateType, false)
          .add(Cols.PRACTICE_CODE, DataTypes.StringType, true)
          .add(Cols.PCN_CODE, DataTypes.StringType, true)
          .add(Cols.AGE, DataTypes.IntegerType, false)
          .add(Cols.SEX, DataTypes.StringType, false)
          .add(Cols.ETHNIC_CATEGORY, DataTypes.StringType, false)
          .add(Cols.IMD_QUINTILE, DataTypes.IntegerType, true)
          .add(Cols.EFI_SCORE, DataTypes.DoubleType, true)
          .add(Cols.EFI_CATEGORY, DataTypes.StringType, true)
          .add(Cols.CARE_HOME, DataTypes.BooleanType, false)
          .add(Cols.EMERGENCY_ADMISSIONS_12M, DataTypes.IntegerType, false)
          .add(Cols.UNPLANNED_BED_DAYS_12M, DataTypes.IntegerType, false)
          .add(Cols.ELECTIVE_ADMISSIONS_12M, DataTypes.IntegerType, false)
          .add(Cols.DAY_CASES_12M, DataTypes.IntegerType, false)
          .add(Cols.AE_ATTENDANCES_12M, DataTypes.IntegerType, false)
          .add(Cols.OUTPATIENT_ATTENDANCES_12M, DataTypes.IntegerType, false)
          .add(Cols.SOCIAL_CARE_ACTIVE, DataTypes.BooleanType, false)
          .add(Cols.SOCIAL_CARE_PACKAGE, DataTypes.StringType, false)
          .add(Cols.SOCIAL_CARE_SERVICES_12M, DataTypes.IntegerType, false)
          .add(Cols.SOCIAL_CARE_COST_12M, DataTypes.DoubleType, false);

  private static final StructType SCORES =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType, false)
          .add(Scoring.PROBABILITY, DataTypes.DoubleType, false)
          .add(Scoring.PERCENTILE, DataTypes.DoubleType, false)
          .add(Scoring.BAND, DataTypes.StringType, false)
          .add(Scoring.FACTORS, DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add(Scoring.MODEL_ID, DataTypes.StringType, false);

  private static Dataset<Row> features(LocalDate d, List<P> people) {
    List<Row> rows = new ArrayList<>();
    for (P p : people) {
      rows.add(
          RowFactory.create(
              p.id(),
              Date.valueOf(d),
              p.pcn() == null
                  ? "Z99999"
                  : (p.id().startsWith("practicemover") && d.equals(D2) ? "C" : "B")
                      + p.pcn().substring(1),
              p.pcn(),
              p.age(),
              "F",
              "White",
              1,
              0.1,
              p.efiCategory(),
              p.careHome(),
              1,
              p.bedDays(),
              0,
              0,
              2,
              4,
              false,
              "none",
              0,
              0.0));
    }
    return SPARK.createDataFrame(rows, FEATURES);
  }

  private static Dataset<Row> scores(List<P> people) {
    List<Row> rows = new ArrayList<>();
    for (P p : people) {
      if (p.probability() != null) {
        rows.add(
            RowFactory.create(
                p.id(),
                p.probability(),
                p.percentile(),
                "high",
                scala.jdk.javaapi.CollectionConverters.asScala(
                        List.of("1 emergency admission in the last year"))
                    .toSeq(),
                "m1"));
      }
    }
    return SPARK.createDataFrame(rows, SCORES);
  }

  private static Dataset<Row> ids(String... ids) {
    return SPARK
        .createDataset(List.of(ids), org.apache.spark.sql.Encoders.STRING())
        .toDF(Cols.PERSON_ID);
  }

  private static Dataset<Row> deaths(Map<String, LocalDate> died) {
    StructType s =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType, false)
            .add(Cols.DATE_OF_DEATH, DataTypes.DateType, false);
    List<Row> rows = new ArrayList<>();
    died.forEach((id, d) -> rows.add(RowFactory.create(id, Date.valueOf(d))));
    return SPARK.createDataFrame(rows, s);
  }

  /** One run: eligibility, selection and the lists. */
  private record Run(Dataset<Row> selected, Dataset<Row> lists) {
    /** person -> column value, over everyone registered. */
    Map<String, Object> column(String c) {
      Map<String, Object> m = new TreeMap<>();
      for (Row r : selected.collectAsList()) {
        m.put(r.getAs(Cols.PERSON_ID), r.getAs(c));
      }
      return m;
    }

    Set<String> inCohort() {
      Set<String> s = new TreeSet<>();
      column(Cols.IN_COHORT)
          .forEach(
              (id, v) -> {
                if (Boolean.TRUE.equals(v)) {
                  s.add(id);
                }
              });
      return s;
    }

    /** "pcn/person" -> the list row. */
    Map<String, Row> rows() {
      Map<String, Row> m = new TreeMap<>();
      for (Row r : lists.collectAsList()) {
        Row before = m.put(r.getAs(Cols.PCN_CODE) + "/" + r.getAs(Cols.PERSON_ID), r);
        assertEquals(null, before, "one row per list and person");
      }
      return m;
    }
  }

  private static Run run(
      LocalDate d,
      List<P> people,
      Set<String> palliative,
      Optional<Run> previous,
      Map<String, LocalDate> died,
      CohortSettings settings) {
    Dataset<Row> eligibility =
        Cohort.eligibility(
            features(d, people),
            scores(people),
            Optional.of(ids(palliative.toArray(String[]::new))),
            settings,
            COSTS);
    Optional<Dataset<Row>> previousList = previous.map(p -> p.lists().cache());
    Dataset<Row> selected =
        Cohort.select(
                eligibility,
                previousList.map(l -> l.where(Cols.IN_COHORT).select(Cols.PERSON_ID)),
                settings)
            .cache();
    Optional<Dataset<Row>> previousScores =
        previous.map(
            p ->
                p.selected()
                    .where(org.apache.spark.sql.functions.col(Scoring.PROBABILITY).isNotNull())
                    .select(Cols.PERSON_ID, Scoring.PERCENTILE));
    Dataset<Row> lists =
        Cohort.lists(selected, previousList, previousScores, deaths(died), d, settings).cache();
    return new Run(selected, lists);
  }

  private static List<P> many(String prefix, String pcn, int n, double probability) {
    List<P> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(P.of(String.format("%s%02d", prefix, i), pcn, probability));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Selection

  @Test
  void theTopShareRoundedUpWithTiesBrokenByPersonId() {
    // 40 eligible: 5% of 40 = 2 exactly (no floating-point overshoot to 3). a02 and a03 tie at
    // 0.8; a02 sorts first, so it takes the second place.
    List<P> people = new ArrayList<>(many("z", "U00001", 37, 0.1));
    people.add(P.of("a01", "U00001", 0.9));
    people.add(P.of("a03", "U00001", 0.8));
    people.add(P.of("a02", "U00001", 0.8));
    Run r = run(D2, people, Set.of(), Optional.empty(), Map.of(), settings(0.05, "area", 0));
    assertEquals(Set.of("a01", "a02"), r.inCohort());
    assertEquals(1, r.column(Cols.COHORT_RANK).get("a01"));
    assertEquals(2, r.column(Cols.COHORT_RANK).get("a02"));
    assertEquals(3, r.column(Cols.COHORT_RANK).get("a03"));

    // 41 eligible: 5% of 41 = 2.05, rounded up to 3.
    people.add(P.of("z99", "U00001", 0.1));
    r = run(D2, people, Set.of(), Optional.empty(), Map.of(), settings(0.05, "area", 0));
    assertEquals(Set.of("a01", "a02", "a03"), r.inCohort());

    // 7% of 100 = 7 (7.000000000000001 in floating point): exactly 7 selected.
    List<P> hundred = new ArrayList<>(many("y", "U00001", 100, 0.1));
    for (int i = 0; i < 100; i++) {
      P p = hundred.get(i);
      hundred.set(i, P.of(p.id(), p.pcn(), 0.001 * (i + 1)));
    }
    r = run(D2, hundred, Set.of(), Optional.empty(), Map.of(), settings(0.07, "area", 0));
    assertEquals(7, r.inCohort().size());
  }

  @Test
  void eachExclusionWithItsReasonAndOnlyTheEligibleCount() {
    // The five highest-risk people are each excluded; 20 eligible people remain: 5% = 1.
    List<P> people = new ArrayList<>(many("z", "U00001", 19, 0.1));
    people.add(P.of("top", "U00001", 0.5));
    people.add(P.of("child", "U00001", 0.99).age(17));
    people.add(P.of("outside", null, 0.98));
    people.add(P.of("unscored", "U00001", 0.97).unscored());
    people.add(P.of("carehome", "U00001", 0.96).inCareHome());
    people.add(P.of("palliative", "U00001", 0.95));
    Run r =
        run(
            D2,
            people,
            Set.of("palliative"),
            Optional.empty(),
            Map.of(),
            settings(0.05, "area", 0));
    Map<String, Object> why = r.column(Cols.EXCLUSION);
    assertEquals(Cohort.UNDER_AGE, why.get("child"));
    assertEquals(Cohort.OUTSIDE_AREA, why.get("outside"));
    assertEquals(Cohort.NOT_SCORED, why.get("unscored"));
    assertEquals(Cohort.CARE_HOME, why.get("carehome"));
    assertEquals(Cohort.PALLIATIVE, why.get("palliative"));
    assertEquals(null, why.get("top"));
    assertEquals(Set.of("top"), r.inCohort());
    assertEquals(true, r.column(Cols.PALLIATIVE_CARE).get("palliative"));

    // With no exclusions configured, care-home and palliative residents are eligible, and the
    // first of them by risk is the one selected (25 - 3 = 22 eligible: ceil(1.1) = 2).
    CohortSettings none =
        new CohortSettings(
            0.05,
            "area",
            18,
            Set.of(),
            java.nio.file.Path.of("unused"),
            LocalDate.of(2008, 4, 1),
            0,
            20,
            List.of(18),
            "");
    r = run(D2, people, Set.of("palliative"), Optional.empty(), Map.of(), none);
    assertEquals(Set.of("carehome", "palliative"), r.inCohort());
  }

  @Test
  void perPcnQuota() {
    // PCN A: 40 people, two above the rest; PCN B: 20 people at lower risk than A's rest.
    List<P> people = new ArrayList<>(many("a", "U00001", 38, 0.5));
    people.add(P.of("a90", "U00001", 0.9));
    people.add(P.of("a91", "U00001", 0.8));
    people.addAll(many("b", "U00002", 19, 0.2));
    people.add(P.of("b90", "U00002", 0.3));
    // Area-wide: 5% of 60 = 3: a90, a91 and the first of A's 0.5s by id (a01).
    Run area = run(D2, people, Set.of(), Optional.empty(), Map.of(), settings(0.05, "area", 0));
    assertEquals(Set.of("a90", "a91", "a01"), area.inCohort());
    // Per PCN: A selects 5% of 40 = 2, B 5% of 20 = 1; ranks restart within each PCN.
    Run pcn = run(D2, people, Set.of(), Optional.empty(), Map.of(), settings(0.05, "pcn", 0));
    assertEquals(Set.of("a90", "a91", "b90"), pcn.inCohort());
    assertEquals(1, pcn.column(Cols.COHORT_RANK).get("b90"));
    assertEquals(2, pcn.column(Cols.COHORT_RANK).get("a91"));
  }

  // ---------------------------------------------------------------------------------------------
  // Two consecutive runs

  @Test
  void everyFlagAcrossTwoRunsIncludingAMoveBetweenPcns() {
    String a = "U00001";
    String b = "U00002";
    // Run 1: 17 eligible, share 0.5 -> the top 9 (ceil(8.5)).
    List<P> first = new ArrayList<>();
    first.add(P.of("cont", a, 0.95).percentile(95));
    first.add(P.of("died", a, 0.94));
    first.add(P.of("dereg", a, 0.93));
    first.add(P.of("outarea", a, 0.92));
    first.add(P.of("mover", a, 0.91));
    first.add(P.of("carehome", a, 0.90));
    first.add(P.of("pall", a, 0.89));
    first.add(P.of("fell", a, 0.88));
    first.add(P.of("joiner", a, 0.10).percentile(10));
    first.add(P.of("practicemover", a, 0.87));
    first.addAll(many("f", a, 2, 0.05));
    first.addAll(many("x", a, 5, 0.04));
    CohortSettings s = settings(0.5, "area", 0);
    Run one = run(D1, first, Set.of(), Optional.empty(), Map.of(), s);
    assertEquals(
        Set.of(
            "cont",
            "died",
            "dereg",
            "outarea",
            "mover",
            "carehome",
            "pall",
            "fell",
            "practicemover"),
        one.inCohort());
    for (Row r : one.rows().values()) {
      assertEquals(Cohort.NEW, r.getAs(Cols.STATUS));
      assertEquals(Cohort.FIRST_RUN, r.getAs(Cols.CHANGE_REASON));
      assertEquals(Date.valueOf(D1), r.getAs(Cols.IN_COHORT_SINCE));
    }

    // Run 2 (practicemover registers at another practice of the same PCN; it stays in the
    // cohort): died and dereg are no longer registered (one with a death); outarea's practice is in
    // no PCN; mover is registered in B; carehome entered a care home; pall is on the palliative
    // register; fell's risk fell; joiner's rose from the 10th to the 99th percentile. Eligible:
    // cont, mover, fell, joiner, practicemover, f01, f02 = 7 -> the top 4 (ceil(3.5)).
    List<P> second = new ArrayList<>();
    second.add(P.of("cont", a, 0.95).percentile(96).frailty("severe"));
    second.add(P.of("outarea", null, 0.92));
    second.add(P.of("mover", b, 0.91));
    second.add(P.of("carehome", a, 0.90).inCareHome());
    second.add(P.of("pall", a, 0.89));
    second.add(P.of("fell", a, 0.02));
    second.add(P.of("joiner", a, 0.97).percentile(99));
    second.add(P.of("practicemover", a, 0.96));
    second.addAll(many("f", a, 2, 0.05));
    Run two =
        run(
            D2,
            second,
            Set.of("pall"),
            Optional.of(one),
            Map.of("died", LocalDate.of(2025, 1, 1)),
            s);
    assertEquals(Set.of("joiner", "practicemover", "cont", "mover"), two.inCohort());

    Map<String, Row> rows = two.rows();
    Map<String, String> expected = new TreeMap<>();
    expected.put(a + "/joiner", "new joined");
    expected.put(a + "/cont", "continuing null");
    expected.put(a + "/practicemover", "continuing moved_practice");
    expected.put(b + "/mover", "new moved_in");
    expected.put(a + "/died", "leaving died");
    expected.put(a + "/dereg", "leaving deregistered");
    expected.put(a + "/outarea", "leaving moved_out_of_area");
    expected.put(a + "/mover", "leaving moved_pcn");
    expected.put(a + "/carehome", "leaving entered_care_home");
    expected.put(a + "/pall", "leaving palliative_care");
    expected.put(a + "/fell", "leaving risk_fell");
    Map<String, String> actual = new TreeMap<>();
    rows.forEach((k, r) -> actual.put(k, r.getAs(Cols.STATUS) + " " + r.getAs(Cols.CHANGE_REASON)));
    assertEquals(expected, actual);

    // Membership since: unbroken from run 1 for cont and for mover (in the cohort at both runs,
    // on different lists); joiner from run 2.
    assertEquals(Date.valueOf(D1), rows.get(a + "/cont").getAs(Cols.IN_COHORT_SINCE));
    assertEquals(Date.valueOf(D1), rows.get(b + "/mover").getAs(Cols.IN_COHORT_SINCE));
    assertEquals(Date.valueOf(D2), rows.get(a + "/joiner").getAs(Cols.IN_COHORT_SINCE));
    // Rising risk: 99 - 10 = 89 >= 20 points; cont 96 - 95 = 1 is not.
    assertEquals(true, rows.get(a + "/joiner").getAs(Cols.RISING_RISK));
    assertEquals(10.0, (double) rows.get(a + "/joiner").getAs(Cols.PREVIOUS_RISK_PERCENTILE));
    assertEquals(false, rows.get(a + "/cont").getAs(Cols.RISING_RISK));
    // Frailty flag: severe -> yes; mild -> no.
    assertEquals(true, rows.get(a + "/cont").getAs(Cols.MODERATE_OR_SEVERE_FRAILTY));
    assertEquals(false, rows.get(a + "/joiner").getAs(Cols.MODERATE_OR_SEVERE_FRAILTY));
    // List ranks: A's members joiner (0.97), practicemover (0.96), cont (0.95); B's mover is first
    // on B's list;
    // leavers have none.
    assertEquals((Object) Integer.valueOf(1), rows.get(a + "/joiner").getAs(Cols.LIST_RANK));
    assertEquals((Object) Integer.valueOf(2), rows.get(a + "/practicemover").getAs(Cols.LIST_RANK));
    assertEquals((Object) Integer.valueOf(3), rows.get(a + "/cont").getAs(Cols.LIST_RANK));
    assertEquals((Object) Integer.valueOf(1), rows.get(b + "/mover").getAs(Cols.LIST_RANK));
    assertEquals((Object) null, rows.get(a + "/fell").getAs(Cols.LIST_RANK));
    // A leaver whose risk fell shows it as now (0.02, at their practice now); any other leaver
    // as last listed: died 0.94; mover 0.91 at their old practice in A (now 0.91 in B), never
    // their new practice; carehome 0.90 and its old rank.
    assertEquals(0.02, (double) rows.get(a + "/fell").getAs(Scoring.PROBABILITY));
    assertEquals(0.94, (double) rows.get(a + "/died").getAs(Scoring.PROBABILITY));
    assertEquals("B00001", rows.get(a + "/mover").getAs(Cols.PRACTICE_CODE));
    assertEquals("B00002", rows.get(b + "/mover").getAs(Cols.PRACTICE_CODE));
    assertEquals(
        (Object) one.rows().get(a + "/carehome").getAs(Cols.COHORT_RANK),
        rows.get(a + "/carehome").getAs(Cols.COHORT_RANK));
    assertEquals(false, rows.get(a + "/mover").getAs(Cols.RISING_RISK));
    for (Row r : rows.values()) {
      assertEquals(!Cohort.LEAVING.equals(r.getAs(Cols.STATUS)), (boolean) r.getAs(Cols.IN_COHORT));
      assertEquals(Date.valueOf(D2), r.getAs(Cols.AS_OF));
    }
  }

  @Test
  void stickinessKeepsPreviousMembersWithinTheWiderShare() {
    String a = "U00001";
    // share 0.25, stay 0.5 of 8 eligible: 2 selected, previous members kept down to rank 4.
    CohortSettings s = settings(0.25, "area", 0.5);
    List<P> first = new ArrayList<>();
    first.add(P.of("m1", a, 0.9));
    first.add(P.of("m2", a, 0.8));
    first.addAll(many("o", a, 6, 0.1));
    Run one = run(D1, first, Set.of(), Optional.empty(), Map.of(), s);
    assertEquals(Set.of("m1", "m2"), one.inCohort());

    // Run 2: n1 0.95, n2 0.85 take the top 2; m1 (0.5) ranks 3 and stays; m2 (0.3) ranks 5 and
    // leaves (o01 0.4 ranks 4 but was never a member, so stickiness does not add it).
    List<P> second = new ArrayList<>();
    second.add(P.of("n1", a, 0.95));
    second.add(P.of("n2", a, 0.85));
    second.add(P.of("m1", a, 0.5));
    second.add(P.of("o01", a, 0.4));
    second.add(P.of("m2", a, 0.3));
    second.addAll(many("q", a, 3, 0.1));
    Run two = run(D2, second, Set.of(), Optional.of(one), Map.of(), s);
    assertEquals(Set.of("n1", "n2", "m1"), two.inCohort());
    Map<String, Row> rows = two.rows();
    assertEquals(Cohort.CONTINUING, rows.get(a + "/m1").getAs(Cols.STATUS));
    assertTrue((boolean) rows.get(a + "/m1").getAs(Cols.RETAINED));
    assertFalse((boolean) rows.get(a + "/n1").getAs(Cols.RETAINED));
    assertEquals(Cohort.RISK_FELL, rows.get(a + "/m2").getAs(Cols.CHANGE_REASON));

    // Without stickiness m1 leaves too.
    Run plain = run(D2, second, Set.of(), Optional.of(one), Map.of(), settings(0.25, "area", 0));
    assertEquals(Set.of("n1", "n2"), plain.inCohort());
    Map<String, Object> status = new HashMap<>();
    plain.rows().forEach((k, r) -> status.put(k, r.getAs(Cols.STATUS)));
    assertEquals(Cohort.LEAVING, status.get(a + "/m1"));
  }

  // ---------------------------------------------------------------------------------------------
  // Concentration, after disclosure control

  @Test
  void concentrationOfBedDaysAndCostWithSmallCountsSuppressed() {
    // 40 eligible in U00001, share 0.25 -> the top 10, each with 20 unplanned bed days; the other
    // 30 have 1 each. Bed days: cohort 10 x 20 = 200, population 200 + 30 = 230 -> shown as 200
    // and 230, share 200 / 230 = 87.0%.
    List<P> people = new ArrayList<>();
    for (P p : many("c", "U00001", 10, 0.9)) {
      people.add(p.bedDays(20));
    }
    for (P p : many("r", "U00001", 30, 0.1)) {
      people.add(p.bedDays(1));
    }
    // Two people in a second PCN: 2 is a count of 1..7, suppressed; so is its cohort count (0 is
    // shown); the PCN total (42) would reveal it, so U00001's population count is suppressed too.
    people.add(P.of("s1", "U00002", 0.05).bedDays(0));
    people.add(P.of("s2", "U00002", 0.05).bedDays(0));
    Run r = run(D2, people, Set.of(), Optional.empty(), Map.of(), settings(0.25, "area", 0));
    // 42 eligible: ceil(0.25 x 42) = ceil(10.5) = 11: the ten c's and the first r by id.
    assertEquals(11, r.inCohort().size());
    CohortReport.Tables t = CohortReport.build(r.selected(), r.lists(), settings(0.25, "area", 0));
    Map<String, CohortReport.Concentration> c = new TreeMap<>();
    for (CohortReport.Concentration x : t.concentration()) {
      if (x.base().equals("eligible")) {
        c.put(x.scope() + "/" + x.group() + "/" + x.measure(), x);
      }
    }
    // Bed days: cohort 10 x 20 + 1 = 201 -> 200; population 201 + 29 = 230 -> 230; 200 / 230.
    CohortReport.Concentration bed = c.get("overall/all/unplanned_bed_days");
    assertEquals(Long.valueOf(200L), bed.cohortValue());
    assertEquals(Long.valueOf(230L), bed.populationValue());
    assertEquals(100.0 * 200 / 230, bed.cohortSharePct(), 1e-9);
    // People: 11 -> 10 of 42 -> 40: 25.0%.
    assertEquals(100.0 * 10 / 40, c.get("overall/all/people").cohortSharePct(), 1e-9);
    // Cost: each person 2 A&E x 200 + 4 outpatients x 150 = 1,000, plus bed days x 350.
    // Cohort: 11 x 1,000 + 201 x 350 = 81,350; population: 42 x 1,000 + 230 x 350 = 122,500.
    assertEquals(Long.valueOf(81_350L), c.get("overall/all/cost").cohortValue());
    assertEquals(Long.valueOf(122_500L), c.get("overall/all/cost").populationValue());
    // U00002: 2 people (suppressed), none in the cohort (0, shown); U00001's 40 would give it
    // away through the total, so it is suppressed as well, and so are the shares.
    assertEquals((Object) null, c.get("pcn_code/U00002/people").populationValue());
    assertEquals(Long.valueOf(0L), c.get("pcn_code/U00002/people").cohortValue());
    assertEquals((Object) null, c.get("pcn_code/U00001/people").populationValue());
    assertEquals((Object) null, c.get("pcn_code/U00001/people").cohortSharePct());
    assertEquals(Long.valueOf(40L), c.get("overall/all/people").populationValue());
  }

  @Test
  void theRestOfAGroupIsControlledTooSoSubtractionRevealsNothing() {
    // U00003: 10 people, 8 at high risk; share 0.2 of 40 eligible = the 8. The cohort's 8 and the
    // PCN's 10 are each publishable, but 10 - 8 would reveal the other 2 people. The rest (2) is
    // suppressed, so one more of that PCN's cells goes: the cohort's 8.
    List<P> people = new ArrayList<>(many("a", "U00001", 30, 0.1));
    people.addAll(many("h", "U00003", 8, 0.95));
    people.addAll(many("l", "U00003", 2, 0.05));
    Run r = run(D2, people, Set.of(), Optional.empty(), Map.of(), settings(0.2, "area", 0));
    assertEquals(8, r.inCohort().size());
    CohortReport.Tables t = CohortReport.build(r.selected(), r.lists(), settings(0.2, "area", 0));
    for (CohortReport.Concentration x : t.concentration()) {
      if (x.scope().equals("pcn_code")
          && x.group().equals("U00003")
          && x.measure().equals("people")) {
        assertEquals(null, x.cohortValue(), x.toString());
        assertEquals(Long.valueOf(10), x.populationValue(), x.toString());
      }
    }
    assertEquals(
        Measures.SECONDARY,
        t.measures().suppressed(new Measures.Key("people", "cohort", "pcn_code", "U00003")));
  }

  @Test
  void aLeaverWhoRejoinsStartsAgainAndAnUnscoredMemberLeaves() {
    String a = "U00001";
    CohortSettings s = settings(0.25, "area", 0);
    List<P> people = new ArrayList<>(many("o", a, 6, 0.1));
    people.add(P.of("m1", a, 0.9));
    people.add(P.of("m2", a, 0.8));
    Run one = run(D1, people, Set.of(), Optional.empty(), Map.of(), s);
    // Run 2: m1 is registered but has no score (e.g. the model's minimum age changed).
    List<P> second = new ArrayList<>(many("o", a, 6, 0.1));
    second.add(P.of("m1", a, 0.9).unscored());
    second.add(P.of("m2", a, 0.8));
    second.add(P.of("n1", a, 0.85));
    Run two = run(LocalDate.of(2024, 12, 31), second, Set.of(), Optional.of(one), Map.of(), s);
    assertEquals(Cohort.NO_LONGER_SCORED, two.rows().get(a + "/m1").getAs(Cols.CHANGE_REASON));
    // Run 3: m1 is back at the top; membership starts again at run 3.
    Run three = run(D2, people, Set.of(), Optional.of(two), Map.of(), s);
    Row m1 = three.rows().get(a + "/m1");
    assertEquals(Cohort.NEW, m1.getAs(Cols.STATUS));
    assertEquals(Cohort.JOINED, m1.getAs(Cols.CHANGE_REASON));
    assertEquals(Date.valueOf(D2), m1.getAs(Cols.IN_COHORT_SINCE));
    assertEquals(Date.valueOf(D1), three.rows().get(a + "/m2").getAs(Cols.IN_COHORT_SINCE));
  }
}

package io.proactivecare.npc.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.disclosure.Measures.Key;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The typed measures table, worked by hand. Two PCNs: A has 3 people in the cohort and 20 eligible,
 * B has 12 and 20; overall 15 of 40.
 */
class MeasuresTest {
  private static final Key COHORT = Key.overall("people", "cohort");
  private static final Key A = COHORT.at("pcn_code", "A");
  private static final Key B = COHORT.at("pcn_code", "B");

  private static Measures twoPcns() {
    Measures m = new Measures();
    m.count(COHORT, 15);
    m.count(A, 3);
    m.count(B, 12);
    m.count(COHORT.of("eligible"), 40);
    m.count(A.of("eligible"), 20);
    m.count(B.of("eligible"), 20);
    m.sum(COHORT, List.of(A, B));
    m.sum(COHORT.of("eligible"), List.of(A.of("eligible"), B.of("eligible")));
    for (Key k : List.of(COHORT, A, B)) {
      m.ratio(k.of("cohort_share_of_eligible"), k, k.of("eligible"), 100);
    }
    return m;
  }

  @Test
  void aSmallFigureIsSuppressedAndItsNeighbourBesideTheTotalToo() {
    Measures.Controlled c = twoPcns().control();
    // 3 is small (1..7); with the total 15 published, B's 12 would give A away: B is hidden too.
    assertNull(c.value(A));
    assertEquals(Measures.SMALL, c.suppressed(A));
    assertNull(c.value(B));
    assertEquals(Measures.SECONDARY, c.suppressed(B));
    assertEquals(15L, c.value(COHORT));
    assertNull(c.suppressed(COHORT));
    assertEquals(2, c.suppressedCount());
    // 15 / 40 x 100, from the rounded figures (both multiples of 5 already).
    assertEquals(37.5, c.ratio(COHORT.of("cohort_share_of_eligible")), 1e-12);
    assertNull(c.ratio(B.of("cohort_share_of_eligible")));
  }

  @Test
  void aStatisticIsPublishedOnlyWhenTheCountsItRestsOnAre() {
    Measures m = twoPcns();
    // An AUROC over the whole cohort (15 people, published) and one over PCN A's 3 (suppressed).
    m.statistic(COHORT.of("auroc"), 0.75, List.of(COHORT, COHORT.of("eligible")));
    m.statistic(A.of("auroc"), 0.9, List.of(A));
    m.statistic(B.of("auroc"), Double.NaN, List.of(COHORT));
    Measures.Controlled c = m.control();
    assertEquals(0.75, c.statistic(COHORT.of("auroc")), 1e-15);
    assertNull(c.statistic(A.of("auroc")));
    assertNull(c.statistic(B.of("auroc")), "NaN is never published");
    List<Row> rows = c.rows();
    // After the 6 figures and 3 ratios, in the order added: numerator the first count it rests on.
    assertEquals(12, rows.size());
    assertEquals(
        Arrays.asList("people", "auroc", "overall", "all", 15L, null, null, 0.75, null),
        values(rows.get(9)));
    assertEquals(
        Arrays.asList(
            "people", "auroc", "pcn_code", "A", null, null, null, null, Measures.FROM_COUNTS),
        values(rows.get(10)));
    assertThrows(IllegalStateException.class, () -> m.statistic(A.of("auroc"), 0.5, List.of(A)));
  }

  @Test
  void theTableIsOneRowPerFigureThenOnePerRatioInTheOrderAdded() {
    List<Row> rows = twoPcns().control().rows();
    assertEquals(9, rows.size());
    assertEquals(Measures.SCHEMA.size(), rows.get(0).size());
    assertEquals(
        Arrays.asList("people", "cohort", "overall", "all", 15L, null, null, 15.0, null),
        values(rows.get(0)));
    assertEquals(
        Arrays.asList("people", "cohort", "pcn_code", "A", null, null, null, null, "small"),
        values(rows.get(1)));
    assertEquals(
        Arrays.asList(
            "people",
            "cohort_share_of_eligible",
            "overall",
            "all",
            15L,
            "eligible",
            40L,
            37.5,
            null),
        values(rows.get(6)));
    assertEquals(
        Arrays.asList(
            "people",
            "cohort_share_of_eligible",
            "pcn_code",
            "B",
            null,
            "eligible",
            20L,
            null,
            Measures.FROM_COUNTS),
        values(rows.get(8)));
  }

  @Test
  void oneFigureGivenTwoValuesIsABugThatFailsLoudly() {
    Measures m = new Measures();
    m.count(A, 3);
    m.count(A, 3); // the same figure in two tables: fine
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.count(A, 4));
    assertTrue(e.getMessage().contains("pcn_code"), e.getMessage());
    m.ratio(A.of("r"), A, A, 1);
    assertThrows(IllegalStateException.class, () -> m.ratio(A.of("r"), A, A, 1));
  }

  @Test
  void lookupsAreByKeyAndAnUnknownKeyIsRefused() {
    Measures m = twoPcns();
    assertEquals(List.of("A", "B"), m.levels("people", "eligible", "pcn_code"));
    assertEquals(3, m.exact(A));
    Measures.Controlled c = m.control();
    assertThrows(IllegalArgumentException.class, () -> c.value(A.of("nobody")));
    // A ratio is not a figure, nor a figure a ratio.
    assertThrows(IllegalArgumentException.class, () -> c.value(A.of("cohort_share_of_eligible")));
    assertThrows(IllegalArgumentException.class, () -> c.ratio(A));
  }

  @Test
  void valuesAreWrittenAsPlainText() {
    assertEquals("165", Measures.text(165.0));
    assertEquals("37.5", Measures.text(37.5));
    assertEquals("0.3333", Measures.text(1.0 / 3));
    assertEquals("0", Measures.text(0.0));
  }

  private static List<Object> values(Row r) {
    Object[] v = new Object[r.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.get(i);
    }
    return Arrays.asList(v);
  }
}

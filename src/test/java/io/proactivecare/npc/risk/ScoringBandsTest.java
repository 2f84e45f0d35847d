package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Ranks, percentiles and bands worked by hand (docs/model.md), with the shipped band shares 1%, 5%
 * and 20%, counts rounded up:
 *
 * <pre>
 * date A, 150 people: 1% of 150 = 1.5 -> 2; 5% = 7.5 -> 8; 20% = 30
 *   ranks 1-2 very high, 3-8 high, 9-30 moderate, 31-150 low
 *   percentile = 100 (150 - rank) / 149: rank 1 -> 100, rank 76 -> 100 x 74 / 149, rank 150 -> 0
 *   a010 and a009 have the same probability: a009 (id first) takes the better rank
 * date B, 40 people: 1% = 0.4 -> 1; 5% = 2; 20% = 8: rank 1 very high, 2 high, 3-8 moderate,
 *   9-40 low
 * date C, 1 person: rank 1, very high, percentile 0
 * </pre>
 */
class ScoringBandsTest {
  private static final Date A = Date.valueOf("2025-03-31");
  private static final Date B = Date.valueOf("2025-06-30");
  private static final Date C = Date.valueOf("2025-09-30");

  @Test
  void ranksPercentilesAndBandsByDate() {
    List<Row> rows = new ArrayList<>();
    // a001 highest (0.9 - 0.001), a150 lowest; a009 and a010 share a probability.
    for (int i = 1; i <= 150; i++) {
      double p = 0.9 - (i == 10 ? 9 : i) * 0.001;
      rows.add(RowFactory.create(String.format("a%03d", i), A, p));
    }
    for (int i = 1; i <= 40; i++) {
      rows.add(RowFactory.create(String.format("b%03d", i), B, 0.5 - i * 0.01));
    }
    rows.add(RowFactory.create("c001", C, 0.2));
    Map<String, Row> by = ranked(rows, List.of(0.01, 0.05, 0.20));
    assertEquals(191, by.size());

    assertRow(by.get("a001"), 1, 100.0, "very high");
    assertRow(by.get("a002"), 2, 100.0 * 148 / 149, "very high");
    assertRow(by.get("a003"), 3, 100.0 * 147 / 149, "high");
    assertRow(by.get("a008"), 8, 100.0 * 142 / 149, "high");
    assertRow(by.get("a009"), 9, 100.0 * 141 / 149, "moderate");
    assertRow(by.get("a010"), 10, 100.0 * 140 / 149, "moderate");
    assertRow(by.get("a030"), 30, 100.0 * 120 / 149, "moderate");
    assertRow(by.get("a031"), 31, 100.0 * 119 / 149, "low");
    assertRow(by.get("a076"), 76, 100.0 * 74 / 149, "low");
    assertRow(by.get("a150"), 150, 0.0, "low");

    assertRow(by.get("b001"), 1, 100.0, "very high");
    assertRow(by.get("b002"), 2, 100.0 * 38 / 39, "high");
    assertRow(by.get("b003"), 3, 100.0 * 37 / 39, "moderate");
    assertRow(by.get("b008"), 8, 100.0 * 32 / 39, "moderate");
    assertRow(by.get("b009"), 9, 100.0 * 31 / 39, "low");

    assertRow(by.get("c001"), 1, 0.0, "very high");
  }

  /**
   * A share that is a whole number of people is exact although the product in doubles is not: 7% of
   * 100 is 7.000000000000001, which must take 7 people, not 8.
   */
  @Test
  void aShareThatIsAWholeNumberOfPeopleIsNotRoundedUpPastIt() {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      rows.add(RowFactory.create(String.format("p%03d", i), A, 1 - i * 0.001));
    }
    Map<String, Row> by = ranked(rows, List.of(0.01, 0.07, 0.20));
    assertEquals("high", by.get("p007").getAs(Scoring.BAND));
    assertEquals("moderate", by.get("p008").getAs(Scoring.BAND));
  }

  /** Each person's ranked row: rows of (person_id, as_of, risk_probability) with these shares. */
  private static Map<String, Row> ranked(List<Row> rows, List<Double> shares) {
    StructType schema =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType, false)
            .add(Cols.AS_OF, DataTypes.DateType, false)
            .add(Scoring.PROBABILITY, DataTypes.DoubleType, false);
    Map<String, Row> by = new HashMap<>();
    for (Row r :
        Scoring.ranked(SparkTestSession.get().createDataFrame(rows, schema), shares)
            .collectAsList()) {
      by.put(r.getAs(Cols.PERSON_ID), r);
    }
    return by;
  }

  private static void assertRow(Row r, long rank, double percentile, String band) {
    String who = r.getAs(Cols.PERSON_ID);
    assertEquals(rank, ((Number) r.getAs(Scoring.RANK)).longValue(), who + " rank");
    assertEquals(percentile, r.<Double>getAs(Scoring.PERCENTILE), 1e-9, who + " percentile");
    assertEquals(band, r.getAs(Scoring.BAND), who + " band");
  }
}

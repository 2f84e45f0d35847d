package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The outcome window's edges, worked by hand (docs/model.md): an emergency admission (method 2x) or
 * a death with D < date <= D + 365. D = 2024-03-31, so D + 365 = 2025-03-31 (2024 is a leap year,
 * but the window ends 365 days on, not on the anniversary's eve).
 *
 * <pre>
 * person  event                                   outcome at D
 * e0      emergency admission on D                0  (on D: already in the features)
 * e1      emergency admission on D + 1            1
 * e365    emergency admission on D + 365          1  (the last day is in)
 * e366    emergency admission on D + 366          0
 * el      elective admission (11) on D + 10       0  (not an emergency)
 * mat     maternity admission (31) on D + 10      0
 * em2a    emergency admission method 2A, D + 10   1
 * d365    death on D + 365                        1  (a death on the last day)
 * d366    death on D + 366                        0
 * both    admission D + 5 and death D + 20        1  (one row, not two)
 * none    nothing                                 0
 * </pre>
 *
 * And e1 again at D2 = D + 1: its admission is on D2 itself, so 0 there.
 */
class OutcomesSpecTest {
  private static final LocalDate D = LocalDate.of(2024, 3, 31);

  private static Date on(int days) {
    return Date.valueOf(D.plusDays(days));
  }

  @Test
  void theWindowIsAfterTheDateUpToAndIncludingDayHorizon() {
    SparkSession spark = SparkTestSession.get();
    StructType keySchema =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType, false)
            .add(Cols.AS_OF, DataTypes.DateType, false)
            .add("kept", DataTypes.IntegerType, false);
    List<String> people =
        List.of("e0", "e1", "e365", "e366", "el", "mat", "em2a", "d365", "d366", "both", "none");
    List<Row> keys = new java.util.ArrayList<>();
    for (int i = 0; i < people.size(); i++) {
      keys.add(RowFactory.create(people.get(i), on(0), i));
    }
    keys.add(RowFactory.create("e1", on(1), 99));
    StructType spellSchema =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType, false)
            .add(Cols.ADMISSION_METHOD, DataTypes.StringType, false)
            .add(Cols.ADMISSION_DATE, DataTypes.DateType, false);
    Dataset<Row> spells =
        spark.createDataFrame(
            List.of(
                RowFactory.create("e0", "21", on(0)),
                RowFactory.create("e1", "21", on(1)),
                RowFactory.create("e365", "22", on(365)),
                RowFactory.create("e366", "21", on(366)),
                RowFactory.create("el", "11", on(10)),
                RowFactory.create("mat", "31", on(10)),
                RowFactory.create("em2a", "2A", on(10)),
                RowFactory.create("both", "21", on(5))),
            spellSchema);
    StructType deathSchema =
        new StructType()
            .add(Cols.PERSON_ID, DataTypes.StringType, false)
            .add(Cols.DATE_OF_DEATH, DataTypes.DateType, false);
    Dataset<Row> deaths =
        spark.createDataFrame(
            List.of(
                RowFactory.create("d365", on(365)),
                RowFactory.create("d366", on(366)),
                RowFactory.create("both", on(20))),
            deathSchema);

    List<Row> out =
        Outcomes.label(spark.createDataFrame(keys, keySchema), spells, deaths, 365).collectAsList();

    Map<String, Integer> got = new TreeMap<>();
    for (Row r : out) {
      String key = r.getAs(Cols.PERSON_ID) + "@" + r.getAs(Cols.AS_OF);
      assertEquals(null, got.put(key, r.<Integer>getAs(Outcomes.OUTCOME)), "one row per key");
    }
    Map<String, Integer> expected = new TreeMap<>();
    for (String p : people) {
      expected.put(p + "@" + on(0), 0);
    }
    for (String p : List.of("e1", "e365", "em2a", "d365", "both")) {
      expected.put(p + "@" + on(0), 1);
    }
    expected.put("e1@" + on(1), 0);
    assertEquals(expected, got);
    // The keys' other columns come through untouched.
    assertEquals(
        99,
        out.stream()
            .filter(r -> r.getAs(Cols.AS_OF).equals(on(1)))
            .findFirst()
            .orElseThrow()
            .<Integer>getAs("kept"));
  }
}

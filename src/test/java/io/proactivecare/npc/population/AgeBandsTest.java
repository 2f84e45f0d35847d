package io.proactivecare.npc.population;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** One rule for age bands, in Java and as a Spark column. */
class AgeBandsTest {
  private static final List<Integer> AGES = List.of(0, 17, 18, 44, 45, 64, 65, 74, 75, 84, 85, 104);
  private static final List<String> BANDS =
      List.of(
          "0-17", "0-17", "18-44", "18-44", "45-64", "45-64", "65-74", "65-74", "75-84", "75-84",
          "85+", "85+");

  @Test
  void theStandardBandsAtTheirEdges() {
    List<String> got = new ArrayList<>();
    AGES.forEach(a -> got.add(AgeBands.label(a, AgeBands.STANDARD)));
    assertEquals(BANDS, got);
  }

  @Test
  void theColumnAgrees() {
    List<String> got = new ArrayList<>();
    for (Row r :
        SparkTestSession.get()
            .createDataset(AGES, Encoders.INT())
            .toDF("age")
            .select(AgeBands.label(functions.col("age"), AgeBands.STANDARD))
            .collectAsList()) {
      got.add(r.getString(0));
    }
    assertEquals(BANDS, got);
  }
}

package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.schema.Cols;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The design matrix of two rows, worked by hand. */
class DesignTest {
  private static final StructType SCHEMA =
      new StructType()
          .add(Cols.AGE, DataTypes.IntegerType)
          .add(Cols.IMD_DECILE, DataTypes.IntegerType)
          .add(Cols.SEX, DataTypes.StringType)
          .add(Outcomes.OUTCOME, DataTypes.IntegerType);

  private static Row row(Object... values) {
    return new GenericRowWithSchema(values, SCHEMA);
  }

  @Test
  void eachRowIsItsEncodedVectorAndOutcomeInOrder() {
    // Entries: age, imd_decile, imd_unknown, sex=F, sex=M.
    Encoder encoder =
        new Encoder(
            List.of(Cols.AGE, Cols.IMD_DECILE),
            List.of(new Encoder.Category(Cols.SEX, List.of("F", "M"))));
    Design d =
        Design.of(
            List.of(row(70, 3, "F", 1), row(50, null, "M", 0), row(90, 10, "F", 1)),
            encoder,
            r -> r.<Integer>getAs(Outcomes.OUTCOME));
    assertArrayEquals(new double[] {70, 3, 0, 1, 0}, d.x()[0]);
    assertArrayEquals(new double[] {50, 0, 1, 0, 1}, d.x()[1]);
    assertArrayEquals(new double[] {90, 10, 0, 1, 0}, d.x()[2]);
    assertArrayEquals(new int[] {1, 0, 1}, d.y());
    assertEquals(3, d.size());
    assertEquals(2, d.events());
    // A model of the first entry: age / 100.
    assertArrayEquals(new double[] {0.7, 0.5, 0.9}, d.predict(x -> x[0] / 100), 1e-12);
  }

  @Test
  void noRowsIsAnEmptyDesign() {
    Design d = Design.of(List.of(), new Encoder(List.of(Cols.AGE), List.of()), r -> 1);
    assertTrue(d.isEmpty());
    assertEquals(0, d.events());
    assertEquals(0, d.predict(x -> 1).length);
  }
}

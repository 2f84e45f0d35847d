package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.schema.Cols;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The reasons a list gives: the top positive contributions, leaving out age and sex. */
class ReasonsTest {
  private static final Encoder ENCODER =
      new Encoder(
          List.of(Cols.AGE, Cols.EMERGENCY_ADMISSIONS_12M, Cols.MEDICINES_12M, Cols.HOUSEBOUND),
          List.of(new Encoder.Category(Cols.SEX, List.of("F", "M"))));
  private static final Reasons REASONS = new Reasons(Map.of(), 365, 90);

  private static final Row PERSON =
      new GenericRowWithSchema(
          new Object[] {87, 2L, 11L, true, "F"},
          new StructType()
              .add(Cols.AGE, DataTypes.IntegerType)
              .add(Cols.EMERGENCY_ADMISSIONS_12M, DataTypes.LongType)
              .add(Cols.MEDICINES_12M, DataTypes.LongType)
              .add(Cols.HOUSEBOUND, DataTypes.BooleanType)
              .add(Cols.SEX, DataTypes.StringType));

  // Encoded: age, admissions, medicines, housebound, imd_unknown, sex=F, sex=M.
  private static final double[] CONTRIBUTIONS = {0.9, 0.5, 0.2, 0.1, 0.0, 0.7, 0.0};

  @Test
  void ageAndSexGiveWayToTheNextReasons() {
    assertEquals(
        List.of(
            "2 emergency admissions in the last year",
            "11 medicines in the last year",
            "housebound"),
        REASONS.top(ENCODER, CONTRIBUTIONS, PERSON, 3, Set.of(Cols.AGE, Cols.SEX)));
  }

  @Test
  void leavingNothingOutGivesTheLargestContributions() {
    assertEquals(
        List.of("aged 87", "female", "2 emergency admissions in the last year"),
        REASONS.top(ENCODER, CONTRIBUTIONS, PERSON, 3, Set.of()));
  }

  @Test
  void onlyRaisingFactorsAreReasons() {
    double[] few = {0.9, 0.5, -0.2, 0.0, 0.0, 0.7, 0.0};
    assertEquals(
        List.of("2 emergency admissions in the last year"),
        REASONS.top(ENCODER, few, PERSON, 3, Set.of(Cols.AGE, Cols.SEX)));
  }
}

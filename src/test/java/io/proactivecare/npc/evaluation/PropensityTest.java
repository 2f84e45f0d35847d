package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.risk.Encoder;
import io.proactivecare.npc.schema.Cols;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The propensity model's exact fit on one binary covariate, worked by hand. */
class PropensityTest {
  private static final StructType SCHEMA =
      new StructType().add("x", DataTypes.DoubleType).add(Cols.ROLE, DataTypes.StringType);
  private static final Encoder X = new Encoder(List.of("x"), List.of(), List.of());

  /** {@code treated} of {@code n} rows at {@code x} enrolled, the rest candidates. */
  private static void add(List<Row> rows, double x, int n, int treated) {
    for (int i = 0; i < n; i++) {
      rows.add(
          new GenericRowWithSchema(
              new Object[] {x, i < treated ? RiskSets.TREATED : RiskSets.CANDIDATE}, SCHEMA));
    }
  }

  /** At x = 0, 1 of 4 enrolled; at x = 1, 2 of 4. */
  private static List<Row> eight() {
    List<Row> rows = new ArrayList<>();
    add(rows, 0, 4, 1);
    add(rows, 1, 4, 2);
    return rows;
  }

  @Test
  void theExactFitGivesEachLevelsLogOddsAndTheAurocOfTheFit() {
    Propensity.Model m = Propensity.fit(eight(), X, 0, 1);
    // logit(1/4) = ln(1/3) at x = 0, logit(2/4) = 0 at x = 1: slope ln 3.
    assertEquals(Math.log(1 / 3.0), m.coefficients()[0], 1e-6);
    assertEquals(Math.log(3), m.coefficients()[1], 1e-6);
    // Enrolled against candidates, 3 x 5 pairs: the two enrolled at 0.5 above the three
    // candidates at 0.25 (6) and tied with the two at 0.5 (2 x 2 halves); the one at 0.25 tied
    // with the three at 0.25 (3 halves): 9.5 of 15.
    assertEquals(9.5 / 15, m.auroc(), 1e-12);
    assertEquals(3, m.fitTreated());
    assertEquals(5, m.fitCandidates());
  }

  @Test
  void aCandidateSampleMovesOnlyTheIntercept() {
    // Half the candidates sampled: the fit's odds are the population's doubled, so ln 0.5 is added.
    Propensity.Model m = Propensity.fit(eight(), X, 0, 0.5);
    assertEquals(Math.log(1 / 3.0) + Math.log(0.5), m.coefficients()[0], 1e-6);
    assertEquals(Math.log(3), m.coefficients()[1], 1e-6);
    assertEquals(0.5, m.samplingFraction());
    assertEquals(9.5 / 15, m.auroc(), 1e-12);
  }

  @Test
  void noEnrolledPersonIsRefusedWithTheCounts() {
    List<Row> rows = new ArrayList<>();
    add(rows, 0, 3, 0);
    NpcException e = assertThrows(NpcException.class, () -> Propensity.fit(rows, X, 0, 1));
    assertTrue(e.getMessage().contains("0 enrolled and 3 candidates"), e.getMessage());
  }
}

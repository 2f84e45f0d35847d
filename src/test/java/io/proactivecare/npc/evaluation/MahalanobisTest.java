package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The whitening behind Mahalanobis matching, worked by hand. Enrolled (1, 2), (3, 2), mean (2, 2);
 * candidates (0, 0), (2, 4), mean (1, 2). Scatter about each group's own mean: enrolled [[2, 0],
 * [0, 0]], candidates [[2, 4], [4, 8]]; pooled over 4 − 2 = 2 degrees of freedom S = [[2, 2], [2,
 * 4]]. Cholesky L = [[√2, 0], [√2, √2]], so W = L⁻¹ = [[1/√2, 0], [−1/√2, 1/√2]]. Check: S⁻¹ = [[1,
 * −½], [−½, ½]], so (1, 0) is at squared distance 1 from (0, 0), and |W (1, 0)|² = ½ + ½.
 */
class MahalanobisTest {
  private static Dataset<Row> rows(double[][] treated, double[][] candidates) {
    StructType schema =
        new StructType()
            .add(Cols.ROLE, DataTypes.StringType, false)
            .add("a", DataTypes.DoubleType, true)
            .add("b", DataTypes.IntegerType, true);
    java.util.List<Row> out = new java.util.ArrayList<>();
    for (double[] t : treated) {
      out.add(RowFactory.create(RiskSets.TREATED, t[0], (int) t[1]));
    }
    for (double[] c : candidates) {
      out.add(RowFactory.create(RiskSets.CANDIDATE, c[0], (int) c[1]));
    }
    return SparkTestSession.get().createDataFrame(out, schema);
  }

  @Test
  void theWhiteningIsTheInverseCholeskyFactorOfThePooledWithinGroupCovariance() {
    double[][] w =
        Matching.whitening(
            rows(new double[][] {{1, 2}, {3, 2}}, new double[][] {{0, 0}, {2, 4}}),
            List.of("a", "b"));
    double r = Math.sqrt(0.5);
    assertEquals(r, w[0][0], 1e-12);
    assertEquals(0, w[0][1], 1e-12);
    assertEquals(-r, w[1][0], 1e-12);
    assertEquals(r, w[1][1], 1e-12);
    double x = w[0][0] * 1;
    double y = w[1][0] * 1;
    assertEquals(1.0, x * x + y * y, 1e-12, "(1, 0) at squared Mahalanobis distance 1");
  }

  @Test
  void aCovariateThatDoesNotVaryWithinTheGroupsIsRefused() {
    NpcException e =
        assertThrows(
            NpcException.class,
            () ->
                Matching.whitening(
                    rows(new double[][] {{1, 2}, {3, 2}}, new double[][] {{0, 5}, {2, 5}}),
                    List.of("a", "b")));
    assertTrue(e.getMessage().contains("[a, b]"), e.getMessage());
  }
}

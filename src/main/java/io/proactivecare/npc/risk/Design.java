package io.proactivecare.npc.risk;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import org.apache.spark.sql.Row;

/**
 * A design matrix: the encoded vector and the 0/1 outcome of each collected row, in the rows'
 * order. The risk model (outcome: an emergency admission or death) and the evaluation's propensity
 * model (outcome: enrolled) both build theirs here, so both fit on exactly what the encoder gives a
 * row, and the same rows in the same order give the same fit.
 *
 * @param x one encoded vector per row ({@link Encoder#encode})
 * @param y each row's outcome, 0 or 1
 */
public record Design(double[][] x, int[] y) {
  /**
   * The design of {@code rows}: each encoded by {@code encoder}, its outcome by {@code outcome}.
   */
  public static Design of(List<Row> rows, Encoder encoder, ToIntFunction<Row> outcome) {
    double[][] x = new double[rows.size()][];
    int[] y = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      x[i] = encoder.encode(rows.get(i));
      y[i] = outcome.applyAsInt(rows.get(i));
    }
    return new Design(x, y);
  }

  /** How many rows. */
  public int size() {
    return y.length;
  }

  /** How many rows have the outcome. */
  public long events() {
    return Arrays.stream(y).filter(v -> v == 1).count();
  }

  public boolean isEmpty() {
    return y.length == 0;
  }

  /** Each row's probability by {@code model}, in the rows' order. */
  public double[] predict(ToDoubleFunction<double[]> model) {
    return Arrays.stream(x).mapToDouble(model).toArray();
  }
}

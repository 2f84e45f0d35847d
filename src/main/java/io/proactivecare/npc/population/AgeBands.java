package io.proactivecare.npc.population;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * Age bands for reporting, one rule for every stage: bands start at the given lower bounds ({@code
 * [18, 45, 65, 75, 85]} gives 0-17, 18-44, 45-64, 65-74, 75-84, 85+).
 */
public final class AgeBands {
  private AgeBands() {}

  /** The bands the model's subgroup metrics use, and the cohort's by default. */
  public static final List<Integer> STANDARD = List.of(18, 45, 65, 75, 85);

  /** The band of {@code age}. */
  public static String label(int age, List<Integer> lowerBounds) {
    String band = "0-" + (lowerBounds.get(0) - 1);
    for (int i = 0; i < lowerBounds.size(); i++) {
      if (age >= lowerBounds.get(i)) {
        band = name(lowerBounds, i);
      }
    }
    return band;
  }

  /** The band of the age column {@code age}, as {@link #label(int, List)} gives it. */
  public static Column label(Column age, List<Integer> lowerBounds) {
    Column band = lit("0-" + (lowerBounds.get(0) - 1));
    for (int i = 0; i < lowerBounds.size(); i++) {
      band = when(age.geq(lowerBounds.get(i)), name(lowerBounds, i)).otherwise(band);
    }
    return band;
  }

  private static String name(List<Integer> lowerBounds, int i) {
    return i + 1 < lowerBounds.size()
        ? lowerBounds.get(i) + "-" + (lowerBounds.get(i + 1) - 1)
        : lowerBounds.get(i) + "+";
  }
}

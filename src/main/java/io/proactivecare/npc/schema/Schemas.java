package io.proactivecare.npc.schema;

import java.util.Arrays;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema checks made before every write. */
public final class Schemas {
  private Schemas() {}

  /**
   * Fails (a bug, not a user error) unless {@code actual} has exactly the expected columns, in
   * order, with the expected types. Nullability is guaranteed by validation, not by Spark.
   */
  public static void requireSameColumns(StructType actual, StructType expected, String output) {
    String a = describe(actual);
    String e = describe(expected);
    if (!a.equals(e)) {
      throw new IllegalStateException("schema of " + output + " is " + a + ", expected " + e);
    }
  }

  private static String describe(StructType t) {
    return Arrays.stream(t.fields())
        .map(StructField::name)
        .map(n -> n + ":" + t.apply(n).dataType().simpleString())
        .toList()
        .toString();
  }
}

package io.proactivecare.npc.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Schema checks made before every write. */
public final class Schemas {
  private Schemas() {}

  /**
   * Fails (a bug, not a user error) unless {@code actual} has exactly the expected columns, in
   * order, with the expected types, naming the output, both column lists and what differs. Spark's
   * nullability flags are not compared: Spark loses them across joins and files, so whether a
   * column may be empty is the contract's word, not the schema's.
   */
  public static void requireSameColumns(StructType actual, StructType expected, String output) {
    String a = describe(actual);
    String e = describe(expected);
    if (!a.equals(e)) {
      throw new IllegalStateException(
          "schema of "
              + output
              + " is "
              + a
              + ", expected "
              + e
              + ": "
              + String.join("; ", differences(actual, expected)));
    }
  }

  /** What differs between two column lists: missing, unexpected, retyped, or only the order. */
  static List<String> differences(StructType actual, StructType expected) {
    Map<String, String> a = types(actual);
    Map<String, String> e = types(expected);
    List<String> out = new ArrayList<>();
    List<String> missing = e.keySet().stream().filter(n -> !a.containsKey(n)).toList();
    List<String> extra = a.keySet().stream().filter(n -> !e.containsKey(n)).toList();
    if (!missing.isEmpty()) {
      out.add("missing " + String.join(", ", missing));
    }
    if (!extra.isEmpty()) {
      out.add("not declared " + String.join(", ", extra));
    }
    e.forEach(
        (n, t) -> {
          if (a.containsKey(n) && !a.get(n).equals(t)) {
            out.add(n + " is " + a.get(n) + ", declared " + t);
          }
        });
    if (out.isEmpty()) {
      out.add(
          a.size() == actual.fields().length
              ? "the same columns in another order"
              : "a column appears twice");
    }
    return out;
  }

  private static Map<String, String> types(StructType t) {
    Map<String, String> m = new LinkedHashMap<>();
    for (StructField f : t.fields()) {
      m.putIfAbsent(f.name(), f.dataType().simpleString());
    }
    return m;
  }

  private static String describe(StructType t) {
    return Arrays.stream(t.fields())
        .map(f -> f.name() + ":" + f.dataType().simpleString())
        .toList()
        .toString();
  }
}

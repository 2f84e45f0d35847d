package io.proactivecare.npc.risk;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.schema.Cols;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a row of {@code features/person} into the model's numeric vector: numbers as they are,
 * flags as 0/1, categories one-hot, a missing deprivation decile as 0 with an "unknown" flag. The
 * encoder is saved with the model, so scoring uses exactly the training encoding.
 *
 * @param numeric feature columns used as numbers (int, double or boolean)
 * @param categories categorical columns, each with the levels it one-hot encodes
 * @param missingFlags columns whose missingness is an entry of its own (1 when null), after the
 *     numbers: the deprivation decile for the engine's features, none for a table whose covariates
 *     are complete (a model saved before this field existed reads it as the deprivation decile)
 */
public record Encoder(List<String> numeric, List<Category> categories, List<String> missingFlags)
    implements Serializable {
  /** A categorical column and its levels; a value outside them encodes as all zeros. */
  public record Category(String column, List<String> levels) implements Serializable {}

  /** The name of the deprivation-unknown indicator. */
  public static final String IMD_UNKNOWN = "imd_unknown";

  public Encoder {
    numeric = List.copyOf(numeric);
    categories = List.copyOf(categories);
    missingFlags = missingFlags == null ? List.of(Cols.IMD_DECILE) : List.copyOf(missingFlags);
  }

  /** The engine's encoding of feature columns: numbers, a missing-deprivation flag, categories. */
  public Encoder(List<String> numeric, List<Category> categories) {
    this(numeric, categories, List.of(Cols.IMD_DECILE));
  }

  /** The name of the entry flagging a missing {@code column}. */
  static String unknown(String column) {
    return column.equals(Cols.IMD_DECILE) ? IMD_UNKNOWN : column + "_unknown";
  }

  /**
   * Columns that identify a row and are never features, and social care's 12-month cost (kept for
   * costing care; the model has the weekly cost and the services already).
   */
  static final Set<String> NOT_FEATURES =
      Set.of(
          Cols.SOCIAL_CARE_COST_12M,
          Cols.PERSON_ID,
          Cols.AS_OF,
          Cols.PRACTICE_CODE,
          Cols.PCN_CODE,
          Cols.LSOA_CODE,
          Cols.ETHNIC_GROUP,
          Cols.IMD_QUINTILE,
          Cols.EFI_CATEGORY,
          Cols.HFRS_BAND);

  /** The standard encoding of the columns of {@code schema}, a features/person table. */
  public static Encoder standard(StructType schema) {
    List<String> numeric = new ArrayList<>();
    List<String> categorical = List.of(Cols.SEX, Cols.ETHNIC_CATEGORY, Cols.SOCIAL_CARE_PACKAGE);
    for (String c : schema.fieldNames()) {
      if (NOT_FEATURES.contains(c) || categorical.contains(c)) {
        continue;
      }
      numeric.add(c);
    }
    return new Encoder(
        List.copyOf(numeric),
        List.of(
            new Category(Cols.SEX, List.of("F", "M")),
            new Category(
                Cols.ETHNIC_CATEGORY, List.of("White", "Mixed", "Asian", "Black", "Other")),
            new Category(
                Cols.SOCIAL_CARE_PACKAGE,
                List.of("nursing", "residential", "community", "short_term"))));
  }

  /** The names of the vector's entries, in order. */
  public List<String> names() {
    List<String> out = new ArrayList<>(numeric);
    missingFlags.forEach(c -> out.add(unknown(c)));
    for (Category c : categories) {
      for (String level : c.levels()) {
        out.add(c.column() + "=" + level);
      }
    }
    return out;
  }

  public int width() {
    return names().size();
  }

  /** Every column the encoder reads. */
  public List<String> columns() {
    List<String> out = new ArrayList<>(numeric);
    missingFlags.stream().filter(c -> !out.contains(c)).forEach(out::add);
    categories.forEach(c -> out.add(c.column()));
    return out;
  }

  /** Refuses a table that lacks a column the model needs, naming them all. */
  public void requireColumns(StructType schema, String table) {
    List<String> missing = new ArrayList<>();
    Set<String> have = Set.of(schema.fieldNames());
    for (String c : columns()) {
      if (!have.contains(c)) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw Errors.usage(
          table + " has no column " + String.join(", ", missing) + ", which the model needs",
          "rebuild the features with this version of npc (npc features), or train a new model");
    }
  }

  /**
   * The vector as Spark columns, one per entry of {@link #names()}, so a linear model can be
   * applied as a column expression: numbers as doubles (a null as 0), flags as 0/1, the
   * deprivation-unknown flag, and one 0/1 column per category level.
   */
  public List<org.apache.spark.sql.Column> expressions() {
    List<org.apache.spark.sql.Column> out = new ArrayList<>();
    for (String c : numeric) {
      out.add(
          org.apache.spark.sql.functions.coalesce(
              org.apache.spark.sql.functions.col(c).cast("double"),
              org.apache.spark.sql.functions.lit(0.0)));
    }
    for (String c : missingFlags) {
      out.add(
          org.apache
              .spark
              .sql
              .functions
              .when(org.apache.spark.sql.functions.col(c).isNull(), 1.0)
              .otherwise(0.0));
    }
    for (Category c : categories) {
      for (String level : c.levels()) {
        out.add(
            org.apache
                .spark
                .sql
                .functions
                .when(org.apache.spark.sql.functions.col(c.column()).equalTo(level), 1.0)
                .otherwise(0.0));
      }
    }
    return out;
  }

  /** Whether entry {@code j} of the vector is a 0/1 indicator (a flag, unknown, a level). */
  public boolean binary(int j, StructType schema) {
    if (j >= numeric.size()) {
      return true;
    }
    return schema.apply(numeric.get(j)).dataType()
        instanceof org.apache.spark.sql.types.BooleanType;
  }

  /** The vector of one row. */
  public double[] encode(Row row) {
    double[] x = new double[width()];
    int i = 0;
    for (String c : numeric) {
      Object v = row.getAs(c);
      x[i++] = value(v, c);
    }
    for (String c : missingFlags) {
      x[i++] = row.getAs(c) == null ? 1 : 0;
    }
    for (Category c : categories) {
      Object v = row.getAs(c.column());
      for (String level : c.levels()) {
        x[i++] = level.equals(v) ? 1 : 0;
      }
    }
    return x;
  }

  private static double value(Object v, String column) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException(
        "feature " + column + " is " + v.getClass().getSimpleName() + ", not a number or flag");
  }

  @Override
  public String toString() {
    return "Encoder" + Arrays.toString(names().toArray());
  }
}

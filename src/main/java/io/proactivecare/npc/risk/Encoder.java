package io.proactivecare.npc.risk;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.RiskSettings;
import io.proactivecare.npc.features.Features;
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

  /** The categorical inputs and the levels each one-hot encodes, in the vector's order. */
  static final List<Category> CATEGORIES =
      List.of(
          new Category(Cols.SEX, List.of("F", "M")),
          new Category(Cols.ETHNIC_CATEGORY, List.of("White", "Mixed", "Asian", "Black", "Other")),
          new Category(Cols.SOCIAL_CARE_PACKAGE, Features.PACKAGES));

  /**
   * The risk model's encoding of the columns {@code inputs} names ({@code risk.inputs}) in {@code
   * schema}, a features/person table: numbers and flags in the table's column order (so the order
   * of the list does not change the model), {@code efi_deficits} standing for every flag in {@code
   * deficitFlags}, then the deprivation-unknown flag when the decile is an input, then the
   * categories. A name the table does not have is refused, naming the key.
   */
  public static Encoder of(
      List<String> inputs, StructType schema, java.util.Collection<String> deficitFlags) {
    Set<String> have = Set.of(schema.fieldNames());
    for (String c : inputs) {
      if (!c.equals(RiskSettings.EFI_DEFICITS) && !have.contains(c)) {
        throw Errors.usage(
            "risk.inputs names " + c + ", which is not a column of features/person",
            "name the columns of docs/features.md (an eFI deficit flag is efi_ and the deficit's"
                + " name in lower-case words), or efi_deficits for all of them");
      }
    }
    Set<String> wanted = new java.util.HashSet<>(inputs);
    if (wanted.contains(RiskSettings.EFI_DEFICITS)) {
      wanted.addAll(deficitFlags);
    }
    List<Category> categories =
        CATEGORIES.stream().filter(c -> wanted.contains(c.column())).toList();
    List<String> numeric = new ArrayList<>();
    for (String c : schema.fieldNames()) {
      if (wanted.contains(c) && categories.stream().noneMatch(k -> k.column().equals(c))) {
        numeric.add(c);
      }
    }
    return new Encoder(
        numeric,
        categories,
        numeric.contains(Cols.IMD_DECILE) ? List.of(Cols.IMD_DECILE) : List.of());
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

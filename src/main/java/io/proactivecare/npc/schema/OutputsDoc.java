package io.proactivecare.npc.schema;

import io.proactivecare.npc.warehouse.Sensitivity;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Renders the output contracts ({@link Outputs}) as the outputs half of docs/data-contracts.md,
 * which {@link ContractsDoc} appends to the inputs half: what a reader of the warehouse finds in
 * each output, without the code.
 */
public final class OutputsDoc {
  private OutputsDoc() {}

  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("\n## Outputs\n\n")
        .append(
            "Every step writes its outputs as Parquet into its run's folder of the warehouse, and the run\n")
        .append(
            "publishes them all at once when every step has succeeded (docs/warehouse.md). Each output below is\n")
        .append(
            "declared once, in src/main/java/io/proactivecare/npc/schema/Outputs.java, and every write is checked\n")
        .append(
            "against its declaration before anything is written: these columns, in this order, with these types.\n")
        .append(
            "A step that would write anything else fails the run, naming the output, its columns and the declared\n")
        .append(
            "ones; writing an output that has no declaration fails too. So these tables are what `npc sql`, DuckDB\n")
        .append("or pandas find.\n\n")
        .append(
            "Types: text (Parquet string), integer (32-bit), long (64-bit integer), number (double), true/false\n")
        .append(
            "(boolean), date, and list of a type (array). *Empty*: whether a row may leave the column empty (null):\n")
        .append(
            "in an aggregate, a count suppressed by disclosure control is empty. *Patient-level* outputs hold\n")
        .append(
            "person-level rows and stay in the warehouse (each PCN's list goes only to that PCN); *aggregate*\n")
        .append(
            "outputs have been through disclosure control (docs/disclosure.md) and may be shared.\n\n")
        .append(
            "The ingest step also writes `conformed/<table>`: each input table above as accepted, with the types\n")
        .append(
            "above (a column not required may be empty), keyed by the extract date; patient-level.\n\n");
    md.append(
        "| Output | Written by step | Sensitivity | Versions keyed by |\n|---|---|---|---|\n");
    for (OutputContract o : Outputs.ALL) {
      md.append("| [`")
          .append(o.name())
          .append("`](#")
          .append(anchor(o.name()))
          .append(") | `")
          .append(o.step())
          .append("` | ")
          .append(sensitivity(o.sensitivity()))
          .append(" | ")
          .append(o.versionKey())
          .append(" |\n");
    }
    for (OutputContract o : Outputs.ALL) {
      md.append("\n### `").append(o.name()).append("`\n\n").append(o.row()).append("\n\n");
      md.append("Written by the `")
          .append(o.step())
          .append("` step; ")
          .append(sensitivity(o.sensitivity()))
          .append("; versions keyed by ")
          .append(o.versionKey())
          .append(".\n");
      o.files().ifPresent(f -> md.append("\nFiles: ").append(f).append(".\n"));
      if (!o.columns().isEmpty()) {
        md.append("\n| Column | Type | Empty | Meaning |\n|---|---|---|---|\n");
        for (OutputColumn c : o.columns()) {
          md.append("| `")
              .append(c.name())
              .append("` | ")
              .append(type(c.type()))
              .append(" | ")
              .append(c.nullable() ? "yes" : "no")
              .append(" | ")
              .append(cell(c.description()))
              .append(c.repeat().map(r -> ": " + cell(r.rule())).orElse(""))
              .append(" |\n");
        }
      }
    }
    return md.toString();
  }

  private static String sensitivity(Sensitivity s) {
    return s == Sensitivity.PATIENT_LEVEL ? "patient-level" : "aggregate";
  }

  /** GitHub's anchor of a heading {@code `name`}: lower case, '/' and '`' dropped. */
  static String anchor(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_ -]", "").replace(' ', '-');
  }

  /** A type in the words of the inputs half ({@link ContractsDoc}). */
  static String type(DataType t) {
    if (t instanceof ArrayType a) {
      return "list of " + type(a.elementType());
    }
    if (t instanceof StructType s) {
      return "("
          + Arrays.stream(s.fields())
              .map(f -> "`" + f.name() + "` " + type(f.dataType()))
              .collect(Collectors.joining(", "))
          + ")";
    }
    if (t.equals(DataTypes.StringType)) {
      return "text";
    }
    if (t.equals(DataTypes.IntegerType)) {
      return "integer";
    }
    if (t.equals(DataTypes.LongType)) {
      return "long";
    }
    if (t.equals(DataTypes.DoubleType)) {
      return "number";
    }
    if (t.equals(DataTypes.BooleanType)) {
      return "true/false";
    }
    if (t.equals(DataTypes.DateType)) {
      return "date";
    }
    throw new IllegalArgumentException("no words for type " + t.simpleString());
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}

package io.proactivecare.npc.schema;

import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.warehouse.Sensitivity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The contract of one published output: what writes it, how far it may travel, what keys its
 * versions, what one row is, and its columns in the order they are written. {@code
 * StepContext.write} checks every dataset against it before writing (docs/architecture.md, "The
 * step contract").
 *
 * @param name the output's name, e.g. {@code frailty/efi}
 * @param step the kind of step that writes it ({@code run: frailty})
 * @param sensitivity patient-level (stays in the warehouse) or aggregate (after disclosure control)
 * @param row what one row is (for an output of files, what its folder holds)
 * @param versionKey what keys its versions, e.g. "the as-of date"
 * @param columns its columns, in order; for an output of files, those of the Parquet table among
 *     them (none when there is none)
 * @param files for an output that is a folder of files rather than one Parquet table, the files;
 *     empty for a table
 */
public record OutputContract(
    String name,
    String step,
    Sensitivity sensitivity,
    String row,
    String versionKey,
    List<OutputColumn> columns,
    Optional<String> files) {

  public OutputContract {
    columns = List.copyOf(columns);
  }

  /** Whether the output is one Parquet table, written through {@code StepContext.write}. */
  public boolean table() {
    return files.isEmpty();
  }

  /** Whether a repeated column makes the columns depend on the configuration. */
  public boolean repeats() {
    return columns.stream().anyMatch(c -> c.repeat().isPresent());
  }

  /** The columns written under {@code config}, repeated columns given their names, in order. */
  public StructType schema(NpcConfig config) {
    return schema(c -> c.names(config));
  }

  /** The columns of an output whose columns no configuration changes. */
  public StructType schema() {
    return schema(
        c -> {
          if (c.repeat().isPresent()) {
            throw new IllegalStateException(
                name
                    + " has columns the configuration names ("
                    + c.name()
                    + "): ask for its schema under a configuration");
          }
          return List.of(c.name());
        });
  }

  /** The schema of {@code columns}, none of them repeated: a table several outputs share. */
  public static StructType schemaOf(List<OutputColumn> columns) {
    return new OutputContract("", "", Sensitivity.AGGREGATE, "", "", columns, Optional.empty())
        .schema();
  }

  private StructType schema(Function<OutputColumn, List<String>> names) {
    List<StructField> fields = new ArrayList<>();
    for (OutputColumn c : columns) {
      for (String n : names.apply(c)) {
        fields.add(new StructField(n, c.type(), c.nullable(), Metadata.empty()));
      }
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The names of the columns of an output whose columns no configuration changes, in order. */
  public List<String> columnNames() {
    return List.of(schema().fieldNames());
  }

  /**
   * {@code data}'s declared columns, in the declared order: how a step or function shapes what it
   * writes, so the list is spelled only here. Types are not cast: a wrong one is a bug {@link
   * #check} reports.
   */
  public Dataset<Row> select(Dataset<Row> data) {
    return data.select(columnNames().stream().map(functions::col).toArray(Column[]::new));
  }

  /** Declared column {@code name}: for an output that carries it through from this one. */
  public OutputColumn column(String name) {
    return columns.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(this.name + " declares no column " + name));
  }

  /** The declared columns but {@code names}: for an output made of another's columns and more. */
  public List<OutputColumn> columnsExcept(String... names) {
    Set<String> drop = Set.of(names);
    return columns.stream().filter(c -> !drop.contains(c.name())).toList();
  }

  /**
   * Fails, naming this output, unless {@code actual} has exactly the declared columns in order with
   * the declared types: a bug in the step that made it, caught before anything is written.
   */
  public void check(StructType actual, NpcConfig config) {
    Schemas.requireSameColumns(actual, schema(config), name);
  }
}

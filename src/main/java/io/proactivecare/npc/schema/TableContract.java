package io.proactivecare.npc.schema;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The data contract of one canonical input table: its columns and the row rules ingest applies.
 *
 * @param name table name, also the conformed output name {@code conformed/<name>}
 * @param description what one row is
 * @param columns the columns, in output order
 * @param key columns whose combination must be unique (DUPLICATE); empty means the whole row
 * @param dateOrder pairs of date columns where the first must not be after the second
 * @param notAfterExtract date columns that must not be after the extract date (FUTURE_DATE)
 * @param futureExemption a (column, value) pair: rows with that value may be future-dated
 * @param personReference rows must name a person in the accepted GP registrations
 * @param practiceReference a column that must name a practice in the practice-to-PCN reference
 * @param pcnReference a column that must name a PCN in the practice-to-PCN reference
 * @param activityDate the date the row's activity happened: rows dated after the person's recorded
 *     death are accepted, flagged and counted
 */
public record TableContract(
    String name,
    String description,
    List<ColumnSpec> columns,
    List<String> key,
    List<List<String>> dateOrder,
    List<String> notAfterExtract,
    Optional<List<String>> futureExemption,
    boolean personReference,
    Optional<String> practiceReference,
    Optional<String> pcnReference,
    Optional<String> activityDate) {

  public TableContract {
    columns = List.copyOf(columns);
    key = List.copyOf(key);
    dateOrder = List.copyOf(dateOrder);
    notAfterExtract = List.copyOf(notAfterExtract);
  }

  /** The typed schema of the conformed table, with nullability stated. */
  public StructType schema() {
    return new StructType(
        columns.stream()
            .map(
                c ->
                    new StructField(
                        c.name(), c.type().sparkType(), !c.required(), Metadata.empty()))
            .toArray(StructField[]::new));
  }

  public List<String> columnNames() {
    return columns.stream().map(ColumnSpec::name).toList();
  }

  public ColumnSpec column(String name) {
    return columns.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(this.name + " has no column " + name));
  }

  /** The identifier columns (keys and record ids), guarded against NHS numbers. */
  public List<ColumnSpec> identifiers() {
    return columns.stream().filter(ColumnSpec::identifier).toList();
  }

  /** The columns that decide duplicates. */
  public List<String> keyOrAllColumns() {
    return key.isEmpty() ? columnNames() : key;
  }
}

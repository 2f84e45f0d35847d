package io.proactivecare.npc.schema;

import io.proactivecare.npc.config.NpcConfig;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.types.DataType;

/**
 * One column of a published output ({@link Outputs}): its name, the Spark type written to Parquet,
 * whether a row may leave it empty, and what it holds. A repeated column stands for several whose
 * names the configuration gives (one flag per eFI deficit of {@code frailty.deficits}), so an
 * output whose width depends on the configuration is declared as what it is, not as a fixed list
 * that one site's codelists would break.
 *
 * @param name the column's name, or for a repeated column the pattern its names follow ({@code
 *     efi_<deficit>})
 * @param type its Spark type
 * @param nullable whether a row may hold null (empty) here: declared from the code that fills the
 *     column, for readers; Spark's own nullability flags are not compared
 * @param description one line for docs/data-contracts.md
 * @param repeat for a repeated column, how its names follow from the configuration
 */
public record OutputColumn(
    String name, DataType type, boolean nullable, String description, Optional<Repeat> repeat) {

  /**
   * The names a repeated column stands for.
   *
   * @param rule the names and their order, in words, for docs/data-contracts.md
   * @param names the names, in the order they are written, under a configuration
   */
  public record Repeat(String rule, Function<NpcConfig, List<String>> names) {}

  /** A column never empty. */
  public static OutputColumn of(String name, DataType type, String description) {
    return new OutputColumn(name, type, false, description, Optional.empty());
  }

  /** A column a row may leave empty (null in Parquet). */
  public static OutputColumn nullable(String name, DataType type, String description) {
    return new OutputColumn(name, type, true, description, Optional.empty());
  }

  /** Columns named by {@code repeat}, each of {@code type} and never empty. */
  public static OutputColumn repeated(
      String pattern, DataType type, String description, Repeat repeat) {
    return new OutputColumn(pattern, type, false, description, Optional.of(repeat));
  }

  /** The same column, which a row may leave empty (one carried from a table not every row has). */
  public OutputColumn orEmpty() {
    return new OutputColumn(name, type, true, description, repeat);
  }

  /** The names this column stands for under {@code config}: its own name unless repeated. */
  List<String> names(NpcConfig config) {
    return repeat.map(r -> r.names().apply(config)).orElse(List.of(name));
  }
}

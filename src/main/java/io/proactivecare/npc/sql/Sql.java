package io.proactivecare.npc.sql;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.io.ParquetRows;
import io.proactivecare.npc.warehouse.Warehouse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.InsertIntoStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * Spark SQL over the published tables (docs/sql.md): registers each {@link Views.View} as a
 * temporary view and runs one read-only statement. A statement that would change anything (insert,
 * create, drop, set, cache) is refused before Spark sees it, since Spark runs such statements as
 * soon as it is handed them. Errors in the statement become one-line usage errors naming the fault.
 */
public final class Sql {
  private Sql() {}

  /** The statements that only read: a query, or a description of one. */
  private static final Pattern READ_ONLY =
      Pattern.compile("(?is)\\s*(\\(|(SELECT|WITH|VALUES|TABLE|FROM)\\b).*");

  /** Comments before the statement's first word: "--" lines and slash-star blocks. */
  private static final Pattern LEADING_COMMENTS =
      Pattern.compile("(?s)\\A(\\s*(--[^\\n]*(\\n|\\z)|/\\*.*?\\*/))*");

  /** Registers every view in {@code spark} over its version's Parquet files. */
  public static void register(SparkSession spark, Warehouse warehouse, List<Views.View> views) {
    for (Views.View v : views) {
      ParquetRows.read(spark, warehouse.resolve(v.path())).createOrReplaceTempView(v.name());
    }
  }

  /**
   * The result of {@code statement} over the registered {@code views}, not yet computed.
   *
   * @throws NpcException (usage) for a statement that is not a query, names an unknown view or
   *     column, or does not parse
   */
  public static Dataset<Row> query(SparkSession spark, String statement, List<Views.View> views) {
    String text = check(statement, views);
    try {
      return spark.sql(text);
    } catch (Exception e) {
      throw explain(e, views);
    }
  }

  /**
   * {@code statement} ready to run, once it parses and is a query (no Spark session needed, so a
   * mistake is found before one starts).
   *
   * @throws NpcException (usage) for a statement that is empty, does not parse or is not a query
   */
  public static String check(String statement, List<Views.View> views) {
    String text = statement.strip();
    while (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    if (text.isEmpty()) {
      throw Errors.usage(
          "The SQL statement is empty", "give a query, e.g. npc sql \"SELECT * FROM funnel\"");
    }
    LogicalPlan plan;
    try {
      plan = CatalystSqlParser$.MODULE$.parsePlan(text);
    } catch (Exception e) {
      throw explain(e, views);
    }
    String body = LEADING_COMMENTS.matcher(text).replaceFirst("");
    if (!READ_ONLY.matcher(body).matches() || changesAnything(plan)) {
      throw Errors.usage(
          "npc sql runs queries only, and '"
              + firstWord(body.strip())
              + "' is not one (the warehouse is changed only by runs)",
          "write a SELECT (or WITH ... SELECT) statement");
    }
    return text;
  }

  /** Whether the parsed statement holds anything but a query (e.g. WITH ... INSERT). */
  private static boolean changesAnything(LogicalPlan plan) {
    Deque<LogicalPlan> todo = new ArrayDeque<>(List.of(plan));
    while (!todo.isEmpty()) {
      LogicalPlan p = todo.removeFirst();
      if (p instanceof Command || p instanceof InsertIntoStatement) {
        return true;
      }
      todo.addAll(scala.jdk.javaapi.CollectionConverters.asJava(p.children()));
    }
    return false;
  }

  private static String firstWord(String text) {
    String[] words = text.split("\\s+", 2);
    return words[0].toUpperCase(Locale.ROOT);
  }

  /**
   * A failure of a statement as a one-line usage error: an unknown view names the views there are;
   * anything else is Spark's own first line (it names the fault and where), with where to look.
   * Anything that is not Spark's account of the statement is a bug, and is rethrown as it is.
   */
  public static RuntimeException explain(Exception e, List<Views.View> views) {
    Throwable t = e;
    while (t != null && !(t instanceof SparkThrowable)) {
      t = t.getCause();
    }
    if (!(t instanceof SparkThrowable spark)) {
      return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    String condition = spark.getCondition() == null ? "" : spark.getCondition();
    Map<String, String> parameters = spark.getMessageParameters();
    if (condition.startsWith("TABLE_OR_VIEW_NOT_FOUND")) {
      return Errors.usage(
          "The warehouse has no view "
              + parameters.getOrDefault("relationName", "named in the statement")
              + "; its views are "
              + String.join(", ", views.stream().map(Views.View::name).toList()),
          "see them with their columns: npc sql --tables");
    }
    return Errors.usage(
        "The SQL statement failed: "
            + Errors.firstLine(String.valueOf(t.getMessage()).strip()).replaceAll("[;\\s]+$", ""),
        "fix the statement (npc sql --tables lists the views and their columns)");
  }
}

package io.proactivecare.npc.cli;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.io.CsvTables;
import io.proactivecare.npc.io.SparkSessions;
import io.proactivecare.npc.sql.Sql;
import io.proactivecare.npc.sql.Views;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code npc sql}: Spark SQL over the published tables, registered as views by name. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Query the published tables with Spark SQL.",
      "",
      "Every published table is a view named by the last part of its name (efi,"
          + " scores, cohort, eligibility, funnel, estimates, gp_events, ...), at its newest"
          + " version or as of --as-of. Prints the result as a table, or writes it with"
          + " --csv FILE or --parquet DIR. npc sql --tables lists the views with their"
          + " columns. Queries only: the warehouse is changed only by runs. Views marked"
          + " patient_level hold person-level rows: keep what you take from them in the"
          + " secure environment. See docs/sql.md."
    })
final class SqlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      arity = "0..1",
      paramLabel = "STATEMENT",
      description = "A query, e.g. \"SELECT pcn_code, count(*) FROM cohort GROUP BY pcn_code\".")
  String statement;

  @Option(
      names = "--tables",
      description = "List the views with their version, rows, sensitivity and columns.")
  boolean tables;

  @Option(
      names = "--as-of",
      paramLabel = "yyyy-MM-dd",
      description =
          "Each view as of this date: its version keyed by it, else its newest before it"
              + " (default: its newest).")
  LocalDate asOf;

  @Option(
      names = "--limit",
      defaultValue = "100",
      paramLabel = "N",
      description = "Print at most this many rows (default ${DEFAULT-VALUE}); files get every row.")
  int limit;

  @ArgGroup(exclusive = true)
  Destination destination;

  /** Where the result goes instead of the terminal. */
  static final class Destination {
    @Option(names = "--csv", paramLabel = "FILE", description = "Write every row to a CSV file.")
    Path csv;

    @Option(
        names = "--parquet",
        paramLabel = "DIR",
        description = "Write every row as Parquet to a new folder.")
    Path parquet;
  }

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = common.load();
    if (tables == (statement != null)) {
      throw Errors.usage(
          tables
              ? "npc sql --tables lists the views and takes no statement"
              : "npc sql needs a statement or --tables",
          "e.g. npc sql \"SELECT * FROM funnel\", or npc sql --tables");
    }
    if (limit < 0) {
      throw Errors.usage("--limit " + limit + " is negative", "give 0 or more rows");
    }
    Warehouse warehouse = new Warehouse(loaded.config().warehouse());
    List<Views.View> views = Views.of(warehouse.catalog(), Optional.ofNullable(asOf));
    Path target =
        destination == null
            ? null
            : Optional.ofNullable(destination.csv).orElse(destination.parquet);
    if (target != null && Files.exists(target)) {
      throw Errors.usage(
          target + " already exists", "name a new file or folder, or remove the old one first");
    }
    if (statement != null) {
      Sql.check(statement, views); // a mistake in it is found before Spark starts
    }
    // A session of the command's own (sharing the Spark context) holds its views, so a view of one
    // warehouse never shadows another's when commands share a JVM.
    SparkSession spark = SparkSessions.create(loaded.config().spark()).newSession();
    Sql.register(spark, warehouse, views);
    PrintWriter out = spec.commandLine().getOut();
    if (tables) {
      printViews(out, spark, warehouse, views);
      return 0;
    }
    Dataset<Row> result = Sql.query(spark, statement, views);
    try {
      if (destination == null) {
        print(out, result);
      } else if (destination.csv != null) {
        long rows = writeCsv(destination.csv, result);
        out.printf("wrote %,d rows to %s%n", rows, destination.csv);
      } else {
        result.write().parquet(destination.parquet.toString());
        out.printf("wrote the result as Parquet to %s%n", destination.parquet);
      }
    } catch (Exception e) {
      throw Sql.explain(e, views);
    }
    out.flush();
    return 0;
  }

  private static void printViews(
      PrintWriter out, SparkSession spark, Warehouse warehouse, List<Views.View> views) {
    out.println("views of warehouse " + warehouse.root());
    for (Views.View v : views) {
      out.printf(
          "%n%s  (%s, as of %s, %,d rows, %s)%n",
          v.name(), v.output(), v.versionKey(), v.rows(), v.sensitivity().label());
      if (!v.description().isEmpty()) {
        out.println("  " + v.description());
      }
      Map<String, String> meaning = Views.columnDescriptions(v.output());
      for (StructField f : spark.table(v.name()).schema().fields()) {
        String m = meaning.getOrDefault(f.name(), "");
        out.printf("    %-32s %-14s %s%n", f.name(), f.dataType().simpleString(), m).flush();
      }
    }
    out.flush();
  }

  /** At most {@link #limit} rows as an aligned text table, saying when there were more. */
  private void print(PrintWriter out, Dataset<Row> result) {
    String[] names = result.columns();
    List<Row> rows = result.limit(limit + 1).collectAsList();
    boolean more = rows.size() > limit;
    List<List<String>> text = new ArrayList<>();
    for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
      text.add(cells(r, "NULL", 60));
    }
    int[] width = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      width[i] = names[i].length();
      for (List<String> line : text) {
        width[i] = Math.max(width[i], line.get(i).length());
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : width) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    out.println(rule);
    out.println(line(List.of(names), width));
    out.println(rule);
    for (List<String> line : text) {
      out.println(line(line, width));
    }
    out.println(rule);
    out.println(
        more
            ? "first "
                + limit
                + " rows (--limit N shows more; --csv FILE or --parquet DIR writes them all)"
            : rows.size() + (rows.size() == 1 ? " row" : " rows"));
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder("|");
    for (int i = 0; i < cells.size(); i++) {
      b.append(' ').append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length()));
      b.append(" |");
    }
    return b.toString();
  }

  private static long writeCsv(Path file, Dataset<Row> result) {
    List<String> header = List.of(result.columns());
    Iterator<Row> rows = result.toLocalIterator();
    long[] n = new long[1];
    CsvTables.stream(
        file,
        header,
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return rows.hasNext();
          }

          @Override
          public List<String> next() {
            n[0]++;
            return cells(rows.next(), "", Integer.MAX_VALUE);
          }
        });
    return n[0];
  }

  /** A row as text: lists as {@code [a, b]}, null as {@code nullText}, cut at {@code max}. */
  private static List<String> cells(Row r, String nullText, int max) {
    List<String> out = new ArrayList<>(r.length());
    for (int i = 0; i < r.length(); i++) {
      Object v = r.get(i);
      String s =
          v == null
              ? nullText
              : v instanceof scala.collection.Seq<?> seq
                  ? scala.jdk.javaapi.CollectionConverters.asJava(seq).toString()
                  : v.toString();
      out.add(s.length() > max ? s.substring(0, max - 3) + "..." : s);
    }
    return out;
  }
}

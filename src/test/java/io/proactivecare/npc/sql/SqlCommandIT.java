package io.proactivecare.npc.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SampleRun;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc sql} on the nightly job's published sample run: queries agree with the tables read
 * directly, --tables lists every table, results go to CSV and Parquet, and mistakes are one line
 * with exit code 2 that change nothing.
 */
class SqlCommandIT {
  private final SampleRun sample = SampleRun.get();
  @TempDir Path tmp;

  private Npc.Result sql(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "sql";
    System.arraycopy(args, 0, all, 1, args.length);
    return Npc.run(sample.warehouse(), all);
  }

  private Dataset<Row> published(String output) {
    Catalog.TableVersion v =
        new Warehouse(sample.warehouse()).catalog().latest(output).orElseThrow();
    return SparkTestSession.get().read().parquet(sample.warehouse().resolve(v.path()).toString());
  }

  @Test
  void aQueryAgreesWithTheTableReadDirectly() {
    Npc.Result r =
        sql(
            "SELECT pcn_code, count(*) AS people FROM cohort WHERE in_cohort"
                + " GROUP BY pcn_code ORDER BY pcn_code");
    assertEquals(0, r.exitCode(), r.err());
    List<Row> expected =
        published("cohort/list")
            .where("in_cohort")
            .groupBy("pcn_code")
            .count()
            .orderBy("pcn_code")
            .collectAsList();
    assertFalse(expected.isEmpty());
    for (Row e : expected) {
      String line = "| " + e.getString(0) + " ";
      assertTrue(
          r.out()
              .lines()
              .anyMatch(l -> l.startsWith(line) && l.contains("| " + e.getLong(1) + " ")),
          e + " not in\n" + r.out());
    }
    assertTrue(r.out().contains(expected.size() + " rows"), r.out());
  }

  @Test
  void theTablesAreListedWithTheirColumns() {
    Npc.Result r = sql("--tables");
    assertEquals(0, r.exitCode(), r.err());
    Catalog catalog = new Warehouse(sample.warehouse()).catalog();
    for (String output : catalog.outputs().keySet()) {
      assertEquals(
          // The model is files and the report an HTML page: neither is a table.
          !output.equals(io.proactivecare.npc.risk.ModelRegistry.OUTPUT)
              && !output.equals(io.proactivecare.npc.report.ReportStep.OUTPUT),
          r.out().contains("(" + output + ", as of"),
          output + " in\n" + r.out());
    }
    // Column descriptions come from the list's column document and the data contracts.
    assertTrue(r.out().matches("(?s).*\n +top_factors +array<string> +up to three .*"), r.out());
    assertTrue(r.out().matches("(?s).*\n +person_id +string +Pseudonymised person key.*"));
  }

  @Test
  void resultsGoToCsvAndParquetWhole() throws IOException {
    Path csv = tmp.resolve("efi.csv");
    Npc.Result r = sql("SELECT * FROM efi WHERE efi_category <> 'fit'", "--csv", csv.toString());
    assertEquals(0, r.exitCode(), r.err());
    long frail = published("frailty/efi").where("efi_category <> 'fit'").count();
    assertTrue(frail > 100, "a test of more rows than the terminal shows: " + frail);
    assertEquals(frail + 1, Files.readAllLines(csv).size());
    assertTrue(r.out().contains(String.format("wrote %,d rows", frail)), r.out());

    Path parquet = tmp.resolve("scores");
    r = sql("SELECT person_id, top_factors FROM scores", "--parquet", parquet.toString());
    assertEquals(0, r.exitCode(), r.err());
    Dataset<Row> back = SparkTestSession.get().read().parquet(parquet.toString());
    assertEquals(published("risk/scores").count(), back.count());
    assertEquals(0, back.where(functions.size(functions.col("top_factors")).lt(1)).count());

    oneLine(sql("SELECT 1", "--csv", csv.toString()), "already exists");
  }

  @Test
  void mistakesAreOneLineAndChangeNothing() {
    long funnel = published("cohort/funnel").count();
    oneLine(sql("SELECT * FROM funel"), "no view `funel`; its views are");
    oneLine(sql("SELEC * FROM funnel"), "PARSE_SYNTAX_ERROR");
    oneLine(sql("SELECT nosuch FROM funnel"), "UNRESOLVED_COLUMN");
    oneLine(sql("INSERT INTO funnel VALUES ('x', 1)"), "runs queries only, and 'INSERT'");
    oneLine(
        sql("WITH a AS (SELECT 'x', 1L) INSERT INTO funnel SELECT * FROM a"), "runs queries only");
    oneLine(sql("DROP VIEW funnel"), "runs queries only");
    oneLine(sql("--as-of", "2020-01-01", "SELECT 1"), "no output as of 2020-01-01");
    oneLine(sql(), "needs a statement or --tables");
    assertEquals(funnel, published("cohort/funnel").count());
    // An existing date works.
    assertEquals(0, sql("--as-of", SampleRun.DATE, "SELECT * FROM funnel").exitCode());
  }

  private static void oneLine(Npc.Result r, String says) {
    assertEquals(2, r.exitCode(), r.err());
    List<String> lines = r.errorLines();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith("npc: ") && lines.get(0).contains(says), r.err());
  }
}

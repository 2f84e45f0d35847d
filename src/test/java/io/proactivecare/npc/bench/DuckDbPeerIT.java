package io.proactivecare.npc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.TableContract;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SampleRun;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckDB peer on the bundled sample agrees with the engine's own outputs of the same extract
 * (the shared nightly run): the same people with the same eFI deficit count, the same 12-month
 * utilisation per person, and per table the engine's accepted rows plus exactly the rows that only
 * the rules the peer leaves out quarantine.
 */
class DuckDbPeerIT {
  private final SampleRun sample = SampleRun.get();
  @TempDir Path tmp;

  @Test
  void agreesWithTheEngineOnTheSample() throws Exception {
    Path out = tmp.resolve("peer");
    DuckDbPeer.Result r =
        DuckDbPeer.run(
            new DuckDbPeer.Options(
                Npc.HOME.resolve("sample-data"),
                out,
                Optional.empty(),
                Npc.HOME.resolve("conf"),
                Optional.of("2GB")));
    assertEquals(LocalDate.parse(SampleRun.DATE), r.asOf());
    assertEquals(List.of("ingest", "efi", "utilisation"), List.copyOf(r.phaseMillis().keySet()));
    assertEquals(Contracts.names(), List.copyOf(r.tables().keySet()), "all ten tables read");
    for (String f : List.of("efi.parquet", "utilisation.parquet", "conformed/gp_events.parquet")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    Catalog catalog = new Warehouse(sample.warehouse()).catalog();

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      // eFI and utilisation: the same people with the same deficit count, score and category,
      // and each 12-month count equal per person.
      Map<String, Long> differ = PeerAgreement.differences(out, sample.warehouse());
      assertEquals(
          Map.of(),
          differ.entrySet().stream()
              .filter(d -> d.getValue() != 0)
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
          "people who differ between the peer and frailty/efi or features/person");
      assertEquals(1 + DuckDbPeer.UTILISATION_COLUMNS.size(), differ.size());
      String peerEfi = parquet(out.resolve("efi.parquet"));
      String engineEfi = published(catalog, "frailty/efi");
      long engineScored = count(s, "SELECT count(*) FROM " + engineEfi);
      assertEquals(engineScored, r.peopleScored(), "people scored");
      assertTrue(engineScored > 3000, "the sample's adults: " + engineScored);
      assertTrue(
          count(s, "SELECT count(*) FROM " + peerEfi + " WHERE efi_category <> 'fit'") > 100,
          "a test of people with deficits, not of zeros");
      String peerUse = parquet(out.resolve("utilisation.parquet"));
      String features = published(catalog, "features/person");
      assertEquals(count(s, "SELECT count(*) FROM " + features), r.peopleRegistered());
      for (String col : DuckDbPeer.UTILISATION_COLUMNS) {
        assertTrue(
            count(s, "SELECT CAST(sum(" + col + ") AS BIGINT) FROM " + peerUse) > 100,
            col + " in total");
      }

      // Rows per table: the engine's accepted rows are all kept by the peer (same typed values),
      // and the peer keeps exactly the rows that only the rules it leaves out quarantine.
      String quarantine =
          "read_parquet("
              + str(
                  sample.warehouse().resolve(catalog.latest("quarantine").orElseThrow().path())
                      + "/**/*.parquet")
              + ", hive_partitioning = true)";
      String notApplied =
          DuckDbPeer.RULES_NOT_APPLIED.stream()
              .map(DuckDbPeerIT::str)
              .collect(Collectors.joining(", ", "(", ")"));
      for (Map.Entry<String, DuckDbPeer.TableRows> e : r.tables().entrySet()) {
        String table = e.getKey();
        TableContract contract = Contracts.byName(table).orElseThrow();
        String engine = published(catalog, "conformed/" + table);
        String peer = parquet(out.resolve("conformed/" + table + ".parquet"));
        long accepted = count(s, "SELECT count(*) FROM " + engine);
        long quarantined =
            count(s, "SELECT count(*) FROM " + quarantine + " WHERE \"table\" = " + str(table));
        long onlyNotApplied =
            count(
                s,
                "SELECT count(*) FROM "
                    + quarantine
                    + " WHERE \"table\" = "
                    + str(table)
                    + " AND len(list_filter(reasons, lambda x: split_part(x, ':', 1) NOT IN "
                    + notApplied
                    + ")) = 0");
        DuckDbPeer.TableRows rows = e.getValue();
        assertEquals(accepted + quarantined, rows.read(), table + ": rows read");
        assertEquals(rows.kept(), count(s, "SELECT count(*) FROM " + peer), table + ": written");
        assertEquals(
            accepted + onlyNotApplied,
            rows.kept(),
            table
                + ": the peer keeps the engine's accepted rows plus those quarantined only by "
                + DuckDbPeer.RULES_NOT_APPLIED);
        String cols = String.join(", ", contract.columnNames());
        assertEquals(
            0,
            count(
                s,
                "SELECT count(*) FROM (SELECT "
                    + cols
                    + " FROM "
                    + engine
                    + " EXCEPT ALL SELECT "
                    + cols
                    + " FROM "
                    + peer
                    + ")"),
            table + ": engine-accepted rows the peer does not have, with the same typed values");
      }
      // The sample's planted faults the peer keeps: future-dated and wrongly formed event codes.
      assertTrue(
          r.tables().get("gp_events").kept()
              > count(s, "SELECT count(*) FROM " + published(catalog, "conformed/gp_events")));
    }
  }

  private String published(Catalog catalog, String output) {
    return PeerAgreement.published(sample.warehouse(), catalog, output);
  }

  private static String parquet(Path path) {
    return PeerAgreement.parquet(path);
  }

  private static String str(String v) {
    return PeerAgreement.str(v);
  }

  private static long count(Statement s, String sql) throws SQLException {
    return PeerAgreement.count(s, sql);
  }
}

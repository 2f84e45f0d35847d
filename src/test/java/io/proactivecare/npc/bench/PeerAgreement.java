package io.proactivecare.npc.bench;

import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the DuckDB peer's eFI and 12-month utilisation agree with the engine's published {@code
 * frailty/efi} and {@code features/person} of the same extract: the number of people who differ
 * (present in one only, or with a different value), per measure. Used by the benchmark after each
 * size and by {@code DuckDbPeerIT}; only counts leave it, never a person.
 */
final class PeerAgreement {
  private PeerAgreement() {}

  /**
   * People who differ, keyed {@code efi} (deficit count, category or score) and by each column of
   * {@link DuckDbPeer#UTILISATION_COLUMNS}, in that order.
   */
  static Map<String, Long> differences(Path peerOut, Path warehouse) throws SQLException {
    Catalog catalog = new Warehouse(warehouse).catalog();
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      String peerEfi = parquet(peerOut.resolve("efi.parquet"));
      String engineEfi = published(warehouse, catalog, "frailty/efi");
      out.put(
          "efi",
          count(
              s,
              "SELECT count(*) FROM "
                  + peerEfi
                  + " p FULL JOIN "
                  + engineEfi
                  + " e ON p.person_id = e.person_id WHERE p.person_id IS NULL"
                  + " OR e.person_id IS NULL OR p.deficit_count <> e.deficit_count"
                  + " OR p.efi_category <> e.efi_category"
                  + " OR abs(p.efi_score - e.efi_score) > 1e-12"));
      String peerUse = parquet(peerOut.resolve("utilisation.parquet"));
      String features = published(warehouse, catalog, "features/person");
      for (String col : DuckDbPeer.UTILISATION_COLUMNS) {
        out.put(
            col,
            count(
                s,
                "SELECT count(*) FROM "
                    + peerUse
                    + " p FULL JOIN "
                    + features
                    + " e ON p.person_id = e.person_id WHERE p.person_id IS NULL"
                    + " OR e.person_id IS NULL OR p."
                    + col
                    + " IS DISTINCT FROM e."
                    + col));
      }
    }
    return out;
  }

  /** The newest version of a published output, as a DuckDB relation. */
  static String published(Path warehouse, Catalog catalog, String output) {
    Catalog.TableVersion v =
        catalog
            .latest(output)
            .orElseThrow(() -> new IllegalStateException(output + " is not published"));
    return parquet(warehouse.resolve(v.path()).resolve("**/*.parquet"));
  }

  static String parquet(Path path) {
    return "read_parquet(" + str(path.toString()) + ")";
  }

  static String str(String v) {
    return "'" + v.replace("'", "''") + "'";
  }

  static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new SQLException("no row from " + sql);
      }
      return rs.getLong(1);
    }
  }
}

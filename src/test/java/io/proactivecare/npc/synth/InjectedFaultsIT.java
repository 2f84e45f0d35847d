package io.proactivecare.npc.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The generator's injected faults through the CLI's ingest: each quarantined under its reason and
 * nothing else, the same whether the checked rows are held as rows or in columns, and nothing left
 * persisted in the shared session afterwards. Isolated: that last check reads the session's
 * persisted RDDs, which a test running beside it would add to.
 */
@Isolated
class InjectedFaultsIT {
  @TempDir Path tmp;

  @Test
  void everyInjectedFaultIsQuarantinedUnderItsReasonAndNothingElse() throws Exception {
    Path out = tmp.resolve("faulty");
    Npc.Result g =
        Npc.run(
            tmp.resolve("wh"),
            "generate",
            "--people",
            "4000",
            "--seed",
            "3",
            "--faults",
            "0.04",
            "--out",
            out.toString());
    assertEquals(0, g.exitCode(), g.err());
    java.util.Map<String, Long> injected = new java.util.TreeMap<>();
    java.util.Set<String> kinds = new java.util.TreeSet<>();
    for (String line :
        SyntheticPopulationIT.text(out.resolve("truth/faults.csv.gz")).lines().skip(1).toList()) {
      String[] f = line.split(",");
      injected.merge(f[0] + " " + f[2], 1L, Long::sum);
      kinds.add(f[1]);
    }
    assertEquals(
        Fault.values().length, kinds.size(), "every kind injected at least once: " + kinds);
    RunManifest.StepRecord asRows = ingest(tmp.resolve("wh"), out, "rows");
    java.util.Map<String, Long> quarantined = new java.util.TreeMap<>();
    for (RunManifest.ReasonCount c : asRows.quarantineReasons()) {
      quarantined.merge(c.table() + " " + c.reasonCode(), c.rows(), Long::sum);
    }
    assertEquals(injected, quarantined);

    // Held in Spark's columnar cache instead of as rows, the checked rows give the same tables,
    // reasons and quarantined rows.
    RunManifest.StepRecord inColumns = ingest(tmp.resolve("wh-columns"), out, "columns");
    assertEquals(asRows.quarantineReasons(), inColumns.quarantineReasons());
    assertEquals(asRows.tables(), inColumns.tables());
    assertEquals(
        contents(tmp.resolve("wh"), asRows), contents(tmp.resolve("wh-columns"), inColumns));
  }

  /** The ingest of every table, quarantine allowed, its checked rows held as {@code cache} says. */
  private static RunManifest.StepRecord ingest(Path warehouse, Path extract, String cache) {
    java.util.Set<Object> before = persisted();
    Npc.Result r =
        Npc.run(
            warehouse,
            "ingest",
            "--extract",
            extract.toString(),
            "--set",
            "quality.max_quarantine_share=1",
            "--set",
            "ingest.cache=" + cache);
    assertEquals(0, r.exitCode(), r.err());
    // What the ingest held for its passes, rows or columns, is all freed when it is done.
    java.util.Set<Object> left = persisted();
    left.removeAll(before);
    assertEquals(java.util.Set.of(), left, "RDDs the ingest left persisted (" + cache + ")");
    return new Warehouse(warehouse).runs().get(0).steps().get(0);
  }

  /** The ids of the shared session's persisted RDDs. */
  private static java.util.Set<Object> persisted() {
    return new java.util.HashSet<>(
        scala.jdk.javaapi.CollectionConverters.asJava(
                SparkTestSession.get().sparkContext().getPersistentRDDs())
            .keySet());
  }

  /**
   * Each output's name and content checksum (worked out here for the quarantine, which has none).
   */
  private static java.util.Map<String, String> contents(
      Path warehouse, RunManifest.StepRecord step) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    for (RunManifest.Output o : step.outputs()) {
      out.put(
          o.name(),
          o.checksum().isEmpty()
              ? io.proactivecare.npc.io.ContentChecksum.of(
                  SparkTestSession.get().read().parquet(warehouse.resolve(o.path()).toString()))
              : o.checksum());
    }
    return out;
  }
}

package io.proactivecare.npc.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SampleRun;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Sensitivity;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The monitoring step on the shared sample run (the nightly job's first run of a warehouse): it
 * publishes {@code monitoring/measures} as a controlled aggregate with its CSV and README, and
 * {@code npc runs show} gives its section, with nothing to compare with yet and nothing matured.
 */
class MonitoringSampleIT {
  private final SampleRun sample = SampleRun.get();

  @Test
  void theFirstRunPublishesItsMeasuresAndShowsItsChecks() throws Exception {
    Catalog c = new Warehouse(sample.warehouse()).catalog();
    Catalog.Entry e = c.entry(MonitoringStep.MEASURES).orElseThrow();
    assertEquals(Sensitivity.AGGREGATE, e.sensitivity());
    assertTrue(e.versions().containsKey(SampleRun.DATE), e.versions().toString());

    Path dir = sample.publish().resolve("aggregate").resolve(SampleRun.DATE).resolve("monitoring");
    List<String> csv = Files.readAllLines(dir.resolve("measures.csv"));
    assertEquals(
        "measure,population,breakdown,level,numerator,denominator_population,denominator,value,"
            + "suppressed",
        csv.get(0));
    // gp_events: 108,127 rows read, rounded to 5; 113 quarantined, rounded to 115.
    assertTrue(csv.contains("rows,read,table,gp_events,108125,,,108125,"), csv.toString());
    assertTrue(csv.contains("rows,quarantined,table,gp_events,115,,,115,"), csv.toString());
    assertTrue(Files.readString(dir.resolve("README.md")).contains("### `measures.csv`"));
    assertTrue(sample.result().out().contains("note: monitoring: "), sample.result().out());

    Npc.Result shown = Npc.run(sample.warehouse(), "runs", "show", "latest");
    assertEquals(0, shown.exitCode(), shown.err());
    String out = shown.out();
    assertTrue(out.contains("\nmonitoring (docs/operations.md"), out);
    assertTrue(
        out.lines()
            .anyMatch(
                l -> l.matches("\\s+rows_read\\s+gp_events\\s+108,127\\s+-\\s+no_baseline .*")),
        out);
    assertTrue(
        out.lines()
            .anyMatch(
                l ->
                    l.matches("\\s+auroc\\s+risk/scores\\s+-\\s+-\\s+not_matured not matured: .*")),
        out);
    Npc.Result listed = Npc.run(sample.warehouse(), "runs", "list");
    assertTrue(listed.out().contains("MONITORING"), listed.out());
    // The sample's one run had nothing to compare with: not "ok".
    assertTrue(listed.out().contains("no baseline"), listed.out());
  }
}

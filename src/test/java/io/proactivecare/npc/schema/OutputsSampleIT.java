package io.proactivecare.npc.schema;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.risk.ModelRegistry;
import io.proactivecare.npc.testing.SampleRun;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * What the bundled sample's nightly run published keeps its contracts when read back: each output
 * with its declared sensitivity, columns and types, and no null in a column declared never empty
 * (the write checks the columns; only the data can show that the declared emptiness is true).
 */
class OutputsSampleIT {
  @Test
  void thePublishedOutputsHaveTheirContractsColumnsAndNoNullWhereNoneIsDeclared() {
    SampleRun sample = SampleRun.get();
    Warehouse warehouse = new Warehouse(sample.warehouse());
    Catalog catalog = warehouse.catalog();
    NpcConfig config =
        ConfigLoader.load(Optional.empty(), Map.of("warehouse", sample.warehouse().toString()))
            .config();
    List<String> problems = new ArrayList<>();
    int tables = 0;
    for (Map.Entry<String, Catalog.Entry> e : catalog.outputs().entrySet()) {
      OutputContract contract =
          Outputs.find(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey()));
      if (contract.sensitivity() != e.getValue().sensitivity()) {
        problems.add(e.getKey() + " published as " + e.getValue().sensitivity());
      }
      if (contract.columns().isEmpty()) {
        continue;
      }
      Path dir = warehouse.resolve(catalog.latest(e.getKey()).orElseThrow().path());
      if (contract.name().equals(ModelRegistry.OUTPUT)) {
        dir = dir.resolve("metrics");
      }
      Dataset<Row> data = SparkTestSession.get().read().parquet(dir.toString());
      if (contract.name().equals(Outputs.QUARANTINE.name())) {
        // Read back, the partition column comes last.
        data = contract.select(data);
      }
      try {
        contract.check(data.schema(), config);
      } catch (IllegalStateException x) {
        problems.add(x.getMessage());
        continue;
      }
      List<Column> nulls = new ArrayList<>();
      for (StructField f : contract.schema(config).fields()) {
        if (!f.nullable()) {
          nulls.add(count(when(col(f.name()).isNull(), 1)).as(f.name()));
        }
      }
      Row n = data.agg(nulls.get(0), nulls.subList(1, nulls.size()).toArray(Column[]::new)).first();
      for (int i = 0; i < n.size(); i++) {
        if (n.getLong(i) > 0) {
          problems.add(
              e.getKey() + "." + n.schema().fields()[i].name() + ": " + n.getLong(i) + " nulls");
        }
      }
      tables++;
    }
    assertEquals(List.of(), problems);
    // The nightly job's tables: ten conformed, the quarantine, five frailty, features, the model's
    // metrics, scores, seven of the cohort, monitoring.
    assertEquals(27, tables);
  }
}

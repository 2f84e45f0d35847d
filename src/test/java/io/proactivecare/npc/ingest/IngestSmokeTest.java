package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.testing.TestExtract;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestSmokeTest {
  @TempDir Path tmp;

  @Test
  void badDischargeGoesToQuarantineAndCountsReconcile() {
    Path extract =
        TestExtract.in(tmp.resolve("x"))
            .basics(2)
            .csv(
                "apc_spells",
                "spell_id,person_id,admission_date,discharge_date,admission_method,patient_classification,discharge_method,discharge_destination,provider_code,diagnoses",
                "S1,P1,2024-01-10,2024-01-12,21,1,1,19,RR8,I10X;N180",
                "S2,P2,2024-01-10,2024-01-09,21,1,1,19,RR8,")
            .write();
    Npc.Result r =
        Npc.run(
            tmp.resolve("wh"),
            "ingest",
            "--extract",
            extract.toString(),
            "--set",
            "quality.max_quarantine_share=1");
    assertEquals(0, r.exitCode(), r.err());
    Warehouse w = new Warehouse(tmp.resolve("wh"));
    String q = w.resolve(w.catalog().latest("quarantine").orElseThrow().path()).toString();
    List<Row> rows = SparkTestSession.get().read().parquet(q).collectAsList();
    assertEquals(1, rows.size());
    assertEquals("DATE_ORDER", rows.get(0).getAs("reason_code"));
    assertEquals(2L, (long) rows.get(0).<Long>getAs("row_number"));
  }
}

package io.proactivecare.npc.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContractsDocTest {
  @Test
  void docsDataContractsIsTheGeneratedText() throws Exception {
    Path doc = Npc.HOME.resolve("docs/data-contracts.md");
    assertEquals(
        ContractsDoc.markdown(),
        Files.readString(doc),
        "docs/data-contracts.md is stale: regenerate it with bin/npc contracts > docs/data-contracts.md");
  }

  @Test
  void everyTableAndColumnIsDocumented() {
    String md = ContractsDoc.markdown();
    for (TableContract t : Contracts.ALL) {
      assertTrue(md.contains("## `" + t.name() + "`"), t.name());
      for (ColumnSpec c : t.columns()) {
        assertTrue(md.contains("| `" + c.name() + "` |"), t.name() + "." + c.name());
      }
    }
  }
}

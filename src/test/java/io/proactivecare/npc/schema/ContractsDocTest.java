package io.proactivecare.npc.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

  /**
   * Every table and column says what it is in words of its own: a description that is not blank and
   * is more than the column's name (the generated document prints whatever the contract holds, so
   * an undocumented column would otherwise pass unseen). Issue 15 item 23.
   */
  @Test
  void everyTableAndColumnHasADescriptionOfItsOwn() {
    java.util.List<String> bare = new java.util.ArrayList<>();
    for (TableContract t : Contracts.ALL) {
      if (t.description() == null || t.description().strip().length() < 20) {
        bare.add(t.name());
      }
      for (ColumnSpec c : t.columns()) {
        String d = c.description() == null ? "" : c.description().strip();
        if (d.isEmpty() || letters(d).equals(letters(c.name()))) {
          bare.add(t.name() + "." + c.name() + " ('" + d + "')");
        }
      }
    }
    assertEquals(java.util.List.of(), bare, "described by their name alone");
  }

  private static String letters(String s) {
    return s.replaceAll("[^A-Za-z0-9]", "").toLowerCase(java.util.Locale.ROOT);
  }
}

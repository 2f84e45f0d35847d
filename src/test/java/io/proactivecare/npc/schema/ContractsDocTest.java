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

  /**
   * The outputs half is generated too (from {@link Outputs}): every output has its section, and the
   * section lists every declared column, in order, so the committed document (compared above) shows
   * what each write is checked against.
   */
  @Test
  void theDocumentHasEveryOutputWithItsColumnsInOrder() {
    String md = ContractsDoc.markdown();
    for (OutputContract o : Outputs.ALL) {
      String heading = "\n### `" + o.name() + "`\n";
      assertTrue(md.contains(heading), o.name());
      int from = md.indexOf(heading) + heading.length();
      int to = md.indexOf("\n### ", from);
      String section = md.substring(from, to < 0 ? md.length() : to);
      int at = 0;
      for (OutputColumn c : o.columns()) {
        int next = section.indexOf("\n| `" + c.name() + "` | ", at);
        assertTrue(next >= 0, o.name() + " lists " + c.name() + " in order");
        at = next + 1;
      }
      assertTrue(
          section.contains(
              o.sensitivity() == io.proactivecare.npc.warehouse.Sensitivity.AGGREGATE
                  ? "; aggregate;"
                  : "; patient-level;"),
          o.name());
    }
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

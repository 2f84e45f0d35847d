package io.proactivecare.npc.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's deficits are the codelist's, whatever order its rows come in. */
class CatalogueTest {
  @TempDir Path tmp;

  @Test
  void theDeficitsAreTheCodelistsInTheOrderOfTheirNames() throws IOException {
    List<String> lines = Files.readAllLines(GeneratorTest.CODELIST);
    // The same rows with the deficits' blocks in reverse order (each block's codes as they were).
    Map<String, List<String>> blocks = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      blocks.computeIfAbsent(line.split(",", 2)[0], k -> new ArrayList<>()).add(line);
    }
    List<String> reversed = new ArrayList<>(List.of(lines.get(0)));
    List<List<String>> order = new ArrayList<>(blocks.values());
    Collections.reverse(order);
    order.forEach(reversed::addAll);
    Path file = tmp.resolve("reversed.csv");
    Files.write(file, reversed);

    Catalogue shipped = Catalogue.load(GeneratorTest.CODELIST);
    assertEquals(FrailtyModel.PREVALENCE_AT_75.length, shipped.deficitCodes().size());
    assertEquals(shipped.deficitCodes(), Catalogue.load(file).deficitCodes());
    // The first by name: activity limitation, whose codes include the attendance allowance.
    assertTrue(shipped.deficitCodes().get(0).contains("160983005"));
  }

  @Test
  void aCodelistOfOtherDeficitsIsRefusedWithTheCounts() throws IOException {
    Path file = tmp.resolve("two.csv");
    Files.writeString(file, "deficit,code\nFalls,161898004\nDiabetes,73211009\n");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Catalogue.load(file));
    assertTrue(
        e.getMessage().contains("has codes for 2 deficits; the generator models 35"),
        e.getMessage());
  }
}

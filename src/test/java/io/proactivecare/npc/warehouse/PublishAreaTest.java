package io.proactivecare.npc.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivering staged folders to the publish area: whole folders, replaced whole. */
class PublishAreaTest {
  @TempDir Path tmp;

  private Path staged(String name, String... files) throws IOException {
    Path dir = tmp.resolve("staged-" + name);
    Files.createDirectories(dir);
    for (String f : files) {
      Files.writeString(dir.resolve(f), name + ":" + f);
    }
    return dir;
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void aSecondDeliveryReplacesTheWholeFolder() throws IOException {
    PublishArea area = new PublishArea(tmp.resolve("publish"));
    assertEquals(2, area.deliver(staged("one", "a.csv", "COLUMNS.md"), "pcn/U1/2025-03-31"));
    Path target = tmp.resolve("publish/pcn/U1/2025-03-31");
    assertEquals(List.of("COLUMNS.md", "a.csv"), listing(target));
    // The second delivery has no a.csv: the folder is replaced, not merged.
    assertEquals(1, area.deliver(staged("two", "b.csv"), "pcn/U1/2025-03-31"));
    assertEquals(List.of("b.csv"), listing(target));
    assertEquals("two:b.csv", Files.readString(target.resolve("b.csv")));
    // Nothing is left beside it: no incoming or replaced copies.
    try (Stream<Path> s = Files.list(target.getParent())) {
      assertEquals(List.of(target), s.toList());
    }
    // The staged folder stays in the run folder, for the record.
    assertFalse(listing(tmp.resolve("staged-two")).isEmpty());
  }

  @Test
  void refusesAFolderOutsideTheArea() throws IOException {
    PublishArea area = new PublishArea(tmp.resolve("publish"));
    Path s = staged("x", "a.csv");
    assertThrows(IllegalArgumentException.class, () -> area.deliver(s, "../elsewhere"));
  }
}

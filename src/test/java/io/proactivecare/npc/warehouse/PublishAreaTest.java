package io.proactivecare.npc.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deliveries to the publish area: whole folders, swapped in together, or not at all. */
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

  /** Every file under the area, with its content, except the lock. */
  private List<String> tree() throws IOException {
    Path root = tmp.resolve("publish");
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals(".deliver.lock"))
          .map(
              p -> {
                try {
                  return root.relativize(p) + "=" + Files.readString(p);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sorted()
          .toList();
    }
  }

  private Warehouse warehouse() {
    return new Warehouse(tmp.resolve("warehouse"));
  }

  private int runs;

  /** Commits a delivery with the catalog of a new run. */
  private long commit(PublishArea.Delivery d) {
    Warehouse w = warehouse();
    String runId = "run-" + ++runs;
    return d.commit(w, runId, () -> w.publish(runId, List.of(), Instant.now()));
  }

  private void deliver(String relative, Path staged) {
    try (PublishArea.Delivery d = new PublishArea(tmp.resolve("publish")).begin()) {
      d.prepare(staged, relative);
      commit(d);
    }
  }

  @Test
  void aPublishSaysWhatEachFolderHeldInWords() throws IOException {
    Path stagedRoot = tmp.resolve("staged-root");
    for (String[] folder :
        List.of(
            new String[] {"pcn/U1/2025-03-31", "a.csv"},
            new String[] {"agg/2025-03-31", "x", "y"})) {
      Path dir = Files.createDirectories(stagedRoot.resolve(folder[0]));
      for (int i = 1; i < folder.length; i++) {
        Files.writeString(dir.resolve(folder[i]), folder[i]);
      }
    }
    Warehouse w = warehouse();
    PublishArea.Published p =
        new PublishArea(tmp.resolve("publish"))
            .publish(
                w,
                "r1",
                stagedRoot,
                List.of("pcn/U1/2025-03-31", "agg/2025-03-31"),
                List.of(),
                () -> w.publish("r1", List.of(), Instant.now()));
    assertEquals(List.of("pcn/U1/2025-03-31 (1 file)", "agg/2025-03-31 (2 files)"), p.delivered());
  }

  @Test
  void aSecondDeliveryReplacesTheWholeFolder() throws IOException {
    deliver("pcn/U1/2025-03-31", staged("one", "a.csv", "COLUMNS.md"));
    assertEquals(
        List.of("pcn/U1/2025-03-31/COLUMNS.md=one:COLUMNS.md", "pcn/U1/2025-03-31/a.csv=one:a.csv"),
        tree());
    // The second delivery has no a.csv: the folder is replaced, not merged, and nothing is left
    // beside it.
    deliver("pcn/U1/2025-03-31", staged("two", "b.csv"));
    assertEquals(List.of("pcn/U1/2025-03-31/b.csv=two:b.csv"), tree());
    try (Stream<Path> s = Files.list(tmp.resolve("publish/pcn/U1"))) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void aDeliveryWhoseCatalogFailsLeavesEveryFolderAsItWas() throws IOException {
    deliver("pcn/U1/2025-03-31", staged("one", "a.csv"));
    deliver("pcn/U2/2025-03-31", staged("two", "b.csv"));
    List<String> before = tree();
    long version = warehouse().catalog().version();
    // A run delivers new lists for U1 and U3 and withdraws U2's, then its catalog publish fails.
    try (PublishArea.Delivery d = new PublishArea(tmp.resolve("publish")).begin()) {
      assertEquals(1, d.prepare(staged("three", "c.csv"), "pcn/U1/2025-03-31"));
      d.prepare(staged("four", "d.csv"), "pcn/U3/2025-03-31");
      d.withdraw("pcn/U2/2025-03-31");
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  d.commit(
                      warehouse(),
                      "failing",
                      () -> {
                        // Up to the catalog's decision, readers see nothing new.
                        assertFalse(Files.exists(tmp.resolve("publish/pcn/U3/2025-03-31")));
                        assertTrue(Files.exists(tmp.resolve("publish/pcn/U2/2025-03-31")));
                        throw new IllegalStateException("no space");
                      }));
      assertEquals("no space", e.getMessage());
    }
    assertEquals(before, tree());
    assertEquals(version, warehouse().catalog().version());
  }

  @Test
  void aKeptDeliveryWithdrawsFolders() throws IOException {
    deliver("pcn/U2/2025-03-31", staged("two", "b.csv"));
    try (PublishArea.Delivery d = new PublishArea(tmp.resolve("publish")).begin()) {
      d.prepare(staged("one", "a.csv"), "pcn/U1/2025-03-31");
      d.withdraw("pcn/U2/2025-03-31");
      commit(d);
    }
    assertEquals(List.of("pcn/U1/2025-03-31/a.csv=one:a.csv"), tree());
  }

  @Test
  void theNextDeliveryRepairsWhatAKilledOneLeft() throws IOException {
    deliver("pcn/U1/2025-03-31", staged("one", "a.csv"));
    Path dir = tmp.resolve("publish/pcn/U1");
    // Killed between its two renames: the old folder aside, the new one not yet in place.
    Files.move(dir.resolve("2025-03-31"), dir.resolve(".2025-03-31.replaced-0123abcd"));
    Files.createDirectories(dir.resolve(".2025-03-31.incoming-0123abcd"));
    Files.writeString(dir.resolve(".2025-03-31.incoming-0123abcd/x.csv"), "half");
    new PublishArea(tmp.resolve("publish")).begin().close();
    assertEquals(List.of("pcn/U1/2025-03-31/a.csv=one:a.csv"), tree());
  }

  @Test
  void refusesAFolderOutsideTheArea() throws IOException {
    Path s = staged("x", "a.csv");
    try (PublishArea.Delivery d = new PublishArea(tmp.resolve("publish")).begin()) {
      assertThrows(IllegalArgumentException.class, () -> d.prepare(s, "../elsewhere"));
      assertThrows(IllegalArgumentException.class, () -> d.withdraw("."));
    }
  }
}

package io.proactivecare.npc.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real publish, in a separate JVM, at every point where it changes the disk (each copy,
 * rename and delete of the delivery, the journal, the catalog's lock, temporary file and rename),
 * with {@code Runtime.halt} (as abrupt as SIGKILL for the file system; {@link HaltPoints}). After
 * each kill the catalog and the publish area must both be the old state or the new one: never a
 * list the catalog does not publish. Then the next run, for another date, must find the decided
 * state completed and nothing left over.
 *
 * <p>The run killed reruns the published date: it replaces U1's list (160 people instead of 88) and
 * the aggregates, adds a list for U3, and withdraws U2's.
 */
class PublishKillIT {
  private static final String DATE = "2025-03-31";
  private static final String LATER = "2025-04-30";
  private static final String OLD = "20250401T020000Z-nightly-0001";
  private static final String NEW = "20250402T020000Z-nightly-0002";
  private static final String NEXT = "20250403T020000Z-nightly-0003";
  private static final String AFTER = "20250404T020000Z-nightly-0004";

  private static final Map<String, String> OLD_FILES =
      Map.of(
          "pcn/U1/" + DATE + "/cohort-U1.csv", "88 people",
          "pcn/U2/" + DATE + "/cohort-U2.csv", "40 people",
          "aggregate/" + DATE + "/cohort/concentration.csv", "old figures");
  private static final Map<String, String> NEW_FILES =
      Map.of(
          "pcn/U1/" + DATE + "/cohort-U1.csv", "160 people",
          "pcn/U1/" + DATE + "/COLUMNS.md", "columns",
          "pcn/U3/" + DATE + "/cohort-U3.csv", "12 people",
          "aggregate/" + DATE + "/cohort/concentration.csv", "new figures",
          "aggregate/" + DATE + "/cohort/churn.csv", "new churn");
  private static final Map<String, String> NEXT_FILES =
      Map.of(
          "pcn/U1/" + LATER + "/cohort-U1.csv", "90 people",
          "aggregate/" + LATER + "/cohort/concentration.csv", "later figures");

  @TempDir Path tmp;

  /** Stages {@code files} in run {@code runId}'s deliver folder; returns the staged folders. */
  private static List<String> stage(Path warehouse, String runId, Map<String, String> files)
      throws IOException {
    List<String> folders = new ArrayList<>();
    for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
      Path file = warehouse.resolve("runs/" + runId + "/deliver/" + f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
      String folder = Path.of(f.getKey()).getParent().toString();
      if (!folders.contains(folder)) {
        folders.add(folder);
      }
    }
    return folders;
  }

  /** Every file a reader of the publish area sees (no hidden entry on its path), with contents. */
  private static Map<String, String> visible(Path publish) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(publish)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Path rel = publish.relativize(p);
        boolean hidden = false;
        for (Path part : rel) {
          hidden |= part.toString().startsWith(".");
        }
        if (!hidden) {
          out.put(rel.toString(), Files.readString(p, StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  /** Hidden entries left in the publish area, other than the lock. */
  private static List<String> leftOver(Path publish) throws IOException {
    try (Stream<Path> s = Files.walk(publish)) {
      return s.filter(p -> p.getFileName().toString().startsWith("."))
          .filter(p -> !p.getFileName().toString().equals(".deliver.lock"))
          .map(p -> publish.relativize(p).toString())
          .toList();
    }
  }

  private static Map<String, String> union(Map<String, String> a, Map<String, String> b) {
    Map<String, String> out = new TreeMap<>(a);
    out.putAll(b);
    return out;
  }

  /** The result of one child JVM. */
  private record Child(int exit, String err) {
    String point() {
      return err.lines().filter(l -> l.startsWith("npc.test: halted")).findFirst().orElse(err);
    }
  }

  private static Child publishInChild(
      Path warehouse,
      Path publish,
      int haltAt,
      String runId,
      String date,
      List<String> staged,
      List<String> withdrawn)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd =
        List.of(
            java.toString(),
            "-Xmx64m",
            "-XX:TieredStopAtLevel=1",
            "-D" + HaltPoints.PROPERTY + "=" + haltAt,
            "-cp",
            System.getProperty("java.class.path"),
            PublishChild.class.getName(),
            warehouse.toString(),
            publish.toString(),
            runId,
            date,
            String.join(",", staged),
            withdrawn.isEmpty() ? "-" : String.join(",", withdrawn));
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
    return new Child(p.exitValue(), err);
  }

  @Test
  void aKillAtAnyPointLeavesTheOldStateOrTheNewAndTheNextRunCompletesIt(TestReporter report)
      throws Exception {
    Path base = tmp.resolve("base");
    Path wh = base.resolve("warehouse");
    Path pub = base.resolve("publish");
    PublishChild.publish(wh, pub, OLD, DATE, stage(wh, OLD, OLD_FILES), List.of());
    List<String> staged = stage(wh, NEW, NEW_FILES);
    List<String> withdrawn = List.of("pcn/U2/" + DATE);
    List<String> nextStaged = stage(wh, NEXT, NEXT_FILES);
    stage(wh, AFTER, NEXT_FILES);
    assertEquals(OLD_FILES, visible(pub));

    int killedOld = 0;
    int killedNew = 0;
    boolean killedNextRun = false;
    for (int n = 1; ; n++) {
      assertTrue(n < 500, "the publish never finished");
      Path dir = tmp.resolve("kill-" + n);
      PublishArea.copyTree(base, dir);
      Path w = dir.resolve("warehouse");
      Path p = dir.resolve("publish");
      Child child = publishInChild(w, p, n, NEW, DATE, staged, withdrawn);
      if (child.exit() == 0) {
        assertEquals(NEW, new Warehouse(w).catalog().runId());
        assertEquals(NEW_FILES, visible(p));
        assertEquals(List.of(), leftOver(p));
        break;
      }
      assertEquals(HaltPoints.STATUS, child.exit(), child.err());
      String at = child.point();
      String published = new Warehouse(w).catalog().runId();
      Map<String, String> decided;
      if (published.equals(OLD)) {
        killedOld++;
        decided = OLD_FILES;
        // The heart of it: nothing of a run that never published is visible.
        assertEquals(OLD_FILES, visible(p), at + ": the catalog still names the old run");
      } else {
        killedNew++;
        assertEquals(NEW, published, at);
        decided = NEW_FILES;
        if (!killedNextRun && at.contains("move in")) {
          killTheNextRunToo(dir, nextStaged);
          killedNextRun = true;
        }
      }
      // The next run, for another date, first completes (or removes) what the killed one left.
      PublishChild.publish(w, p, NEXT, LATER, nextStaged, List.of());
      assertEquals(NEXT, new Warehouse(w).catalog().runId(), at);
      assertEquals(union(decided, NEXT_FILES), visible(p), at + ": after the next run");
      assertEquals(List.of(), leftOver(p), at + ": after the next run");
    }
    report.publishEntry(
        "killed", killedOld + " times before the catalog published, " + killedNew + " after");
    assertTrue(killedOld > 3 && killedNew > 3, killedOld + " old, " + killedNew + " new");
    assertTrue(killedNextRun);
  }

  /**
   * Kills the run after a killed delivery, at every point, while it finishes what the killed one
   * left (in {@code dir}) and then delivers its own folders: the run after that completes both.
   */
  private void killTheNextRunToo(Path dir, List<String> nextStaged) throws Exception {
    for (int m = 1; ; m++) {
      assertTrue(m < 500, "the next run never finished");
      Path again = tmp.resolve(dir.getFileName() + "-next-" + m);
      PublishArea.copyTree(dir, again);
      Path w = again.resolve("warehouse");
      Path p = again.resolve("publish");
      Child child = publishInChild(w, p, m, NEXT, LATER, nextStaged, List.of());
      String published = new Warehouse(w).catalog().runId();
      if (child.exit() == 0) {
        assertEquals(NEXT, published);
        assertEquals(union(NEW_FILES, NEXT_FILES), visible(p));
        assertEquals(List.of(), leftOver(p));
        return;
      }
      assertEquals(HaltPoints.STATUS, child.exit(), child.err());
      String at = "next run, " + child.point();
      if (published.equals(NEW)) {
        assertTrue(NEXT_FILES.keySet().stream().noneMatch(visible(p)::containsKey), at);
      } else {
        assertEquals(NEXT, published, at);
      }
      PublishChild.publish(w, p, AFTER, LATER, nextStaged, List.of());
      assertEquals(union(NEW_FILES, NEXT_FILES), visible(p), at + ": after the run after");
      assertEquals(List.of(), leftOver(p), at + ": after the run after");
    }
  }
}

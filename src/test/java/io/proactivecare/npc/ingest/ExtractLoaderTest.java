package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.testing.Npc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExtractLoader}: the descriptor's checks, without Spark. */
class ExtractLoaderTest {
  @TempDir Path tmp;

  private Path extract(String tables) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("x"));
    Files.writeString(
        dir.resolve("extract.yaml"),
        "extract_date: 2025-03-31\nmapping: canonical\ntables:\n" + tables);
    return dir;
  }

  private static Path mappings() {
    return Npc.HOME.resolve("conf/sources");
  }

  /** Issue 15 item 8: a table path that leaves the extract folder is refused before reading. */
  @Test
  void aPathOutsideTheExtractFolderIsRefused() throws IOException {
    Files.writeString(tmp.resolve("elsewhere.csv"), "practice_code\n");
    Path dir = extract("  practice_pcn: ../elsewhere.csv\n");
    NpcException e =
        assertThrows(
            NpcException.class, () -> ExtractLoader.load(dir, mappings(), Optional.empty()));
    assertEquals(ExitCode.INPUT_REFUSED, e.exitCode());
    assertTrue(e.getMessage().contains("../elsewhere.csv"), e.getMessage());
    assertTrue(e.getMessage().contains("outside the extract folder"), e.getMessage());
    Path absolute = extract("  practice_pcn: " + tmp.resolve("elsewhere.csv") + "\n");
    assertThrows(
        NpcException.class, () -> ExtractLoader.load(absolute, mappings(), Optional.empty()));
    // A folder named in ingest.allowed_roots may hold table files.
    Extract allowed = ExtractLoader.load(absolute, mappings(), Optional.empty(), List.of(tmp));
    assertEquals(tmp.resolve("elsewhere.csv"), allowed.files().get(0).path());
  }

  /**
   * Issue 15 item 4: an extract dated in the future is refused (exit 3 from extract.yaml, exit 2
   * from --extract-date), with a tolerance of a few days.
   */
  @Test
  void anExtractDatedInTheFutureIsRefused() throws IOException {
    Extract x =
        ExtractLoader.load(extract("  practice_pcn: p.csv\n"), mappings(), Optional.empty());
    LocalDate today = LocalDate.of(2025, 3, 28);
    // 2025-03-31 is three days ahead: within a tolerance of 3, refused with 2.
    ExtractLoader.requireNotFuture(x, false, today, 3);
    NpcException e =
        assertThrows(NpcException.class, () -> ExtractLoader.requireNotFuture(x, false, today, 2));
    assertEquals(ExitCode.INPUT_REFUSED, e.exitCode());
    assertTrue(
        e.getMessage()
            .contains("extract.yaml: extract_date: extract date 2025-03-31 is in the future"),
        e.getMessage());
    assertTrue(e.getMessage().contains("ingest.extract_date_tolerance_days"), e.getMessage());
    NpcException flag =
        assertThrows(NpcException.class, () -> ExtractLoader.requireNotFuture(x, true, today, 2));
    assertEquals(ExitCode.USAGE, flag.exitCode());
    assertTrue(flag.getMessage().startsWith("--extract-date: "), flag.getMessage());
  }
}

package io.proactivecare.npc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** A full disk, however deep in the causes, becomes one line that says so and where. */
class ErrorsTest {
  private static String diskFull(Throwable e) {
    NpcException x = Errors.diskFull(e).orElseThrow();
    assertEquals(ExitCode.UNEXPECTED, x.exitCode());
    assertFalse(x.getMessage().contains("\n"), x.getMessage());
    assertTrue(x.getMessage().startsWith("The disk is full (No space left on device)"));
    return x.getMessage();
  }

  @Test
  void sparksTaskWriteFailureNamesTheTableBeingWritten() {
    // As Spark 4 reports it: the job, the task's write, then the operating system's error.
    Throwable e =
        new RuntimeException(
            "Job aborted due to stage failure: Task 0 in stage 4.0 failed 1 times\\n"
                + "Driver stacktrace:",
            new RuntimeException(
                "[TASK_WRITE_FAILED] Task failed while writing rows to"
                    + " file:/w/runs/r1/tables/conformed/gp_events.",
                new IOException("No space left on device")));
    assertTrue(
        diskFull(e).contains("writing /w/runs/r1/tables/conformed/gp_events (on "), diskFull(e));
  }

  @Test
  void aCopyNamesItsTarget() {
    Throwable e =
        new UncheckedIOException(
            "cannot copy /w/runs/r1/deliver/pcn/U1 to /p/pcn/U1/.2025-03-31.incoming-0123abcd",
            new FileSystemException(
                "/w/runs/r1/deliver/pcn/U1/a.csv",
                "/p/pcn/U1/.2025-03-31.incoming-0123abcd/a.csv",
                "No space left on device"));
    assertTrue(
        diskFull(e).contains("writing /p/pcn/U1/.2025-03-31.incoming-0123abcd/a.csv (on "),
        diskFull(e));
  }

  @Test
  void aCatalogPublishNamesTheWarehouse() {
    Throwable e =
        new UncheckedIOException(
            "cannot publish run r1 in /w", new IOException("No space left on device"));
    assertTrue(diskFull(e).contains("writing /w (on "), diskFull(e));
  }

  @Test
  void aSuppressedFullDiskIsFoundToo() {
    RuntimeException e = new IllegalStateException("step failed");
    e.addSuppressed(
        new UncheckedIOException(
            "cannot write /w/m.json", new IOException("No space left on device")));
    assertTrue(diskFull(e).contains("writing /w/m.json (on "), diskFull(e));
  }

  @Test
  void otherFailuresAreNotADiskFull() {
    assertTrue(
        Errors.diskFull(
                new UncheckedIOException("cannot read /w", new IOException("Permission denied")))
            .isEmpty());
    assertTrue(Errors.diskFull(new IllegalStateException("bug")).isEmpty());
  }

  @Test
  void aDamagedFileIsNamedAndIsAnInputThatCannotBeRead() {
    // As Spark 4 reports a Parquet file cut short: the job, the task, then Parquet's own words.
    Throwable cut =
        new RuntimeException(
            "Job aborted due to stage failure: Task 0 in stage 1.0 failed 1 times",
            new RuntimeException(
                "[FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER] Encountered error while reading file"
                    + " file:/w/runs/r1/tables/conformed/gp_events/part-0.parquet.",
                new RuntimeException(
                    "file:/w/runs/r1/tables/conformed/gp_events/part-0.parquet is not a Parquet"
                        + " file. Expected magic number at tail, but found [1, 2, 3, 4]")));
    NpcException x = Errors.damagedFile(cut).orElseThrow();
    assertEquals(ExitCode.INPUT_REFUSED, x.exitCode());
    assertEquals(
        "Cannot read /w/runs/r1/tables/conformed/gp_events/part-0.parquet: the file is damaged (it"
            + " has no Parquet footer (cut short?)); restore it from a backup or write it again (an"
            + " extract's file: export it again; a warehouse table: run the job that wrote it again"
            + " with --force)",
        x.getMessage());
    // A plain failure is not taken for a damaged file.
    assertTrue(Errors.damagedFile(new RuntimeException("Checksum error: /w/a at 1")).isEmpty());
    assertTrue(Errors.damagedFile(new RuntimeException("boom", new IOException("x"))).isEmpty());
    // What a user is told (and a failed run's manifest records): the damaged file found inside
    // Spark's failure, an NpcException as itself, nothing for a bug.
    assertEquals(x.getMessage(), Errors.known(cut).orElseThrow().getMessage());
    NpcException usage = Errors.usage("bad flag", "fix it");
    assertSame(usage, Errors.known(usage).orElseThrow());
    assertTrue(Errors.known(new IllegalStateException("bug")).isEmpty());
  }
}

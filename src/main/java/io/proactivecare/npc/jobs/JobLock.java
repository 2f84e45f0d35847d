package io.proactivecare.npc.jobs;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.warehouse.RunManifest;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * One run of a job at a time in a warehouse: {@code WAREHOUSE/locks/JOB.lock}, held with an
 * operating-system file lock for as long as the run (or backfill) lasts, and holding who holds it
 * (host, process, start, what it runs). The operating system releases the lock when its process
 * dies, however it dies, so a lock is never stuck; the file's text outlives a killed holder, which
 * is how the next run knows a lock was left behind, says so, and clears it. A clean end empties the
 * file. The file itself is never deleted (deleting a lock file lets two processes lock two
 * different files).
 */
public final class JobLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private JobLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of {@code job} in the warehouse at {@code root}. */
  public static Path file(Path root, String job) {
    return root.resolve("locks").resolve(job.replaceAll("[^A-Za-z0-9_-]", "_") + ".lock");
  }

  /**
   * Takes the lock of {@code job}, or refuses (exit code 5) naming who holds it.
   *
   * @param what what the holder runs, for whoever finds the lock held ("as of 2025-03-31")
   * @param says hears "cleared a stale lock ..." when a dead holder's lock is taken over
   */
  public static JobLock acquire(Path root, String job, String what, Consumer<String> says) {
    Path file = file(root, job);
    FileChannel ch = null;
    try {
      Files.createDirectories(file.getParent());
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this same process (another thread)
      }
      if (lock == null) {
        Properties holder = read(ch);
        ch.close();
        throw Errors.locked(
            "Job "
                + job
                + " is already running in warehouse "
                + root
                + " ("
                + describe(holder)
                + "); this run did nothing",
            "let it finish (npc runs list shows it), then run again");
      }
      Properties left = read(ch);
      if (!left.isEmpty()) {
        says.accept(
            "cleared a stale lock of job "
                + job
                + " left by "
                + describe(left)
                + ", which ended without releasing it (killed, or its machine stopped)");
      }
      write(ch, holder(what));
      return new JobLock(ch, lock);
    } catch (IOException e) {
      closeQuietly(ch);
      throw Errors.usage(
          "Cannot lock " + file + " (" + e.getMessage() + ")",
          "check that the warehouse is writable and on a file system with file locks");
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /** Empties the file (a clean end) and releases the lock. */
  @Override
  public void close() {
    try (FileChannel ch = channel) {
      ch.truncate(0);
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Properties holder(String what) {
    RunManifest.Host host = RunManifest.Host.current();
    Properties p = new Properties();
    p.setProperty("host", host.name());
    p.setProperty("pid", Long.toString(host.pid()));
    p.setProperty("started", Instant.now().toString());
    p.setProperty("running", what);
    return p;
  }

  private static String describe(Properties p) {
    if (p.isEmpty()) {
      return "a process that has not yet said who it is";
    }
    return "process "
        + p.getProperty("pid", "?")
        + " on "
        + p.getProperty("host", "?")
        + ", started "
        + p.getProperty("started", "?")
        + Optional.ofNullable(p.getProperty("running")).map(r -> ", " + r).orElse("");
  }

  private static Properties read(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 64 * 1024));
    ch.read(buf, 0);
    Properties p = new Properties();
    p.load(new StringReader(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8)));
    return p;
  }

  private static void write(FileChannel ch, Properties p) throws IOException {
    StringWriter text = new StringWriter();
    p.store(text, "npc job lock: the process running this job");
    ch.truncate(0);
    ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
    ch.force(false);
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // the error being reported matters more
      }
    }
  }
}

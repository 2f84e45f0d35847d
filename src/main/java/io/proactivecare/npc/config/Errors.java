package io.proactivecare.npc.config;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one factory for user and data errors, and for the environment failures npc recognises (a full
 * disk, another run publishing meanwhile: exit code 1). Every message names the thing at fault
 * (file, row, column, key or step), says what is wrong and how to fix it.
 */
public final class Errors {
  private Errors() {}

  /** A bad value or key in a configuration, job or mapping file. */
  public static NpcException config(String where, String key, String problem, String fix) {
    return config(where, key, problem, fix, null);
  }

  /**
   * As {@link #config(String, String, String, String)}, keeping the cause for {@code --verbose}.
   */
  public static NpcException config(
      String where, String key, String problem, String fix, Throwable cause) {
    return new NpcException(
        ExitCode.USAGE,
        where + ": " + key + ": " + problem + (fix.isEmpty() ? "" : "; " + fix),
        cause);
  }

  /** A bad command-line request (unknown run id, conflicting flags). */
  public static NpcException usage(String problem, String fix) {
    return new NpcException(ExitCode.USAGE, problem + (fix.isEmpty() ? "" : "; " + fix), null);
  }

  /** A configuration file that cannot be read or parsed at all. */
  public static NpcException unreadableConfig(Path file, String problem, Throwable cause) {
    return new NpcException(ExitCode.USAGE, "Cannot read " + file + ": " + problem, cause);
  }

  /** An input file refused as a whole (missing, unreadable, empty, wrong layout). */
  public static NpcException inputFile(Path file, String problem, String fix) {
    return inputFile(file, problem, fix, null);
  }

  /** As {@link #inputFile(Path, String, String)}, keeping the cause for {@code --verbose}. */
  public static NpcException inputFile(Path file, String problem, String fix, Throwable cause) {
    return new NpcException(
        ExitCode.INPUT_REFUSED,
        "Cannot ingest " + file + ": " + problem + (fix.isEmpty() ? "" : "; " + fix),
        cause);
  }

  /** A table refused as a whole by a command that reads it (not ingest): a column, its rows. */
  public static NpcException refused(Path file, String problem, String fix) {
    return new NpcException(
        ExitCode.INPUT_REFUSED, "Refused " + file + ": " + problem + "; " + fix, null);
  }

  /** An input file refused because of one row (e.g. identifiable data). */
  public static NpcException inputRow(
      Path file, long row, String column, String problem, String fix) {
    return new NpcException(
        ExitCode.INPUT_REFUSED,
        String.format(
            "Refused %s: data row %,d, column %s: %s; %s", file, row, column, problem, fix),
        null);
  }

  /** A failed data-quality gate. */
  public static NpcException qualityGate(String problem, String fix) {
    return new NpcException(ExitCode.QUALITY_GATE, problem + "; " + fix, null);
  }

  /**
   * Another run or command changed the published state while this one ran, so what this one made no
   * longer fits it (exit code 1: running it again is the fix).
   */
  public static NpcException conflict(String problem, String fix) {
    return new NpcException(ExitCode.UNEXPECTED, problem + "; " + fix, null);
  }

  /** Another process is running the same job (its lock is held): this one did nothing. */
  public static NpcException locked(String problem, String fix) {
    return new NpcException(ExitCode.LOCKED, problem + "; " + fix, null);
  }

  /** What the operating system says when a write finds no space (ENOSPC). */
  static final String NO_SPACE = "No space left on device";

  private static final Pattern PATH = Pattern.compile("(?:file:)?(/[^\\s'\",;\\]\\)]+)");

  /**
   * A full disk, found anywhere in {@code e}'s causes (Spark wraps it in a task failure, a copy in
   * "cannot copy"): one line saying the disk is full and where. Exit code 1: the environment, not
   * the user's data or configuration.
   */
  public static Optional<NpcException> diskFull(Throwable e) {
    List<Throwable> chain = causes(e);
    Optional<Throwable> full =
        chain.stream()
            .filter(
                t -> t instanceof IOException && String.valueOf(t.getMessage()).contains(NO_SPACE))
            .findFirst();
    if (full.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> where = Optional.empty();
    for (Throwable t : chain) {
      if (t instanceof FileSystemException f && (f.getOtherFile() != null || f.getFile() != null)) {
        where = Optional.of(f.getOtherFile() != null ? f.getOtherFile() : f.getFile());
        break;
      }
    }
    // Else the path named nearest the failure: the innermost message naming one.
    for (int i = chain.size() - 1; i >= 0 && where.isEmpty(); i--) {
      where = lastPath(chain.get(i).getMessage());
    }
    String at = where.map(w -> " writing " + w + fileSystem(w)).orElse("");
    return Optional.of(
        new NpcException(
            ExitCode.UNEXPECTED,
            "The disk is full (" + NO_SPACE + ")" + at + "; free space there and run again",
            e));
  }

  /**
   * What {@code e} means to a user when it is not a bug: itself when it is an {@link NpcException},
   * else a full disk or a damaged file found among its causes.
   */
  public static Optional<NpcException> known(Throwable e) {
    return e instanceof NpcException n ? Optional.of(n) : diskFull(e).or(() -> damagedFile(e));
  }

  private static final Pattern CHECKSUM =
      Pattern.compile("Checksum error: (?:file:)?(/\\S+) at (\\d+)");

  private static final Pattern NOT_PARQUET =
      Pattern.compile("(?:file:)?(/\\S+) is not a Parquet file");

  /**
   * A file that cannot be read because it is damaged, found anywhere in {@code e}'s causes: a
   * checksum that no longer matches the bytes (Hadoop's {@code .crc} beside each file Spark
   * writes), or a Parquet file without its footer (cut short). One line naming the file, exit code
   * 3 (an input that cannot be read), whether it is an extract's part or a warehouse table's.
   */
  public static Optional<NpcException> damagedFile(Throwable e) {
    for (Throwable t : causes(e)) {
      String message = String.valueOf(t.getMessage());
      Matcher checksum = CHECKSUM.matcher(message);
      if (t.getClass().getName().equals("org.apache.hadoop.fs.ChecksumException")
          && checksum.find()) {
        return Optional.of(
            damaged(
                checksum.group(1),
                "its checksum no longer matches at byte " + checksum.group(2),
                e));
      }
      Matcher parquet = NOT_PARQUET.matcher(message);
      if (parquet.find()) {
        return Optional.of(damaged(parquet.group(1), "it has no Parquet footer (cut short?)", e));
      }
    }
    return Optional.empty();
  }

  private static NpcException damaged(String file, String why, Throwable cause) {
    return new NpcException(
        ExitCode.INPUT_REFUSED,
        "Cannot read "
            + file
            + ": the file is damaged ("
            + why
            + "); restore it from a backup or write it again (an extract's file: export it again;"
            + " a warehouse table: run the job that wrote it again with --force)",
        cause);
  }

  /** The innermost cause of {@code e}: the one whose message says what went wrong first. */
  public static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  private static List<Throwable> causes(Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> out = new ArrayList<>();
    Deque<Throwable> todo = new ArrayDeque<>(List.of(e));
    while (!todo.isEmpty()) {
      Throwable t = todo.removeFirst();
      if (seen.add(t)) {
        out.add(t);
        if (t.getCause() != null) {
          todo.addLast(t.getCause());
        }
        todo.addAll(List.of(t.getSuppressed()));
      }
    }
    return out;
  }

  /** The last absolute path on the first line of {@code message} that names one. */
  private static Optional<String> lastPath(String message) {
    if (message == null) {
      return Optional.empty();
    }
    for (String line : message.split("\n")) {
      Matcher m = PATH.matcher(line);
      String last = null;
      while (m.find()) {
        last = m.group(1);
      }
      if (last != null) {
        return Optional.of(last.replaceAll("[.:]+$", ""));
      }
    }
    return Optional.empty();
  }

  /** " (on /mnt (tmpfs))": the file system holding {@code path}, if it can be found. */
  private static String fileSystem(String path) {
    try {
      Path p = Path.of(path).toAbsolutePath();
      while (p != null && !Files.exists(p)) {
        p = p.getParent();
      }
      return p == null ? "" : " (on " + Files.getFileStore(p) + ")";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The first line of a message, for one-line reports of exceptions. */
  public static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}

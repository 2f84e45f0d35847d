package io.proactivecare.npc.config;

import java.nio.file.Path;

/**
 * The one factory for user and data errors. Every message names the thing at fault (file, row,
 * column, key or step), says what is wrong and how to fix it.
 */
public final class Errors {
  private Errors() {}

  /** A bad value or key in a configuration, job or mapping file. */
  public static NpcException config(String where, String key, String problem, String fix) {
    return new NpcException(
        ExitCode.USAGE,
        where + ": " + key + ": " + problem + (fix.isEmpty() ? "" : "; " + fix),
        null);
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

  /** The first line of a message, for one-line reports of exceptions. */
  public static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}

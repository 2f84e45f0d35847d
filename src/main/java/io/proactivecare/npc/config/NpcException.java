package io.proactivecare.npc.config;

/**
 * A user or data error: something the person running {@code npc} can fix. Its message is one line
 * saying what is wrong, where, and how to fix it; it never carries person-level values. Build these
 * through {@link Errors}; bugs are ordinary unchecked exceptions instead.
 */
public final class NpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  NpcException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    if (exitCode == ExitCode.OK || exitCode == ExitCode.UNEXPECTED) {
      throw new IllegalArgumentException("user errors use exit codes 2, 3 or 4, not " + exitCode);
    }
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}

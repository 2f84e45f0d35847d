package io.proactivecare.npc.config;

/**
 * A user or data error, or an environment failure npc recognises (a full disk, exit code 1):
 * something the person running {@code npc} can fix. Its message is one line saying what is wrong,
 * where, and how to fix it; it never carries person-level values. Build these through {@link
 * Errors}; bugs are ordinary unchecked exceptions instead.
 */
public final class NpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  NpcException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    if (exitCode == ExitCode.OK) {
      throw new IllegalArgumentException("an error cannot exit with " + exitCode);
    }
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}

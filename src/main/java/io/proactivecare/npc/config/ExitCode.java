package io.proactivecare.npc.config;

/**
 * The exit codes of {@code npc}: a contract that scripts and schedulers rely on. Documented in
 * README.md and docs/cli.md; change them only with a major version.
 */
public enum ExitCode {
  /** Everything asked for was done. */
  OK(0),
  /** A bug or an environment failure (out of memory, disk full): not the user's data or config. */
  UNEXPECTED(1),
  /** Bad command line, configuration file, job file or mapping. */
  USAGE(2),
  /** Input data refused: missing or unreadable file, missing column, identifiable data. */
  INPUT_REFUSED(3),
  /** A data-quality gate failed, e.g. too many rows of a table quarantined. */
  QUALITY_GATE(4),
  /** Another run of the same job holds its lock: nothing was done; try again when it has ended. */
  LOCKED(5);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}

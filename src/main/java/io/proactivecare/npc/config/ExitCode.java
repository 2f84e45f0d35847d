package io.proactivecare.npc.config;

/**
 * The exit codes of {@code npc}: a contract that scripts and schedulers rely on. Documented in
 * README.md and docs/cli.md; change them only with a major version.
 */
public enum ExitCode {
  /** Everything asked for was done. */
  OK(0, "success"),
  /** A bug or an environment failure (out of memory, disk full): not the user's data or config. */
  UNEXPECTED(1, "unexpected failure"),
  /** Bad command line, configuration file, job file or mapping. */
  USAGE(2, "usage or configuration error"),
  /** Input data refused: missing or unreadable file, missing column, identifiable data. */
  INPUT_REFUSED(3, "input data refused"),
  /** A data-quality gate failed, e.g. too many rows of a table quarantined. */
  QUALITY_GATE(4, "a quality gate failed"),
  /** Another run of the same job holds its lock: nothing was done; try again when it has ended. */
  LOCKED(5, "another run of the same job is under way");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  /**
   * What the code means, in the words of the exit-code tables of README.md and docs/cli.md and of
   * {@code npc --help} (a test keeps them the same).
   */
  public String meaning() {
    return meaning;
  }
}

package io.proactivecare.npc.testing;

import io.proactivecare.npc.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs the {@code npc} command line in-process, as a user would, with a warehouse and the
 * repository's mappings, and captures exit code and output. Spark is the shared test session (the
 * CLI's session builder returns the active one).
 */
public final class Npc {
  /**
   * The repository root: the tests' working directory (Maven's, and bin/bench's). Not the {@code
   * npc.home} property, which InstallTest points elsewhere for its tests: read from it, this was
   * whatever it held when the class was first used, which a run of chosen classes could make
   * InstallTest's temporary installation.
   */
  public static final Path HOME = Path.of("").toAbsolutePath().normalize();

  private Npc() {}

  /** What a command did. */
  public record Result(int exitCode, String out, String err) {
    /** Standard error without Spark's own log lines. */
    public List<String> errorLines() {
      return err.lines()
          .filter(l -> !l.isBlank() && !l.matches("^\\d\\d:\\d\\d:\\d\\d (WARN|INFO|ERROR) .*"))
          .toList();
    }
  }

  /**
   * Runs {@code npc ARGS --warehouse W} with the repository's conf/sources mappings, delivering to
   * {@code W-publish} unless the arguments set the publish area.
   */
  public static Result run(Path warehouse, String... args) {
    SparkTestSession.get();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--warehouse=" + warehouse);
    all.add("--set=mappings=" + HOME.resolve("conf/sources"));
    // Files delivered for people outside the warehouse go beside it, never into the checkout.
    if (all.stream().noneMatch(a -> a.contains("publish="))) {
      all.add("--set=publish=" + warehouse.resolveSibling(warehouse.getFileName() + "-publish"));
    }
    // The CLI applies its SQL settings to the shared session; keep the test session's two
    // partitions.
    all.add("--set=spark.shuffle_partitions=2");
    // Nor may a command's inputs change whether the shared session compiles its queries.
    all.add("--set=spark.code_generation=" + SparkTestSession.codeGeneration());
    return raw(all.toArray(String[]::new));
  }

  /** Runs {@code npc ARGS} exactly as given. */
  public static Result raw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Cli.commandLine(args);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}

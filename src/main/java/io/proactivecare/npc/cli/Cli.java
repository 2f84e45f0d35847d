package io.proactivecare.npc.cli;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Builds the command line and maps every failure to the exit-code contract: a user or data error
 * prints one line and no stack trace (unless {@code --verbose}); anything else is exit code 1.
 */
public final class Cli {
  private Cli() {}

  public static int execute(String... args) {
    return commandLine(args).execute(args);
  }

  /**
   * The configured command line; tests call {@code setOut}/{@code setErr} on it to capture output.
   */
  public static CommandLine commandLine(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    CommandLine cmd = new CommandLine(new NpcCommand());
    cmd.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          // A full disk is the environment, not a bug: say so in one line, not Spark's trace.
          NpcException npc = e instanceof NpcException n ? n : Errors.diskFull(e).orElse(null);
          if (npc != null) {
            err.println("npc: " + npc.getMessage());
            if (verbose) {
              e.printStackTrace(err);
            }
            err.flush();
            return npc.exitCode().code();
          }
          err.println(
              "npc: unexpected failure: "
                  + e.getClass().getName()
                  + ": "
                  + Errors.firstLine(e.getMessage())
                  + (verbose ? "" : " (run again with --verbose for details)"));
          if (verbose) {
            e.printStackTrace(err);
          }
          err.flush();
          return ExitCode.UNEXPECTED.code();
        });
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          // One line, like every other user error: the problem, then where to read the usage.
          CommandLine c = ex.getCommandLine();
          c.getErr()
              .println(
                  "npc: "
                      + Errors.firstLine(ex.getMessage())
                      + "; see '"
                      + c.getCommandSpec().qualifiedName()
                      + " --help'");
          c.getErr().flush();
          return ExitCode.USAGE.code();
        });
    return cmd;
  }
}

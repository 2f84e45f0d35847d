package io.proactivecare.npc.cli;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Builds the command line and maps every failure to the exit-code contract: a user or data error
 * prints one line and no stack trace (unless {@code --verbose}); anything else is exit code 1.
 */
public final class Cli {
  /** The width of every help text: an 80-column terminal's. */
  static final int HELP_WIDTH = 80;

  private Cli() {}

  public static int execute(String... args) {
    return commandLine(args).execute(args);
  }

  /**
   * The configured command line; tests call {@code setOut}/{@code setErr} on it to capture output.
   */
  public static CommandLine commandLine(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    Logging.configure(verbose);
    CommandLine cmd = new CommandLine(new NpcCommand());
    cmd.getCommandSpec().usageMessage().footer(NpcCommand.exitCodesFooter());
    cmd.setUsageHelpWidth(HELP_WIDTH);
    cmd.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          // A full disk is the environment and a damaged file an input, not bugs: say so in one
          // line, not Spark's trace.
          NpcException npc = Errors.known(e).orElse(null);
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
    cmd.registerConverter(LocalDate.class, Cli::date);
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          // One line, like every other user error: the problem, then where to read the usage.
          CommandLine c = ex.getCommandLine();
          c.getErr()
              .println(
                  "npc: "
                      + problem(ex)
                      + "; see '"
                      + c.getCommandSpec().qualifiedName()
                      + " --help'");
          c.getErr().flush();
          return ExitCode.USAGE.code();
        });
    return cmd;
  }

  /** A date option's value: yyyy-MM-dd, refused in words rather than with Java's class names. */
  static LocalDate date(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a date; expected yyyy-MM-dd, e.g. 2025-03-31");
    }
  }

  /**
   * The one-line problem of a parameter error; an unknown word where a command is expected is named
   * as an unknown command, with the commands there are (picocli says "Unmatched argument").
   */
  private static String problem(CommandLine.ParameterException ex) {
    CommandLine c = ex.getCommandLine();
    if (ex instanceof CommandLine.UnmatchedArgumentException u
        && !c.getSubcommands().isEmpty()
        && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      List<String> suggestions = u.getSuggestions();
      return "unknown command '"
          + u.getUnmatched().get(0)
          + "'"
          + (suggestions.isEmpty() ? "" : " (did you mean '" + suggestions.get(0) + "'?)")
          + "; commands are: "
          + String.join(", ", c.getSubcommands().keySet());
    }
    return Errors.firstLine(ex.getMessage());
  }
}

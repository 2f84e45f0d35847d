package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code npc}: the Proactive Care Engine's command line. */
@Command(
    name = "npc",
    mixinStandardHelpOptions = true,
    versionProvider = NpcCommand.Version.class,
    description = {
      "Proactive Care Engine: ingest health and care extracts, find the people at greatest risk,"
          + " and evaluate proactive care against matched controls.",
      ""
    },
    subcommands = {
      IngestCommand.class,
      RunCommand.class,
      FrailtyCommand.class,
      FeaturesCommand.class,
      RiskCommand.class,
      CohortCommand.class,
      EvaluateCommand.class,
      ReportCommand.class,
      SqlCommand.class,
      ValidateCommand.class,
      RunsCommand.class,
      ScheduleCommand.class,
      ContractsCommand.class,
      GenerateCommand.class,
      CompletionCommand.class
    },
    footerHeading = "%nExit codes:%n")
public final class NpcCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The help's footer: each exit code with its meaning (config/ExitCode, the same words as the
   * tables of README.md and docs/cli.md), then where to read more.
   */
  static String[] exitCodesFooter() {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (ExitCode e : ExitCode.values()) {
      lines.add("  " + e.code() + "  " + e.meaning());
    }
    lines.add("");
    lines.add("An error prints one line saying what is wrong and how to fix it; --verbose adds");
    lines.add("the stack trace. Examples of each code: docs/cli.md.");
    return lines.toArray(String[]::new);
  }

  /** Prints the engine version and the commit it was built from. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"npc " + Engine.version()};
    }
  }
}

package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import picocli.AutoComplete;
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
      SqlCommand.class,
      ValidateCommand.class,
      RunsCommand.class,
      ContractsCommand.class,
      GenerateCommand.class,
      AutoComplete.GenerateCompletion.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  unexpected failure (a bug or the environment; rerun with --verbose)",
      "  2  usage or configuration error",
      "  3  input data refused (missing file or column, identifiable data)",
      "  4  a quality gate failed (e.g. too many rows quarantined)",
      "  5  another run of the same job is under way (its lock is held); nothing was done"
    })
public final class NpcCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints the engine version and the commit it was built from. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"npc " + Engine.version()};
    }
  }
}

package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.risk.ModelRegistry;
import io.proactivecare.npc.risk.RiskModel;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code npc risk}: train, list, promote and score with the unplanned-care risk model. */
@Command(
    name = "risk",
    mixinStandardHelpOptions = true,
    description = {
      "Train, list, promote and score with the unplanned-care risk model.",
      "",
      "Outcome: an emergency admission or death in the 12 months after a date.",
      "",
      "See docs/model.md."
    },
    subcommands = {
      RiskCommand.Train.class,
      RiskCommand.Models.class,
      RiskCommand.Promote.class,
      RiskCommand.Score.class
    })
final class RiskCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description = {
        "Train a model as of a date and register it (it is not made current: promote it).",
        "",
        "Builds features and outcomes at past cutoffs, fits a regularised logistic regression and"
            + " gradient-boosted trees, calibrates each on people it was not fitted on, keeps the better"
            + " on a temporal hold-out, and writes the model card and metrics to the registry."
      })
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Mixin AsOfOption asOf;

    @Option(
        names = "--truth",
        paramLabel = "DIR",
        description =
            "A generated population's truth folder: also report the AUROC of its true risk.")
    Path truth;

    @Override
    public Integer call() {
      ConfigLoader.Loaded loaded = common.load();
      return asOf.run(loaded, Engine.riskTrainJob(Optional.ofNullable(truth)), spec);
    }
  }

  @Command(
      name = "models",
      mixinStandardHelpOptions = true,
      description =
          "List the registered models (the current one marked *) and the path of each model card.")
  static final class Models implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Override
    public Integer call() {
      ConfigLoader.Loaded loaded = common.load();
      ModelRegistry registry = new ModelRegistry(new Warehouse(loaded.config().warehouse()));
      PrintWriter out = spec.commandLine().getOut();
      Optional<String> current = registry.currentId();
      if (registry.models().isEmpty()) {
        out.println("no models yet: npc risk train, or npc risk score trains the first");
      }
      for (ModelRegistry.Entry e : registry.models()) {
        RiskModel m = registry.load(e.id());
        out.printf(
            Locale.ROOT,
            "%s %-14s %-24s as of %s  hold-out AUROC %.4f  card %s%n",
            current.map(c -> c.equals(e.id()) ? "*" : " ").orElse(" "),
            e.id(),
            m.learner().kind(),
            m.asOf(),
            m.holdoutAuroc(),
            e.dir().resolve(ModelRegistry.CARD_MD));
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "Make a registered model current.",
        "",
        "Refuses a model that is worse on the hold-out than the current model, unless --force."
      })
  static final class Promote implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model id (npc risk models).")
    String model;

    @Option(names = "--force", description = "Promote even if it is worse on the hold-out.")
    boolean force;

    @Override
    public Integer call() {
      ConfigLoader.Loaded loaded = common.load();
      new ModelRegistry(new Warehouse(loaded.config().warehouse())).promote(model, force);
      spec.commandLine().getOut().println("current model: " + model);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(
      name = "score",
      mixinStandardHelpOptions = true,
      description = {
        "Score everyone registered at a date with the current model.",
        "",
        "Publishes features/person and risk/scores: probability, rank, percentile, band and the"
            + " top three contributing factors in plain words. Runs the nightly job's steps"
            + " features, risk_train and risk_score: a first model is trained only if there is"
            + " none."
      })
  static final class Score implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Mixin AsOfOption asOf;

    @Override
    public Integer call() {
      ConfigLoader.Loaded loaded = common.load();
      return asOf.run(loaded, Engine.riskScoreJob(), spec);
    }
  }
}

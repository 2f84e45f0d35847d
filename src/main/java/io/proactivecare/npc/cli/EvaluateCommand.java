package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code npc evaluate}: the enrolled people against matched controls. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate proactive care against matched controls (docs/evaluation.md).",
      "",
      "Gives each enrolled person an index date (evaluation.index_date), builds the risk set of",
      "eligible people not enrolled then, measures everyone's covariates the day before, fits a",
      "propensity model, matches each enrolled person to evaluation.ratio controls (greedy nearest",
      "neighbour on the logit, caliper evaluation.caliper SDs, exact on evaluation.exact and the",
      "index date), checks balance, counts outcomes in the windows before and after, and",
      "estimates the effect with bootstrap and cluster-robust intervals, overall and by",
      "evaluation.breakdowns. Publishes evaluation/* to the warehouse and the",
      "disclosure-controlled aggregates to PUBLISH/aggregate/DATE/evaluation/. Reads the",
      "published extract: run the nightly job (or npc ingest) first. Set any method option with",
      "--set evaluation.KEY=VALUE (e.g. --set evaluation.ratio=2)."
    })
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Mixin AsOfOption asOf;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = common.load();
    return asOf.run(loaded, Engine.evaluationJob(), spec);
  }
}

package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code npc features}: each registered person's features at a date. */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = {
      "Build each registered person's features at a date.",
      "",
      "Reads the published conformed tables and publishes features/person (docs/features.md):"
          + " demographics,"
          + " deprivation, eFI and its deficits, HFRS, long-term conditions, medicines, hospital use and"
          + " its recency, and social care, from data on or before the as-of date only."
    })
final class FeaturesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Mixin AsOfOption asOf;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = common.load();
    return asOf.run(loaded, Engine.featuresJob(), spec);
  }
}

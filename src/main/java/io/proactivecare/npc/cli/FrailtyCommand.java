package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code npc frailty}: the eFI and HFRS at a date, and optionally the eFI trajectory. */
@Command(
    name = "frailty",
    mixinStandardHelpOptions = true,
    description = {
      "Compute the Electronic Frailty Index and Hospital Frailty Risk Score at a date.",
      "",
      "Reads the published conformed tables, works out each person's deficit periods once, and"
          + " publishes for every adult registered at the as-of date (18 and over: frailty.min_age): the eFI"
          + " score, deficit count and category, the deficits present with the date each was first"
          + " recorded, and the HFRS. With --trajectory, also the eFI at each quarter end and each"
          + " person's change per year."
    })
final class FrailtyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Mixin AsOfOption asOf;

  @Option(
      names = "--trajectory",
      description = "Also write the eFI at each quarter end, and each person's progression.")
  boolean trajectory;

  @Option(
      names = "--quarters",
      paramLabel = "N",
      description =
          "Quarter ends in the trajectory (default: the configuration's"
              + " frailty.trajectory_quarters).")
  Integer quarters;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = common.load();
    if (quarters != null && (quarters < 2 || quarters > 400)) {
      throw io.proactivecare.npc.config.Errors.usage(
          "--quarters " + quarters + " is out of range", "give 2 to 400 quarter ends");
    }
    return asOf.run(loaded, Engine.frailtyJob(trajectory, Optional.ofNullable(quarters)), spec);
  }
}

package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code npc report}: the run report of a date, one self-contained HTML page. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write the run report of a date: one self-contained HTML page of charts.",
      "",
      "Draws the date's published aggregate outputs (the cohort's and, when there is"
          + " one, the evaluation's), the ingest's quarantine counts and the risk model's"
          + " card, all aggregate and after disclosure control, into one HTML file that"
          + " opens with no network. Delivers it to PUBLISH/aggregate/DATE/report/. The"
          + " nightly and evaluation jobs end with this step. See docs/report.md."
    })
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Mixin AsOfOption asOf;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = common.load();
    return asOf.run(loaded, Engine.reportJob(), spec);
  }
}

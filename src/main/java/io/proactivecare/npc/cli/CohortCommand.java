package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.risk.RiskScoreStep;
import io.proactivecare.npc.warehouse.Warehouse;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code npc cohort}: the highest-risk cohort, each PCN's list, and the concentration report. */
@Command(
    name = "cohort",
    mixinStandardHelpOptions = true,
    description = {
      "Select the proactive-care cohort at a date and publish each PCN's list.",
      "",
      "Ranks the eligible population (alive, registered in a PCN, adult, not"
          + " excluded) by risk and selects the top cohort.share (5%%) across the area, or"
          + " per PCN with --set cohort.scope=pcn. Flags each person new, continuing or"
          + " leaving (with why) against the previous published run, and rising risk."
          + " Publishes cohort/* to the warehouse, each PCN's list to"
          + " PUBLISH/pcn/PCN/DATE/ and disclosure-controlled aggregates to"
          + " PUBLISH/aggregate/DATE/cohort/. Scores the date first when it has no"
          + " published scores. See docs/cohort.md."
    })
final class CohortCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Mixin AsOfOption asOf;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = common.load();
    LocalDate date =
        Engine.asOf(
            loaded.config(),
            Engine.cohortJob(false),
            Optional.ofNullable(asOf.asOf),
            Optional.empty());
    boolean scored =
        new Warehouse(loaded.config().warehouse())
            .catalog()
            .entry(RiskScoreStep.SCORES)
            .map(e -> e.versions().containsKey(date.toString()))
            .orElse(false);
    return JobExecution.run(
        loaded,
        Engine.cohortJob(!scored),
        Optional.of(date),
        Optional.empty(),
        spec.commandLine().getOut());
  }
}

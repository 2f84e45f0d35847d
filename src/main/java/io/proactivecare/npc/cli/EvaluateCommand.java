package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.evaluation.CandidatesFile;
import io.proactivecare.npc.evaluation.CandidatesSpec;
import io.proactivecare.npc.evaluation.MatchedAnalysis;
import io.proactivecare.npc.io.CodeGeneration;
import io.proactivecare.npc.io.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code npc evaluate}: the enrolled people against matched controls. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Evaluate proactive care against matched controls.",
      "",
      "Gives each enrolled person an index date (the key evaluation.index_date), builds the risk set of"
          + " eligible people not enrolled then, measures everyone's covariates the day before,"
          + " fits a propensity model, matches each enrolled person to evaluation.ratio controls"
          + " (greedy nearest neighbour on the logit, caliper evaluation.caliper SDs, exact on"
          + " evaluation.exact and the index date), checks balance, counts outcomes in the windows"
          + " before and after, and estimates the effect with bootstrap and cluster-robust"
          + " intervals, overall and by evaluation.breakdowns. Publishes evaluation/* to the"
          + " warehouse and the disclosure-controlled aggregates to"
          + " PUBLISH/aggregate/DATE/evaluation/. Reads the published extract: run the nightly job"
          + " (or npc ingest) first. Set any method option with --set evaluation.KEY=VALUE (e.g."
          + " --set evaluation.ratio=2).",
      "",
      "With --candidates FILE, runs the same method (propensity, matching, balance, estimates,"
          + " attrition, disclosure control, and the same evaluation.* options and --set) on a"
          + " table you prepared: one row per person (and index date) with an id, a treated flag"
          + " (1/0 or true/false), an optional index date, covariates and outcome columns, named"
          + " by the options below or a --columns YAML (options win). No warehouse or extract is"
          + " needed and --as-of does not apply. Writes the tables as Parquet and the aggregates"
          + " as CSV to --out, replacing it only when the run is complete. See docs/evaluation.md,"
          + " section 11, and the example in docs/examples (candidates.csv, candidates.yaml).",
      ""
    })
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Mixin AsOfOption asOf;

  @Option(
      names = "--candidates",
      paramLabel = "FILE",
      description =
          "Your own candidates table: CSV (.csv, .csv.gz, with a header) or Parquet (.parquet or a"
              + " folder). Runs the method on it instead of on the warehouse.")
  Path candidates;

  @Option(
      names = "--columns",
      paramLabel = "YAML",
      description =
          "With --candidates: a YAML file naming the columns (keys id, treated, index_date,"
              + " covariates, categorical, exact, breakdowns, outcomes), as the options below do.")
  Path columns;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "With --candidates: the output folder (default: FILE's name with -evaluation, beside"
              + " it). Replaced when the run completes; a folder npc did not write is refused.")
  Path out;

  @Option(
      names = "--id",
      paramLabel = "COLUMN",
      description = "With --candidates: id column (default: person_id).")
  String id;

  @Option(
      names = "--treated",
      paramLabel = "COLUMN",
      description =
          "With --candidates: the treated flag column, 1/0 or true/false (default: treated).")
  String treated;

  @Option(
      names = "--index-date",
      paramLabel = "COLUMN",
      description =
          "With --candidates: the index date column, yyyy-MM-dd (default: none). Rows are"
              + " matched only within the same index date, as the risk sets are; without one,"
              + " all rows are one block. With one, the id and index date together are the key.")
  String indexDate;

  @Option(
      names = "--covariates",
      paramLabel = "COLUMNS",
      split = ",",
      description =
          "With --candidates: numeric covariates of the propensity model, comma-separated;"
              + " numbers as they are, a column of only 0/1 (or true/false) as a binary flag."
              + " None may be empty.")
  List<String> covariates;

  @Option(
      names = "--categorical",
      paramLabel = "COLUMNS",
      split = ",",
      description =
          "With --candidates: text covariates, one-hot encoded; the first level in sorted order"
              + " is the reference (as R's factors), e.g. sex F/M gives one entry sex=M.")
  List<String> categorical;

  @Option(
      names = "--exact",
      paramLabel = "COLUMNS",
      split = ",",
      description =
          "With --candidates: columns matched exactly (default: those of evaluation.exact,"
              + " e.g. sex and prior_admissions; --exact= for none).")
  List<String> exact;

  @Option(
      names = "--breakdowns",
      paramLabel = "COLUMNS",
      split = ",",
      description =
          "With --candidates: columns the estimates are also given by, from the treated person"
              + " of each matched set (default: none, overall only).")
  List<String> breakdowns;

  @Option(
      names = "--outcome",
      paramLabel = "NAME=PRE:POST[:YEARS[:PRE_YEARS]]",
      description =
          "With --candidates (repeatable): an outcome measure from its columns: the value before"
              + " the index date (PRE, may be empty for none) and after (POST). With YEARS (the"
              + " years of follow-up) the estimates are rates per person-year, events over years;"
              + " PRE is divided by PRE_YEARS if given, else used as it is. Without YEARS, plain"
              + " means. An empty value is unknown: that person is left out of that measure.")
  List<String> outcomes;

  @Override
  public Integer call() {
    ConfigLoader.Loaded loaded = common.load();
    if (candidates == null) {
      if (columns != null
          || out != null
          || id != null
          || treated != null
          || indexDate != null
          || covariates != null
          || categorical != null
          || exact != null
          || breakdowns != null
          || outcomes != null) {
        throw Errors.usage(
            "--columns, --out and the column options apply only to --candidates FILE",
            "add --candidates FILE, or leave them out to evaluate the warehouse");
      }
      return asOf.run(loaded, Engine.evaluationJob(), spec);
    }
    if (asOf.asOf != null) {
      throw Errors.usage(
          "--as-of does not apply to --candidates: the table holds its own index dates",
          "leave --as-of out");
    }
    CandidatesSpec cs =
        CandidatesSpec.load(
            candidates,
            columns,
            new CandidatesSpec.Options(
                id, treated, indexDate, covariates, categorical, exact, breakdowns, outcomes));
    Path dir = out != null ? out : defaultOut(candidates);
    PrintWriter w = spec.commandLine().getOut();
    SparkSession spark = SparkSessions.create(loaded.config().spark());
    CodeGeneration.apply(
        spark, loaded.config().spark(), CodeGeneration.bytesUnder(List.of(candidates)));
    MatchedAnalysis.Result r =
        CandidatesFile.run(
            spark, cs, loaded.config().evaluation(), dir, n -> w.println("  note: " + n));
    w.printf(
        "evaluated %s: %,d of %,d treated matched to %,d controls; wrote %s%n",
        candidates, r.matchedTreated(), r.treated(), r.matchedControls(), dir);
    w.flush();
    return 0;
  }

  private static Path defaultOut(Path file) {
    String name = file.getFileName().toString().replaceFirst("\\.(csv\\.gz|csv|parquet)$", "");
    return file.toAbsolutePath().resolveSibling(name + "-evaluation");
  }
}

package io.proactivecare.npc.monitoring;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.cohort.Cohort;
import io.proactivecare.npc.cohort.CohortStep;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.MonitoringSettings;
import io.proactivecare.npc.disclosure.AggregateReadme;
import io.proactivecare.npc.ingest.Conformed;
import io.proactivecare.npc.io.ParquetRows;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.population.Population;
import io.proactivecare.npc.risk.Outcomes;
import io.proactivecare.npc.risk.RiskScoreStep;
import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.RunManifest.MonitoringCheck;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code run: monitoring} (docs/operations.md, "Monitoring"): this run against the usual. Reads
 * this run's ingest counts and the earlier runs' from their manifests, this and the previous
 * published risk scores, this run's cohort lists, and the scores published a horizon earlier with
 * their outcomes since; calls {@link Monitoring#evaluate}; writes {@code monitoring/measures}
 * (aggregate, controlled, with its CSV and README in {@code aggregate/DATE/monitoring/}) and the
 * manifest's monitoring section. An alert whose action is {@code fail} fails the run with exit code
 * 4 (a quality gate), after recording what it found; one whose action is {@code warn} is a WARNING
 * note.
 */
public final class MonitoringStep implements Step {
  public static final String KIND = "monitoring";
  public static final String MEASURES = "monitoring/measures";

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "compare this run's data quality, volumes, scores, churn and matured AUROC with the usual",
        Set.of(),
        with -> new MonitoringStep());
  }

  /** The configuration key of each alert, for the message that names it. */
  private static final Map<String, String> KEYS =
      Map.of(
          Monitoring.QUARANTINE_SHARE, "monitoring.quarantine_share_rise",
          Monitoring.ROWS_READ, "monitoring.volume_drop",
          Monitoring.PSI, "monitoring.psi",
          Monitoring.CHURN_SHARE, "monitoring.churn_rise",
          Monitoring.AUROC, "monitoring.auroc_floor");

  /** This run's and earlier runs' scores and lists, and the conformed tables for outcomes. */
  @Override
  public List<String> inputs() {
    return List.of(RiskScoreStep.SCORES, CohortStep.LIST, "conformed/*");
  }

  @Override
  public void run(StepContext ctx) {
    LocalDate date = ctx.asOf();
    MonitoringSettings settings = ctx.config().monitoring();
    RunManifest self =
        ctx.warehouse()
            .manifest(ctx.runId())
            .orElseThrow(
                () -> new IllegalStateException("run " + ctx.runId() + " has no manifest"));
    List<RunManifest.TableCount> tables =
        self.steps().stream()
            .filter(s -> RunManifest.SUCCEEDED.equals(s.status()))
            .flatMap(s -> s.tables().stream())
            .toList();
    if (tables.isEmpty()) {
      ctx.note("monitoring: this run ingested nothing, so no quarantine or volume checks");
    }
    Instant started = Instant.parse(self.startedAt());
    List<RunManifest> earlier =
        ctx.warehouse().runs().stream()
            .filter(
                r ->
                    r.job().equals(self.job())
                        && RunManifest.SUCCEEDED.equals(r.status())
                        && !r.runId().equals(self.runId())
                        && Instant.parse(r.startedAt()).isBefore(started))
            .toList();

    Monitoring.Result result =
        Monitoring.evaluate(
            tables, scores(ctx, date), lists(ctx, date), matured(ctx, date), earlier, settings);

    Path csv = ctx.stage("aggregate/" + date + "/monitoring");
    CohortStep.write(ctx, Outputs.MONITORING_MEASURES, date, result.measures().rows(), csv);
    readme(csv, date);

    List<MonitoringCheck> failed = new java.util.ArrayList<>();
    for (MonitoringCheck c : result.checks()) {
      ctx.monitored(c);
      if (MonitoringCheck.WARN.equals(c.status())) {
        ctx.note("WARNING: monitoring: " + Monitoring.describe(c));
      } else if (MonitoringCheck.FAIL.equals(c.status())) {
        failed.add(c);
      }
    }
    long alerts = result.checks().stream().filter(MonitoringCheck::alert).count();
    ctx.note(
        "monitoring: "
            + result.checks().size()
            + " checks, "
            + (alerts == 0 ? "no alerts" : alerts + " alert" + (alerts == 1 ? "" : "s")));
    if (!failed.isEmpty()) {
      MonitoringCheck first = failed.get(0);
      throw Errors.qualityGate(
          "Monitoring failed the run: "
              + Monitoring.describe(first)
              + (failed.size() > 1 ? ", and " + (failed.size() - 1) + " more alert(s)" : ""),
          "nothing was published; find the cause (npc runs show latest; docs/operations.md,"
              + " \"Monitoring\") and run again, or if the change is expected set "
              + KEYS.get(first.measure())
              + ".action: warn");
    }
  }

  /** This run's and the previous published run's scores in the previous run's decile bins. */
  private static Optional<Monitoring.Scores> scores(StepContext ctx, LocalDate date) {
    Optional<StepContext.InputTable> current = ctx.inputAt(RiskScoreStep.SCORES, date.toString());
    Optional<StepContext.InputTable> previous = ctx.publishedBefore(RiskScoreStep.SCORES, date);
    if (current.isEmpty() || previous.isEmpty()) {
      return Optional.empty();
    }
    ctx.read(previous.get());
    Dataset<Row> before = read(ctx, previous.get().path());
    double[] edges =
        Monitoring.edges(
            before
                .stat()
                .approxQuantile(
                    Scoring.PROBABILITY,
                    new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9},
                    // Within a thousandth of the rank: exact quantiles (0) keep every score in
                    // memory, which a region's scores make costly, for no change a PSI can see.
                    0.001));
    return Optional.of(
        new Monitoring.Scores(
            previous.get().versionKey(),
            binCounts(before, edges),
            binCounts(read(ctx, current.get().path()), edges)));
  }

  /** People per bin of {@code edges} (see {@link Monitoring#bin}). */
  static long[] binCounts(Dataset<Row> scores, double[] edges) {
    Column bin = lit(0);
    for (double e : edges) {
      bin = bin.plus(when(col(Scoring.PROBABILITY).gt(e), 1).otherwise(0));
    }
    long[] out = new long[edges.length + 1];
    for (Row r : scores.groupBy(bin.as("bin")).count().collectAsList()) {
      out[r.getInt(0)] = r.getLong(1);
    }
    return out;
  }

  /** This run's lists' rows by status, if it has lists. */
  private static Optional<Monitoring.Lists> lists(StepContext ctx, LocalDate date) {
    Optional<StepContext.InputTable> list = ctx.inputAt(CohortStep.LIST, date.toString());
    if (list.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Long> by = new java.util.HashMap<>();
    for (Row r : read(ctx, list.get().path()).groupBy(Cols.STATUS).count().collectAsList()) {
      by.put(r.getString(0), r.getLong(1));
    }
    return Optional.of(
        new Monitoring.Lists(
            by.getOrDefault(Cohort.CONTINUING, 0L),
            by.getOrDefault(Cohort.NEW, 0L),
            by.getOrDefault(Cohort.LEAVING, 0L),
            ctx.publishedBefore(CohortStep.LIST, date).isEmpty()));
  }

  /**
   * The newest scores published on or before the as-of date less the outcome horizon, and no older
   * than monitoring.matured_max_age_days, labelled with their outcomes; or why there are none.
   */
  private static Monitoring.MaturedScores matured(StepContext ctx, LocalDate date) {
    int horizon = ctx.config().risk().horizonDays();
    Monitoring.MaturedVersion chosen =
        Monitoring.maturedVersion(
            ctx.publishedVersions(RiskScoreStep.SCORES).keySet(),
            date,
            horizon,
            ctx.config().monitoring().maturedMaxAgeDays());
    if (chosen.version() == null) {
      return Monitoring.MaturedScores.none(chosen.notMatured());
    }
    String version = chosen.version();
    Conformed conformed = Conformed.of(ctx);
    Dataset<Row> spells = conformed.required("apc_spells");
    LocalDate extract = LocalDate.parse(conformed.versionKey("apc_spells"));
    LocalDate windowEnd = LocalDate.parse(version).plusDays(horizon);
    if (extract.isBefore(windowEnd)) {
      return Monitoring.MaturedScores.none(
          "not matured: the outcomes of risk/scores version "
              + version
              + " run to "
              + windowEnd
              + ", after the extract date "
              + extract);
    }
    StepContext.InputTable t = ctx.inputAt(RiskScoreStep.SCORES, version).orElseThrow();
    Dataset<Row> deaths =
        Population.deaths(conformed.required("gp_registrations"), Optional.of(spells));
    List<Row> rows =
        Outcomes.label(
                read(ctx, t.path()).select(Cols.PERSON_ID, Cols.AS_OF, Scoring.PROBABILITY),
                spells,
                deaths,
                horizon)
            .select(Scoring.PROBABILITY, Outcomes.OUTCOME)
            .collectAsList();
    double[] p = new double[rows.size()];
    int[] y = new int[rows.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = rows.get(i).getDouble(0);
      y[i] = ((Number) rows.get(i).get(1)).intValue();
    }
    return new Monitoring.MaturedScores(version, p, y, null);
  }

  private static Dataset<Row> read(StepContext ctx, Path path) {
    return ParquetRows.read(ctx.spark(), path);
  }

  private static void readme(Path dir, LocalDate date) {
    AggregateReadme.write(
        dir,
        "Run monitoring: measures as of " + date,
        "What the nightly run as of "
            + date
            + " measured to watch the data and the model from night to night"
            + " (docs/operations.md, \"Monitoring\", in the Proactive Care Engine): each"
            + " extract table's rows read and quarantined, the risk scores counted in the"
            + " previous published run's decile bins with their population stability index,"
            + " and, once the outcomes of the scores published a horizon earlier have matured,"
            + " their AUROC and calibration. The PCN lists' changes are the cohort's to publish"
            + " (aggregate/DATE/cohort). The comparisons with earlier runs and the alerts are"
            + " in the run's manifest (npc runs show).",
        List.of(measures()));
  }

  /** The folder's one file: the shared measures columns, with what this folder's hold. */
  private static AggregateReadme.File measures() {
    AggregateReadme.File shared =
        AggregateReadme.measures(
            "for `rows` (rows of an extract table, broken down by `table`): `read`,"
                + " `quarantined` and the ratio `quarantined_share_of_read`; for `people`:"
                + " `scores_previous` and `scores_current` (people scored by the previous"
                + " published run and by this one, broken down by `risk_bin`, 1 the lowest"
                + " tenth of the previous run's scores), and the matured scores'"
                + " `matured_scored`, `matured_events`, `matured_non_events`; `expected_events`"
                + " (the sum of their predicted risks, rounded) and the ratio"
                + " `matured_observed_over_expected`. The statistics `psi` (population"
                + " `scores_current`), `auroc` and `calibration_in_the_large` (population"
                + " `matured_scored`) are not counts: their row's `numerator` is the number of"
                + " people they are computed over and `value` the statistic, published only"
                + " when the counts it rests on are (for `psi`: every bin of both runs)");
    java.util.Map<String, String> columns = new java.util.LinkedHashMap<>(shared.columns());
    columns.put(
        "measure",
        "what is counted: `rows` (of an extract table), `people`, `expected_events` (a sum of"
            + " predicted risks), or a statistic: `psi`, `auroc`, `calibration_in_the_large`");
    return new AggregateReadme.File(
        "measures.csv",
        "Every figure of this folder in one long table, one row per figure, ratio or statistic,"
            + " after disclosure control, in the form the engine's stages share.",
        columns);
  }
}

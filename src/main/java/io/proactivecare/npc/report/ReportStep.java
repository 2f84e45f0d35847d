package io.proactivecare.npc.report;

import static org.apache.spark.sql.functions.col;

import io.proactivecare.npc.cohort.CohortStep;
import io.proactivecare.npc.evaluation.EvaluationStep;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.io.ParquetRows;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.monitoring.MonitoringStep;
import io.proactivecare.npc.risk.ModelRegistry;
import io.proactivecare.npc.risk.RiskScoreStep;
import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.warehouse.Json;
import io.proactivecare.npc.warehouse.RunManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * {@code run: report} (docs/report.md): the run report of the as-of date, one self-contained HTML
 * file drawn from the date's aggregate outputs (the cohort's and, when there is one, the
 * evaluation's: this run's, else the published ones), the ingest's quarantine counts from its run
 * manifest and the scoring model's card, delivered to {@code PUBLISH/aggregate/DATE/report/}. It
 * reads no person-level table but for the id of the model that scored the date.
 */
public final class ReportStep implements Step {
  public static final String KIND = "report";

  /** The report in the warehouse (aggregate), keyed by the as-of date: a folder of one file. */
  public static final String OUTPUT = "report";

  /** Where the report goes, under the publish area. */
  public static String folder(LocalDate date) {
    return "aggregate/" + date + "/report";
  }

  public static final String FILE = "report.html";

  /** The aggregate outputs the report reads, when published at the date. */
  static final List<String> TABLES =
      List.of(
          CohortStep.CONCENTRATION,
          CohortStep.PROFILE,
          CohortStep.CHURN,
          CohortStep.FUNNEL,
          CohortStep.MEASURES,
          EvaluationStep.ESTIMATES,
          EvaluationStep.BALANCE,
          EvaluationStep.ATTRITION,
          MonitoringStep.MEASURES);

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "write the run report: one self-contained HTML page of the date's aggregate outputs",
        Set.of(),
        with -> new ReportStep());
  }

  @Override
  public List<String> inputs() {
    return java.util.stream.Stream.concat(
            TABLES.stream(),
            java.util.stream.Stream.of(
                IngestStep.conformed("gp_registrations"),
                RiskScoreStep.SCORES,
                ModelRegistry.OUTPUT))
        .toList();
  }

  @Override
  public void run(StepContext ctx) {
    LocalDate date = ctx.asOf();
    Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
    for (String name : TABLES) {
      ctx.inputAt(name, date.toString()).ifPresent(t -> tables.put(name, rows(ctx, t.path())));
    }
    ReportInputs in =
        new ReportInputs(
            date,
            ctx.runId(),
            tables,
            quarantine(ctx, date),
            modelCard(ctx, date),
            monitoring(ctx, date));
    String html = RunReport.html(in);
    Path kept = ctx.outputDir(OUTPUT);
    Path dir = ctx.stage(folder(date));
    try {
      Files.createDirectories(kept);
      Files.writeString(kept.resolve(FILE), html, StandardCharsets.UTF_8);
      Files.copy(kept.resolve(FILE), dir.resolve(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report in " + kept, e);
    }
    ctx.produced(OUTPUT, date.toString(), 1);
    ctx.note(
        "report of "
            + date
            + " ("
            + tables.size()
            + " aggregate tables"
            + (in.modelCard().isPresent() ? ", the model card" : "")
            + (in.quarantine().isPresent() ? ", the quarantine counts" : "")
            + (in.monitoring().isPresent() ? ", the monitoring checks" : "")
            + ") to "
            + folder(date)
            + "/"
            + FILE);
  }

  /** A small aggregate table's rows, each its columns by name. */
  private static List<Map<String, Object>> rows(StepContext ctx, Path path) {
    List<Map<String, Object>> out = new ArrayList<>();
    org.apache.spark.sql.Dataset<Row> d = ParquetRows.read(ctx.spark(), path);
    String[] columns = d.columns();
    for (Row r : d.collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < columns.length; i++) {
        m.put(columns[i], r.get(i));
      }
      out.add(m);
    }
    return out;
  }

  /**
   * The quarantine counts of the ingest behind the date: this run's own ingest, if it has one (its
   * manifest holds the ingest step already; in a backfill its extract is dated after the date),
   * else the run that wrote the newest extract at or before the date.
   */
  private static Optional<ReportInputs.Quarantine> quarantine(StepContext ctx, LocalDate date) {
    String table = IngestStep.conformed("gp_registrations");
    Optional<StepContext.InputTable> ingested =
        ctx.optionalInput(table)
            .filter(
                t ->
                    t.runId().equals(ctx.runId()) || !LocalDate.parse(t.versionKey()).isAfter(date))
            .or(
                () ->
                    ctx.publishedVersions(table).keySet().stream()
                        .filter(k -> !LocalDate.parse(k).isAfter(date))
                        .max(String::compareTo)
                        .flatMap(k -> ctx.inputAt(table, k)));
    return ingested.flatMap(
        t ->
            ctx.warehouse()
                .manifest(t.runId())
                .flatMap(
                    m ->
                        m.steps().stream()
                            .filter(s -> !s.tables().isEmpty())
                            .map(RunManifest.StepRecord::tables)
                            .findFirst()
                            .map(
                                counts ->
                                    new ReportInputs.Quarantine(
                                        t.runId(), t.versionKey(), counts))));
  }

  /**
   * The monitoring checks of the run that wrote the date's monitoring measures (this run's, its
   * manifest rewritten after its monitoring step, else the published version's run), from its
   * manifest.
   */
  private static Optional<ReportInputs.MonitoringChecks> monitoring(
      StepContext ctx, LocalDate date) {
    return ctx.inputAt(MonitoringStep.MEASURES, date.toString())
        .flatMap(t -> ctx.warehouse().manifest(t.runId()))
        .filter(m -> !m.monitoring().isEmpty())
        .map(m -> new ReportInputs.MonitoringChecks(m.runId(), m.monitoring()));
  }

  /** The card of the model that scored the date, if the date was scored. */
  private static Optional<ReportInputs.ModelCard> modelCard(StepContext ctx, LocalDate date) {
    Optional<StepContext.InputTable> scores = ctx.inputAt(RiskScoreStep.SCORES, date.toString());
    if (scores.isEmpty()) {
      return Optional.empty();
    }
    List<Row> ids =
        ParquetRows.read(ctx.spark(), scores.get().path())
            .select(col(Scoring.MODEL_ID))
            .distinct()
            .orderBy(col(Scoring.MODEL_ID))
            .collectAsList();
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    String id = ids.get(ids.size() - 1).getString(0);
    return ctx.inputAt(ModelRegistry.OUTPUT, id)
        .map(t -> t.path().resolve("card.json"))
        .filter(Files::isRegularFile)
        .map(
            f -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> card = Json.read(f, Map.class);
              return new ReportInputs.ModelCard(id, card);
            });
  }
}

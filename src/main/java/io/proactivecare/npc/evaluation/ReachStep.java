package io.proactivecare.npc.evaluation;

import io.proactivecare.npc.cohort.CohortStep;
import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.disclosure.Measures;
import io.proactivecare.npc.ingest.Conformed;
import io.proactivecare.npc.io.ParquetRows;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.warehouse.Catalog;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code run: evaluate_reach} (docs/evaluation.md, "Reach and equity"): enrolment among the people
 * on the published cohort lists, by PCN, deprivation quintile, ethnic category, age band and sex,
 * and the time from first listing to enrolment.
 *
 * <p>Reads every published {@code cohort/eligibility} version as of the run's date or earlier and
 * the conformed {@code enrolments}; writes {@code evaluation/reach} (aggregate, after disclosure
 * control: {@link Reach#SCHEMA}) and the figures behind it, {@code evaluation/reach_measures}
 * ({@link Measures#SCHEMA}), also delivered as CSV to {@code aggregate/DATE/evaluation/}. With no
 * published cohort at or before the date it writes the table empty and says why in a note.
 */
public final class ReachStep implements Step {
  public static final String KIND = "evaluate_reach";
  public static final String OUTPUT = "evaluation/reach";
  public static final String MEASURES = "evaluation/reach_measures";

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "enrolment among the people on the cohort lists, by PCN and equity group",
        Set.of(),
        with -> new ReachStep());
  }

  @Override
  public List<String> inputs() {
    return List.of("conformed/*", CohortStep.ELIGIBILITY);
  }

  @Override
  public void run(StepContext ctx) {
    LocalDate asOf = ctx.asOf();
    EvaluationSettings s = ctx.config().evaluation();
    Path csv = ctx.stage("aggregate/" + asOf + "/evaluation");
    List<Path> paths = listings(ctx, asOf);
    if (paths.isEmpty()) {
      ctx.note(
          "reach: no published "
              + CohortStep.ELIGIBILITY
              + " as of "
              + asOf
              + " or earlier, so nobody has been listed; "
              + OUTPUT
              + " is empty");
      EvaluationStep.write(ctx, asOf, csv, OUTPUT, Reach.SCHEMA, List.of(), Reach::notApplicable);
      EvaluationStep.write(ctx, asOf, csv, MEASURES, Measures.SCHEMA, List.of());
      return;
    }
    Dataset<Row> eligibility = ParquetRows.read(ctx.spark(), paths);
    Dataset<Row> enrolments = Conformed.of(ctx).required("enrolments");
    List<Row> exact = Reach.counts(Reach.people(eligibility, enrolments, asOf, s)).collectAsList();
    Reach.Published controlled = Reach.control(exact, s.minGroupSize());
    List<Row> published = controlled.rows();
    EvaluationStep.write(ctx, asOf, csv, OUTPUT, Reach.SCHEMA, published, Reach::notApplicable);
    EvaluationStep.write(ctx, asOf, csv, MEASURES, Measures.SCHEMA, controlled.measures());
    for (Row r : published) {
      if (EvaluationStep.OVERALL.equals(r.getString(0))) {
        ctx.note(
            "reach: "
                + shown(r.getAs(Cols.N_ENROLLED))
                + " of "
                + shown(r.getAs(Cols.N_LISTED))
                + " listed people enrolled, "
                + shown(r.getAs(Cols.N_ENROLLED_NOT_LISTED))
                + " enrolled never listed (rounded to 5)");
      }
    }
  }

  /**
   * The folders of every {@code cohort/eligibility} version keyed on or before {@code asOf}: the
   * published ones, and this run's if an earlier step wrote the date. One note names the range.
   */
  private static List<Path> listings(StepContext ctx, LocalDate asOf) {
    Map<String, Catalog.TableVersion> versions = ctx.publishedVersions(CohortStep.ELIGIBILITY);
    List<String> keys =
        versions.keySet().stream().filter(k -> LocalDate.parse(k).isBefore(asOf)).sorted().toList();
    List<Path> paths = new ArrayList<>();
    for (String k : keys) {
      paths.add(ctx.warehouse().resolve(versions.get(k).path()));
    }
    // The as-of date's own version: this run's if a cohort step wrote it, else the published one.
    ctx.inputAt(CohortStep.ELIGIBILITY, asOf.toString()).ifPresent(t -> paths.add(t.path()));
    if (!keys.isEmpty()) {
      ctx.note(
          "read "
              + CohortStep.ELIGIBILITY
              + ": "
              + keys.size()
              + " published versions from "
              + keys.get(0)
              + " to "
              + keys.get(keys.size() - 1));
    }
    return paths;
  }

  private static String shown(Long count) {
    return count == null ? io.proactivecare.npc.disclosure.Disclosure.SUPPRESSED : count.toString();
  }
}

package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.cohort.PalliativeRegister;
import io.proactivecare.npc.config.CohortSettings;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.disclosure.AggregateCsv;
import io.proactivecare.npc.disclosure.Disclosure;
import io.proactivecare.npc.features.Features;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.ingest.Conformed;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code run: evaluate} (docs/evaluation.md): the enrolled people against matched controls.
 *
 * <ul>
 *   <li>{@code evaluation/candidates} (patient-level): everyone in a risk set, with covariates and
 *       propensity score;
 *   <li>{@code evaluation/matched} (patient-level): the matched sets, and why an enrolled person
 *       has none;
 *   <li>{@code evaluation/outcomes} (patient-level): each analysed person's outcomes before and
 *       after the index date;
 *   <li>{@code evaluation/estimates}, {@code evaluation/balance}, {@code evaluation/attrition},
 *       {@code evaluation/propensity} (aggregate, after disclosure control), also delivered as CSV
 *       to {@code aggregate/DATE/evaluation/}.
 * </ul>
 */
public final class EvaluationStep implements Step {
  public static final String KIND = "evaluate";
  public static final String CANDIDATES = "evaluation/candidates";
  public static final String MATCHED = "evaluation/matched";
  public static final String OUTCOMES = "evaluation/outcomes";
  public static final String ESTIMATES = "evaluation/estimates";
  public static final String BALANCE = "evaluation/balance";
  public static final String ATTRITION = "evaluation/attrition";
  public static final String PROPENSITY = "evaluation/propensity";
  public static final String MEASURES = "evaluation/measures";

  public static final String OVERALL = "overall";
  public static final String ALL = "all";
  static final String DEATH = "death";
  static final String EFI = "efi_progression";
  static final String PER_PERSON_YEAR = "per person-year";

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "match enrolled people to controls and estimate the programme's effect",
        Set.of(),
        with -> new EvaluationStep());
  }

  @Override
  public List<String> inputs() {
    return FeaturesStep.SOURCES;
  }

  @Override
  public void run(StepContext ctx) {
    NpcConfig config = ctx.config();
    EvaluationSettings s = config.evaluation();
    LocalDate asOf = ctx.asOf();
    FeaturesStep.Sources src = FeaturesStep.sources(ctx);
    Conformed conformed = Conformed.of(ctx);

    // 1. Who is enrolled, and from when.
    Dataset<Row> treatedAll =
        RiskSets.treated(conformed.required("enrolments"), s)
            .persist(StorageLevel.MEMORY_AND_DISK());
    long enrolled = treatedAll.count();
    LocalDate lastIndex = s.requireFullFollowUp() ? asOf.minusDays(s.followUpDays() - 1) : asOf;
    Dataset<Row> treated =
        treatedAll.where(col(Cols.INDEX_DATE).leq(lit(java.sql.Date.valueOf(lastIndex))));
    List<LocalDate> dates =
        treated.select(Cols.INDEX_DATE).distinct().collectAsList().stream()
            .map(r -> r.getDate(0).toLocalDate())
            .sorted()
            .toList();
    long inRange = treated.count();
    if (dates.isEmpty()) {
      throw Errors.usage(
          "No enrolled person has an index date on or before "
              + lastIndex
              + " ("
              + enrolled
              + " enrolled), so nobody has a complete follow-up window by "
              + asOf,
          "evaluate at a later date, or allow incomplete follow-up with --set"
              + " evaluation.require_full_follow_up=false");
    }
    ctx.note(
        "risk sets: "
            + dates.size()
            + " index dates from "
            + dates.get(0)
            + " to "
            + dates.get(dates.size() - 1));

    // 2. The risk sets and everyone's covariates the day before their index date.
    Dataset<Row> members =
        RiskSets.members(
                src.population(dates, config), treated, treatedAll, s, config.cohort().minAge())
            .persist(StorageLevel.MEMORY_AND_DISK());
    // The enrolled and the candidates in the risk sets, in one pass.
    Row roles =
        members
            .agg(
                count(when(col(Cols.ROLE).equalTo(RiskSets.TREATED), lit(1))),
                count(when(col(Cols.ROLE).equalTo(RiskSets.CANDIDATE), lit(1))))
            .first();
    long treatedRegistered = roles.getLong(0);
    String candidatesLabel = "candidate person-dates in the risk sets";
    Dataset<Row> kept = members;
    if (s.candidatesPerTreated() > 0) {
      long before = roles.getLong(1);
      kept =
          CandidateSampling.sample(
                  members, src.inputs().spells(), s, config.features(), s.candidatesPerTreated())
              .persist(StorageLevel.MEMORY_AND_DISK());
      long after = kept.where(col(Cols.ROLE).equalTo(RiskSets.CANDIDATE)).count();
      // The whole risk sets are not needed once the sample is held: at a region's size they are
      // tens of millions of rows.
      members.unpersist();
      ctx.note(
          String.format(
              "candidate sampling: %,d of %,d candidate person-dates kept, about %d per enrolled"
                  + " person in each block of index date and exact strata"
                  + " (evaluation.candidates_per_treated)",
              after, before, s.candidatesPerTreated()));
      candidatesLabel =
          "candidate person-dates sampled from the risk sets ("
              + s.candidatesPerTreated()
              + " per enrolled person)";
    }
    Dataset<Row> dayBefore =
        kept.select(
            col(Cols.PERSON_ID),
            date_sub(col(Cols.INDEX_DATE), 1).as(Cols.AS_OF),
            col(Cols.PRACTICE_CODE),
            col(Cols.PCN_CODE),
            col(Cols.SEX),
            col(Cols.YEAR_OF_BIRTH),
            col(Cols.AGE),
            col(Cols.LSOA_CODE),
            col(Cols.ETHNIC_GROUP));
    Dataset<Row> features = Features.build(src.inputs(), dayBefore, src.efi(), src.hfrs(), config);
    CohortSettings cohort = config.cohort();
    if (cohort.exclude().contains(CohortSettings.CARE_HOME)) {
      features = features.where(col(Cols.CARE_HOME).equalTo(false));
    }
    if (cohort.exclude().contains(CohortSettings.PALLIATIVE_CARE)) {
      Dataset<Row> onRegister =
          PalliativeRegister.load(cohort.palliativeCodelist())
              .onDates(
                  conformed.required("gp_events"),
                  dayBefore.select(Cols.PERSON_ID, Cols.AS_OF),
                  cohort.palliativeSince());
      features = features.join(onRegister, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left_anti");
    }
    Dataset<Row> analysed =
        kept.select(
                col(Cols.PERSON_ID),
                col(Cols.INDEX_DATE),
                col(Cols.ROLE),
                col(Cols.LATER_ENROLMENT),
                col(Cols.AGE_BAND))
            .join(
                features.withColumn(Cols.INDEX_DATE, date_add(col(Cols.AS_OF), 1)).drop(Cols.AS_OF),
                new String[] {Cols.PERSON_ID, Cols.INDEX_DATE})
            .persist(StorageLevel.MEMORY_AND_DISK());

    // 3. The method: propensity, matching, outcomes, balance, estimates, attrition, aggregates.
    // Outcomes are counted for the written candidates, so the features are not recomputed.
    OutcomeWindows.Sources outcomeSources =
        new OutcomeWindows.Sources(
            src.registrations(),
            src.deaths(),
            src.inputs().spells(),
            src.inputs().attendances(),
            src.inputs().appointments(),
            src.inputs().services(),
            src.inputs().deficitPeriods());
    java.util.function.UnaryOperator<Dataset<Row>> outcomes =
        candidates ->
            Outputs.OUTCOMES.select(
                OutcomeWindows.count(
                        outcomeRequests(candidates, s),
                        outcomeSources,
                        s.baselineDays(),
                        s.followUpDays(),
                        asOf,
                        config.features(),
                        config.costs(),
                        src.efi())
                    .join(
                        candidates.select(
                            col(Cols.PERSON_ID),
                            col(Cols.INDEX_DATE),
                            col(Cols.ROLE),
                            col(Cols.EFI_SCORE).as(Cols.EFI_AT_INDEX)),
                        new String[] {Cols.PERSON_ID, Cols.INDEX_DATE}));
    Map<String, String> breakdowns = new LinkedHashMap<>();
    for (String b : s.breakdowns()) {
      breakdowns.put(b, Matching.column(b));
    }
    long treatedEligible = analysed.where(col(Cols.ROLE).equalTo(RiskSets.TREATED)).count();
    MatchedAnalysis.Design design =
        new MatchedAnalysis.Design(
            Propensity.encoder(s.covariates()),
            s.exact().stream().map(Matching::stratum).toList(),
            breakdowns,
            measures(),
            List.of(
                new MatchedAnalysis.Count("enrolled", enrolled),
                new MatchedAnalysis.Count("index date with complete follow-up", inRange),
                new MatchedAnalysis.Count(
                    "registered, alive, adult and in a PCN at the index date", treatedRegistered),
                new MatchedAnalysis.Count(
                    "eligible (not excluded) at the index date", treatedEligible)),
            candidatesLabel,
            controls ->
                List.of(
                    new MatchedAnalysis.Count(
                        "matched controls enrolled during follow-up",
                        enrolledDuringFollowUp(controls, s.followUpDays()))));
    Path csv = ctx.stage("aggregate/" + asOf + "/evaluation");
    MatchedAnalysis.run(
        analysed, outcomes, design, s, sink(ctx, asOf, csv, analysed, members, kept));
    EvaluationReadme.write(csv, asOf, s);
    treatedAll.unpersist();
  }

  /**
   * What {@link OutcomeWindows#count} is asked for: each candidate at their index date, with the
   * later enrolment that ends their follow-up only when {@code later_enrolled_controls} is {@code
   * censor} (with {@code keep} a control is followed whatever happens later).
   */
  static Dataset<Row> outcomeRequests(Dataset<Row> candidates, EvaluationSettings s) {
    return candidates.select(
        col(Cols.PERSON_ID),
        col(Cols.INDEX_DATE),
        EvaluationSettings.CENSOR.equals(s.laterEnrolled())
            ? col(Cols.LATER_ENROLMENT)
            : lit(null).cast("date").as(Cols.LATER_ENROLMENT));
  }

  /** How many of {@code controls} enrolled within {@code followUpDays} from their index date. */
  static long enrolledDuringFollowUp(List<Row> controls, int followUpDays) {
    long n = 0;
    for (Row r : controls) {
      java.sql.Date later = r.getAs(Cols.LATER_ENROLMENT);
      LocalDate index = r.<java.sql.Date>getAs(Cols.INDEX_DATE).toLocalDate();
      if (later != null && later.toLocalDate().isBefore(index.plusDays(followUpDays))) {
        n++;
      }
    }
    return n;
  }

  /**
   * The step's sink: outputs into the run's folder keyed by the as-of date, aggregates also as CSV
   * to {@code csv}; the risk sets are released once the scored candidates are written.
   */
  private static MatchedAnalysis.Sink sink(
      StepContext ctx,
      LocalDate asOf,
      Path csv,
      Dataset<Row> analysed,
      Dataset<Row> members,
      Dataset<Row> kept) {
    return new MatchedAnalysis.Sink() {
      @Override
      public Dataset<Row> write(String name, Dataset<Row> data) {
        Dataset<Row> back = ctx.write(name, asOf.toString(), data);
        if (name.equals(CANDIDATES)) {
          analysed.unpersist();
          kept.unpersist();
          members.unpersist();
        }
        return back;
      }

      @Override
      public void aggregate(String name, StructType schema, List<Row> rows) {
        EvaluationStep.write(ctx, asOf, csv, name, schema, rows);
      }

      @Override
      public void note(String note) {
        ctx.note(note);
      }
    };
  }

  /** The measures estimated, with their units, as columns of {@code evaluation/outcomes}. */
  static List<MatchedAnalysis.Measure> measures() {
    List<MatchedAnalysis.Measure> m = new ArrayList<>();
    Column yearsPost = col("years_post");
    Column yearsPre = col("years_pre");
    for (String r : OutcomeWindows.RATES) {
      m.add(
          new MatchedAnalysis.Measure(
              r,
              r.endsWith("cost") ? "pounds " + PER_PERSON_YEAR : PER_PERSON_YEAR,
              windowCount(r, OutcomeWindows.POST),
              yearsPost,
              windowCount(r, OutcomeWindows.PRE),
              yearsPre,
              true));
    }
    m.add(
        new MatchedAnalysis.Measure(
            DEATH,
            "proportion",
            when(col(Cols.DIED), 1.0).otherwise(0.0),
            lit(1.0),
            null,
            null,
            true));
    m.add(
        new MatchedAnalysis.Measure(
            EFI,
            "eFI change (0-1 scale)",
            col(Cols.EFI_AFTER).cast("double").minus(col(Cols.EFI_AT_INDEX).cast("double")),
            lit(1.0),
            null,
            null,
            false));
    return m;
  }

  /** A window's count of a measure, none when absent (as the counting rules give). */
  private static Column windowCount(String measure, String window) {
    return org.apache.spark.sql.functions.coalesce(
        col(OutcomeWindows.column(measure, window)).cast("double"), lit(0.0));
  }

  // ---------------------------------------------------------------------------------------------
  // Writing, after disclosure control

  /**
   * Writes an aggregate as Parquet output {@code name} and as CSV to {@code csvDir}: a null count
   * ({@code n_*}) is suppressed and shown as {@code *}, any other null is empty.
   */
  static void write(
      StepContext ctx,
      LocalDate asOf,
      Path csvDir,
      String name,
      StructType schema,
      List<Row> rows) {
    write(ctx, asOf, csvDir, name, schema, rows, (r, i) -> false);
  }

  /**
   * As {@link #write(StepContext, LocalDate, Path, String, StructType, List)}, but a null where
   * {@code notApplicable} holds (the row, the column's index) means "does not apply" and is shown
   * empty even in a count column.
   */
  static void write(
      StepContext ctx,
      LocalDate asOf,
      Path csvDir,
      String name,
      StructType schema,
      List<Row> rows,
      java.util.function.BiPredicate<Row, Integer> notApplicable) {
    ctx.write(name, asOf.toString(), ctx.spark().createDataFrame(rows, schema).coalesce(1));
    writeCsv(csvDir, name, schema, rows, notApplicable);
  }

  /**
   * Writes an aggregate as {@code csvDir/NAME.csv}: a null count ({@code n_*}) is suppressed and
   * shown as {@code *}, unless {@code notApplicable}; any other null is empty.
   */
  static void writeCsv(
      Path csvDir,
      String name,
      StructType schema,
      List<Row> rows,
      java.util.function.BiPredicate<Row, Integer> notApplicable) {
    AggregateCsv.write(
        csvDir,
        name,
        schema,
        rows,
        (r, i, column) ->
            r.isNullAt(i)
                ? (i > 0 && column.startsWith("n_") && !notApplicable.test(r, i)
                    ? Disclosure.SUPPRESSED
                    : "")
                : r.get(i).toString());
  }
}

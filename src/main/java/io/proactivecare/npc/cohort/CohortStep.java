package io.proactivecare.npc.cohort;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.CohortSettings;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.disclosure.AggregateCsv;
import io.proactivecare.npc.disclosure.Disclosure;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.ingest.Conformed;
import io.proactivecare.npc.io.ParquetRows;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.population.Population;
import io.proactivecare.npc.risk.RiskScoreStep;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.OutputContract;
import io.proactivecare.npc.schema.Outputs;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * {@code run: cohort} (docs/cohort.md): selects the cohort from the risk scores at the as-of date,
 * compares it with the previous published run, and publishes the lists and the aggregates:
 *
 * <ul>
 *   <li>{@code cohort/eligibility} (patient-level): everyone registered at the date, eligible or
 *       why not, ranked, selected or retained;
 *   <li>{@code cohort/list} (patient-level): every PCN's list, with new, continuing and leaving;
 *   <li>{@code cohort/concentration}, {@code cohort/profile}, {@code cohort/churn}, {@code
 *       cohort/funnel} (aggregate, after disclosure control);
 *   <li>in the publish area: {@code pcn/PCN/DATE/} (each PCN's list and its column document) and
 *       {@code aggregate/DATE/cohort/} (the aggregates as CSV).
 * </ul>
 */
public final class CohortStep implements Step {
  public static final String KIND = "cohort";
  public static final String ELIGIBILITY = "cohort/eligibility";
  public static final String LIST = "cohort/list";
  public static final String CONCENTRATION = "cohort/concentration";
  public static final String PROFILE = "cohort/profile";
  public static final String CHURN = "cohort/churn";
  public static final String FUNNEL = "cohort/funnel";
  public static final String MEASURES = "cohort/measures";

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "select the highest-risk cohort, flag changes since the last run, publish PCN lists",
        Set.of(),
        with -> new CohortStep());
  }

  @Override
  public List<String> inputs() {
    return List.of(RiskScoreStep.SCORES, FeaturesStep.OUTPUT, "conformed/*", LIST);
  }

  @Override
  public void run(StepContext ctx) {
    LocalDate date = ctx.asOf();
    CohortSettings settings = ctx.config().cohort();
    Dataset<Row> scores = atDate(ctx, RiskScoreStep.SCORES, date);
    Dataset<Row> features = atDate(ctx, FeaturesStep.OUTPUT, date);
    Set<String> have = Set.of(features.columns());
    List<String> missing = Cohort.FEATURE_COLUMNS.stream().filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw Errors.usage(
          FeaturesStep.OUTPUT
              + " as of "
              + date
              + " has no column "
              + String.join(", ", missing)
              + " (built by an earlier version of npc)",
          "rebuild the features and scores: npc risk score --as-of " + date);
    }
    Conformed conformed = Conformed.of(ctx);
    Optional<Dataset<Row>> palliative = Optional.empty();
    if (settings.exclude().contains(CohortSettings.PALLIATIVE_CARE)) {
      palliative =
          Optional.of(
              PalliativeRegister.load(settings.palliativeCodelist())
                  .on(conformed.required("gp_events"), date, settings.palliativeSince()));
    }
    Dataset<Row> deaths =
        Population.deaths(
            conformed.required("gp_registrations"), Optional.of(conformed.required("apc_spells")));

    Optional<StepContext.InputTable> previousList = ctx.publishedBefore(LIST, date);
    // Rising risk compares with the scores the previous list was made from, else the newest
    // earlier ones.
    Optional<StepContext.InputTable> previousScores =
        previousList
            .flatMap(t -> ctx.inputAt(RiskScoreStep.SCORES, t.versionKey()))
            .or(() -> ctx.publishedBefore(RiskScoreStep.SCORES, date));
    previousList.ifPresentOrElse(
        t ->
            ctx.note(
                "compared with "
                    + LIST
                    + " version "
                    + t.versionKey()
                    + " (run "
                    + t.runId()
                    + ")"),
        () -> ctx.note("no earlier " + LIST + ": everyone in the cohort is new (first_run)"));
    Optional<Dataset<Row>> previous = previousList.map(t -> read(ctx, t.path()));

    Dataset<Row> eligibility =
        Cohort.eligibility(features, scores, palliative, settings, ctx.config().costs());
    Dataset<Row> selected =
        Cohort.select(
            eligibility,
            previous.map(p -> p.where(col(Cols.IN_COHORT)).select(Cols.PERSON_ID)),
            settings);
    Dataset<Row> everyone =
        ctx.write(ELIGIBILITY, date.toString(), Outputs.ELIGIBILITY.select(selected));
    Dataset<Row> lists =
        ctx.write(
            LIST,
            date.toString(),
            Cohort.withEnrolment(
                Cohort.lists(
                    everyone,
                    previous,
                    previousScores.map(t -> read(ctx, t.path())),
                    deaths,
                    date,
                    settings),
                conformed.optional("enrolments"),
                date));

    CohortReport.Tables tables = CohortReport.build(everyone, lists, settings);
    writeAggregates(ctx, date, tables);
    int pcns = writeLists(ctx, date, lists, tables);
    ctx.note(summary(tables, pcns));
  }

  private static Dataset<Row> read(StepContext ctx, Path path) {
    return ParquetRows.read(ctx.spark(), path);
  }

  /** The table {@code name} at exactly {@code date}: a cohort never mixes dates. */
  private static Dataset<Row> atDate(StepContext ctx, String name, LocalDate date) {
    StepContext.InputTable t =
        ctx.inputAt(name, date.toString())
            .orElseThrow(
                () ->
                    Errors.usage(
                        "The warehouse has no " + name + " as of " + date,
                        "score the date first: npc risk score --as-of "
                            + date
                            + " (npc cohort does this itself when the scores are missing)"));
    return read(ctx, t.path());
  }

  // ---------------------------------------------------------------------------------------------
  // The lists

  private static int writeLists(
      StepContext ctx, LocalDate date, Dataset<Row> lists, CohortReport.Tables tables) {
    Column leaversLast = when(col(Cols.IN_COHORT), 0).otherwise(1);
    List<Row> rows =
        lists
            .orderBy(
                col(Cols.PCN_CODE),
                leaversLast,
                col(Cols.LIST_RANK),
                col(Cols.CHANGE_REASON),
                col(Cols.PERSON_ID))
            .collectAsList();
    Map<String, List<Map<String, Object>>> byPcn = new TreeMap<>();
    // Every PCN with eligible people gets a list, even an empty one: no file means no run.
    for (CohortReport.Churn c : tables.churn()) {
      if (!c.pcnCode().equals(CohortReport.ALL)) {
        byPcn.put(c.pcnCode(), new ArrayList<>());
      }
    }
    for (Row r : rows) {
      Map<String, Object> m = new HashMap<>();
      for (String c : PcnLists.COLUMNS.keySet()) {
        m.put(c, r.getAs(c));
      }
      byPcn.computeIfAbsent(r.getAs(Cols.PCN_CODE), k -> new ArrayList<>()).add(m);
    }
    for (Map.Entry<String, List<Map<String, Object>>> e : byPcn.entrySet()) {
      Path dir = ctx.stage("pcn/" + e.getKey() + "/" + date);
      PcnLists.write(dir, e.getKey(), date, e.getValue(), ctx.config().cohort().reidentification());
    }
    // A rerun of the date whose PCNs changed (a corrected practice-to-PCN file) withdraws the
    // lists of PCNs that no longer have one, rather than leave people on the wrong PCN's list.
    Path delivered = ctx.config().publish().resolve("pcn");
    if (java.nio.file.Files.isDirectory(delivered)) {
      try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(delivered)) {
        for (Path pcn : s.toList()) {
          String code = pcn.getFileName().toString();
          if (!byPcn.containsKey(code)
              && !code.startsWith(".")
              && java.nio.file.Files.isDirectory(pcn.resolve(date.toString()))) {
            ctx.withdraw("pcn/" + code + "/" + date);
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot list " + delivered, e);
      }
    }
    return byPcn.size();
  }

  // ---------------------------------------------------------------------------------------------
  // The aggregates

  private static void writeAggregates(StepContext ctx, LocalDate date, CohortReport.Tables t) {
    Path csv = ctx.stage("aggregate/" + date + "/cohort");

    List<Row> rows = new ArrayList<>();
    for (CohortReport.Concentration c : t.concentration()) {
      rows.add(
          RowFactory.create(
              c.base(),
              c.scope(),
              c.group(),
              c.measure(),
              c.cohortValue(),
              c.populationValue(),
              c.cohortSharePct()));
    }
    write(ctx, Outputs.CONCENTRATION, date, rows, csv);

    rows = new ArrayList<>();
    for (CohortReport.Profile p : t.profile()) {
      rows.add(
          RowFactory.create(
              p.dimension(),
              p.group(),
              p.cohortPeople(),
              p.cohortPct(),
              p.populationPeople(),
              p.populationPct(),
              p.representationRatio()));
    }
    write(ctx, Outputs.PROFILE, date, rows, csv);

    rows = new ArrayList<>();
    for (CohortReport.Churn c : t.churn()) {
      List<Object> v = new ArrayList<>();
      v.add(c.pcnCode());
      v.add(c.previousSize());
      v.add(c.stayed());
      v.add(c.entered());
      v.add(c.left());
      for (String reason : Cohort.LEAVING_REASONS) {
        v.add(c.leftBy().get(reason));
      }
      v.add(c.currentSize());
      rows.add(RowFactory.create(v.toArray()));
    }
    write(ctx, Outputs.CHURN, date, rows, csv);

    rows = new ArrayList<>();
    for (CohortReport.Funnel f : t.funnel()) {
      rows.add(RowFactory.create(f.stage(), f.people()));
    }
    write(ctx, Outputs.FUNNEL, date, rows, csv);
    write(ctx, Outputs.COHORT_MEASURES, date, t.measures().rows(), csv);
    CohortReadme.write(csv, date, ctx.config().cohort(), ctx.config().costs());
  }

  /**
   * Writes the rows of aggregate {@code output}, in its declared columns, as Parquet (a suppressed
   * value is null) and as CSV for the publish area (a suppressed value is {@code *}). Every value
   * here has been through disclosure control. The monitoring step writes its measures table with it
   * too.
   */
  public static void write(
      StepContext ctx, OutputContract output, LocalDate date, List<Row> rows, Path csvDir) {
    String name = output.name();
    StructType schema = output.schema();
    ctx.write(name, date.toString(), ctx.spark().createDataFrame(rows, schema).coalesce(1));
    AggregateCsv.write(csvDir, name, schema, rows, CohortStep::cell);
  }

  /**
   * A cohort aggregate's cell as CSV text: a suppressed value is {@value Disclosure#SUPPRESSED}, a
   * share or percentage to one decimal, a ratio ({@code *_ratio}) to two.
   */
  static String cell(Row r, int i, String name) {
    Object v = r.get(i);
    return v == null
        ? Disclosure.SUPPRESSED
        : v instanceof Double d
            ? String.format(Locale.ROOT, name.endsWith("_ratio") ? "%.2f" : "%.1f", d)
            : v.toString();
  }

  /** One line for the manifest: sizes and the overall concentration, all after control. */
  private static String summary(CohortReport.Tables t, int pcns) {
    List<String> share = new ArrayList<>();
    for (CohortReport.Concentration c : t.concentration()) {
      if (c.base().equals("eligible") && c.scope().equals(CohortReport.OVERALL)) {
        share.add(
            c.measure().replace('_', ' ')
                + " "
                + (c.cohortSharePct() == null
                    ? io.proactivecare.npc.disclosure.Disclosure.SUPPRESSED
                    : String.format(Locale.ROOT, "%.1f%%", c.cohortSharePct())));
      }
    }
    return "cohort of "
        + t.funnel().stream()
            .filter(f -> f.stage().equals("in_cohort"))
            .findFirst()
            .map(f -> f.people() == null ? "*" : f.people().toString())
            .orElse("?")
        + " (rounded) on "
        + pcns
        + " PCN lists; its share of the eligible population's "
        + String.join(", ", share);
  }
}

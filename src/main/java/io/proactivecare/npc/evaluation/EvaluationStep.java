package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.cohort.PalliativeRegister;
import io.proactivecare.npc.config.CohortSettings;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.disclosure.Disclosure;
import io.proactivecare.npc.features.Features;
import io.proactivecare.npc.features.FeaturesStep;
import io.proactivecare.npc.ingest.Conformed;
import io.proactivecare.npc.io.CsvTables;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.risk.Encoder;
import io.proactivecare.npc.schema.Cols;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
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
  public static final List<String> PATIENT_LEVEL = List.of(CANDIDATES, MATCHED, OUTCOMES);
  public static final List<String> AGGREGATE = List.of(ESTIMATES, BALANCE, ATTRITION, PROPENSITY);

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
    long treatedRegistered = members.where(col(Cols.ROLE).equalTo(RiskSets.TREATED)).count();
    Dataset<Row> dayBefore =
        members.select(
            col(Cols.PERSON_ID),
            date_sub(col(Cols.INDEX_DATE), 1).as(Cols.AT_DATE),
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
                  dayBefore.select(Cols.PERSON_ID, Cols.AT_DATE),
                  cohort.palliativeSince());
      features =
          features.join(onRegister, new String[] {Cols.PERSON_ID, Cols.AT_DATE}, "left_anti");
    }
    Dataset<Row> analysed =
        members
            .select(
                col(Cols.PERSON_ID),
                col(Cols.INDEX_DATE),
                col(Cols.ROLE),
                col(Cols.LATER_ENROLMENT),
                col(Cols.AGE_BAND))
            .join(
                features
                    .withColumn(Cols.INDEX_DATE, date_add(col(Cols.AT_DATE), 1))
                    .drop(Cols.AT_DATE),
                new String[] {Cols.PERSON_ID, Cols.INDEX_DATE})
            .persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> roles = countBy(analysed, Cols.ROLE);
    long treatedEligible = roles.getOrDefault(RiskSets.TREATED, 0L);
    long candidateRows = roles.getOrDefault(RiskSets.CANDIDATE, 0L);

    // 3. The propensity model, fitted on the driver from a sample, applied as a column.
    Encoder encoder = Propensity.encoder(s.covariates());
    encoder.requireColumns(analysed.schema(), "the evaluation's covariates");
    double fraction =
        candidateRows == 0
            ? 1
            : Math.min(1.0, Math.max(1, s.maxFitRows() - treatedEligible) / (double) candidateRows);
    List<String> fitColumns = new ArrayList<>(List.of(Cols.ROLE, Cols.IMD_DECILE));
    for (String c : encoder.columns()) {
      if (!fitColumns.contains(c)) {
        fitColumns.add(c);
      }
    }
    List<Row> fitRows =
        Propensity.fitSample(analysed, fraction, s.seed())
            .select(
                fitColumns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
            .collectAsList();
    Propensity.Model model = Propensity.fit(fitRows, encoder, s.lambda(), fraction);
    Column logit = model.logit();
    Dataset<Row> scored =
        analysed
            .withColumn(Cols.PROPENSITY_LOGIT, logit)
            .withColumn(
                Cols.PROPENSITY,
                lit(1.0)
                    .divide(lit(1.0).plus(org.apache.spark.sql.functions.exp(logit.multiply(-1)))));
    Dataset<Row> candidates = ctx.write(CANDIDATES, asOf.toString(), scored);
    analysed.unpersist();
    members.unpersist();

    // 4. Matching within blocks of index date and exact strata.
    Row spread = candidates.agg(stddev_samp(Cols.PROPENSITY_LOGIT)).first();
    double sdLogit = spread.isNullAt(0) ? 0 : spread.getDouble(0);
    double caliper = s.caliper() > 0 ? s.caliper() * sdLogit : Double.POSITIVE_INFINITY;
    GreedyMatcher.Order order =
        EvaluationSettings.CLOSEST.equals(s.order())
            ? GreedyMatcher.Order.CLOSEST
            : GreedyMatcher.Order.LARGEST;
    Dataset<Row> matched =
        ctx.write(
            MATCHED,
            asOf.toString(),
            Matching.match(candidates, s.exact(), caliper, s.ratio(), order));

    // 5. Outcomes before and after the index date, for everyone analysed.
    OutcomeWindows.Sources outcomeSources =
        new OutcomeWindows.Sources(
            src.registrations(),
            src.deaths(),
            src.inputs().spells(),
            src.inputs().attendances(),
            src.inputs().appointments(),
            src.inputs().services(),
            src.inputs().deficitPeriods());
    Dataset<Row> outcomes =
        ctx.write(
            OUTCOMES,
            asOf.toString(),
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

    // 6. The matched sample on the driver: one row per matched person, with the set's groups.
    Map<String, Column> groupColumns = new LinkedHashMap<>();
    for (String b : s.breakdowns()) {
      groupColumns.put(b, col(Matching.column(b)).cast("string"));
    }
    List<Column> setCols = new ArrayList<>();
    setCols.add(col(Cols.PERSON_ID).as("_set"));
    groupColumns.forEach((b, c) -> setCols.add(c.as("_g_" + b)));
    Dataset<Row> setGroups =
        candidates
            .where(col(Cols.ROLE).equalTo(RiskSets.TREATED))
            .select(setCols.toArray(Column[]::new));
    Dataset<Row> sample =
        matched
            .where(col(Cols.MATCHED_SET).isNotNull())
            .join(candidates, new String[] {Cols.PERSON_ID, Cols.INDEX_DATE})
            .drop(candidates.col(Cols.ROLE))
            .join(outcomes.drop(Cols.ROLE), new String[] {Cols.PERSON_ID, Cols.INDEX_DATE})
            .join(setGroups, col(Cols.MATCHED_SET).equalTo(col("_set")));
    List<Row> rows = sample.collectAsList();
    Map<String, List<Row>> byRole = new HashMap<>();
    for (Row r : rows) {
      byRole.computeIfAbsent(r.getAs(Cols.ROLE), k -> new ArrayList<>()).add(r);
    }

    // 7. Balance, before (everyone in the risk sets) and after (the matched sample).
    List<Balance.Row> balance = balance(candidates, rows, encoder, model);
    List<String> flagged = new ArrayList<>();
    for (Balance.Row b : balance) {
      if (b.imbalanced(s.balanceThreshold())) {
        flagged.add(b.covariate());
      }
    }
    if (!flagged.isEmpty()) {
      ctx.note(
          "balance: |SMD| >= "
              + s.balanceThreshold()
              + " after matching for "
              + String.join(", ", flagged));
    }

    // 8. Estimates, overall and by group.
    List<Object[]> estimates = new ArrayList<>();
    estimateAll(rows, encoder, s, estimates);
    naive(candidates, outcomes, s, estimates);

    // 9. Attrition.
    Map<String, Long> reasons =
        countBy(matched.where(col(Cols.ROLE).equalTo(RiskSets.TREATED)), Cols.UNMATCHED_REASON);
    long matchedTreated = byRole.getOrDefault(RiskSets.TREATED, List.of()).size();
    long matchedControls = byRole.getOrDefault(RiskSets.CONTROL, List.of()).size();
    List<Object[]> attrition = new ArrayList<>();
    attrition.add(new Object[] {1, "enrolled", enrolled});
    attrition.add(new Object[] {2, "index date with complete follow-up", inRange});
    attrition.add(
        new Object[] {
          3, "registered, alive, adult and in a PCN at the index date", treatedRegistered
        });
    attrition.add(new Object[] {4, "eligible (not excluded) at the index date", treatedEligible});
    attrition.add(new Object[] {5, "matched", matchedTreated});
    int step = 6;
    for (GreedyMatcher.Reason r : GreedyMatcher.Reason.values()) {
      String key = r.name().toLowerCase(Locale.ROOT);
      attrition.add(
          new Object[] {
            step++, "unmatched: " + key.replace('_', ' '), reasons.getOrDefault(key, 0L)
          });
    }
    attrition.add(new Object[] {step++, "candidate person-dates in the risk sets", candidateRows});
    attrition.add(new Object[] {step++, "matched controls", matchedControls});
    attrition.add(
        new Object[] {
          step,
          "matched controls enrolled during follow-up",
          enrolledDuringFollowUp(byRole.getOrDefault(RiskSets.CONTROL, List.of()), s.followUpDays())
        });

    Path csv = ctx.stage("aggregate/" + asOf + "/evaluation");
    writeAggregates(
        ctx, asOf, csv, s, estimates, balance, attrition, model, sdLogit, caliper, fraction);
    ctx.note(
        "evaluation: "
            + matchedTreated
            + " of "
            + treatedEligible
            + " eligible enrolled people matched to "
            + matchedControls
            + " controls");
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

  private static Map<String, Long> countBy(Dataset<Row> data, String column) {
    Map<String, Long> out = new HashMap<>();
    for (Row r : data.groupBy(column).agg(count(lit(1))).collectAsList()) {
      out.put(r.isNullAt(0) ? null : r.getString(0), r.getLong(1));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Balance

  private static List<Balance.Row> balance(
      Dataset<Row> candidates, List<Row> rows, Encoder encoder, Propensity.Model model) {
    List<String> names = new ArrayList<>(encoder.names());
    names.add(Cols.PROPENSITY_LOGIT);
    List<Column> x = new ArrayList<>(encoder.expressions());
    x.add(col(Cols.PROPENSITY_LOGIT));
    List<Column> aggs = new ArrayList<>();
    for (Column c : x) {
      aggs.add(sum(c));
      aggs.add(sum(c.multiply(c)));
    }
    aggs.add(count(lit(1)));
    Map<Boolean, Row> before = new HashMap<>();
    for (Row r :
        candidates
            .groupBy(col(Cols.ROLE).equalTo(RiskSets.TREATED).as("_t"))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
            .collectAsList()) {
      before.put(r.getBoolean(0), r);
    }
    int p = names.size();
    double[][] sumT = new double[p][4];
    double[][] sumC = new double[p][4];
    for (Row r : rows) {
      boolean t = RiskSets.TREATED.equals(r.getAs(Cols.ROLE));
      double w = r.<Double>getAs(Cols.MATCH_WEIGHT);
      double[] v = encoder.encode(r);
      double[][] acc = t ? sumT : sumC;
      for (int j = 0; j < p; j++) {
        double xj = j < v.length ? v[j] : r.<Double>getAs(Cols.PROPENSITY_LOGIT);
        acc[j][0] += w;
        acc[j][1] += w * w;
        acc[j][2] += w * xj;
        acc[j][3] += w * xj * xj;
      }
    }
    List<Balance.Row> out = new ArrayList<>();
    for (int j = 0; j < p; j++) {
      boolean binary = j < encoder.width() && encoder.binary(j, candidates.schema());
      out.add(
          Balance.compare(
              names.get(j),
              binary,
              moments(before.get(true), j, p),
              moments(before.get(false), j, p),
              new Balance.Moments(sumT[j][0], sumT[j][1], sumT[j][2], sumT[j][3]),
              new Balance.Moments(sumC[j][0], sumC[j][1], sumC[j][2], sumC[j][3])));
    }
    return out;
  }

  private static Balance.Moments moments(Row r, int j, int p) {
    if (r == null) {
      return new Balance.Moments(0, 0, 0, 0);
    }
    double n = r.getLong(1 + 2 * p);
    return new Balance.Moments(n, n, num(r, 1 + 2 * j), num(r, 2 + 2 * j));
  }

  private static double num(Row r, int i) {
    return r.isNullAt(i) ? 0 : ((Number) r.get(i)).doubleValue();
  }

  // ---------------------------------------------------------------------------------------------
  // Estimates

  /** The measures estimated, with their units. */
  static Map<String, String> measures() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String r : OutcomeWindows.RATES) {
      m.put(r, r.endsWith("cost") ? "pounds " + PER_PERSON_YEAR : PER_PERSON_YEAR);
    }
    m.put(DEATH, "proportion");
    m.put(EFI, "eFI change (0-1 scale)");
    return m;
  }

  private static void estimateAll(
      List<Row> rows, Encoder encoder, EvaluationSettings s, List<Object[]> out) {
    Map<String, Map<String, List<Row>>> groups = new LinkedHashMap<>();
    groups.put(OVERALL, Map.of(ALL, rows));
    for (String b : s.breakdowns()) {
      Map<String, List<Row>> g = new java.util.TreeMap<>();
      for (Row r : rows) {
        Object v = r.getAs("_g_" + b);
        g.computeIfAbsent(v == null ? "unknown" : v.toString(), k -> new ArrayList<>()).add(r);
      }
      groups.put(b, g);
    }
    Map<String, String> measures = measures();
    for (Map.Entry<String, Map<String, List<Row>>> b : groups.entrySet()) {
      for (Map.Entry<String, List<Row>> g : b.getValue().entrySet()) {
        for (Map.Entry<String, String> m : measures.entrySet()) {
          List<Estimation.Unit> units = new ArrayList<>();
          for (Row r : g.getValue()) {
            units.add(unit(r, m.getKey(), encoder));
          }
          boolean withPre = OutcomeWindows.RATES.contains(m.getKey());
          for (Estimation.Result e :
              Estimation.estimate(
                  units, withPre, s.bootstrapReplicates(), s.seed(), s.confidence())) {
            out.add(
                new Object[] {
                  m.getKey(),
                  b.getKey(),
                  g.getKey(),
                  e.estimator(),
                  e.interval(),
                  m.getValue(),
                  e.estimate(),
                  e.low(),
                  e.high(),
                  e.treatedMean(),
                  e.controlMean(),
                  e.treated(),
                  e.controls()
                });
          }
        }
      }
    }
  }

  private static Estimation.Unit unit(Row r, String measure, Encoder encoder) {
    boolean treated = RiskSets.TREATED.equals(r.getAs(Cols.ROLE));
    String set = r.getAs(Cols.MATCHED_SET);
    double weight = r.<Double>getAs(Cols.MATCH_WEIGHT);
    double[] x = encoder.encode(r);
    if (measure.equals(DEATH)) {
      return new Estimation.Unit(
          set, treated, weight, r.<Boolean>getAs(Cols.DIED) ? 1 : 0, Double.NaN, 1, x);
    }
    if (measure.equals(EFI)) {
      Object after = r.getAs(Cols.EFI_AFTER);
      Object before = r.getAs(Cols.EFI_AT_INDEX);
      double change =
          after == null || before == null
              ? Double.NaN
              : ((Number) after).doubleValue() - ((Number) before).doubleValue();
      return new Estimation.Unit(set, treated, weight, change, Double.NaN, 1, x);
    }
    double yearsPost = num(r, r.fieldIndex("years_post"));
    double yearsPre = num(r, r.fieldIndex("years_pre"));
    double post = num(r, r.fieldIndex(OutcomeWindows.column(measure, OutcomeWindows.POST)));
    double pre = num(r, r.fieldIndex(OutcomeWindows.column(measure, OutcomeWindows.PRE)));
    return new Estimation.Unit(
        set,
        treated,
        weight,
        yearsPost > 0 ? post / yearsPost : Double.NaN,
        yearsPre > 0 ? pre / yearsPre : Double.NaN,
        yearsPost,
        x);
  }

  /**
   * The naive comparison of every eligible enrolled person with every candidate after the index
   * date (events over person-years), with a delta-method interval: what matching corrects.
   */
  private static void naive(
      Dataset<Row> candidates, Dataset<Row> outcomes, EvaluationSettings s, List<Object[]> out) {
    Dataset<Row> joined =
        outcomes.join(
            candidates.select(
                Cols.PERSON_ID,
                Cols.INDEX_DATE,
                Cols.SEX,
                Cols.AGE_BAND,
                Cols.PCN_CODE,
                Cols.IMD_QUINTILE),
            new String[] {Cols.PERSON_ID, Cols.INDEX_DATE});
    Column years = col("years_post");
    List<String> breakdowns = new ArrayList<>();
    breakdowns.add(OVERALL);
    breakdowns.addAll(s.breakdowns());
    Map<String, String> measures = measures();
    for (String b : breakdowns) {
      Column group = b.equals(OVERALL) ? lit(ALL) : col(Matching.column(b)).cast("string");
      List<Column> aggs = new ArrayList<>();
      aggs.add(count(lit(1)));
      for (String m : OutcomeWindows.RATES) {
        Column y = col(OutcomeWindows.column(m, OutcomeWindows.POST)).cast("double");
        aggs.add(sum(y));
        aggs.add(sum(years));
        aggs.add(sum(y.multiply(y)));
        aggs.add(sum(y.multiply(years)));
        aggs.add(sum(years.multiply(years)));
      }
      Column died = when(col(Cols.DIED), 1.0).otherwise(0.0);
      aggs.add(sum(died));
      aggs.add(count(lit(1)).cast("double"));
      aggs.add(sum(died.multiply(died)));
      aggs.add(sum(died));
      aggs.add(count(lit(1)).cast("double"));
      Map<String, Map<Boolean, Row>> byGroup = new java.util.TreeMap<>();
      for (Row r :
          joined
              .groupBy(
                  org.apache.spark.sql.functions.coalesce(group, lit("unknown")).as("_g"),
                  col(Cols.ROLE).equalTo(RiskSets.TREATED).as("_t"))
              .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
              .collectAsList()) {
        byGroup.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getBoolean(1), r);
      }
      for (Map.Entry<String, Map<Boolean, Row>> g : byGroup.entrySet()) {
        Row t = g.getValue().get(true);
        Row c = g.getValue().get(false);
        if (t == null || c == null) {
          continue;
        }
        List<String> names = new ArrayList<>(OutcomeWindows.RATES);
        names.add(DEATH);
        for (int k = 0; k < names.size(); k++) {
          int at = 3 + 5 * k;
          double[] rt = ratio(t, at);
          double[] rc = ratio(c, at);
          double est = rt[0] - rc[0];
          double se = Math.sqrt(rt[1] + rc[1]);
          double q =
              new org.apache.commons.math3.distribution.NormalDistribution()
                  .inverseCumulativeProbability(1 - (1 - s.confidence()) / 2);
          out.add(
              new Object[] {
                names.get(k),
                b,
                g.getKey(),
                Estimation.NAIVE_TREATED_VS_ALL,
                "delta_method",
                measures.get(names.get(k)),
                est,
                est - q * se,
                est + q * se,
                rt[0],
                rc[0],
                t.getLong(2),
                c.getLong(2)
              });
        }
      }
    }
  }

  /** Σy/Σx and the delta-method variance Σ(y − R x)² / (Σx)², from the row's five sums at i. */
  private static double[] ratio(Row r, int i) {
    double sy = num(r, i);
    double sx = num(r, i + 1);
    double syy = num(r, i + 2);
    double sxy = num(r, i + 3);
    double sxx = num(r, i + 4);
    if (sx <= 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double ratio = sy / sx;
    double resid = syy - 2 * ratio * sxy + ratio * ratio * sxx;
    return new double[] {ratio, Math.max(0, resid) / (sx * sx)};
  }

  // ---------------------------------------------------------------------------------------------
  // Writing, after disclosure control

  static final StructType ESTIMATES_SCHEMA =
      new StructType()
          .add(Cols.MEASURE, DataTypes.StringType, false)
          .add(Cols.BREAKDOWN, DataTypes.StringType, false)
          .add(Cols.GROUP, DataTypes.StringType, false)
          .add(Cols.ESTIMATOR, DataTypes.StringType, false)
          .add(Cols.INTERVAL, DataTypes.StringType, false)
          .add(Cols.UNIT_OF_MEASURE, DataTypes.StringType, false)
          .add(Cols.ESTIMATE, DataTypes.DoubleType, true)
          .add(Cols.CI_LOW, DataTypes.DoubleType, true)
          .add(Cols.CI_HIGH, DataTypes.DoubleType, true)
          .add(Cols.TREATED_MEAN, DataTypes.DoubleType, true)
          .add(Cols.CONTROL_MEAN, DataTypes.DoubleType, true)
          .add(Cols.N_TREATED, DataTypes.LongType, true)
          .add(Cols.N_CONTROL, DataTypes.LongType, true)
          .add(Cols.WITHHELD, DataTypes.BooleanType, false);

  static final StructType BALANCE_SCHEMA =
      new StructType()
          .add("covariate", DataTypes.StringType, false)
          .add("binary", DataTypes.BooleanType, false)
          .add("mean_treated_before", DataTypes.DoubleType, true)
          .add("mean_control_before", DataTypes.DoubleType, true)
          .add("smd_att_before", DataTypes.DoubleType, true)
          .add("smd_pooled_before", DataTypes.DoubleType, true)
          .add("variance_ratio_before", DataTypes.DoubleType, true)
          .add("mean_treated_after", DataTypes.DoubleType, true)
          .add("mean_control_after", DataTypes.DoubleType, true)
          .add("smd_att_after", DataTypes.DoubleType, true)
          .add("smd_pooled_after", DataTypes.DoubleType, true)
          .add("variance_ratio_after", DataTypes.DoubleType, true)
          .add("imbalanced", DataTypes.BooleanType, false);

  static final StructType ATTRITION_SCHEMA =
      new StructType()
          .add("step", DataTypes.IntegerType, false)
          .add("description", DataTypes.StringType, false)
          .add("people", DataTypes.LongType, true);

  static final StructType PROPENSITY_SCHEMA =
      new StructType()
          .add("kind", DataTypes.StringType, false)
          .add("term", DataTypes.StringType, false)
          .add("value", DataTypes.DoubleType, true);

  private static void writeAggregates(
      StepContext ctx,
      LocalDate asOf,
      Path csv,
      EvaluationSettings s,
      List<Object[]> estimates,
      List<Balance.Row> balance,
      List<Object[]> attrition,
      Propensity.Model model,
      double sdLogit,
      double caliper,
      double fraction) {
    // Counts: people in each cell, 1-7 suppressed and the rest rounded to 5. An estimate over
    // fewer than min_group_size people in either arm, or over a suppressed count, is withheld.
    List<Disclosure.Cell> cells = new ArrayList<>();
    for (int i = 0; i < estimates.size(); i++) {
      Object[] e = estimates.get(i);
      cells.add(Disclosure.Cell.count("t" + i, (Long) e[11]));
      cells.add(Disclosure.Cell.count("c" + i, (Long) e[12]));
    }
    Disclosure.Controlled controlled = Disclosure.control(cells, List.of(), List.of());
    List<Row> est = new ArrayList<>();
    for (int i = 0; i < estimates.size(); i++) {
      Object[] e = estimates.get(i);
      java.util.OptionalLong nt = controlled.counts().get("t" + i);
      java.util.OptionalLong nc = controlled.counts().get("c" + i);
      boolean beforeAfter = Estimation.NAIVE_BEFORE_AFTER.equals(e[3]);
      boolean withheld =
          nt.isEmpty()
              || (Long) e[11] < s.minGroupSize()
              || (!beforeAfter && (nc.isEmpty() || (Long) e[12] < s.minGroupSize()));
      est.add(
          RowFactory.create(
              e[0],
              e[1],
              e[2],
              e[3],
              e[4],
              e[5],
              withheld ? null : finite(e[6]),
              withheld ? null : finite(e[7]),
              withheld ? null : finite(e[8]),
              withheld ? null : finite(e[9]),
              withheld ? null : finite(e[10]),
              nt.isPresent() ? nt.getAsLong() : null,
              nc.isPresent() ? nc.getAsLong() : null,
              withheld));
    }
    write(ctx, asOf, csv, ESTIMATES, ESTIMATES_SCHEMA, est);

    List<Row> bal = new ArrayList<>();
    for (Balance.Row b : balance) {
      bal.add(
          RowFactory.create(
              b.covariate(),
              b.binary(),
              finite(b.meanTreatedBefore()),
              finite(b.meanControlBefore()),
              finite(b.smdAttBefore()),
              finite(b.smdPooledBefore()),
              finite(b.varianceRatioBefore()),
              finite(b.meanTreatedAfter()),
              finite(b.meanControlAfter()),
              finite(b.smdAttAfter()),
              finite(b.smdPooledAfter()),
              finite(b.varianceRatioAfter()),
              b.imbalanced(s.balanceThreshold())));
    }
    write(ctx, asOf, csv, BALANCE, BALANCE_SCHEMA, bal);

    List<Disclosure.Cell> counts = new ArrayList<>();
    for (Object[] a : attrition) {
      counts.add(Disclosure.Cell.count("a" + a[0], (Long) a[2]));
    }
    Disclosure.Controlled att = Disclosure.control(counts, List.of(), List.of());
    List<Row> attRows = new ArrayList<>();
    for (Object[] a : attrition) {
      java.util.OptionalLong v = att.counts().get("a" + a[0]);
      attRows.add(RowFactory.create(a[0], a[1], v.isPresent() ? v.getAsLong() : null));
    }
    write(ctx, asOf, csv, ATTRITION, ATTRITION_SCHEMA, attRows);

    List<Row> ps = new ArrayList<>();
    ps.add(RowFactory.create("coefficient", "(intercept)", model.coefficients()[0]));
    List<String> names = model.encoder().names();
    for (int j = 0; j < names.size(); j++) {
      ps.add(RowFactory.create("coefficient", names.get(j), model.coefficients()[j + 1]));
    }
    ps.add(RowFactory.create("metric", "auroc", finite(model.auroc())));
    ps.add(RowFactory.create("metric", "sd_logit", finite(sdLogit)));
    ps.add(RowFactory.create("metric", "caliper_logit", finite(caliper)));
    ps.add(RowFactory.create("metric", "candidate_sampling_fraction", fraction));
    write(ctx, asOf, csv, PROPENSITY, PROPENSITY_SCHEMA, ps);
  }

  private static Double finite(Object v) {
    double d = ((Number) v).doubleValue();
    return Double.isFinite(d) ? d : null;
  }

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
    List<String> header = List.of(schema.fieldNames());
    List<List<String>> text = new ArrayList<>();
    for (Row r : rows) {
      List<String> line = new ArrayList<>();
      for (int i = 0; i < header.size(); i++) {
        line.add(
            r.isNullAt(i)
                ? (i > 0 && header.get(i).startsWith("n_") && !notApplicable.test(r, i)
                    ? Disclosure.SUPPRESSED
                    : "")
                : r.get(i).toString());
      }
      text.add(line);
    }
    CsvTables.write(csvDir.resolve(name.substring(name.indexOf('/') + 1) + ".csv"), header, text);
  }
}

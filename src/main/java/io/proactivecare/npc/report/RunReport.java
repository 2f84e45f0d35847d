package io.proactivecare.npc.report;

import io.proactivecare.npc.cohort.CohortReport;
import io.proactivecare.npc.cohort.CohortStep;
import io.proactivecare.npc.disclosure.Disclosure;
import io.proactivecare.npc.evaluation.EvaluationStep;
import io.proactivecare.npc.monitoring.Monitoring;
import io.proactivecare.npc.monitoring.MonitoringStep;
import io.proactivecare.npc.warehouse.RunManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.knowm.xchart.XYChart;

/**
 * The run report (docs/report.md): one self-contained HTML page drawn from a date's aggregate
 * outputs, with its charts as inline PNG images and its styles and one small script inline, so it
 * opens with no network. Every figure that counts people has been through disclosure control; a
 * suppressed figure is shown as {@value Disclosure#SUPPRESSED} and left out of its chart, never as
 * 0. The page holds no person-level row.
 */
public final class RunReport {
  /** The sections, by their element ids, in page order. */
  public static final List<String> SECTIONS =
      List.of("cohort", "concentration", "frailty", "model", "quality", "monitoring", "evaluation");

  /**
   * The Leeds headline against which the cohort's concentration is marked: the 5% of people at
   * highest risk account for these percentages of each measure.
   */
  public static final Map<String, Double> LEEDS =
      Map.of(
          "unplanned_bed_days", 50.0, "outpatient_attendances", 19.0, "social_care_packages", 80.0);

  /** The outcomes given a forest plot, when the evaluation estimated them. */
  public static final List<String> FOREST_MEASURES =
      List.of(
          "emergency_admissions",
          "unplanned_bed_days",
          "ae_attendances",
          "social_care_new_packages",
          "total_cost",
          "efi_progression");

  /** The estimator and interval the forest plots show (docs/evaluation.md, section 7). */
  public static final String ESTIMATOR = "matched_difference";

  public static final String INTERVAL = "bootstrap";

  /** The |SMD| below which a covariate is taken as balanced (evaluation.balance_threshold). */
  static final double BALANCED = 0.1;

  private final StringBuilder out = new StringBuilder();
  private final ReportInputs in;

  private RunReport(ReportInputs in) {
    this.in = in;
  }

  /** The report as one HTML document. */
  public static String html(ReportInputs in) {
    RunReport r = new RunReport(in);
    r.page();
    return r.out.toString();
  }

  private void page() {
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Proactive care run report, ")
        .append(in.asOf())
        .append("</title>\n<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n<body>\n<main>\n");
    out.append("<h1>Proactive care run report</h1>\n<p class=\"meta\">As of <b>")
        .append(in.asOf())
        .append("</b>; written by run <code>")
        .append(esc(in.runId()))
        .append("</code>.</p>\n")
        .append(
            "<p class=\"note\">Aggregate figures only, after disclosure control (docs/disclosure.md):"
                + " counts of people from 1 to 7 are suppressed and shown as <b>*</b>, every other"
                + " count is rounded to the nearest 5, and percentages are computed from the rounded"
                + " counts. A suppressed figure is left out of its chart (its label is marked *),"
                + " never drawn as 0.</p>\n")
        .append("<p class=\"warning\" id=\"not-drawn\" hidden>Some charts did not draw.</p>\n");
    out.append("<nav><ul>");
    for (String s : SECTIONS) {
      out.append("<li><a href=\"#").append(s).append("\">").append(heading(s)).append("</a></li>");
    }
    out.append("</ul></nav>\n");
    cohort();
    concentration();
    frailty();
    model();
    quality();
    monitoring();
    evaluation();
    out.append("</main>\n<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
  }

  private static String heading(String section) {
    return switch (section) {
      case "cohort" -> "Cohort size and churn per PCN";
      case "concentration" -> "Concentration of activity and cost";
      case "frailty" -> "Frailty (eFI) by age and deprivation";
      case "model" -> "Risk model";
      case "quality" -> "Data quality: quarantined rows";
      case "monitoring" -> "Monitoring: this run against the usual";
      case "evaluation" -> "Evaluation against matched controls";
      default -> throw new IllegalArgumentException(section);
    };
  }

  private void section(String id) {
    out.append("<section id=\"")
        .append(id)
        .append("\">\n<h2>")
        .append(heading(id))
        .append("</h2>\n");
  }

  private void end() {
    out.append("</section>\n");
  }

  private void absent(String what) {
    out.append("<p class=\"absent\">").append(esc(what)).append("</p>\n");
  }

  // ---------------------------------------------------------------------------------------------
  // Cohort

  private void cohort() {
    section("cohort");
    List<Map<String, Object>> churn = in.table(CohortStep.CHURN);
    if (churn.isEmpty()) {
      absent("No cohort was published as of " + in.asOf() + " (npc cohort).");
      end();
      return;
    }
    List<String> labels = new ArrayList<>();
    List<String> columns = List.of("previous_size", "current_size", "entered", "left");
    Map<String, List<Double>> values = new LinkedHashMap<>();
    columns.forEach(c -> values.put(c, new ArrayList<>()));
    for (Map<String, Object> r : churn) {
      if (CohortReport.ALL.equals(r.get("pcn_code"))) {
        continue;
      }
      boolean hidden = columns.stream().anyMatch(c -> r.get(c) == null);
      labels.add(r.get("pcn_code") + (hidden ? " *" : ""));
      columns.forEach(c -> values.get(c).add(real(r.get(c))));
    }
    if (labels.isEmpty()) {
      // Only the row of all lists: no PCN list was published at this date (a chart of no bars
      // cannot be drawn).
      absent("No PCN list was published as of " + in.asOf() + ": only the total of all lists.");
    } else {
      List<Charts.Series> series = new ArrayList<>();
      values.forEach((c, v) -> series.add(new Charts.Series(words(c), v)));
      figure(
          "churn",
          Charts.bars("Cohort size and churn per PCN list", "PCN", "people", labels, series, false),
          "Each PCN's list: its size at the previous run and now, the people who entered and who"
              + " left.");
    }
    // Two tables that each fit the page: the list's movement, then why people left it.
    table(List.of("pcn_code", "previous_size", "stayed", "entered", "left", "current_size"), churn);
    List<String> why = new ArrayList<>(List.of("pcn_code"));
    churn.get(0).keySet().stream().filter(k -> k.startsWith("left_")).forEach(why::add);
    out.append("<h3>Why people left the list</h3>\n");
    table(why, why.stream().map(h -> words(h.replaceFirst("^left_", ""))).toList(), churn);
    out.append("<h3>Selection funnel</h3>\n");
    table(List.of("stage", "people"), in.table(CohortStep.FUNNEL));
    end();
  }

  // ---------------------------------------------------------------------------------------------
  // Concentration

  private void concentration() {
    section("concentration");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> r : in.table(CohortStep.CONCENTRATION)) {
      if ("eligible".equals(r.get("base")) && CohortReport.OVERALL.equals(r.get("scope"))) {
        rows.add(r);
      }
    }
    if (rows.isEmpty()) {
      absent("No concentration table was published as of " + in.asOf() + ".");
      end();
      return;
    }
    Double peopleShare = null;
    List<String> labels = new ArrayList<>();
    List<Double> cohort = new ArrayList<>();
    List<Double> leeds = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      String measure = (String) r.get("measure");
      Double share = real(r.get("cohort_share_pct"));
      if (measure.equals("people")) {
        peopleShare = share;
        continue;
      }
      labels.add(words(measure) + (share == null ? " *" : ""));
      cohort.add(share);
      leeds.add(LEEDS.get(measure));
    }
    String people = peopleShare == null ? Disclosure.SUPPRESSED : pct(peopleShare);
    org.knowm.xchart.CategoryChart chart =
        Charts.bars(
            "The cohort's share of the eligible population's activity (12 months)",
            "measure",
            "% of the eligible population's total",
            labels,
            List.of(
                new Charts.Series("this cohort (" + people + " of people)", cohort),
                new Charts.Series("Leeds headline (5% of people)", leeds)),
            false);
    if (peopleShare != null) {
      Charts.horizontalLine(chart, peopleShare);
    }
    figure(
        "concentration",
        chart,
        "Bars: the cohort's share of each measure; the line: its share of the people ("
            + people
            + "), where activity spread evenly would reach. Leeds: 5% of people account for 50% of"
            + " unplanned bed days, 19% of outpatient appointments and 80% of social care"
            + " packages.");
    List<List<String>> text = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Double l = LEEDS.get((String) r.get("measure"));
      text.add(
          List.of(
              words((String) r.get("measure")),
              cell(r.get("cohort_value")),
              cell(r.get("population_value")),
              cell(r.get("cohort_share_pct")),
              l == null ? "" : pct(l)));
    }
    textTable(
        List.of("measure", "cohort", "eligible population", "cohort share %", "Leeds headline"),
        text);
    end();
  }

  // ---------------------------------------------------------------------------------------------
  // Frailty

  private void frailty() {
    section("frailty");
    List<Map<String, Object>> measures = in.table(CohortStep.MEASURES);
    boolean any = false;
    for (String breakdown : CohortReport.EFI_BREAKDOWNS) {
      Map<String, Map<String, Object>> cells = new LinkedHashMap<>();
      Set<String> categories = new LinkedHashSet<>();
      Set<String> levels = new LinkedHashSet<>();
      String prefix = CohortReport.efiPopulation("");
      for (Map<String, Object> r : measures) {
        String population = (String) r.get("population");
        if ("people".equals(r.get("measure"))
            && population.startsWith(prefix)
            && breakdown.equals(r.get("breakdown"))
            && r.get("denominator_population") == null) {
          String category = population.substring(prefix.length());
          categories.add(category);
          levels.add((String) r.get("level"));
          cells.put(category + "|" + r.get("level"), r);
        }
      }
      if (cells.isEmpty()) {
        continue;
      }
      any = true;
      List<String> labels = new ArrayList<>();
      for (String level : levels) {
        boolean hidden =
            categories.stream().anyMatch(c -> cells.get(c + "|" + level).get("numerator") == null);
        labels.add(level + (hidden ? " *" : ""));
      }
      List<Charts.Series> series = new ArrayList<>();
      List<List<String>> text = new ArrayList<>();
      for (String category : categories) {
        List<Double> v = new ArrayList<>();
        List<String> line = new ArrayList<>(List.of(category));
        for (String level : levels) {
          Object n = cells.get(category + "|" + level).get("numerator");
          v.add(real(n));
          line.add(cell(n));
        }
        series.add(new Charts.Series(category, v));
        text.add(line);
      }
      String by = breakdown.equals(CohortReport.AGE_BAND) ? "age band" : "deprivation quintile";
      figure(
          "efi-" + breakdown,
          Charts.bars(
              "Eligible people by eFI category and " + by, by, "people", labels, series, true),
          "The eligible population's eFI categories by "
              + by
              + (breakdown.equals(CohortReport.AGE_BAND)
                  ? "."
                  : " (1 is the most deprived fifth of areas).")
              + " A band marked * has a suppressed category, left out of its bar.");
      List<String> header = new ArrayList<>(List.of("eFI category"));
      header.addAll(levels);
      textTable(header, text);
    }
    if (!any) {
      absent(
          "No eFI cross-tables in cohort/measures as of "
              + in.asOf()
              + " (made by an earlier version of npc; rerun the cohort).");
    }
    end();
  }

  // ---------------------------------------------------------------------------------------------
  // The risk model

  private void model() {
    section("model");
    if (in.modelCard().isEmpty()) {
      absent("No risk model scored the date " + in.asOf() + ".");
      end();
      return;
    }
    ReportInputs.ModelCard card = in.modelCard().get();
    Map<String, Object> c = card.card();
    ModelFigures f = ModelFigures.of(c);
    out.append("<p>Model <code>")
        .append(esc(card.modelId()))
        .append("</code> (")
        .append(esc(String.valueOf(c.get("learner"))))
        .append(", calibrated by ")
        .append(esc(String.valueOf(c.get("calibration"))))
        .append("), predicting ")
        .append(esc(String.valueOf(c.get("outcome"))))
        .append(". On its temporal hold-out of ")
        .append(cell(f.people))
        .append(" people, ")
        .append(cell(f.events))
        .append(" with the outcome: AUROC ")
        .append(num(c.get("holdout_auroc"), 3))
        .append(".</p>\n");
    Map<String, double[][]> roc = new LinkedHashMap<>();
    roc.put("model (at each tenth of risk)", f.roc());
    roc.put("chance", new double[][] {{0, 1}, {0, 1}});
    figure(
        "roc",
        Charts.lines(
            "ROC curve (hold-out)", "false positive rate", "true positive rate", roc, true),
        "Flagging the top 1, 2, ..., 10 tenths of predicted risk, from the published counts"
            + (f.hiddenDeciles() > 0
                ? "; " + f.hiddenDeciles() + " tenth(s) with suppressed counts are passed over"
                : "")
            + ".");
    List<Double> px = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    double top = 0;
    for (ModelFigures.Decile d : f.deciles) {
      if (d.meanPredicted() != null && d.observed() != null) {
        px.add(d.meanPredicted());
        py.add(d.observed());
        top = Math.max(top, Math.max(d.meanPredicted(), d.observed()));
      }
    }
    Map<String, double[][]> cal = new LinkedHashMap<>();
    cal.put("tenths of predicted risk", new double[][] {array(px), array(py)});
    cal.put("perfect calibration", new double[][] {{0, top}, {0, top}});
    figure(
        "calibration",
        Charts.lines("Calibration (hold-out)", "mean predicted risk", "observed rate", cal, false),
        "Each point is a tenth of the hold-out by predicted risk; a tenth whose counts are"
            + " suppressed has no point.");
    List<List<String>> dt = new ArrayList<>();
    for (ModelFigures.Decile d : f.deciles) {
      dt.add(
          List.of(
              String.valueOf(d.decile()),
              cell(d.people()),
              cell(d.events()),
              d.meanPredicted() == null ? "–" : num(d.meanPredicted(), 3),
              d.observed() == null ? Disclosure.SUPPRESSED : num(d.observed(), 3)));
    }
    textTable(List.of("tenth of risk", "people", "with outcome", "mean predicted", "observed"), dt);
    out.append("<h3>By subgroup</h3>\n");
    for (String dim : ModelFigures.SUBGROUPS) {
      List<String> labels = new ArrayList<>();
      List<Double> auroc = new ArrayList<>();
      for (ModelFigures.Subgroup s : f.subgroups) {
        if (s.dimension().equals(dim)) {
          labels.add(s.level() + (s.published() ? "" : " *"));
          auroc.add(s.metrics().get("auroc"));
        }
      }
      if (labels.isEmpty()) {
        continue;
      }
      org.knowm.xchart.CategoryChart chart =
          Charts.bars(
              "AUROC by " + words(dim),
              words(dim),
              "AUROC",
              labels,
              List.of(new Charts.Series("AUROC", auroc)),
              false);
      chart.getStyler().setYAxisMin(0.5).setYAxisMax(1.0);
      chart.getStyler().setLegendVisible(false);
      figure(
          "auroc-" + dim,
          chart,
          "A group marked * has suppressed counts, so its metrics are not shown.");
    }
    List<List<String>> st = new ArrayList<>();
    for (ModelFigures.Subgroup s : f.subgroups) {
      List<String> line = new ArrayList<>(List.of(words(s.dimension()), s.level()));
      line.add(cell(s.people()));
      line.add(cell(s.events()));
      for (String m : ModelFigures.METRICS) {
        line.add(s.published() ? num(s.metrics().get(m), 3) : Disclosure.SUPPRESSED);
      }
      st.add(line);
    }
    List<String> header = new ArrayList<>(List.of("subgroup", "level", "people", "with outcome"));
    ModelFigures.METRICS.forEach(m -> header.add(words(m)));
    textTable(header, st);
    end();
  }

  // ---------------------------------------------------------------------------------------------
  // Data quality

  private void quality() {
    section("quality");
    if (in.quarantine().isEmpty()) {
      absent("No ingest run is recorded for the extract behind " + in.asOf() + ".");
      end();
      return;
    }
    ReportInputs.Quarantine q = in.quarantine().get();
    List<String> labels = new ArrayList<>();
    List<Double> rows = new ArrayList<>();
    List<List<String>> text = new ArrayList<>();
    for (RunManifest.TableCount t : q.tables()) {
      labels.add(t.table());
      rows.add((double) t.quarantined());
      text.add(
          List.of(
              t.table(),
              count(t.read()),
              count(t.accepted()),
              count(t.quarantined()),
              String.format(Locale.ROOT, "%.2f%%", 100 * t.quarantineShare()),
              String.format(Locale.ROOT, "%.0f%%", 100 * t.limit()),
              t.gatePassed() ? "passed" : "failed"));
    }
    org.knowm.xchart.CategoryChart chart =
        Charts.bars(
            "Rows quarantined per table",
            "table",
            "rows",
            labels,
            List.of(new Charts.Series("quarantined rows", rows)),
            false);
    chart.getStyler().setLegendVisible(false);
    figure(
        "quarantine",
        chart,
        "Rows of extract "
            + q.extractDate()
            + " that failed validation (ingest run "
            + q.runId()
            + "). These count rows of the extract, not people, and are shown as recorded.");
    textTable(
        List.of("table", "read", "accepted", "quarantined", "share", "limit", "quality gate"),
        text);
    end();
  }

  // ---------------------------------------------------------------------------------------------
  // Monitoring

  /**
   * The monitoring statistics that rest on counts of people, each with the row of {@code
   * monitoring/measures} that publishes it after disclosure control (measure, population; overall):
   * the report shows that row's value, never the manifest's exact one.
   */
  private static final Map<String, List<String>> PUBLISHED =
      Map.of(
          Monitoring.PSI, List.of("psi", "scores_current"),
          Monitoring.AUROC, List.of("auroc", "matured_scored"),
          Monitoring.OBSERVED_OVER_EXPECTED, List.of("events", "matured_observed_over_expected"),
          Monitoring.CALIBRATION_IN_THE_LARGE,
              List.of("calibration_in_the_large", "matured_scored"));

  /** The measures of extract rows, not people: shown as the manifest records them, as above. */
  private static final Set<String> ROWS = Set.of(Monitoring.ROWS_READ, Monitoring.QUARANTINE_SHARE);

  /** The measures of the scores published a horizon earlier, on their matured outcomes. */
  private static final Set<String> MATURED =
      Set.of(
          Monitoring.AUROC, Monitoring.OBSERVED_OVER_EXPECTED, Monitoring.CALIBRATION_IN_THE_LARGE);

  private void monitoring() {
    section("monitoring");
    if (in.monitoring().isEmpty()) {
      absent(
          "No monitoring checks were recorded as of "
              + in.asOf()
              + " (the nightly job's monitoring step makes them).");
      end();
      return;
    }
    ReportInputs.MonitoringChecks m = in.monitoring().get();
    out.append("<p>What the monitoring step of run <code>")
        .append(esc(m.runId()))
        .append("</code> found: ")
        .append(esc(Monitoring.summary(m.checks())))
        .append(
            ". Each measure against the usual (the median of the job's last successful runs), the"
                + " previous run's scores or a fixed floor, with when it alerts and what the alert"
                + " does (docs/operations.md, \"Monitoring\"). Counts of extract rows are shown as"
                + " recorded; a figure that rests on counts of people is shown as published after"
                + " disclosure control, and as * where it is not published.</p>\n");
    List<List<String>> rows = new ArrayList<>();
    for (RunManifest.MonitoringCheck c : m.checks()) {
      String when = Monitoring.alertWhen(c);
      rows.add(
          List.of(
              words(c.measure()),
              c.subject(),
              checkValue(c),
              usual(c),
              comparedWith(c),
              when.isEmpty() ? "no alert" : when,
              c.alert() ? c.status().toUpperCase(Locale.ROOT) : words(c.status())));
    }
    textTable(
        List.of("measure", "of", "this run", "usual", "compared with", "alert", "result"), rows);
    end();
  }

  /**
   * This run's value of a check: extract rows as recorded; the churn from the published rounded
   * counts of all lists; a statistic of people as {@code monitoring/measures} publishes it; * when
   * not published; – when not measured.
   */
  private String checkValue(RunManifest.MonitoringCheck c) {
    if (c.value() == null) {
      return "–";
    }
    if (ROWS.contains(c.measure())) {
      return Monitoring.number(c.measure(), c.value());
    }
    if (c.measure().equals(Monitoring.CHURN_SHARE)) {
      return in.table(CohortStep.CHURN).stream()
          .filter(r -> CohortReport.ALL.equals(r.get("pcn_code")))
          .findFirst()
          .map(RunReport::churnShare)
          .orElse(Disclosure.SUPPRESSED);
    }
    List<String> key = PUBLISHED.get(c.measure());
    if (key == null) {
      return Disclosure.SUPPRESSED;
    }
    return in.table(MonitoringStep.MEASURES).stream()
        .filter(
            r ->
                key.get(0).equals(r.get("measure"))
                    && key.get(1).equals(r.get("population"))
                    && CohortReport.OVERALL.equals(r.get("breakdown")))
        .map(r -> real(r.get("value")))
        .filter(Objects::nonNull)
        .findFirst()
        .map(v -> Monitoring.number(c.measure(), v))
        .orElse(Disclosure.SUPPRESSED);
  }

  /** The lists' churn from a churn row's published (rounded) counts; * if one is suppressed. */
  private static String churnShare(Map<String, Object> all) {
    Double stayed = real(all.get("stayed"));
    Double entered = real(all.get("entered"));
    Double left = real(all.get("left"));
    if (stayed == null || entered == null || left == null || stayed + entered + left == 0) {
      return Disclosure.SUPPRESSED;
    }
    return Monitoring.number(Monitoring.CHURN_SHARE, (entered + left) / (stayed + entered + left));
  }

  /**
   * What a check is compared with, as a figure: the usual extract rows; the fixed references of
   * calibration; not the usual churn, which rests on earlier lists' exact counts (published only
   * rounded): *.
   */
  private static String usual(RunManifest.MonitoringCheck c) {
    if (c.baseline() == null || c.measure().equals(Monitoring.PSI)) {
      return "–";
    }
    if (ROWS.contains(c.measure())
        || c.measure().equals(Monitoring.OBSERVED_OVER_EXPECTED)
        || c.measure().equals(Monitoring.CALIBRATION_IN_THE_LARGE)) {
      return Monitoring.number(c.measure(), c.baseline());
    }
    return Disclosure.SUPPRESSED;
  }

  /**
   * What a check is compared with, in words: the manifest's words (which runs, which version, or
   * why none), but for the matured scores, whose words count their people exactly: what they are,
   * or the reason they have not matured (which names dates only).
   */
  private static String comparedWith(RunManifest.MonitoringCheck c) {
    if (MATURED.contains(c.measure())
        && !RunManifest.MonitoringCheck.NOT_MATURED.equals(c.status())) {
      return "the scores published a horizon earlier, on their outcomes since";
    }
    return c.basis();
  }

  // ---------------------------------------------------------------------------------------------
  // Evaluation

  private void evaluation() {
    section("evaluation");
    List<Map<String, Object>> balance = in.table(EvaluationStep.BALANCE);
    List<Map<String, Object>> estimates = in.table(EvaluationStep.ESTIMATES);
    if (balance.isEmpty() && estimates.isEmpty()) {
      absent("No evaluation was published as of " + in.asOf() + " (npc evaluate).");
      end();
      return;
    }
    if (!balance.isEmpty()) {
      List<String> labels = new ArrayList<>();
      List<Double> before = new ArrayList<>();
      List<Double> after = new ArrayList<>();
      for (Map<String, Object> r : balance) {
        labels.add((String) r.get("covariate"));
        before.add(abs(r.get("smd_att_before")));
        after.add(abs(r.get("smd_att_after")));
      }
      XYChart love =
          Charts.dots(
              "Balance: |SMD| before and after matching",
              "absolute standardised mean difference (ATT)",
              labels,
              List.of(
                  new Charts.Series("before matching", before),
                  new Charts.Series("after matching", after)));
      Charts.verticalLine(love, BALANCED);
      figure(
          "love",
          love,
          "A love plot: each covariate's |SMD| before and after matching; the line marks "
              + BALANCED
              + ", under which a covariate counts as balanced.");
    }
    out.append("<h3>Attrition</h3>\n");
    table(List.of("step", "description", "people"), in.table(EvaluationStep.ATTRITION));
    Set<String> measures = new LinkedHashSet<>();
    estimates.forEach(r -> measures.add((String) r.get("measure")));
    for (String measure : FOREST_MEASURES) {
      if (!measures.contains(measure)) {
        continue;
      }
      List<String> labels = new ArrayList<>();
      List<Charts.Interval> rows = new ArrayList<>();
      List<List<String>> text = new ArrayList<>();
      String unit = "";
      for (String breakdown : List.of("overall", "pcn", "imd_quintile")) {
        for (Map<String, Object> r : estimates) {
          if (measure.equals(r.get("measure"))
              && breakdown.equals(r.get("breakdown"))
              && ESTIMATOR.equals(r.get("estimator"))
              && INTERVAL.equals(r.get("interval"))) {
            boolean withheld = Boolean.TRUE.equals(r.get("withheld"));
            String label =
                switch (breakdown) {
                  case "overall" -> "overall";
                  case "pcn" -> "PCN " + r.get("level");
                  default -> "IMD quintile " + r.get("level");
                };
            labels.add(label + (withheld ? " (withheld)" : ""));
            rows.add(
                new Charts.Interval(
                    real(r.get("estimate")), real(r.get("ci_low")), real(r.get("ci_high"))));
            unit = Objects.toString(r.get("unit"), "");
            text.add(
                List.of(
                    label,
                    withheld ? "withheld" : num(r.get("estimate"), 3),
                    withheld ? "" : num(r.get("ci_low"), 3) + " to " + num(r.get("ci_high"), 3),
                    cell(r.get("n_treated")),
                    cell(r.get("n_control"))));
          }
        }
      }
      if (labels.isEmpty()) {
        continue;
      }
      figure(
          "forest-" + measure,
          Charts.forest(
              "Effect on " + words(measure) + " (enrolled minus matched controls)",
              unit.isEmpty() ? "difference" : "difference, " + unit,
              labels,
              rows),
          "Matched difference with its 95% bootstrap interval, overall, per PCN and per"
              + " deprivation quintile; left of 0 is fewer for the enrolled. A group with too few"
              + " people is withheld.");
      textTable(List.of("group", "estimate", "95% interval", "enrolled", "controls"), text);
    }
    end();
  }

  // ---------------------------------------------------------------------------------------------
  // HTML parts

  private void figure(
      String id, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String caption) {
    out.append("<figure class=\"chart\" data-chart=\"")
        .append(esc(id))
        .append("\"><img alt=\"")
        .append(esc(chart.getTitle()))
        .append("\" src=\"")
        .append(Charts.png(chart))
        .append("\"><figcaption>")
        .append(esc(caption))
        .append("</figcaption></figure>\n");
  }

  /** A table of rows by column name; a null (suppressed) figure shows as *. */
  private void table(List<String> header, List<Map<String, Object>> rows) {
    table(header, header.stream().map(RunReport::words).toList(), rows);
  }

  /** The {@code columns} of {@code rows}, headed by {@code labels}. */
  private void table(List<String> columns, List<String> labels, List<Map<String, Object>> rows) {
    List<List<String>> text = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      text.add(columns.stream().map(h -> cell(r.get(h))).toList());
    }
    textTable(labels, text);
  }

  private void textTable(List<String> header, List<List<String>> rows) {
    out.append("<table><thead><tr>");
    header.forEach(h -> out.append("<th>").append(esc(h)).append("</th>"));
    out.append("</tr></thead><tbody>\n");
    for (List<String> r : rows) {
      out.append("<tr>");
      for (String v : r) {
        out.append(
                v.equals(Disclosure.SUPPRESSED)
                    ? "<td class=\"suppressed\" title=\"suppressed\">"
                    : "<td>")
            .append(esc(v))
            .append("</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody></table>\n");
  }

  /** A figure as text: suppressed (null) as *, whole numbers with separators, others to 1 dp. */
  static String cell(Object v) {
    if (v == null) {
      return Disclosure.SUPPRESSED;
    }
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, "%.1f", d);
    }
    if (v instanceof Long || v instanceof Integer) {
      return count(((Number) v).longValue());
    }
    return v.toString();
  }

  private static String count(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", v);
  }

  private static String num(Object v, int places) {
    return v instanceof Number n && Double.isFinite(n.doubleValue())
        ? String.format(Locale.ROOT, "%." + places + "f", n.doubleValue())
        : "–";
  }

  private static Double real(Object v) {
    return v instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
  }

  private static Double abs(Object v) {
    Double d = real(v);
    return d == null ? null : Math.abs(d);
  }

  private static double[] array(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** A column or measure name in words: unplanned_bed_days -> unplanned bed days. */
  static String words(String name) {
    return name.replace('_', ' ');
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }

  private static final String STYLE =
      """
      body { font-family: "DejaVu Sans", Arial, sans-serif; color: #212b32; background: #f0f4f5;
             margin: 0; }
      main { max-width: 940px; margin: 0 auto; padding: 16px 24px 48px; background: #fff; }
      h1 { color: #005eb8; margin-bottom: 4px; }
      h2 { color: #005eb8; border-bottom: 2px solid #005eb8; padding-bottom: 4px; margin-top: 40px; }
      nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
      .meta { color: #425563; }
      .note { background: #e8f1f8; padding: 8px 12px; border-left: 4px solid #005eb8; }
      .warning { background: #fde8e6; padding: 8px 12px; border-left: 4px solid #da291c; }
      .absent { color: #425563; font-style: italic; }
      figure.chart { margin: 16px 0; }
      figure.chart img { max-width: 100%; height: auto; display: block; }
      figcaption { color: #425563; font-size: 0.9em; margin-top: 4px; }
      table { border-collapse: collapse; margin: 8px 0 20px; font-size: 0.88em; display: block;
              max-width: 100%; overflow-x: auto; }
      th, td { border: 1px solid #d8dde0; padding: 3px 8px; text-align: right; }
      th { background: #f0f4f5; }
      td:first-child, th:first-child { text-align: left; }
      td.suppressed { color: #da291c; font-weight: bold; }
      """;

  /**
   * The page's one script: after loading, marks each chart drawn (its image decoded) or not, and
   * shows a warning (and a console error) when one did not draw.
   */
  private static final String SCRIPT =
      """
      window.addEventListener('load', function () {
        var figures = document.querySelectorAll('figure.chart');
        var drawn = 0;
        figures.forEach(function (f) {
          var img = f.querySelector('img');
          if (img && img.complete && img.naturalWidth > 0) {
            f.setAttribute('data-drawn', 'yes');
            drawn++;
          } else {
            f.setAttribute('data-drawn', 'no');
            console.error('chart did not draw: ' + f.getAttribute('data-chart'));
          }
        });
        document.body.setAttribute('data-charts-drawn', drawn + '/' + figures.length);
        if (drawn < figures.length) {
          document.getElementById('not-drawn').hidden = false;
        }
      });
      """;
}

package io.proactivecare.npc.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.cohort.CohortStep;
import io.proactivecare.npc.evaluation.EvaluationStep;
import io.proactivecare.npc.monitoring.MonitoringStep;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.RunManifest.MonitoringCheck;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The run report from a small hand-made set of aggregates: every section present and drawn, each
 * chart a real PNG inline, a suppressed figure shown as * (never 0), the model card's counts put
 * through disclosure control, and nothing fetched from elsewhere.
 */
class RunReportTest {
  private static final LocalDate DATE = LocalDate.of(2025, 3, 31);

  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static Map<String, Object> churn(
      String pcn, Long prev, Long entered, Long left, Long now) {
    return row(
        "pcn_code",
        pcn,
        "previous_size",
        prev,
        "stayed",
        10L,
        "entered",
        entered,
        "left",
        left,
        "left_died",
        null,
        "current_size",
        now);
  }

  private static Map<String, Object> concentration(String measure, Long cohort, Double share) {
    return row(
        "base",
        "eligible",
        "scope",
        "overall",
        "level",
        "all",
        "measure",
        measure,
        "cohort_value",
        cohort,
        "population_value",
        1000L,
        "cohort_share_pct",
        share);
  }

  private static Map<String, Object> efi(String category, String breakdown, String level, Long n) {
    return row(
        "measure",
        "people",
        "population",
        "eligible_efi_" + category,
        "breakdown",
        breakdown,
        "level",
        level,
        "numerator",
        n,
        "denominator_population",
        null,
        "denominator",
        null,
        "value",
        n == null ? null : n.doubleValue(),
        "suppressed",
        n == null ? "small" : null);
  }

  private static Map<String, Object> estimate(String breakdown, String level, Double est) {
    return row(
        "measure",
        "emergency_admissions",
        "breakdown",
        breakdown,
        "level",
        level,
        "estimator",
        "matched_difference",
        "interval",
        "bootstrap",
        "unit",
        "per person-year",
        "estimate",
        est,
        "ci_low",
        est == null ? null : est - 0.2,
        "ci_high",
        est == null ? null : est + 0.1,
        "n_treated",
        est == null ? null : 120L,
        "n_control",
        est == null ? null : 240L,
        "withheld",
        est == null);
  }

  /** A card as the registry writes it: 10 tenths of 100 people, subgroups by sex and age band. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> card() {
    List<Object> deciles = new ArrayList<>();
    long events = 0;
    for (int d = 1; d <= 10; d++) {
      long e = d <= 2 ? d : 5L * d; // tenths 1 and 2: 1 and 2 events, small
      events += e;
      deciles.add(
          Map.of("decile", d, "n", 100, "mean_predicted", 0.01 * d * d / 2, "observed", e / 100.0));
    }
    Map<String, Object> holdout = new HashMap<>();
    holdout.put("n", 1000);
    holdout.put("events", events);
    holdout.put("auroc", 0.74);
    holdout.put("calibration_deciles", deciles);
    Map<String, Object> sexF = metrics(520, 130, 0.71);
    Map<String, Object> sexM = metrics(480, events - 130, 0.73);
    Map<String, Object> young = metrics(700, 180, 0.74);
    // 295 people, but hidden too: beside the 95+'s hidden counts it would give them away.
    Map<String, Object> mid = metrics(295, events - 180 - 3, 0.72);
    Map<String, Object> old = metrics(5, 3, 0.99); // five people: counts and metrics suppressed
    Map<String, Object> card = new HashMap<>();
    card.put("learner", "gradient_boosted_trees");
    card.put("calibration", "isotonic");
    card.put("outcome", "emergency admission or death within 365 days");
    card.put("holdout_auroc", 0.74);
    card.put("holdout", holdout);
    card.put("holdout_by_sex", new LinkedHashMap<>(Map.of("F", sexF)));
    ((Map<String, Object>) card.get("holdout_by_sex")).put("M", sexM);
    Map<String, Object> ages = new LinkedHashMap<>();
    ages.put("18-64", young);
    ages.put("65-94", mid);
    ages.put("95+", old);
    card.put("holdout_by_age_band", ages);
    return card;
  }

  private static Map<String, Object> metrics(long n, long events, double auroc) {
    Map<String, Object> m = new HashMap<>();
    m.put("n", n);
    m.put("events", events);
    m.put("auroc", auroc);
    m.put("auprc", 0.3);
    m.put("brier", 0.05);
    m.put("calibration_slope", 1.0);
    m.put("sensitivity_top5", 0.2);
    m.put("ppv_top5", 0.4);
    return m;
  }

  static ReportInputs inputs() {
    Map<String, List<Map<String, Object>>> t = new HashMap<>();
    t.put(
        CohortStep.CHURN,
        List.of(
            churn("U10001", 60L, 20L, 15L, 65L),
            churn("U10002", 40L, 15L, null, 50L), // left: suppressed
            churn("all", 100L, 35L, null, 115L)));
    t.put(
        CohortStep.FUNNEL,
        List.of(
            row("stage", "registered", "people", 4295L),
            row("stage", "excluded_care_home", "people", null)));
    t.put(
        CohortStep.CONCENTRATION,
        List.of(
            concentration("people", 50L, 5.0),
            concentration("unplanned_bed_days", 440L, 43.8),
            concentration("outpatient_attendances", null, null),
            concentration("social_care_packages", 500L, 50.0)));
    List<Map<String, Object>> measures = new ArrayList<>();
    for (String category : List.of("fit", "mild", "moderate", "severe")) {
      measures.add(efi(category, "age_band", "65-74", category.equals("severe") ? null : 100L));
      measures.add(efi(category, "age_band", "75-84", 60L));
      measures.add(efi(category, "imd_quintile", "1", 45L));
      measures.add(efi(category, "imd_quintile", "2", category.equals("fit") ? 0L : 30L));
    }
    t.put(CohortStep.MEASURES, measures);
    t.put(
        EvaluationStep.BALANCE,
        List.of(
            row("covariate", "age", "smd_att_before", 0.45, "smd_att_after", 0.03),
            row("covariate", "prior_admissions", "smd_att_before", -0.6, "smd_att_after", -0.08)));
    t.put(
        EvaluationStep.ATTRITION,
        List.of(
            row("step", 1, "description", "enrolled", "people", 400L),
            row("step", 2, "description", "unmatched: no candidate", "people", null)));
    t.put(
        EvaluationStep.ESTIMATES,
        List.of(
            estimate("overall", "all", -0.3),
            estimate("pcn", "U10001", -0.25),
            estimate("pcn", "U10002", null), // withheld
            estimate("imd_quintile", "1", -0.4)));
    ReportInputs.Quarantine q =
        new ReportInputs.Quarantine(
            "run-1",
            "2025-03-31",
            List.of(
                new RunManifest.TableCount("gp_events", 1000, 990, 10, 0.01, 0.05, true),
                new RunManifest.TableCount("enrolments", 108, 108, 0, 0, 0.05, true)));
    return new ReportInputs(
        DATE,
        "run-2",
        t,
        Optional.of(q),
        Optional.of(new ReportInputs.ModelCard("m-1", card())),
        Optional.of(new ReportInputs.MonitoringChecks("run-2", List.of(QUARANTINE_SHARE))));
  }

  private static final String LAST_3 = "median of the last 3 successful runs";

  private static final MonitoringCheck QUARANTINE_SHARE =
      new MonitoringCheck("quarantine_share", "gp_events", 0.01, 0.004, LAST_3, 0.02, "warn", "ok");

  /** The charts of a page by their data-chart ids, each its image's bytes. */
  private static Map<String, byte[]> charts(String html) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile(
                "<figure class=\"chart\" data-chart=\"([^\"]+)\"><img alt=\"[^\"]*\""
                    + " src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">")
            .matcher(html);
    while (m.find()) {
      out.put(m.group(1), Base64.getDecoder().decode(m.group(2)));
    }
    return out;
  }

  @Test
  void everySectionIsThereAndEveryChartIsARealImage() throws Exception {
    String html = RunReport.html(inputs());
    for (String s : RunReport.SECTIONS) {
      assertTrue(html.contains("<section id=\"" + s + "\">"), s);
    }
    assertFalse(html.contains("class=\"absent\""), "a section said it had nothing to show");
    Map<String, byte[]> charts = charts(html);
    assertEquals(
        List.of(
            "churn",
            "concentration",
            "efi-age_band",
            "efi-imd_quintile",
            "roc",
            "calibration",
            "auroc-sex",
            "auroc-age_band",
            "quarantine",
            "love",
            "forest-emergency_admissions"),
        List.copyOf(charts.keySet()));
    assertEquals(charts.size(), html.split("<figure class=\"chart\"", -1).length - 1);
    for (Map.Entry<String, byte[]> c : charts.entrySet()) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(c.getValue()));
      assertNotNull(image, c.getKey() + " is not a PNG");
      assertTrue(image.getWidth() >= 400 && image.getHeight() >= 200, c.getKey());
    }
  }

  @Test
  void theReportNeedsNothingFromElsewhere() {
    String html = RunReport.html(inputs());
    assertFalse(html.contains("http://") || html.contains("https://"), "an address in the page");
    assertFalse(html.contains("<link"), "a linked resource");
    assertFalse(Pattern.compile("src=\"(?!data:)").matcher(html).find(), "a file beside the page");
    assertTrue(html.contains("<style>") && html.contains("<script>"));
  }

  @Test
  void aSuppressedFigureShowsAsSuppressedNeverAsZero() {
    String html = RunReport.html(inputs());
    String suppressed = "<td class=\"suppressed\" title=\"suppressed\">*</td>";
    // U10002's leavers: suppressed, in the table as * and marked on the chart's label.
    Matcher u2 = Pattern.compile("<tr><td>U10002</td>(.*?)</tr>").matcher(html);
    assertTrue(u2.find());
    assertEquals("<td>40</td><td>10</td><td>15</td>" + suppressed + "<td>50</td>", u2.group(1));
    // ... and in the table of why people left, the one reason (died) suppressed too.
    assertTrue(u2.find());
    assertEquals(suppressed, u2.group(1));
    // The concentration of outpatient appointments is suppressed: shown as *, not 0 or 0.0.
    Matcher op = Pattern.compile("<tr><td>outpatient attendances</td>(.*?)</tr>").matcher(html);
    assertTrue(op.find());
    assertTrue(op.group(1).startsWith(suppressed + "<td>1,000</td>" + suppressed), op.group(1));
    // eFI: severe 65-74 suppressed; fit in quintile 2 a real 0.
    Matcher severe = Pattern.compile("<tr><td>severe</td>(.*?)</tr>").matcher(html);
    assertTrue(severe.find());
    assertEquals(suppressed + "<td>60</td>", severe.group(1));
    assertTrue(html.contains("<tr><td>fit</td><td>45</td><td>0</td></tr>"));
    // The funnel's suppressed stage and the attrition's suppressed step.
    assertTrue(html.contains("<tr><td>excluded_care_home</td>" + suppressed + "</tr>"));
    assertTrue(html.contains("<td>unmatched: no candidate</td>" + suppressed + "</tr>"));
    // A withheld estimate says so.
    assertTrue(html.contains("<tr><td>PCN U10002</td><td>withheld</td><td></td>"));
  }

  @Test
  void theModelCardsCountsGoThroughDisclosureControl() {
    ModelFigures f = ModelFigures.of(card());
    // 1,000 people, 3 + 5 * (3 + ... + 10) = 263 events: rounded to 1,000 and 265.
    assertEquals(1000L, f.people);
    assertEquals(265L, f.events);
    // Tenths 1 and 2 have 1 and 2 events: suppressed (and their non-events with them, since
    // people = events + non-events), so they have no observed rate; tenth 3 has 15 of 100.
    assertNull(f.deciles.get(0).events());
    assertNull(f.deciles.get(1).events());
    assertNull(f.deciles.get(0).observed());
    assertEquals(15L, f.deciles.get(2).events());
    assertEquals(0.15, f.deciles.get(2).observed(), 1e-12);
    // The ROC curve passes over the hidden cut-point between tenths 1 and 2, but reaches (1, 1)
    // as the total less nothing and starts at (0, 0).
    double[][] roc = f.roc();
    assertEquals(10, roc[0].length);
    assertEquals(0, roc[0][0]);
    assertEquals(1, roc[0][roc[0].length - 1]);
    assertEquals(1, roc[1][roc[1].length - 1]);
    // Five people aged 95+: counts and metrics not shown, nor 65-94's (the smaller other part of
    // the totals, suppressed so that subtraction cannot find the 95+'s); 18-64 shown.
    ModelFigures.Subgroup old =
        f.subgroups.stream().filter(s -> s.level().equals("95+")).findFirst().orElseThrow();
    assertNull(old.people());
    assertFalse(old.published());
    ModelFigures.Subgroup young =
        f.subgroups.stream().filter(s -> s.level().equals("18-64")).findFirst().orElseThrow();
    assertTrue(young.published());
    assertFalse(
        f.subgroups.stream()
            .filter(s -> s.level().equals("65-94"))
            .findFirst()
            .orElseThrow()
            .published());
    assertEquals(0.74, young.metrics().get("auroc"));
    assertFalse(RunReport.html(inputs()).contains("0.990"), "the 95+ AUROC leaked");
  }

  /** Dark pixels in the image's left 80 columns, where the y axis's labels are drawn. */
  private static int darkOnTheLeft(BufferedImage image) {
    int dark = 0;
    for (int x = 0; x < 80; x++) {
      for (int y = 0; y < image.getHeight(); y++) {
        int p = image.getRGB(x, y);
        if (((p >> 16) & 255) < 100 && ((p >> 8) & 255) < 100 && (p & 255) < 100) {
          dark++;
        }
      }
    }
    return dark;
  }

  @Test
  void theLovePlotAndTheForestPlotNameTheirRows() {
    List<String> rows = List.of("age", "sex=M", "efi_category=moderate");
    BufferedImage love =
        org.knowm.xchart.BitmapEncoder.getBufferedImage(
            Charts.dots(
                "love",
                "|SMD|",
                rows,
                List.of(new Charts.Series("before", java.util.Arrays.asList(0.1, 0.5, null)))));
    BufferedImage forest =
        org.knowm.xchart.BitmapEncoder.getBufferedImage(
            Charts.forest(
                "forest",
                "difference",
                rows,
                List.of(
                    new Charts.Interval(0.1, -0.1, 0.3),
                    new Charts.Interval(null, null, null),
                    new Charts.Interval(-0.2, -0.5, 0.0))));
    // The labels' text: hundreds of dark pixels. An axis without labels (XChart drops them all
    // when two repeat) has only its line and ticks there, about 65.
    assertTrue(darkOnTheLeft(love) > 300, "love plot rows unnamed: " + darkOnTheLeft(love));
    assertTrue(darkOnTheLeft(forest) > 300, "forest plot rows unnamed: " + darkOnTheLeft(forest));
  }

  @Test
  void withNothingPublishedEverySectionSaysSo() {
    String html =
        RunReport.html(
            new ReportInputs(
                DATE, "run-3", Map.of(), Optional.empty(), Optional.empty(), Optional.empty()));
    for (String s : RunReport.SECTIONS) {
      Matcher m =
          Pattern.compile("<section id=\"" + s + "\">(.*?)</section>", Pattern.DOTALL)
              .matcher(html);
      assertTrue(m.find(), s);
      assertTrue(m.group(1).contains("class=\"absent\""), s);
    }
    assertTrue(charts(html).isEmpty());
  }

  @Test
  void aChurnOfOnlyTheTotalRowSaysNoListWasPublishedInsteadOfFailing() {
    // A date with a cohort but no PCN list: the churn table holds only the row of all lists. The
    // report used to fail drawing a chart of no bars ("Y-Axis data cannot be empty").
    Map<String, List<Map<String, Object>>> t = new HashMap<>();
    t.put(CohortStep.CHURN, List.of(churn("all", 100L, 35L, 20L, 115L)));
    String html =
        RunReport.html(
            new ReportInputs(
                DATE, "run-4", t, Optional.empty(), Optional.empty(), Optional.empty()));
    Matcher m =
        Pattern.compile("<section id=\"cohort\">(.*?)</section>", Pattern.DOTALL).matcher(html);
    assertTrue(m.find());
    assertTrue(m.group(1).contains("No PCN list was published as of " + DATE), m.group(1));
    assertTrue(charts(html).isEmpty(), "no chart of no bars");
    assertEquals("all", rows(html, "cohort").get(0).get(0), "the total row is still tabled");
  }

  /** The cells of each row of section {@code id}'s tables, as text. */
  private static List<List<String>> rows(String html, String id) {
    Matcher section =
        Pattern.compile("<section id=\"" + id + "\">(.*?)</section>", Pattern.DOTALL).matcher(html);
    assertTrue(section.find(), id);
    List<List<String>> out = new ArrayList<>();
    Matcher tr = Pattern.compile("<tr>(.*?)</tr>").matcher(section.group(1));
    while (tr.find()) {
      List<String> cells = new ArrayList<>();
      Matcher td = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(tr.group(1));
      while (td.find()) {
        cells.add(td.group(1));
      }
      if (!cells.isEmpty()) {
        out.add(cells);
      }
    }
    return out;
  }

  /**
   * Worked by hand. The manifest's checks are exact; the report shows extract rows as recorded, and
   * a figure of people only as published: the PSI and calibration withheld in monitoring/measures
   * (*), the AUROC as published (0.712), observed / expected from the rounded counts (120 / 110 =
   * 1.091, not the exact 1.083), churn from the rounded counts of all lists ((15 + 5) / (80 + 15 +
   * 5) = 20.00%, not the exact 20.87%), the usual churn not at all (5.12% rests on earlier lists'
   * exact counts), and the matured scores' counts of people (689, 120) nowhere.
   */
  @Test
  void theMonitoringSectionShowsEachCheckWithPeopleFiguresOnlyAsPublished() {
    String matured = "risk/scores version 2024-03-31, 689 people, 120 with the outcome";
    List<MonitoringCheck> checks =
        List.of(
            QUARANTINE_SHARE,
            new MonitoringCheck(
                "rows_read", "gp_events", 1000.0, 2400.0, LAST_3, 0.5, "fail", "fail"),
            new MonitoringCheck(
                "psi",
                "risk/scores",
                0.31,
                0.0,
                "against risk/scores version 2025-03-30",
                0.25,
                "warn",
                "warn"),
            new MonitoringCheck(
                "churn_share", "cohort/list", 0.2087, 0.0512, LAST_3, 0.1, "warn", "warn"),
            new MonitoringCheck("auroc", "risk/scores", 0.71234, null, matured, 0.65, "warn", "ok"),
            new MonitoringCheck(
                "observed_over_expected",
                "risk/scores",
                1.0832,
                1.0,
                matured + ", 110.8 expected",
                null,
                "",
                "ok"),
            new MonitoringCheck(
                "calibration_in_the_large", "risk/scores", 0.0712, 0.0, matured, null, "", "ok"));
    Map<String, List<Map<String, Object>>> t = new HashMap<>(inputs().tables());
    t.put(CohortStep.CHURN, List.of(churn("U10001", 60L, 20L, 15L, 65L), churnOfAll(80L, 15L, 5L)));
    t.put(
        MonitoringStep.MEASURES,
        List.of(
            measure("psi", "scores_current", null),
            measure("auroc", "matured_scored", 0.71234),
            measure("events", "matured_observed_over_expected", 120 / 110.0),
            measure("calibration_in_the_large", "matured_scored", null)));
    String html = RunReport.html(withMonitoring(t, checks));
    String soon = "the scores published a horizon earlier, on their outcomes since";
    assertEquals(
        List.of(
            List.of(
                "quarantine share",
                "gp_events",
                "1.00%",
                "0.40%",
                LAST_3,
                "on a rise of more than 2.00 points (warn)",
                "ok"),
            List.of(
                "rows read",
                "gp_events",
                "1,000",
                "2,400",
                LAST_3,
                "on a drop of more than 50.00% (fail)",
                "FAIL"),
            List.of(
                "psi",
                "risk/scores",
                "*",
                "–",
                "against risk/scores version 2025-03-30",
                "above 0.250 (warn)",
                "WARN"),
            List.of(
                "churn share",
                "cohort/list",
                "20.00%",
                "*",
                LAST_3,
                "on a rise of more than 10.00 points (warn)",
                "WARN"),
            List.of("auroc", "risk/scores", "0.712", "–", soon, "below 0.650 (warn)", "ok"),
            List.of(
                "observed over expected", "risk/scores", "1.091", "1.000", soon, "no alert", "ok"),
            List.of(
                "calibration in the large", "risk/scores", "*", "0.000", soon, "no alert", "ok")),
        rows(html, "monitoring"));
    assertTrue(html.contains("found: 1 fail, 2 warn."), "the summary");
    for (String exact : List.of("0.310", "20.87", "5.12", "1.083", "0.071", "689")) {
      assertFalse(html.contains(exact), "an exact figure in the page: " + exact);
    }

    // Before the scores a horizon earlier have matured: the reason, which names only dates.
    String why = "not matured: no risk/scores published on or before 2024-03-31";
    String young =
        RunReport.html(
            withMonitoring(
                t,
                List.of(
                    new MonitoringCheck(
                        "auroc", "risk/scores", null, null, why, 0.65, "warn", "not_matured"))));
    assertEquals(
        List.of(
            List.of("auroc", "risk/scores", "–", "–", why, "below 0.650 (warn)", "not matured")),
        rows(young, "monitoring"));
    assertTrue(young.contains("found: no baseline."), young);
  }

  private static ReportInputs withMonitoring(
      Map<String, List<Map<String, Object>>> tables, List<MonitoringCheck> checks) {
    ReportInputs base = inputs();
    return new ReportInputs(
        DATE,
        "run-2",
        tables,
        base.quarantine(),
        base.modelCard(),
        Optional.of(new ReportInputs.MonitoringChecks("run-2", checks)));
  }

  private static Map<String, Object> churnOfAll(Long stayed, Long entered, Long left) {
    Map<String, Object> r = churn("all", stayed + left, entered, left, stayed + entered);
    r.put("stayed", stayed);
    return r;
  }

  private static Map<String, Object> measure(String measure, String population, Double value) {
    return row(
        "measure",
        measure,
        "population",
        population,
        "breakdown",
        "overall",
        "level",
        "all",
        "value",
        value);
  }
}

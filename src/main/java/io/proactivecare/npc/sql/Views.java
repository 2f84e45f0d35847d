package io.proactivecare.npc.sql;

import io.proactivecare.npc.cohort.PcnLists;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.risk.ModelRegistry;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Sensitivity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The published tables as SQL views (docs/sql.md): which version of each output a query sees and
 * under what name. Pure: reads a catalog, touches no files and no Spark.
 *
 * <p>A view is named by the last part of its output's name ({@code frailty/efi} is {@code efi},
 * {@code conformed/gp_events} is {@code gp_events}), except {@code cohort/list}, which is {@code
 * cohort}, and {@code features/person}, which is {@code features}. Two outputs whose last parts are
 * the same are both named in full, {@code /} as {@code _}. At a date, each view is its output's
 * version keyed by that date, else its newest version before it (ingested tables are keyed by the
 * extract date); outputs with no version on or before the date are left out.
 */
public final class Views {
  private Views() {}

  /** Names other than the output name's last part. */
  private static final Map<String, String> RENAMED =
      Map.of(
          "monitoring/measures",
          "monitoring_measures",
          "cohort/list",
          "cohort",
          "features/person",
          "features",
          // Every stage publishes a measures table: each is named after its stage, always.
          "cohort/measures",
          "cohort_measures",
          "evaluation/measures",
          "evaluation_measures");

  /** Outputs that are not tables (the model is a folder of files, the report an HTML page). */
  private static final List<String> NOT_TABLES =
      List.of(ModelRegistry.OUTPUT, io.proactivecare.npc.report.ReportStep.OUTPUT);

  /** What each output is, in one line, for {@code npc sql --tables}. */
  private static final Map<String, String> DESCRIPTIONS = descriptions();

  private static Map<String, String> descriptions() {
    Map<String, String> m = new HashMap<>();
    m.put(
        "quarantine", "rows refused at ingest, with why (reason_code, reason_column) and the row");
    m.put("frailty/deficit_periods", "when each person had each eFI deficit (start, end)");
    m.put("frailty/efi", "everyone's Electronic Frailty Index at the date: score and category");
    m.put("frailty/hfrs", "everyone's Hospital Frailty Risk Score at the date");
    m.put("frailty/trajectory", "the eFI of everyone at each quarter end");
    m.put("frailty/progression", "each person's eFI change over the quarters");
    m.put("features/person", "each registered person's model features at the date");
    m.put(
        "risk/scores",
        "everyone's risk of an emergency admission or death in 12 months: probability,"
            + " percentile, band, top factors, model");
    m.put(
        "cohort/eligibility",
        "everyone registered at the date: eligible or why not, rank, selected, in_cohort");
    m.put(
        "cohort/list",
        "every PCN's list: the cohort (in_cohort true, new or continuing) and the people leaving it");
    m.put(
        "cohort/concentration",
        "the cohort's share of people, bed days, admissions, cost (after disclosure control)");
    m.put("cohort/profile", "the cohort's make-up against the eligible population's (controlled)");
    m.put(
        "cohort/churn",
        "per PCN list: previous size, stayed, entered, left by reason (controlled)");
    m.put(
        "cohort/funnel", "registered, each exclusion, eligible, selected, in cohort (controlled)");
    m.put(
        "cohort/measures",
        "every cohort figure in the shared long format: measure, population, breakdown, level"
            + " (controlled)");
    m.put("evaluation/candidates", "enrolled people and candidate controls at each risk set");
    m.put("evaluation/matched", "each enrolled person and the controls matched to them");
    m.put("evaluation/outcomes", "outcomes before and after the index date, per matched person");
    m.put(
        "evaluation/estimates",
        "effect estimates with intervals, overall and by subgroup (controlled)");
    m.put("evaluation/balance", "covariate balance before and after matching (controlled)");
    m.put("evaluation/attrition", "how many people each stage of matching kept (controlled)");
    m.put("evaluation/propensity", "the propensity model's coefficients (controlled)");
    m.put(
        "evaluation/measures",
        "every count of the evaluation (arms of each estimate, attrition) in the shared long"
            + " format (controlled)");
    m.put("evaluation/reach", "enrolment among the people on the cohort lists (controlled)");
    m.put(
        "evaluation/reach_measures",
        "every reach figure in the shared long format: measure, population, breakdown, level"
            + " (controlled)");
    m.put(
        "monitoring/measures",
        "the run's monitoring figures (rows read and quarantined per table, scores per risk bin"
            + " and their PSI, list changes, matured AUROC) in the shared long format (controlled)");
    return Map.copyOf(m);
  }

  /**
   * One view.
   *
   * @param name the name a query uses
   * @param output the warehouse output it shows
   * @param versionKey the date its version is keyed by
   * @param path its location relative to the warehouse root
   * @param rows its row count
   * @param sensitivity patient_level (person-level rows) or aggregate (after disclosure control)
   * @param description what it holds, in one line (empty when npc has none for it)
   */
  public record View(
      String name,
      String output,
      String versionKey,
      String path,
      long rows,
      Sensitivity sensitivity,
      String description) {}

  /**
   * The views of {@code catalog} at {@code date} (each output's newest version when empty), in name
   * order.
   *
   * @throws io.proactivecare.npc.config.NpcException (usage) when nothing is published, or no
   *     output has a version keyed by {@code date}
   */
  public static List<View> of(Catalog catalog, Optional<LocalDate> date) {
    Map<String, Catalog.Entry> tables = new HashMap<>(catalog.outputs());
    NOT_TABLES.forEach(tables::remove);
    if (tables.isEmpty()) {
      throw Errors.usage(
          "The warehouse has published nothing yet, so there is nothing to query",
          "run the nightly job first: npc run jobs/nightly.yaml");
    }
    TreeSet<String> dates = new TreeSet<>();
    tables.values().forEach(e -> dates.addAll(e.versions().keySet()));
    if (date.isPresent() && !dates.contains(date.get().toString())) {
      throw Errors.usage(
          "The warehouse has no output as of " + date.get(),
          "give a date it has to --as-of ("
              + String.join(", ", dates.descendingSet().stream().limit(10).toList())
              + (dates.size() > 10 ? ", ..." : "")
              + "), or leave --as-of out for the newest");
    }
    Map<String, Integer> lastParts = new HashMap<>();
    tables.keySet().forEach(o -> lastParts.merge(lastPart(o), 1, Integer::sum));
    List<View> out = new ArrayList<>();
    for (Map.Entry<String, Catalog.Entry> e : tables.entrySet()) {
      String output = e.getKey();
      Optional<String> key =
          e.getValue().versions().keySet().stream()
              .filter(k -> date.isEmpty() || k.compareTo(date.get().toString()) <= 0)
              .max(String::compareTo);
      if (key.isEmpty()) {
        continue;
      }
      Catalog.TableVersion v = e.getValue().versions().get(key.get());
      String name =
          RENAMED.getOrDefault(
              output,
              lastParts.get(lastPart(output)) > 1 ? output.replace('/', '_') : lastPart(output));
      out.add(
          new View(
              name,
              output,
              key.get(),
              v.path(),
              v.rows(),
              e.getValue().sensitivity(),
              DESCRIPTIONS.getOrDefault(output, "")));
    }
    out.sort(Comparator.comparing(View::name));
    return List.copyOf(out);
  }

  private static String lastPart(String output) {
    return output.substring(output.lastIndexOf('/') + 1);
  }

  /**
   * What the columns of {@code output} mean, where npc documents them: the data contracts for the
   * conformed tables, the list's column document for the cohort list and eligibility.
   */
  public static Map<String, String> columnDescriptions(String output) {
    if (output.startsWith("conformed/")) {
      return Contracts.byName(lastPart(output))
          .map(
              t -> {
                Map<String, String> m = new HashMap<>();
                t.columns().forEach(c -> m.put(c.name(), c.description()));
                return Map.copyOf(m);
              })
          .orElse(Map.of());
    }
    if (output.startsWith("cohort/list") || output.startsWith("cohort/eligibility")) {
      return PcnLists.COLUMNS;
    }
    return Map.of();
  }
}

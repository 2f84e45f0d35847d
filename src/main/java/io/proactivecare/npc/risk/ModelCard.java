package io.proactivecare.npc.risk;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The model card in Markdown: what the model is, what it was trained on, how well it does. */
final class ModelCard {
  private ModelCard() {}

  static String markdown(RiskModel m) {
    Map<String, Object> c = m.card();
    StringBuilder b = new StringBuilder();
    b.append("# Model card: ").append(m.id()).append("\n\n");
    b.append("Predicts **")
        .append(c.get("outcome"))
        .append("** after a date, for people aged ")
        .append(c.get("min_age"))
        .append(" and over registered then (docs/model.md).\n\n");
    b.append("| | |\n|---|---|\n");
    row(b, "Learner", c.get("learner") + ", calibrated by " + c.get("calibration"));
    row(b, "Trained as of", c.get("as_of"));
    row(b, "Training cutoffs", String.join(", ", strings(c.get("training_cutoffs"))));
    row(b, "Temporal hold-out cutoff", c.get("holdout_cutoff"));
    row(
        b,
        "Rows: fit / calibration / hold-out",
        c.get("fit_rows") + " / " + c.get("calibration_rows") + " / " + c.get("holdout_rows"));
    row(b, "Outcomes: fit / hold-out", c.get("fit_outcomes") + " / " + c.get("holdout_outcomes"));
    row(b, "Features", String.valueOf(strings(c.get("features")).size()));
    if (c.containsKey("true_risk_auroc")) {
      row(b, "AUROC of the generator's true risk on this hold-out", num(c.get("true_risk_auroc")));
      row(b, "Gap to it", num(c.get("auroc_gap_to_true_risk")));
    }
    if (c.containsKey("current_model_holdout_auroc")) {
      row(
          b,
          "Current model " + c.get("current_model") + " on this hold-out",
          num(c.get("current_model_holdout_auroc")));
    }
    b.append("\n## Candidates on the hold-out\n\n| learner | AUROC | Brier |\n|---|---|---|\n");
    for (Map.Entry<?, ?> e : map(c.get("candidates")).entrySet()) {
      Map<?, ?> v = (Map<?, ?>) e.getValue();
      b.append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(num(v.get("holdout_auroc")))
          .append(" | ")
          .append(num(v.get("holdout_brier")))
          .append(" |\n");
    }
    b.append("\n## Hold-out metrics\n\n");
    if (c.get("holdout") != null) {
      metricsTable(b, Map.of("all", c.get("holdout")));
      intervals(b, map(c.get("holdout")), map(c.get("intervals")));
    }
    Map<?, ?> minimum = map(c.get("subgroup_minimum"));
    if (!minimum.isEmpty()) {
      b.append("\nA subgroup with fewer than ")
          .append(minimum.get("people"))
          .append(" people or fewer than ")
          .append(minimum.get("events"))
          .append(" outcomes on the hold-out is too small to judge: its metrics are suppressed")
          .append(" (`suppressed`).\n");
    }
    for (String g : List.of("sex", "age_band", "imd_quintile", "ethnic_category")) {
      b.append("\n### By ").append(g.replace('_', ' ')).append("\n\n");
      metricsTable(b, map(c.get("holdout_by_" + g)));
    }
    b.append(
        "\n## Calibration by decile (hold-out)\n\n| decile | n | mean predicted | observed |\n|---|---|---|---|\n");
    Object deciles = map(c.get("holdout")).get("calibration_deciles");
    for (Object o : deciles == null ? List.of() : (List<?>) deciles) {
      Map<?, ?> d = (Map<?, ?>) o;
      b.append("| ")
          .append(d.get("decile"))
          .append(" | ")
          .append(d.get("n"))
          .append(" | ")
          .append(num(d.get("mean_predicted")))
          .append(" | ")
          .append(num(d.get("observed")))
          .append(" |\n");
    }
    b.append("\nSmall subgroups give unstable figures; this card stays in the warehouse.\n");
    return b.toString();
  }

  /** The bootstrap intervals of the overall hold-out metrics, when there are any. */
  private static void intervals(StringBuilder b, Map<?, ?> holdout, Map<?, ?> how) {
    List<String> metrics = List.of("auroc", "calibration_slope", "sensitivity_top5");
    if (how.isEmpty() || metrics.stream().noneMatch(m -> holdout.containsKey(m + "_ci"))) {
      return;
    }
    b.append("\nIntervals: ")
        .append(Math.round(((Number) how.get("level")).doubleValue() * 100))
        .append("%, ")
        .append(how.get("method"))
        .append(", ")
        .append(how.get("replicates"))
        .append(" replicates, seed ")
        .append(how.get("seed"))
        .append(".\n\n| metric | estimate | interval |\n|---|---|---|\n");
    for (String m : metrics) {
      List<?> ci = (List<?>) holdout.get(m + "_ci");
      if (ci != null) {
        b.append("| ")
            .append(m.replace('_', ' '))
            .append(" | ")
            .append(num(holdout.get(m)))
            .append(" | ")
            .append(num(ci.get(0)))
            .append(" – ")
            .append(num(ci.get(1)))
            .append(" |\n");
      }
    }
  }

  private static void metricsTable(StringBuilder b, Map<?, ?> groups) {
    b.append(
        "| group | n | events | AUROC | AUPRC | Brier | calibration slope | intercept |"
            + " sensitivity top 5% | PPV top 5% |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<?, ?> e : groups.entrySet()) {
      Map<?, ?> r = (Map<?, ?>) e.getValue();
      b.append("| ").append(e.getKey());
      for (String k : List.of("n", "events")) {
        b.append(" | ").append(r.get(k));
      }
      if (Boolean.TRUE.equals(r.get(Training.SUPPRESSED))) {
        b.append(" | suppressed".repeat(7)).append(" |\n");
        continue;
      }
      for (String k :
          List.of(
              "auroc",
              "auprc",
              "brier",
              "calibration_slope",
              "calibration_intercept",
              "sensitivity_top5",
              "ppv_top5")) {
        b.append(" | ").append(num(r.get(k)));
      }
      b.append(" |\n");
    }
  }

  private static Map<?, ?> map(Object v) {
    return v == null ? Map.of() : (Map<?, ?>) v;
  }

  private static void row(StringBuilder b, String k, Object v) {
    b.append("| ").append(k).append(" | ").append(v).append(" |\n");
  }

  private static String num(Object v) {
    return v instanceof Number n && Double.isFinite(n.doubleValue())
        ? String.format(Locale.ROOT, "%.4f", n.doubleValue())
        : "–";
  }

  private static List<String> strings(Object v) {
    return v == null ? List.of() : ((List<?>) v).stream().map(String::valueOf).toList();
  }
}

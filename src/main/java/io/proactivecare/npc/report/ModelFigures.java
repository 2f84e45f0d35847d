package io.proactivecare.npc.report;

import io.proactivecare.npc.disclosure.Measures;
import io.proactivecare.npc.disclosure.Measures.Key;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The risk model's hold-out figures for the report, from its card, through disclosure control: the
 * card stays in the warehouse and counts people (in each tenth of predicted risk and each
 * subgroup), so the report shows its counts as every aggregate is shown (1 to 7 suppressed, others
 * rounded to 5, a total beside one hidden part protected), and computes the observed rates and the
 * ROC curve from the rounded counts. A subgroup's metrics (AUROC, ...) are shown only when its
 * people, events and non-events are all published.
 */
final class ModelFigures {
  static final String HOLDOUT = "holdout";
  static final String PEOPLE = "people";
  static final String EVENTS = "events";
  static final String NON_EVENTS = "non_events";
  static final String DECILE = "risk_decile";

  /** The subgroups the card reports, in the card's order. */
  static final List<String> SUBGROUPS =
      List.of("sex", "age_band", "imd_quintile", "ethnic_category");

  /** The metrics of a subgroup shown when its counts are published. */
  static final List<String> METRICS =
      List.of("auroc", "auprc", "brier", "calibration_slope", "sensitivity_top5", "ppv_top5");

  /** One tenth of predicted risk (1 lowest): mean prediction, counts after control. */
  record Decile(int decile, Double meanPredicted, Long people, Long events, Double observed) {}

  /** One subgroup: counts after control, metrics when they are published. */
  record Subgroup(
      String dimension, String level, Long people, Long events, Map<String, Double> metrics) {
    boolean published() {
      return !metrics.isEmpty();
    }
  }

  final Long people;
  final Long events;
  final List<Decile> deciles = new ArrayList<>();
  final List<Subgroup> subgroups = new ArrayList<>();

  private ModelFigures(Long people, Long events) {
    this.people = people;
    this.events = events;
  }

  /** The figures of a card ({@code card.json} as a map). */
  static ModelFigures of(Map<String, Object> card) {
    Map<?, ?> holdout = map(card.get(HOLDOUT));
    Measures m = new Measures();
    Key all = Key.overall(PEOPLE, HOLDOUT);
    counts(m, all, number(holdout.get("n")), number(holdout.get(EVENTS)));
    List<Map<?, ?>> ds = new ArrayList<>();
    Object list = holdout.get("calibration_deciles");
    for (Object o : list instanceof List<?> l ? l : List.of()) {
      ds.add((Map<?, ?>) o);
    }
    List<String> decileLevels = new ArrayList<>();
    for (Map<?, ?> d : ds) {
      String level = String.valueOf(number(d.get("decile")));
      long n = number(d.get("n"));
      double observed = real(d.get("observed"));
      long e = n == 0 || Double.isNaN(observed) ? 0 : Math.round(observed * n);
      Key k = all.at(DECILE, level);
      counts(m, k, n, e);
      m.ratio(k.of("observed_rate"), k.of(EVENTS), k, 1);
      decileLevels.add(level);
    }
    if (!decileLevels.isEmpty()) {
      parts(m, all, DECILE, decileLevels);
    }
    Map<String, List<String>> levels = new LinkedHashMap<>();
    for (String dim : SUBGROUPS) {
      List<String> ls = new ArrayList<>();
      map(card.get("holdout_by_" + dim))
          .forEach(
              (level, v) -> {
                Map<?, ?> r = (Map<?, ?>) v;
                counts(m, all.at(dim, level.toString()), number(r.get("n")), number(r.get(EVENTS)));
                ls.add(level.toString());
              });
      if (!ls.isEmpty()) {
        parts(m, all, dim, ls);
      }
      levels.put(dim, ls);
    }
    Measures.Controlled c = m.control();
    ModelFigures f = new ModelFigures(c.value(all), c.value(all.of(EVENTS)));
    for (int i = 0; i < ds.size(); i++) {
      Key k = all.at(DECILE, decileLevels.get(i));
      double mean = real(ds.get(i).get("mean_predicted"));
      f.deciles.add(
          new Decile(
              Integer.parseInt(decileLevels.get(i)),
              Double.isNaN(mean) ? null : mean,
              c.value(k),
              c.value(k.of(EVENTS)),
              c.ratio(k.of("observed_rate"))));
    }
    for (Map.Entry<String, List<String>> e : levels.entrySet()) {
      Map<?, ?> by = map(card.get("holdout_by_" + e.getKey()));
      for (String level : e.getValue()) {
        Key k = all.at(e.getKey(), level);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (c.value(k) != null
            && c.value(k.of(EVENTS)) != null
            && c.value(k.of(NON_EVENTS)) != null) {
          Map<?, ?> r = map(by.get(level));
          for (String metric : METRICS) {
            double v = real(r.get(metric));
            metrics.put(metric, Double.isNaN(v) ? null : v);
          }
        }
        f.subgroups.add(
            new Subgroup(e.getKey(), level, c.value(k), c.value(k.of(EVENTS)), metrics));
      }
    }
    return f;
  }

  /** People, events and non-events of one group, the first the sum of the other two. */
  private static void counts(Measures m, Key people, long n, long events) {
    m.count(people, n);
    m.count(people.of(EVENTS), events);
    m.count(people.of(NON_EVENTS), n - events);
    m.sum(people, List.of(people.of(EVENTS), people.of(NON_EVENTS)));
  }

  /** Each of the three counts of {@code all} is the sum of its levels in {@code breakdown}. */
  private static void parts(Measures m, Key all, String breakdown, List<String> levels) {
    for (String population : List.of(HOLDOUT, EVENTS, NON_EVENTS)) {
      Key total = population.equals(HOLDOUT) ? all : all.of(population);
      m.sum(total, levels.stream().map(l -> total.at(breakdown, l)).toList());
    }
  }

  /**
   * The ROC curve at the deciles' cut-points (flagging the top 0, 1, ..., 10 tenths), from the
   * published counts: a point is drawn where the flagged people's events and non-events can be
   * added up from published figures, from the top down or as the total less the tenths below.
   * Returns {false positive rates, true positive rates}.
   */
  double[][] roc() {
    List<Double> fpr = new ArrayList<>();
    List<Double> tpr = new ArrayList<>();
    int n = deciles.size();
    Long totalEvents = events;
    Long totalNon = people == null || events == null ? null : people - events;
    if (n == 0 || totalEvents == null || totalNon == null || totalEvents == 0 || totalNon == 0) {
      return new double[][] {{}, {}};
    }
    for (int k = 0; k <= n; k++) {
      Long[] top = sum(n - k, n);
      if (top == null) {
        Long[] below = sum(0, n - k);
        top = below == null ? null : new Long[] {totalEvents - below[0], totalNon - below[1]};
      }
      if (top != null) {
        tpr.add(Math.min(1, Math.max(0, (double) top[0] / totalEvents)));
        fpr.add(Math.min(1, Math.max(0, (double) top[1] / totalNon)));
      }
    }
    return new double[][] {
      fpr.stream().mapToDouble(Double::doubleValue).toArray(),
      tpr.stream().mapToDouble(Double::doubleValue).toArray()
    };
  }

  /** {events, non-events} of the deciles [from, to) in risk order, or null if one is hidden. */
  private Long[] sum(int from, int to) {
    long e = 0;
    long non = 0;
    for (int i = from; i < to; i++) {
      Decile d = deciles.get(i);
      if (d.people() == null || d.events() == null) {
        return null;
      }
      e += d.events();
      non += d.people() - d.events();
    }
    return new Long[] {e, non};
  }

  /** The cut-points the ROC curve could not be drawn through (a tenth's counts suppressed). */
  long hiddenDeciles() {
    return deciles.stream().filter(d -> d.people() == null || d.events() == null).count();
  }

  private static Map<?, ?> map(Object v) {
    return v instanceof Map<?, ?> m ? m : Map.of();
  }

  private static long number(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException("the model card has no count where one belongs: " + v);
  }

  private static double real(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}

package io.proactivecare.npc.risk;

import io.proactivecare.npc.schema.Cols;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * Plain words for a person's features, so the top contributing factors read as a clinician would
 * say them: "2 emergency admissions in the last year", "severe frailty (eFI 0.42)".
 *
 * @param deficitNames eFI flag column to the deficit's name
 * @param recencyCap the recency value meaning "none recently"
 * @param recentWindow days of the window of recent emergency admissions
 */
public record Reasons(Map<String, String> deficitNames, int recencyCap, int recentWindow)
    implements Serializable {

  /**
   * The phrases of the features with the largest positive contributions, at most {@code k}, each
   * phrase once (the eFI score and deficit count say the same thing), leaving out the features
   * named in {@code leaveOut} (a categorical feature by its column, e.g. {@code sex}): those a list
   * already shows as columns and no one can act on, such as age, so the next clinical or modifiable
   * reasons take their place (risk.reasons_leave_out, docs/model.md).
   */
  public List<String> top(
      Encoder encoder, double[] contributions, Row row, int k, Set<String> leaveOut) {
    List<String> names = encoder.names();
    Integer[] order = new Integer[names.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        (a, b) -> {
          int c = Double.compare(contributions[b], contributions[a]);
          return c != 0 ? c : Integer.compare(a, b);
        });
    Set<String> out = new LinkedHashSet<>();
    for (int i : order) {
      if (out.size() == k || contributions[i] <= 0) {
        break;
      }
      String feature = names.get(i);
      if (leaveOut.contains(feature.split("=", 2)[0])) {
        continue;
      }
      String phrase = phrase(feature, row);
      if (phrase != null) {
        out.add(phrase);
      }
    }
    return new ArrayList<>(out);
  }

  /** The phrase for one encoded feature of {@code row}, or null when it has nothing to say. */
  String phrase(String feature, Row row) {
    if (feature.contains("=")) {
      String[] kv = feature.split("=", 2);
      return switch (kv[0]) {
        case Cols.SEX -> "F".equals(kv[1]) ? "female" : "male";
        case Cols.ETHNIC_CATEGORY -> "ethnic group " + kv[1];
        case Cols.SOCIAL_CARE_PACKAGE -> "receives " + kv[1].replace('_', ' ') + " social care";
        default -> null;
      };
    }
    if (feature.equals(Encoder.IMD_UNKNOWN)) {
      return "deprivation not known";
    }
    if (deficitNames.containsKey(feature)) {
      return deficitNames.get(feature).toLowerCase(Locale.ROOT) + " recorded";
    }
    Object v = row.getAs(feature);
    if (v == null) {
      return null;
    }
    return switch (feature) {
      case Cols.AGE -> "aged " + v;
      case Cols.EFI_SCORE, Cols.DEFICIT_COUNT ->
          String.format(
              Locale.ROOT,
              "%s (eFI %.2f)",
              frailty(row.getAs(Cols.EFI_CATEGORY)),
              ((Number) row.getAs(Cols.EFI_SCORE)).doubleValue());
      case Cols.HFRS_SCORE ->
          String.format(
              Locale.ROOT,
              "hospital frailty risk score %.1f (%s)",
              ((Number) v).doubleValue(),
              row.getAs(Cols.HFRS_BAND));
      case Cols.LONG_TERM_CONDITIONS -> count(v, "long-term condition", "long-term conditions", "");
      case Cols.MEDICINES_12M -> count(v, "medicine", "medicines", " in the last year");
      case Cols.EMERGENCY_ADMISSIONS_12M ->
          count(v, "emergency admission", "emergency admissions", " in the last year");
      case Cols.EMERGENCY_ADMISSIONS_RECENT ->
          count(
              v,
              "emergency admission",
              "emergency admissions",
              " in the last " + recentWindow + " days");
      case Cols.EMERGENCY_ADMISSIONS_36M ->
          count(v, "emergency admission", "emergency admissions", " in the last 3 years");
      case Cols.UNPLANNED_BED_DAYS_12M ->
          count(v, "unplanned bed day", "unplanned bed days", " in the last year");
      case Cols.ELECTIVE_ADMISSIONS_12M ->
          count(v, "planned admission", "planned admissions", " in the last year");
      case Cols.DAY_CASES_12M -> count(v, "day case", "day cases", " in the last year");
      case Cols.AE_ATTENDANCES_12M ->
          count(v, "A&E attendance", "A&E attendances", " in the last year");
      case Cols.AE_TYPE1_ATTENDANCES_12M ->
          count(v, "major A&E attendance", "major A&E attendances", " in the last year");
      case Cols.OUTPATIENT_ATTENDANCES_12M ->
          count(v, "outpatient appointment", "outpatient appointments", " in the last year");
      case Cols.OUTPATIENT_DNAS_12M ->
          count(
              v,
              "missed outpatient appointment",
              "missed outpatient appointments",
              " in the last year");
      case Cols.DAYS_SINCE_EMERGENCY_ADMISSION -> ago(v, "emergency admission");
      case Cols.DAYS_SINCE_AE_ATTENDANCE -> ago(v, "A&E attendance");
      case Cols.DAYS_SINCE_INPATIENT_STAY -> ago(v, "hospital stay");
      case Cols.DAYS_SINCE_OUTPATIENT_CONTACT -> ago(v, "outpatient appointment");
      case Cols.SOCIAL_CARE_ACTIVE -> Boolean.TRUE.equals(v) ? "receives social care" : null;
      case Cols.SOCIAL_CARE_WEEKLY_COST ->
          String.format(
              Locale.ROOT, "social care costing £%,.0f a week", ((Number) v).doubleValue());
      case Cols.SOCIAL_CARE_SERVICES_12M ->
          count(v, "social care service", "social care services", " in the last year");
      case Cols.CARE_HOME -> Boolean.TRUE.equals(v) ? "lives in a care home" : null;
      case Cols.HOUSEBOUND -> Boolean.TRUE.equals(v) ? "housebound" : null;
      case Cols.IMD_DECILE -> "lives in deprivation decile " + v + " (1 is most deprived)";
      default -> feature.replace('_', ' ') + " " + v;
    };
  }

  private static String frailty(Object category) {
    return "fit".equals(category) ? "not frail" : category + " frailty";
  }

  private static String count(Object v, String one, String many, String tail) {
    long n = ((Number) v).longValue();
    return n + " " + (n == 1 ? one : many) + tail;
  }

  private String ago(Object v, String what) {
    long days = ((Number) v).longValue();
    if (days >= recencyCap) {
      return "no " + what + " in the last " + recencyCap + " days";
    }
    return what + " " + days + (days == 1 ? " day ago" : " days ago");
  }
}

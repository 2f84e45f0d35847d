package io.proactivecare.npc.cohort;

import io.proactivecare.npc.io.CsvTables;
import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.schema.Cols;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each PCN's list for its data lead: a CSV of that PCN's rows only, ordered by risk (the cohort
 * first, then the people leaving it), and COLUMNS.md describing every column, in a folder of its
 * own.
 */
public final class PcnLists {
  private PcnLists() {}

  /** Every column of a list, in order, with what it means (shipped as COLUMNS.md). */
  public static final Map<String, String> COLUMNS = columns();

  private static Map<String, String> columns() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Cols.AS_OF, "the date the list is as of (yyyy-MM-dd); every figure uses data up to it");
    m.put(Cols.PCN_CODE, "this list's Primary Care Network (ODS code)");
    m.put(
        Cols.LIST_RANK,
        "1 is the highest risk on this list; empty for people leaving the cohort, listed last");
    m.put(
        Cols.PERSON_ID,
        "the pseudonymised person key; re-identify through your practice's own linkage, never by"
            + " sharing this file");
    m.put(Cols.PRACTICE_CODE, "the GP practice the person is registered with (ODS code)");
    m.put(
        Cols.STATUS,
        "new (not on this list last run), continuing (on it last run too) or leaving (on it last"
            + " run, not now)");
    m.put(
        Cols.CHANGE_REASON,
        "why new: first_run (no earlier run to compare), joined (risk rose into the cohort or"
            + " newly eligible), moved_in (in the cohort last run at another PCN); why leaving:"
            + " died, deregistered, moved_out_of_area, moved_pcn, entered_care_home,"
            + " palliative_care (now on the palliative care register), not_scored, risk_fell;"
            + " when continuing: moved_practice (now at another practice of this PCN), else"
            + " empty");
    m.put(Cols.IN_COHORT, "yes for new and continuing, no for leaving");
    m.put(
        Cols.IN_COHORT_SINCE,
        "the as-of date of the run the person joined the cohort in, unbroken since");
    m.put(
        Cols.RETAINED,
        "yes when the person stays only because of stickiness: below the cohort's share but still"
            + " within the wider cohort.stay_share");
    m.put(Cols.AGE, "age in whole years on the as-of date");
    m.put(Cols.SEX, "F, M, I (indeterminate) or U (unknown)");
    m.put(
        Scoring.PROBABILITY,
        "the calibrated chance of an emergency admission or death in the next 12 months (0 to 1)");
    m.put(
        Scoring.PERCENTILE,
        "the person's position among everyone scored: 99.5 means higher than 99.5% of adults");
    m.put(Scoring.BAND, "very high (top 1%), high (top 5%), moderate (top 20%) or low");
    m.put(
        Cols.COHORT_RANK,
        "rank among the eligible population the cohort was selected from (1 is the highest)");
    m.put(
        Cols.PREVIOUS_RISK_PERCENTILE,
        "the risk percentile at the previous run; empty when the person was not scored then");
    m.put(
        Cols.RISING_RISK,
        "yes when the risk percentile rose by at least cohort.rising_points since the previous run");
    m.put(
        Scoring.FACTORS,
        "the three factors that raise this person's risk most, in plain words, separated by '; '");
    m.put(Cols.EFI_CATEGORY, "Electronic Frailty Index category: fit, mild, moderate or severe");
    m.put(Cols.EFI_SCORE, "Electronic Frailty Index: deficits present out of 36");
    m.put(Cols.MODERATE_OR_SEVERE_FRAILTY, "yes when the eFI category is moderate or severe");
    m.put(Cols.EMERGENCY_ADMISSIONS_12M, "emergency admissions in the 12 months to the as-of date");
    m.put(
        Cols.UNPLANNED_BED_DAYS_12M,
        "nights in hospital after emergency admissions in those 12 months");
    m.put(Cols.AE_ATTENDANCES_12M, "A&E attendances in those 12 months");
    m.put(Cols.OUTPATIENT_ATTENDANCES_12M, "outpatient appointments attended in those 12 months");
    m.put(Cols.SOCIAL_CARE_ACTIVE, "yes when an adult social care package is active");
    m.put(
        Cols.SOCIAL_CARE_PACKAGE,
        "the highest active package: nursing, residential, community, short_term or none");
    m.put(Scoring.MODEL_ID, "the risk model that scored the person");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The file name of a PCN's list. */
  public static String fileName(String pcn, LocalDate date) {
    return "cohort-" + pcn + "-" + date + ".csv";
  }

  /**
   * Writes one PCN's list and its column document into {@code dir}.
   *
   * @param rows that PCN's rows of {@link Cohort#lists}, with {@link Cohort#LIST_COLUMNS}
   */
  public static void write(Path dir, String pcn, LocalDate date, List<Map<String, Object>> rows) {
    List<String> header = List.copyOf(COLUMNS.keySet());
    List<List<String>> text = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      if (!pcn.equals(r.get(Cols.PCN_CODE))) {
        throw new IllegalStateException("a row of another PCN on " + pcn + "'s list");
      }
      List<String> line = new ArrayList<>();
      for (String c : header) {
        line.add(format(c, r.get(c)));
      }
      text.add(line);
    }
    CsvTables.write(dir.resolve(fileName(pcn, date)), header, text);
    try {
      Files.writeString(dir.resolve("COLUMNS.md"), columnsDoc(pcn, date), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve("COLUMNS.md"), e);
    }
  }

  static String format(String column, Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Boolean b) {
      return b ? "yes" : "no";
    }
    if (v instanceof Double d) {
      return switch (column) {
        case Scoring.PROBABILITY -> String.format(Locale.ROOT, "%.4f", d);
        case Scoring.PERCENTILE, Cols.PREVIOUS_RISK_PERCENTILE ->
            String.format(Locale.ROOT, "%.1f", d);
        default -> String.format(Locale.ROOT, "%.3f", d);
      };
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      return String.join(
          "; ",
          scala.jdk.javaapi.CollectionConverters.asJava(seq).stream()
              .map(String::valueOf)
              .toList());
    }
    return v.toString();
  }

  /** COLUMNS.md: what the list is, who may see it, and every column. */
  static String columnsDoc(String pcn, LocalDate date) {
    StringBuilder b = new StringBuilder();
    b.append("# Proactive care cohort list: ").append(pcn).append(", as of ").append(date);
    b.append("\n\n");
    b.append("Patient-level and confidential: for ")
        .append(pcn)
        .append("'s data lead only. Every row is a person registered with a practice in ")
        .append(pcn)
        .append(
            " (or, for people leaving, registered there at the previous run). The file lists the"
                + " cohort first, highest risk first, then the people leaving it. See"
                + " docs/cohort.md in the Proactive Care Engine for how the cohort is chosen.\n\n");
    b.append("| Column | Meaning |\n|---|---|\n");
    COLUMNS.forEach((c, m) -> b.append("| `").append(c).append("` | ").append(m).append(" |\n"));
    return b.toString();
  }
}

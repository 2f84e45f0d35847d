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
 * first, then the people leaving it), the same as an Excel workbook, and a README.md saying what
 * the list is, how to find the people and what every column means, in a folder of its own.
 */
public final class PcnLists {
  private PcnLists() {}

  /**
   * Every column of a list, in order, with what it means (in README.md and the workbook's cover).
   */
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
        "the pseudonymised person key (not an NHS number): see 'Finding the people' in README.md"
            + " for how to find the person in your practice system");
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
    m.put(
        Cols.ENROLLED,
        "yes when the person is already enrolled in proactive care on the as-of date (an"
            + " enrolment started on or before it and not ended), no when not; empty when the"
            + " extract had no enrolments to tell");
    m.put(Cols.ENROLLED_SINCE, "the start of that enrolment (the latest, if several are open)");
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
        "up to three clinical or service-use reasons that raise this person's risk most, in plain"
            + " words, separated by '; ' (age and sex are left out as reasons: they are columns"
            + " here, and no one can act on them; risk.reasons_leave_out)");
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

  /** The readable heading of every column in the workbook, in {@link #COLUMNS}' order. */
  public static final Map<String, String> HEADERS = headers();

  private static Map<String, String> headers() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Cols.AS_OF, "As of");
    m.put(Cols.PCN_CODE, "PCN");
    m.put(Cols.LIST_RANK, "Rank");
    m.put(Cols.PERSON_ID, "Person key");
    m.put(Cols.PRACTICE_CODE, "Practice");
    m.put(Cols.STATUS, "Status");
    m.put(Cols.CHANGE_REASON, "Why new or leaving");
    m.put(Cols.IN_COHORT, "In the cohort");
    m.put(Cols.IN_COHORT_SINCE, "In the cohort since");
    m.put(Cols.RETAINED, "Kept by stickiness");
    m.put(Cols.ENROLLED, "Enrolled in proactive care");
    m.put(Cols.ENROLLED_SINCE, "Enrolled since");
    m.put(Cols.AGE, "Age");
    m.put(Cols.SEX, "Sex");
    m.put(Scoring.PROBABILITY, "Risk (12 months)");
    m.put(Scoring.PERCENTILE, "Risk percentile");
    m.put(Scoring.BAND, "Risk band");
    m.put(Cols.COHORT_RANK, "Rank in the area");
    m.put(Cols.PREVIOUS_RISK_PERCENTILE, "Previous risk percentile");
    m.put(Cols.RISING_RISK, "Rising risk");
    m.put(Scoring.FACTORS, "Main reasons for the risk");
    m.put(Cols.EFI_CATEGORY, "Frailty (eFI)");
    m.put(Cols.EFI_SCORE, "eFI score");
    m.put(Cols.MODERATE_OR_SEVERE_FRAILTY, "Moderate or severe frailty");
    m.put(Cols.EMERGENCY_ADMISSIONS_12M, "Emergency admissions (12 months)");
    m.put(Cols.UNPLANNED_BED_DAYS_12M, "Unplanned bed days (12 months)");
    m.put(Cols.AE_ATTENDANCES_12M, "A&E attendances (12 months)");
    m.put(Cols.OUTPATIENT_ATTENDANCES_12M, "Outpatient appointments (12 months)");
    m.put(Cols.SOCIAL_CARE_ACTIVE, "Social care now");
    m.put(Cols.SOCIAL_CARE_PACKAGE, "Social care package");
    m.put(Scoring.MODEL_ID, "Risk model");
    if (!m.keySet().equals(COLUMNS.keySet())) {
      throw new IllegalStateException("a list column without a heading, or the reverse");
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Who may see a list (%s: the PCN). */
  static final String SENSITIVITY =
      "CONFIDENTIAL: patient-level information for %s's data lead and the care team, for direct"
          + " care only. Keep it in your secure clinical system or NHS mail; do not print,"
          + " email outside NHS mail, or share it with anyone outside the PCN. Delete superseded"
          + " lists.";

  /** How the list was made, for people who did not read docs/cohort.md. */
  static final String HOW_MADE =
      "Everyone aged 18 or over (cohort.min_age) registered with a practice in the area (not living in a care home,"
          + " not on the palliative care register) was given a risk score: the chance of an"
          + " emergency hospital admission or death in the next 12 months, from their GP record,"
          + " hospital and A&E activity and social care, by the risk model named above. The"
          + " highest-risk share across the area (cohort.share, 5% by default) form the cohort; each person is on"
          + " the list of the PCN their practice belongs to. Compared with the previous list,"
          + " each person is new, continuing, or leaving (with why). The risk is a prompt for a"
          + " clinical review, not a diagnosis: check the record before contacting anyone.";

  /** How a PCN finds its people in the practice system. */
  static final String REIDENTIFICATION =
      "The person key is a pseudonym, not an NHS number. It was made from the NHS number by the"
          + " organisation that supplied the extract (the data controller's pseudonymisation"
          + " service, named in your data sharing agreement), which alone holds the key; the"
          + " Proactive Care Engine never sees NHS numbers and cannot reverse it. To find the"
          + " people, the PCN's data lead sends the list's person keys to the key holder through"
          + " its agreed re-identification route (or uses the re-identification function it"
          + " provides in your population health tool) and receives the NHS numbers of the"
          + " people registered with your practices only; then search the practice system by"
          + " NHS number. Never try to match people by age, sex and practice.";

  /**
   * "Finding the people" on a list: the general text, then the installation's own route ({@code
   * cohort.reidentification}) when it gives one.
   */
  static String finding(String route) {
    return route.isBlank()
        ? REIDENTIFICATION
        : REIDENTIFICATION + " At this site: " + route.strip();
  }

  /** How the list sheet is ordered. */
  static final String ORDER =
      "One row per person: the cohort first, highest risk first (Rank 1), then the people"
          + " leaving the cohort. Filters are on every column; the header row stays in view.";

  /** The file name of a PCN's list. */
  public static String fileName(String pcn, LocalDate date) {
    return "cohort-" + pcn + "-" + date + ".csv";
  }

  /**
   * Writes one PCN's list and its column document into {@code dir}.
   *
   * @param rows that PCN's rows of {@code cohort/list} ({@link
   *     io.proactivecare.npc.schema.Outputs#LIST})
   * @param route the installation's re-identification route ({@code cohort.reidentification}), or
   *     empty
   */
  public static void write(
      Path dir, String pcn, LocalDate date, List<Map<String, Object>> rows, String route) {
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
    PcnWorkbook.write(dir.resolve(PcnWorkbook.fileName(pcn, date)), pcn, date, rows, route);
    try {
      Files.writeString(dir.resolve(README), readme(pcn, date, route), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(README), e);
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

  /** The README of a list's folder. */
  public static final String README = "README.md";

  /**
   * README.md: what the list is, who may see it, how it was made, how to find the people, the
   * files, and every column.
   */
  static String readme(String pcn, LocalDate date, String route) {
    StringBuilder b = new StringBuilder();
    b.append("# Proactive care cohort list: ").append(pcn).append(", as of ").append(date);
    b.append("\n\n**").append(SENSITIVITY.formatted(pcn)).append("**\n\n");
    b.append("Every row is a person registered with a practice in ")
        .append(pcn)
        .append(" (or, for people leaving, registered there at the previous run).\n\n");
    b.append("## Files\n\n")
        .append("- `")
        .append(PcnWorkbook.fileName(pcn, date))
        .append(
            "`: the list as an Excel workbook, with a cover sheet saying what it is and a sheet")
        .append(" of the people with readable headings, filters and formats.\n- `")
        .append(fileName(pcn, date))
        .append("`: the same rows and values as CSV, with the column names below.\n\n");
    b.append("## How the list was made\n\n").append(HOW_MADE).append(' ').append(ORDER);
    b.append(" docs/cohort.md in the Proactive Care Engine has the rules in full.\n\n");
    b.append("## Finding the people\n\n").append(finding(route)).append("\n\n");
    b.append("## Columns\n\n| Column | Meaning |\n|---|---|\n");
    COLUMNS.forEach((c, m) -> b.append("| `").append(c).append("` | ").append(m).append(" |\n"));
    return b.toString();
  }
}

package io.proactivecare.npc.synth;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The truth an evaluation of proactive care is checked against: each enrolled person's outcomes in
 * the year before and the year from enrolment, in the world the extract records (treated) and in
 * the same person's world without the programme's effect (untreated, {@link
 * PersonSimulator#simulate(long, boolean)}). So the realised true effect among any set of enrolled
 * people is the mean of treated minus untreated over them. Columns and counting rules:
 * docs/synthetic-data.md.
 */
final class EnrolledOutcomes {
  private EnrolledOutcomes() {}

  /** Days in each window: 365, as the engine's "12 months". */
  static final int WINDOW_DAYS = 365;

  /** Outcome columns of one world, each followed by {@code _treated} or {@code _untreated}. */
  static final List<String> OUTCOMES =
      List.of(
          "emergency_admissions_before",
          "emergency_admissions_after",
          "unplanned_bed_days_before",
          "unplanned_bed_days_after",
          "ae_attendances_before",
          "ae_attendances_after",
          "deficits_at_index",
          "deficits_at_index_365",
          "date_of_death",
          "date_left_area");

  static final String HEADER = header();

  private static String header() {
    List<String> columns =
        new ArrayList<>(List.of("person_id", "enrolment_date", "follow_up_in_extract"));
    for (String world : List.of("_treated", "_untreated")) {
      for (String outcome : OUTCOMES) {
        columns.add(outcome + world);
      }
    }
    return String.join(",", columns);
  }

  /**
   * One world's outcomes around the index date. The year before is {@code [index − 365, index −
   * 1]}, the year from is {@code [index, index + 364]}.
   *
   * @param deficitsAtIndexPlus365 coded deficits on index + 365, or on the date of death if that is
   *     earlier
   * @param death date of death, or null (none on or before the as-of date)
   * @param left date the person left the area (their record ends without a death), or null
   */
  record World(
      int admissionsBefore,
      int admissionsAfter,
      int bedDaysBefore,
      int bedDaysAfter,
      int aeBefore,
      int aeAfter,
      int deficitsAtIndex,
      int deficitsAtIndexPlus365,
      LocalDate death,
      LocalDate left) {

    static World of(PersonSimulator.Person p, LocalDate index) {
      LocalDate beforeStart = index.minusDays(WINDOW_DAYS);
      LocalDate beforeEnd = index.minusDays(1);
      LocalDate afterEnd = index.plusDays(WINDOW_DAYS - 1);
      LocalDate year = index.plusDays(WINDOW_DAYS);
      LocalDate end = p.registrations().get(p.registrations().size() - 1).end();
      Activity a = p.activity();
      return new World(
          a.emergenciesBetween(beforeStart.minusDays(1), beforeEnd),
          a.emergenciesBetween(index.minusDays(1), afterEnd),
          a.unplannedBedDays(beforeStart, beforeEnd),
          a.unplannedBedDays(index, afterEnd),
          a.aeAttendances(beforeStart, beforeEnd),
          a.aeAttendances(index, afterEnd),
          p.deficitsOn(index),
          p.deficitsOn(p.death() != null && p.death().isBefore(year) ? p.death() : year),
          p.death(),
          p.death() == null ? end : null);
    }

    List<String> fields() {
      return List.of(
          String.valueOf(admissionsBefore),
          String.valueOf(admissionsAfter),
          String.valueOf(bedDaysBefore),
          String.valueOf(bedDaysAfter),
          String.valueOf(aeBefore),
          String.valueOf(aeAfter),
          String.valueOf(deficitsAtIndex),
          String.valueOf(deficitsAtIndexPlus365),
          death == null ? "" : death.toString(),
          left == null ? "" : left.toString());
    }
  }

  /**
   * The row of an enrolled person, from the person as simulated ({@code treated}) and again without
   * the effect ({@code untreated}, enrolled on the same date).
   */
  static String line(
      PersonSimulator.Person treated, PersonSimulator.Person untreated, LocalDate asOf) {
    LocalDate index = treated.enrolled();
    if (!index.equals(untreated.enrolled())) {
      throw new IllegalStateException(
          treated.id() + " enrolled on " + index + " but " + untreated.enrolled() + " untreated");
    }
    List<String> fields = new ArrayList<>();
    fields.add(treated.id());
    fields.add(index.toString());
    fields.add(String.valueOf(!index.plusDays(WINDOW_DAYS - 1).isAfter(asOf)));
    fields.addAll(World.of(treated, index).fields());
    fields.addAll(World.of(untreated, index).fields());
    return String.join(",", fields);
  }
}

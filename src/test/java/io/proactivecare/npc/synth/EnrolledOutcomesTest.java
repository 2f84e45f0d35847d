package io.proactivecare.npc.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * truth/enrolled_outcomes (docs/synthetic-data.md): the enrolled re-simulated without the effect,
 * and enrolment after a crisis. Every population has all its PCNs in the pilot, so there are many
 * enrolled people; enrolment runs for the two years to the as-of date, so those enrolled in the
 * first year have a full year of follow-up.
 */
class EnrolledOutcomesTest {
  static final int PEOPLE = 20_000;

  /** The enrolled people of a population: each one's outcome row as column to value. */
  static List<Map<String, String>> enrolled(SynthParams params) {
    PersonSimulator sim =
        new PersonSimulator(
            params, Geography.build(params), Catalogue.load(GeneratorTest.CODELIST));
    List<Map<String, String>> out = new ArrayList<>();
    for (long i = 0; i < params.people(); i++) {
      for (String line : sim.outcomeLines(sim.simulate(i))) {
        out.add(row(line));
      }
    }
    return out;
  }

  static Map<String, String> row(String line) {
    String[] names = EnrolledOutcomes.HEADER.split(",");
    String[] values = line.split(",", -1);
    assertEquals(names.length, values.length, line);
    Map<String, String> row = new LinkedHashMap<>();
    for (int c = 0; c < names.length; c++) {
      row.put(names[c], values[c]);
    }
    return row;
  }

  static SynthParams params(long seed, double admissions, double deficits, double crisis) {
    return params(PEOPLE, seed, 0, admissions, deficits, crisis);
  }

  static SynthParams params(
      long people, long seed, double faults, double admissions, double deficits, double crisis) {
    // Fewer than 147,000 people make the minimum of 3 PCNs: all three are pilots.
    return new SynthParams(
        people,
        seed,
        GeneratorTest.AS_OF,
        4,
        faults,
        new SynthParams.Pilot(
            3, GeneratorTest.AS_OF.minusYears(2).plusDays(1), admissions, deficits, crisis, false));
  }

  static List<Map<String, String>> followedUp(List<Map<String, String>> rows) {
    return rows.stream().filter(r -> r.get("follow_up_in_extract").equals("true")).toList();
  }

  static double mean(List<Map<String, String>> rows, String column) {
    return rows.stream().mapToInt(r -> Integer.parseInt(r.get(column))).average().orElseThrow();
  }

  /** Means of two columns over the same people and the standard error of their difference. */
  record Paired(double a, double b, double error) {
    static Paired of(List<Map<String, String>> rows, String a, String b) {
      double[] d =
          rows.stream()
              .mapToDouble(r -> Integer.parseInt(r.get(a)) - Integer.parseInt(r.get(b)))
              .toArray();
      double m = java.util.Arrays.stream(d).average().orElseThrow();
      double ss = java.util.Arrays.stream(d).map(x -> (x - m) * (x - m)).sum();
      return new Paired(mean(rows, a), mean(rows, b), Math.sqrt(ss / (d.length - 1) / d.length));
    }

    /** a is above b by more than three standard errors. */
    boolean clearlyAbove() {
      return a - b > 3 * error;
    }
  }

  @Test
  void withNoEffectTheUntreatedWorldIsTheTreatedWorldExactly() {
    SynthParams params = params(5_000, 21, 0.01, 0, 0, SynthParams.Pilot.CRISIS_ENROLMENT);
    PersonSimulator sim =
        new PersonSimulator(
            params, Geography.build(params), Catalogue.load(GeneratorTest.CODELIST));
    int enrolled = 0;
    for (long i = 0; i < params.people(); i++) {
      PersonSimulator.Person treated = sim.simulate(i);
      if (treated.enrolled() == null) {
        continue;
      }
      enrolled++;
      // Every table of the person, the truth and the faults, row for row.
      assertEquals(sim.lines(treated), sim.lines(sim.simulate(i, false)), treated.id());
      Map<String, String> row = row(sim.outcomeLines(treated).get(0));
      for (String outcome : EnrolledOutcomes.OUTCOMES) {
        assertEquals(row.get(outcome + "_treated"), row.get(outcome + "_untreated"), outcome);
      }
    }
    assertTrue(enrolled > 100, enrolled + " enrolled");
  }

  @Test
  void withAnEffectTheUntreatedHaveMoreEmergencyAdmissionsAfterEnrolmentAndTheSameBefore() {
    List<Map<String, String>> rows = enrolled(params(22, 0.15, 0.2, 5));
    for (Map<String, String> r : rows) {
      for (String before :
          List.of(
              "emergency_admissions_before",
              "unplanned_bed_days_before",
              "ae_attendances_before",
              "deficits_at_index")) {
        assertEquals(r.get(before + "_treated"), r.get(before + "_untreated"), before);
      }
    }
    List<Map<String, String>> full = followedUp(rows);
    assertTrue(full.size() > 500, full.size() + " followed up for a year");
    Paired after =
        Paired.of(
            full, "emergency_admissions_after_untreated", "emergency_admissions_after_treated");
    double untreated = after.a();
    double treated = after.b();
    // The worlds draw the same numbers month by month, so the paired difference is precise:
    // measured 0.432 untreated against 0.357 treated, s.e. 0.010, on 829 people.
    assertTrue(after.clearlyAbove(), after.toString());
    // The rate falls by 15% from the month after enrolment, about 11.5 of the window's 12 months;
    // fewer admissions also mean fewer recent ones, and slower deficits a lower rate. Measured
    // 17.3%, with a standard error of 2.3 points: the tolerance is 3 of them plus the dilution.
    assertEquals(0.15, 1 - treated / untreated, 0.08, treated + " vs " + untreated);
    // Deficits accumulate 20% slower.
    double gainTreated =
        mean(full, "deficits_at_index_365_treated") - mean(full, "deficits_at_index_treated");
    double gainUntreated =
        mean(full, "deficits_at_index_365_untreated") - mean(full, "deficits_at_index_untreated");
    assertTrue(gainTreated < gainUntreated, gainTreated + " vs " + gainUntreated);
  }

  @Test
  void enrolmentAfterACrisisRaisesAdmissionsBeforeEnrolmentWhichThenFallWithNoEffect() {
    List<Map<String, String>> crisis = followedUp(enrolled(params(23, 0, 0, 5)));
    List<Map<String, String>> none = followedUp(enrolled(params(23, 0, 0, 1)));
    Paired beforeAfter =
        Paired.of(
            crisis, "emergency_admissions_before_treated", "emergency_admissions_after_treated");
    // Regression to the mean: with no effect at all, the year before enrolment has clearly more
    // emergency admissions than the year after (measured 0.591 and 0.414, s.e. 0.035, 807 people;
    // without the crisis rule 0.367 and 0.341, 671 people).
    assertTrue(beforeAfter.clearlyAbove(), beforeAfter.toString());
    double beforeWithoutCrisis = mean(none, "emergency_admissions_before_treated");
    assertTrue(
        beforeAfter.a() > beforeWithoutCrisis + 0.1,
        beforeAfter.a()
            + " before enrolment with the crisis rule, "
            + beforeWithoutCrisis
            + " without");
    assertTrue(crisis.size() > none.size(), crisis.size() + " vs " + none.size() + " enrolled");
  }
}

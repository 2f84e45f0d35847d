package io.proactivecare.npc.synth;

/**
 * Yearly hazards of death and of hospital use (docs/synthetic-data.md). A person's month draws its
 * events from these rates at the month's start; the true 12-month risk uses the same rates.
 */
final class CareModel {
  private CareModel() {}

  /** ICD-10 primary diagnoses of emergency admissions (no dot), common in frail older people. */
  static final String[] EMERGENCY_DIAGNOSES = {
    "J189", "J441", "I500", "N390", "R296", "W19X", "S720", "I639", "F059", "R55X", "A419", "E86X",
    "I48X", "R060", "R074", "K590", "L031", "J22X"
  };

  /** ICD-10 primary diagnoses of elective admissions and day cases. */
  static final String[] ELECTIVE_DIAGNOSES = {
    "H251", "M170", "K409", "Z511", "K573", "N40X", "C189", "M161", "K802"
  };

  /** Secondary diagnoses recorded alongside. */
  static final String[] SECONDARY_DIAGNOSES = {
    "I10X", "E119", "N183", "F03X", "Z966", "I251", "J449", "E039", "M819"
  };

  static final String[] TREATMENT_SPECIALTIES = {
    "100", "110", "120", "130", "300", "320", "330", "340", "430", "502"
  };

  /** Deaths a year: Gompertz in age, raised by each deficit. */
  static double mortality(double age, int deficits) {
    return Math.exp(-10.3 + 0.09 * age) * (1 + 0.25 * deficits);
  }

  /**
   * Emergency admissions a year. {@code unrecorded} is the person's risk that no extract records
   * (mean 1); {@code recent} counts emergency admissions in the previous 12 months: admissions
   * cluster.
   */
  static double emergency(
      double age, int deficits, double deprivation, int recent, double unrecorded) {
    double clinical = Math.exp(-4.2 + 0.04 * (age - 50) + 0.16 * deficits + 0.5 * deprivation);
    return unrecorded * (0.03 + clinical) * (1 + 0.7 * Math.min(recent, 4));
  }

  /** A&E attendances a year that do not end in admission. */
  static double emergencyDepartment(
      double age, int deficits, double deprivation, double unrecorded) {
    double clinical = Math.exp(-4.2 + 0.03 * (age - 50) + 0.12 * deficits + 0.5 * deprivation);
    return unrecorded * (0.22 + 0.5 * clinical) * (1 + 0.3 * deprivation);
  }

  /** Outpatient appointments a year. */
  static double outpatient(double age, int deficits) {
    return 0.4 + 0.75 * deficits + 0.02 * Math.max(0, age - 40);
  }

  /** Elective admissions and day cases a year. */
  static double elective(double age, int deficits) {
    return 0.04 + 0.012 * deficits + 0.002 * Math.max(0, age - 40);
  }

  /** Mean nights of an emergency stay that is not a same-day stay. */
  static double meanNights(double age, int deficits) {
    return 2.5 + 0.2 * deficits + 0.05 * Math.max(0, age - 65);
  }

  /** Chance an emergency admission is a same-day stay (0 nights). */
  static double sameDay(double age) {
    return Math.max(0.12, 0.4 - 0.004 * age);
  }

  /**
   * Long-term social care packages started a year, for an adult with none. Care needs share the
   * person's unrecorded risk with emergency admissions.
   */
  static double socialCareStart(double age, int deficits, double deprivation, double unrecorded) {
    return age < 18
        ? 0
        : unrecorded * Math.exp(-7.2 + 0.06 * (age - 75) + 0.42 * deficits + 0.4 * deprivation);
  }

  /** Long-term packages ending a year other than by death (reviews, moves, family care). */
  static final double SOCIAL_CARE_END = 0.08;

  /** Chance an emergency stay of someone aged 65+ is followed by short-term reablement (ST-Max). */
  static final double REABLEMENT_AFTER_DISCHARGE = 0.08;

  /** Chance an outpatient appointment is missed without warning: higher in deprived areas. */
  static double didNotAttend(double deprivation) {
    return 0.05 + 0.07 * deprivation;
  }
}

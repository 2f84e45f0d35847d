package io.proactivecare.npc.synth;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One person's hospital use, drawn month by month from {@link CareModel}'s rates: emergency
 * admissions (a third through A&E the same day), A&E attendances not admitted, outpatient
 * appointments and elective admissions or day cases. Holds the rows in the canonical layouts.
 */
final class Activity {
  /** features.ae_department_types's default: A&E types 01-04, not SDEC (05). */
  static final List<String> COUNTED_AE_TYPES = List.of("01", "02", "03", "04");

  /** features.ae_categories's default: unplanned attendances (1-3). */
  static final List<String> COUNTED_AE_CATEGORIES = List.of("1", "2", "3");

  private final String personId;
  private final List<LocalDate> emergencies = new ArrayList<>();

  /**
   * spell_id, admission, discharge (or null), method, classification, discharge method,
   * destination, diagnoses.
   */
  private final List<Object[]> spells = new ArrayList<>();

  private final List<String> attendances = new ArrayList<>();
  private final List<String> appointments = new ArrayList<>();
  private final List<String[]> services = new ArrayList<>();
  private LocalDate busyUntil = LocalDate.MIN;

  /** The open long-term package (index into services), or -1. */
  private int openPackage = -1;

  Activity(String personId) {
    this.personId = personId;
  }

  /** Emergency admissions with {@code from < admission ≤ to}. */
  int emergenciesBetween(LocalDate from, LocalDate to) {
    int n = 0;
    for (LocalDate d : emergencies) {
      if (d.isAfter(from) && !d.isAfter(to)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Emergency spells discharged from {@code from} to {@code to}, both included (a spell still open
   * at the extract date has no discharge and is not counted).
   */
  int emergencyDischargesBetween(LocalDate from, LocalDate to) {
    int n = 0;
    for (Object[] s : spells) {
      LocalDate discharge = (LocalDate) s[2];
      if (emergency(s)
          && discharge != null
          && !discharge.isBefore(from)
          && !discharge.isAfter(to)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Unplanned bed days in the window {@code start} to {@code end} as the engine counts them
   * (docs/features.md, unplanned_bed_days_12m): over emergency spells other than regular attenders
   * (classification 3, 4), {@code max(0, min(coalesce(discharge, end + 1), end + 1) −
   * max(admission, start))}.
   */
  int unplannedBedDays(LocalDate start, LocalDate end) {
    LocalDate after = end.plusDays(1);
    long n = 0;
    for (Object[] s : spells) {
      LocalDate admission = (LocalDate) s[1];
      LocalDate discharge = (LocalDate) s[2];
      if (!emergency(s) || "3".equals(s[4]) || "4".equals(s[4]) || admission.isAfter(end)) {
        continue;
      }
      LocalDate out = discharge == null || discharge.isAfter(after) ? after : discharge;
      LocalDate in = admission.isAfter(start) ? admission : start;
      n += Math.max(0, ChronoUnit.DAYS.between(in, out));
    }
    return (int) n;
  }

  /**
   * A&E attendances arriving from {@code start} to {@code end} as the engine counts them with its
   * default settings (docs/features.md, ae_attendances_12m): department type in {@link
   * #COUNTED_AE_TYPES}, category in {@link #COUNTED_AE_CATEGORIES}.
   */
  int aeAttendances(LocalDate start, LocalDate end) {
    int n = 0;
    for (String line : attendances) {
      String[] f = line.split(",", -1);
      LocalDate arrival = LocalDate.parse(f[2]);
      if (!arrival.isBefore(start)
          && !arrival.isAfter(end)
          && COUNTED_AE_TYPES.contains(f[3])
          && COUNTED_AE_CATEGORIES.contains(f[4])) {
        n++;
      }
    }
    return n;
  }

  /** An emergency spell: admission method starting 2, as the engine's features count them. */
  private static boolean emergency(Object[] spell) {
    return ((String) spell[3]).startsWith("2");
  }

  /**
   * Draws the events of one month, {@code from} to {@code to}, at the rates of the grid month that
   * starts on {@code gridStart}.
   */
  void month(
      SplittableRandom r,
      LocalDate gridStart,
      LocalDate from,
      LocalDate to,
      double fraction,
      double age,
      int deficits,
      double deprivation,
      double unrecorded,
      double unrecordedAe,
      LocalDate asOf) {
    int recent = emergenciesBetween(gridStart.minusDays(365), gridStart.minusDays(1));
    int admissions =
        poisson(r, CareModel.emergency(age, deficits, deprivation, recent, unrecorded) * fraction);
    for (int i = 0; i < admissions; i++) {
      LocalDate day = dayIn(r, from, to);
      if (!day.isAfter(busyUntil)) {
        continue; // already in hospital: one spell at a time
      }
      int nights =
          r.nextDouble() < CareModel.sameDay(age)
              ? 0
              : 1 + geometric(r, CareModel.meanNights(age, deficits) - 1);
      boolean viaAe = r.nextDouble() < 0.35;
      String method = viaAe ? "21" : pick(r, "22", "22", "2A", "23", "24", "2D", "2B");
      addSpell(r, day, nights, method, "1", CareModel.EMERGENCY_DIAGNOSES, asOf);
      emergencies.add(day);
      LocalDate discharge = day.plusDays(nights);
      if (age >= 65
          && !discharge.isAfter(asOf)
          && r.nextDouble() < CareModel.REABLEMENT_AFTER_DISCHARGE) {
        services.add(
            new String[] {
              "Short Term Support: ST-Max",
              "Reablement",
              discharge.toString(),
              discharge.plusDays(42).toString(),
              "25.00",
              "Hourly",
              String.valueOf(6 + r.nextInt(10))
            });
      }
      if (viaAe) {
        attendances.add(attendance(day, "01", "1"));
      }
    }
    int ae =
        poisson(
            r, CareModel.emergencyDepartment(age, deficits, deprivation, unrecordedAe) * fraction);
    for (int i = 0; i < ae; i++) {
      double u = r.nextDouble();
      String type = u < 0.68 ? "01" : u < 0.90 ? "03" : u < 0.97 ? "04" : "05";
      double c = r.nextDouble();
      attendances.add(
          attendance(
              dayIn(r, from, to), type, c < 0.9 ? "1" : c < 0.96 ? "2" : c < 0.99 ? "3" : "4"));
    }
    int outpatient = poisson(r, CareModel.outpatient(age, deficits) * fraction);
    for (int i = 0; i < outpatient; i++) {
      LocalDate day = dayIn(r, from, to);
      // Some appointments are booked ahead: those after the extract date have not happened (status
      // 0).
      if (r.nextDouble() < 0.08) {
        day = day.plusDays(r.nextInt(14, 120));
      }
      String status;
      if (day.isAfter(asOf)) {
        status = "0";
      } else {
        double u = r.nextDouble();
        double dna = CareModel.didNotAttend(deprivation);
        status =
            u < dna
                ? "3"
                : u < dna + 0.01
                    ? "7"
                    : u < dna + 0.05 ? "2" : u < dna + 0.10 ? "4" : u < dna + 0.15 ? "6" : "5";
      }
      double f = r.nextDouble();
      String first = f < 0.30 ? "1" : f < 0.82 ? "2" : f < 0.88 ? "3" : f < 0.99 ? "4" : "5";
      appointments.add(
          String.join(
              ",",
              personId + "O" + (appointments.size() + 1),
              personId,
              day.toString(),
              status,
              first,
              CareModel.TREATMENT_SPECIALTIES[r.nextInt(CareModel.TREATMENT_SPECIALTIES.length)],
              "RR8"));
    }
    socialCare(r, from, to, fraction, age, deficits, deprivation, unrecorded);
    int electives = poisson(r, CareModel.elective(age, deficits) * fraction);
    for (int i = 0; i < electives; i++) {
      LocalDate day = dayIn(r, from, to);
      if (!day.isAfter(busyUntil)) {
        continue;
      }
      boolean dayCase = r.nextDouble() < 0.65;
      addSpell(
          r,
          day,
          dayCase ? 0 : 1 + r.nextInt(4),
          pick(r, "11", "11", "12", "13"),
          dayCase ? "2" : "1",
          CareModel.ELECTIVE_DIAGNOSES,
          asOf);
    }
  }

  /**
   * Long-term support: a package starts at {@link CareModel#socialCareStart}'s rate, its type set
   * by frailty (community, residential, nursing), and runs until death or a review ends it.
   */
  private void socialCare(
      SplittableRandom r,
      LocalDate from,
      LocalDate to,
      double fraction,
      double age,
      int deficits,
      double deprivation,
      double unrecorded) {
    if (openPackage >= 0) {
      if (r.nextDouble() < 1 - Math.exp(-CareModel.SOCIAL_CARE_END * fraction)) {
        services.get(openPackage)[3] = dayIn(r, from, to).toString();
        openPackage = -1;
      }
      return;
    }
    if (r.nextDouble()
        >= 1
            - Math.exp(
                -CareModel.socialCareStart(age, deficits, deprivation, unrecorded) * fraction)) {
      return;
    }
    LocalDate start = dayIn(r, from, to);
    double u = r.nextDouble();
    String[] row;
    if (deficits >= 12 && u < 0.45) {
      row =
          new String[] {
            "Long Term Support: Nursing Care",
            "",
            start.toString(),
            "",
            String.format("%d.00", 950 + r.nextInt(250)),
            "Weekly",
            ""
          };
    } else if (deficits >= 8 && u < 0.55) {
      row =
          new String[] {
            "Long Term Support: Residential Care",
            "",
            start.toString(),
            "",
            String.format("%d.00", 750 + r.nextInt(200)),
            "Weekly",
            ""
          };
    } else {
      boolean direct = r.nextDouble() < 0.2;
      row =
          new String[] {
            "Long Term Support: Community",
            direct ? "Direct Payment" : "",
            start.toString(),
            "",
            direct ? String.format("%d.00", 250 + r.nextInt(300)) : "22.50",
            direct ? "Weekly" : "Hourly",
            direct ? "" : String.valueOf(5 + r.nextInt(21))
          };
    }
    services.add(row);
    openPackage = services.size() - 1;
  }

  List<String> serviceLines() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      String[] s = services.get(i);
      out.add(
          String.join(
              ",", personId + "C" + (i + 1), personId, s[0], s[1], s[2], s[3], s[4], s[5], s[6]));
    }
    return out;
  }

  private void addSpell(
      SplittableRandom r,
      LocalDate admission,
      int nights,
      String method,
      String classification,
      String[] primaries,
      LocalDate asOf) {
    LocalDate discharge = admission.plusDays(nights);
    StringBuilder diagnoses = new StringBuilder(primaries[r.nextInt(primaries.length)]);
    int secondary = r.nextInt(0, 4);
    for (int k = 0; k < secondary; k++) {
      String d = CareModel.SECONDARY_DIAGNOSES[r.nextInt(CareModel.SECONDARY_DIAGNOSES.length)];
      if (diagnoses.indexOf(d) < 0) {
        diagnoses.append(';').append(d);
      }
    }
    spells.add(
        new Object[] {
          personId + "S" + (spells.size() + 1),
          admission,
          discharge,
          method,
          classification,
          "1",
          "19",
          diagnoses.toString()
        });
    busyUntil = discharge;
    if (discharge.isAfter(asOf)) {
      Object[] open = spells.get(spells.size() - 1);
      open[2] = null;
      open[5] = "8";
      open[6] = "98";
    }
  }

  /**
   * A death during a stay ends the stay that day (discharge method 4, destination 79), and ends any
   * care package still running.
   */
  void diedOn(LocalDate death) {
    // Nothing starts after a death: reablement after a stay that ended in death, appointments
    // booked ahead.
    services.removeIf(service -> LocalDate.parse(service[2]).isAfter(death));
    appointments.removeIf(line -> LocalDate.parse(line.split(",", 4)[2]).isAfter(death));
    for (String[] service : services) {
      if (service[3].isEmpty() || LocalDate.parse(service[3]).isAfter(death)) {
        service[3] = death.toString();
      }
    }
    for (Object[] s : spells) {
      LocalDate admission = (LocalDate) s[1];
      LocalDate discharge = (LocalDate) s[2];
      if (!admission.isAfter(death) && (discharge == null || !discharge.isBefore(death))) {
        s[2] = death;
        s[5] = "4";
        s[6] = "79";
      }
    }
  }

  private String attendance(LocalDate day, String type, String category) {
    return String.join(
        ",",
        personId + "A" + (attendances.size() + 1),
        personId,
        day.toString(),
        type,
        category,
        "RR8");
  }

  List<String> spellLines() {
    List<String> out = new ArrayList<>();
    for (Object[] s : spells) {
      out.add(
          String.join(
              ",",
              (String) s[0],
              personId,
              s[1].toString(),
              s[2] == null ? "" : s[2].toString(),
              (String) s[3],
              (String) s[4],
              (String) s[5],
              (String) s[6],
              "RR8",
              (String) s[7]));
    }
    return out;
  }

  List<String> attendanceLines() {
    return List.copyOf(attendances);
  }

  List<String> appointmentLines() {
    return List.copyOf(appointments);
  }

  private static LocalDate dayIn(SplittableRandom r, LocalDate from, LocalDate to) {
    return from.plusDays(r.nextLong(ChronoUnit.DAYS.between(from, to) + 1));
  }

  private static String pick(SplittableRandom r, String... values) {
    return values[r.nextInt(values.length)];
  }

  static int poisson(SplittableRandom r, double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    double prod = r.nextDouble();
    while (prod > l) {
      k++;
      prod *= r.nextDouble();
    }
    return k;
  }

  /** Geometric number of extra nights with the given mean (0 or more). */
  private static int geometric(SplittableRandom r, double mean) {
    if (mean <= 0) {
      return 0;
    }
    double p = 1 / (1 + mean);
    return (int) Math.floor(Math.log(1 - r.nextDouble()) / Math.log(1 - p));
  }
}

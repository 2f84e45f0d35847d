package io.proactivecare.npc.synth;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Simulates one person from the seed and the person's index alone: demographics, registrations,
 * death, deficit onsets and the GP events and medicine issues that record them. Pure and
 * deterministic; Spark calls it on executors, tests call it directly.
 */
final class PersonSimulator implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Share of people in each five-year age band at the as-of date (0-4 ... 90+): about 15% are 65+.
   */
  static final double[] AGE_BANDS = {
    5.8, 6.0, 6.0, 6.3, 9.5, 8.0, 7.2, 6.7, 6.2, 6.0, 6.3, 6.2, 5.3, 5.4, 5.3, 4.0, 2.8, 1.8, 1.0
  };

  /** Share of people from ethnically diverse groups, under 25 / 25-64 / 65+ (Leeds). */
  static final double[] DIVERSE_BY_AGE = {0.30, 0.20, 0.06};

  private static final String[] WHITE = {"A", "A", "A", "A", "A", "A", "A", "A", "B", "C"};
  private static final String[] DIVERSE = {
    "D", "E", "F", "G", "H", "J", "J", "K", "L", "M", "N", "P", "R", "S"
  };

  /** Yearly probabilities of moving practice within the area and of leaving the area. */
  static final double MOVE_PER_YEAR = 0.04;

  static final double LEAVE_PER_YEAR = 0.025;

  /**
   * Highest monthly chance of enrolment, for people far above the 25% risk a clinician looks for.
   */
  static final double ENROLMENT_PER_MONTH = 0.06;

  /** Spread (log scale) of the emergency-admission risk that no extract records. */
  static final double UNRECORDED_SD = 0.5;

  /** Chance that a person who dies in the window was coded with palliative care before death. */
  static final double PALLIATIVE_BEFORE_DEATH = 0.4;

  /**
   * A living adult enters the palliative care register each month with this multiple of their
   * chance of dying that month.
   */
  static final double PALLIATIVE_PER_MORTALITY = 0.125;

  /** Chance that a person on the register is later coded as palliative care not indicated. */
  static final double PALLIATIVE_NOT_INDICATED = 0.05;

  private final SynthParams params;
  private final Geography geography;
  private final Catalogue catalogue;

  PersonSimulator(SynthParams params, Geography geography, Catalogue catalogue) {
    this.params = params;
    this.geography = geography;
    this.catalogue = catalogue;
  }

  /** One period of registration. */
  record Registration(
      Geography.Practice practice, Geography.Lsoa lsoa, LocalDate start, LocalDate end) {}

  /**
   * A simulated person: what the extracts record and the hidden truth.
   *
   * @param deficitOnsets onset date of each coded deficit (null when never, or after the as-of date
   *     plus a century)
   * @param medicineStarts start dates of regular medicines, with their index into the catalogue
   * @param palliative date of the person's one palliative care code (PALCARE_COD), or null
   * @param palliativeCode that code
   * @param palliativeEnded date of the palliative care not indicated code (PALCARENI_COD), or null
   */
  record Person(
      long index,
      String id,
      LocalDate birth,
      String sex,
      String ethnicGroup,
      double frailty,
      Geography.Lsoa firstLsoa,
      List<Registration> registrations,
      LocalDate death,
      LocalDate[] deficitOnsets,
      List<int[]> medicines,
      List<LocalDate> medicineStarts,
      double unrecorded,
      Activity activity,
      LocalDate enrolled,
      String enrolledPcn,
      LocalDate palliative,
      String palliativeCode,
      LocalDate palliativeEnded) {

    /** Coded deficits present on {@code date}. */
    int deficitsOn(LocalDate date) {
      int n = 0;
      for (LocalDate d : deficitOnsets) {
        if (d != null && !d.isAfter(date)) {
          n++;
        }
      }
      return n;
    }

    LocalDate lastDay(LocalDate asOf) {
      LocalDate end = registrations.get(registrations.size() - 1).end();
      return end == null ? asOf : end;
    }
  }

  /** The person as the extract records them: enrolment, if any, has its true effect. */
  Person simulate(long index) {
    return simulate(index, true);
  }

  /**
   * The person in one of two worlds. With {@code withEffect} false, the same person is simulated
   * with the same random streams and enrolled on the same date (everything before enrolment is the
   * same), but enrolment has no effect: deficits are not slowed and the emergency admission rate is
   * not reduced. Without an enrolment the two worlds are the same person.
   */
  Person simulate(long index, boolean withEffect) {
    long seed = params.seed();
    LocalDate asOf = params.asOf();
    LocalDate windowStart = params.windowStart();

    SplittableRandom demo = Seeds.stream(seed, Seeds.Aspect.DEMOGRAPHY, index);
    int band = pick(demo, AGE_BANDS);
    double age =
        Math.min(band * 5 + demo.nextDouble() * (band == AGE_BANDS.length - 1 ? 12 : 5), 104.9);
    LocalDate birth = asOf.minusDays(Math.round(age * 365.25));
    String sex = demo.nextDouble() < 0.51 ? "F" : "M";
    Geography.Lsoa lsoa = geography.lsoas().get(demo.nextInt(geography.lsoas().size()));
    double diverse =
        DIVERSE_BY_AGE[age < 25 ? 0 : age < 65 ? 1 : 2]
            * (lsoa.decile() <= 2 ? 1.4 : lsoa.decile() >= 8 ? 0.6 : 1.0);
    String ethnic =
        demo.nextDouble() < 0.03
            ? "Z"
            : demo.nextDouble() < diverse
                ? DIVERSE[demo.nextInt(DIVERSE.length)]
                : WHITE[demo.nextInt(WHITE.length)];

    SplittableRandom frail = Seeds.stream(seed, Seeds.Aspect.FRAILTY, index);
    double z = FrailtyModel.frailty(frail);
    double deprivation = FrailtyModel.deprivation(lsoa.decile());
    LocalDate[] onsets = new LocalDate[FrailtyModel.PREVALENCE_AT_75.length];
    double[] draws = new double[onsets.length];
    for (int d = 0; d < onsets.length; d++) {
      double e = -Math.log(1 - frail.nextDouble());
      draws[d] = e;
      double onsetAge = FrailtyModel.onsetAge(d, z, deprivation, e);
      if (onsetAge < 130) {
        LocalDate date = birth.plusDays(Math.round(Math.max(0, onsetAge) * 365.25));
        onsets[d] = date;
      }
    }

    // Registrations, moves, leaving, death and hospital use, month by month through the window.
    SplittableRandom reg = Seeds.stream(seed, Seeds.Aspect.REGISTRATION, index);
    LocalDate start;
    if (birth.isAfter(windowStart)) {
      start = birth.plusDays(reg.nextInt(1, 43));
    } else if (reg.nextDouble() < 0.12) {
      start = windowStart.plusDays(reg.nextLong(ChronoUnit.DAYS.between(windowStart, asOf)));
    } else {
      long daysAlive = ChronoUnit.DAYS.between(birth, windowStart);
      start = birth.plusDays(reg.nextLong(Math.max(1, daysAlive)));
    }
    if (start.isAfter(asOf)) {
      start = asOf;
    }
    SplittableRandom hosp = Seeds.stream(seed, Seeds.Aspect.HOSPITAL, index);
    double unrecorded =
        Math.exp(UNRECORDED_SD * Geography.gaussian(hosp) - UNRECORDED_SD * UNRECORDED_SD / 2);
    double unrecordedAe = Math.exp(0.4 * Geography.gaussian(hosp) - 0.08);
    Activity activity = new Activity(Seeds.personId(seed, index));
    SplittableRandom enrol = Seeds.stream(seed, Seeds.Aspect.ENROLMENT, index);
    SynthParams.Pilot pilot = params.pilot();
    double admissionEffect = withEffect ? pilot.admissionEffect() : 0;
    double deficitEffect = withEffect ? pilot.deficitEffect() : 0;
    LocalDate enrolled = null;
    String enrolledPcn = null;
    // Palliative care draws only from its own stream, so every other row is as it was without it.
    SplittableRandom pal = Seeds.stream(seed, Seeds.Aspect.PALLIATIVE, index);
    LocalDate palliative = null;
    List<Registration> regs = new ArrayList<>();
    Geography.Lsoa home = lsoa;
    Geography.Practice practice = practiceFor(home, reg);
    LocalDate periodStart = start;
    LocalDate death = null;
    LocalDate end = null;
    // Months run on one grid from the window's first day, the grid the true risk uses too; a
    // person who joins mid-month starts with part of a month. Rates are taken at the grid month's
    // start.
    for (int k = 0; end == null; k++) {
      LocalDate gridStart = windowStart.plusMonths(k);
      if (gridStart.isAfter(asOf)) {
        break;
      }
      LocalDate monthEnd = windowStart.plusMonths(k + 1).minusDays(1);
      if (monthEnd.isAfter(asOf)) {
        monthEnd = asOf;
      }
      if (monthEnd.isBefore(start)) {
        continue;
      }
      LocalDate monthStart = start.isAfter(gridStart) ? start : gridStart;
      double fraction = (ChronoUnit.DAYS.between(monthStart, monthEnd) + 1) / 365.25;
      double ageThen = ChronoUnit.DAYS.between(birth, gridStart) / 365.25;
      int deficits = countOnOrBefore(onsets, gridStart);
      LocalDate at =
          monthStart.plusDays(reg.nextLong(ChronoUnit.DAYS.between(monthStart, monthEnd) + 1));
      double u = reg.nextDouble();
      double dies = 1 - Math.exp(-CareModel.mortality(ageThen, deficits) * fraction);
      if (u < dies) {
        death = at;
        end = at;
      } else if (u < dies + LEAVE_PER_YEAR * fraction && !at.equals(periodStart)) {
        end = at;
      } else if (u < dies + (LEAVE_PER_YEAR + MOVE_PER_YEAR) * fraction
          && at.isAfter(periodStart)) {
        regs.add(new Registration(practice, home, periodStart, at.minusDays(1)));
        if (reg.nextDouble() < 0.5) {
          home = geography.lsoas().get(reg.nextInt(geography.lsoas().size()));
        }
        Geography.Practice next = practiceFor(home, reg);
        practice =
            next.equals(practice)
                ? geography
                    .practices()
                    .get(
                        (geography.practices().indexOf(practice) + 1)
                            % geography.practices().size())
                : next;
        periodStart = at;
      }
      LocalDate lastDay = end == null ? monthEnd : end;
      if (palliative == null
          && end == null
          && ageThen >= 18
          && pal.nextDouble() < PALLIATIVE_PER_MORTALITY * dies) {
        palliative =
            monthStart.plusDays(pal.nextLong(ChronoUnit.DAYS.between(monthStart, monthEnd) + 1));
      }
      if (enrolled == null
          && end == null
          && ageThen >= 18
          && !gridStart.isBefore(pilot.start())
          && pilot.includes(practice.pcn(), geography.pcns().size())) {
        // Clinical judgement: the chance of enrolment rises steeply with the risk a clinician sees,
        // from the record alone unless the pilot lets it see the unrecorded risk too.
        int recent = activity.emergenciesBetween(gridStart.minusDays(365), gridStart.minusDays(1));
        double seen = pilot.unrecordedEnrolment() ? unrecorded : 1;
        double rate =
            CareModel.mortality(ageThen, deficits)
                + CareModel.emergency(ageThen, deficits, deprivation, recent, seen);
        double risk = 1 - Math.exp(-rate);
        double logit = Math.log(risk / (1 - risk)) - Math.log(0.25 / 0.75);
        double chance = ENROLMENT_PER_MONTH / (1 + Math.exp(-logit / 0.35));
        // Teams enrol people after a hospital crisis: more likely in the months after the month of
        // an emergency discharge. No new draw, so whoever was never enrolled keeps every row.
        if (activity.emergencyDischargesBetween(
                gridStart.minusMonths(SynthParams.Pilot.CRISIS_MONTHS), gridStart.minusDays(1))
            > 0) {
          chance = Math.min(1, chance * pilot.crisisEnrolment());
        }
        if (enrol.nextDouble() < chance) {
          enrolled =
              monthStart.plusDays(
                  enrol.nextLong(ChronoUnit.DAYS.between(monthStart, monthEnd) + 1));
          enrolledPcn = geography.pcns().get(practice.pcn()).code();
          slowDeficits(onsets, draws, enrolled, birth, z, deprivation, deficitEffect);
        }
      }
      // The effect applies from the month after enrolment. From then on hospital use draws from a
      // stream per month, so a month in which the two worlds differ leaves later months' draws the
      // same and the untreated world differs from the treated one by the effect, not by noise.
      boolean effective = enrolled != null && enrolled.isBefore(gridStart);
      double treated = effective ? 1 - admissionEffect : 1;
      activity.month(
          effective ? Seeds.stream(seed, Seeds.Aspect.HOSPITAL_ENROLLED, index, k) : hosp,
          gridStart,
          monthStart,
          lastDay,
          fraction,
          ageThen,
          deficits,
          deprivation,
          unrecorded * treated,
          unrecordedAe,
          asOf);
    }
    if (death != null) {
      activity.diedOn(death);
    }
    regs.add(new Registration(practice, home, periodStart, end));

    // Palliative care: coded in the year before a death in the window, unless already on the
    // register; then perhaps marked not indicated while still alive and registered.
    LocalDate recordedFrom = start.isAfter(windowStart) ? start : windowStart;
    if (palliative == null && death != null && pal.nextDouble() < PALLIATIVE_BEFORE_DEATH) {
      LocalDate earliest = death.minusDays(365);
      if (earliest.isBefore(recordedFrom)) {
        earliest = recordedFrom;
      }
      LocalDate latest = death.minusDays(1);
      if (!earliest.isAfter(latest)) {
        palliative = earliest.plusDays(pal.nextLong(ChronoUnit.DAYS.between(earliest, latest) + 1));
      }
    }
    String palliativeCode = null;
    LocalDate palliativeEnded = null;
    if (palliative != null) {
      palliativeCode = Catalogue.PALLIATIVE[pal.nextInt(Catalogue.PALLIATIVE.length)];
      if (pal.nextDouble() < PALLIATIVE_NOT_INDICATED) {
        LocalDate notIndicated = palliative.plusDays(pal.nextInt(30, 366));
        LocalDate lastRecorded = end == null ? asOf : end;
        if (!notIndicated.isAfter(lastRecorded)
            && (death == null || notIndicated.isBefore(death))) {
          palliativeEnded = notIndicated;
        }
      }
    }

    // Regular medicines: more with more deficits; each starts when a present deficit is recorded.
    SplittableRandom meds = Seeds.stream(seed, Seeds.Aspect.MEDICATION, index);
    LocalDate last = end == null ? asOf : end;
    int present = 0;
    List<LocalDate> presentOnsets = new ArrayList<>();
    for (LocalDate d : onsets) {
      if (d != null && !d.isAfter(last)) {
        present++;
        presentOnsets.add(d);
      }
    }
    int nMeds =
        Math.min(
            Catalogue.MEDICINES.length,
            Activity.poisson(
                meds,
                age < 18
                    ? 0.05
                    : FrailtyModel.MEDICINES_BASE + FrailtyModel.MEDICINES_PER_DEFICIT * present));
    List<int[]> medicines = new ArrayList<>();
    List<LocalDate> medStarts = new ArrayList<>();
    boolean[] used = new boolean[Catalogue.MEDICINES.length];
    for (int i = 0; i < nMeds; i++) {
      int m = meds.nextInt(Catalogue.MEDICINES.length);
      while (used[m]) {
        m = (m + 1) % Catalogue.MEDICINES.length;
      }
      used[m] = true;
      LocalDate from =
          presentOnsets.isEmpty()
              ? start.plusDays(meds.nextLong(Math.max(1, ChronoUnit.DAYS.between(start, last) + 1)))
              : presentOnsets.get(meds.nextInt(presentOnsets.size())).plusDays(meds.nextInt(0, 60));
      medicines.add(new int[] {m});
      medStarts.add(from);
    }
    return new Person(
        index,
        Seeds.personId(seed, index),
        birth,
        sex,
        ethnic,
        z,
        lsoa,
        List.copyOf(regs),
        death,
        onsets,
        medicines,
        medStarts,
        unrecorded,
        activity,
        enrolled,
        enrolledPcn,
        palliative,
        palliativeCode,
        palliativeEnded);
  }

  /** Every row of the person, per table in {@link ExtractWriter#PERSON_TABLES} order. */
  List<List<String>> lines(Person p) {
    java.util.Map<String, List<String>> rows = new java.util.LinkedHashMap<>();
    rows.put("gp_registrations", new ArrayList<>(registrationLines(p)));
    List<String> coded = codedEventLines(p);
    rows.put("gp_events", new ArrayList<>(coded));
    rows.put("gp_medications", new ArrayList<>(medicationLines(p)));
    rows.put("apc_spells", new ArrayList<>(p.activity().spellLines()));
    rows.put("ae_attendances", new ArrayList<>(p.activity().attendanceLines()));
    rows.put("op_appointments", new ArrayList<>(p.activity().appointmentLines()));
    rows.put("asc_services", new ArrayList<>(p.activity().serviceLines()));
    rows.put("enrolments", new ArrayList<>(enrolmentLines(p)));
    List<String> faults = new FaultInjector(params).inject(p.index(), p.id(), rows);
    // Palliative care rows join after the faults are drawn, so the fault stream makes the same
    // draws for the same rows as without them; they carry no fault.
    rows.put("gp_events", inOrder(coded, rows.get("gp_events"), palliativeLines(p)));
    List<List<String>> out = new ArrayList<>(rows.values());
    out.add(List.of(truthLine(p)));
    out.add(riskLines(p));
    out.add(faults);
    out.add(outcomeLines(p));
    return out;
  }

  /**
   * The enrolled person's outcomes with and without the effect (truth/enrolled_outcomes): the
   * person is simulated a second time without it. Empty when not enrolled.
   */
  List<String> outcomeLines(Person p) {
    if (p.enrolled() == null) {
      return List.of();
    }
    return List.of(EnrolledOutcomes.line(p, simulate(p.index(), false), params.asOf()));
  }

  /**
   * Proactive care slows the accumulation of deficits: after {@code from}, each deficit not yet
   * present accumulates hazard at (1 − effect) of its rate, so its onset solves {@code H(from) + (1
   * − effect)(H(a) − H(from)) = E}.
   */
  static void slowDeficits(
      LocalDate[] onsets,
      double[] draws,
      LocalDate from,
      LocalDate birth,
      double z,
      double deprivation,
      double effect) {
    if (effect == 0) {
      return; // re-solving would round some onsets a day differently
    }
    double ageFrom = ChronoUnit.DAYS.between(birth, from) / 365.25;
    for (int d = 0; d < onsets.length; d++) {
      if (onsets[d] != null && !onsets[d].isAfter(from)) {
        continue;
      }
      double effective = ageFrom + FrailtyModel.DEPRIVATION_YEARS * deprivation;
      double hFrom =
          FrailtyModel.C
              * FrailtyModel.weight(d)
              * z
              * Math.exp(FrailtyModel.SLOPE * (effective - FrailtyModel.REFERENCE_AGE));
      double target = hFrom + (draws[d] - hFrom) / (1 - effect);
      double onsetAge = FrailtyModel.onsetAge(d, z, deprivation, target);
      onsets[d] =
          onsetAge < 130 ? birth.plusDays(Math.round(Math.max(ageFrom, onsetAge) * 365.25)) : null;
    }
  }

  /** The person's enrolment in proactive care, if any (canonical enrolments columns). */
  List<String> enrolmentLines(Person p) {
    if (p.enrolled() == null) {
      return List.of();
    }
    LocalDate end = p.registrations().get(p.registrations().size() - 1).end();
    return List.of(
        String.join(
            ",",
            p.id(),
            p.enrolledPcn(),
            p.enrolled().toString(),
            end == null ? "" : end.toString()));
  }

  static int countOnOrBefore(LocalDate[] onsets, LocalDate date) {
    int n = 0;
    for (LocalDate d : onsets) {
      if (d != null && !d.isAfter(date)) {
        n++;
      }
    }
    return n;
  }

  /**
   * True probability of an emergency admission or death within 365 days after {@code cutoff}, from
   * the same hazards the simulation draws from, along the path with no such event (so recent
   * admissions age out of the 12-month window as time passes). Empty unless registered and alive.
   */
  java.util.OptionalDouble trueRisk(Person p, LocalDate cutoff) {
    return risk(p, cutoff, false);
  }

  /**
   * The same risk from recorded factors only: the person's hidden multiplier set to its mean (1)
   * and deficits held at those present on the cutoff, so it is what a model of the extract could at
   * best know. The gap between the two bounds what no extract can explain.
   */
  java.util.OptionalDouble recordedRisk(Person p, LocalDate cutoff) {
    return risk(p, cutoff, true);
  }

  private java.util.OptionalDouble risk(Person p, LocalDate cutoff, boolean recordedOnly) {
    Registration current = null;
    for (Registration r : p.registrations()) {
      if (!r.start().isAfter(cutoff) && (r.end() == null || r.end().isAfter(cutoff))) {
        current = r;
      }
    }
    if (current == null || (p.death() != null && !p.death().isAfter(cutoff))) {
      return java.util.OptionalDouble.empty();
    }
    double deprivation = FrailtyModel.deprivation(p.firstLsoa().decile());
    // Enrolment on or before the cutoff lowers the rate; an enrolment after it is not foreseen.
    double treated =
        p.enrolled() != null && !p.enrolled().isAfter(cutoff)
            ? 1 - params.pilot().admissionEffect()
            : 1;
    double cumulative = 0;
    for (int m = 0; m < 12; m++) {
      LocalDate t = cutoff.plusDays(1).plusMonths(m);
      LocalDate monthEnd = t.plusMonths(1).minusDays(1);
      double fraction = (ChronoUnit.DAYS.between(t, monthEnd) + 1) / 365.25;
      double age = ChronoUnit.DAYS.between(p.birth(), t) / 365.25;
      int deficits = countOnOrBefore(p.deficitOnsets(), recordedOnly ? cutoff : t);
      int recent = p.activity().emergenciesBetween(t.minusDays(365), cutoff);
      double hidden = recordedOnly ? 1 : p.unrecorded();
      cumulative +=
          (CareModel.mortality(age, deficits)
                  + CareModel.emergency(age, deficits, deprivation, recent, hidden) * treated)
              * fraction;
    }
    return java.util.OptionalDouble.of(1 - Math.exp(-cumulative));
  }

  /** Truth rows: the true 12-month risk at each yearly cutoff back from the as-of date. */
  List<String> riskLines(Person p) {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < params.years(); k++) {
      LocalDate cutoff = params.asOf().minusYears(k);
      java.util.OptionalDouble risk = trueRisk(p, cutoff);
      if (risk.isPresent()) {
        out.add(
            String.join(
                ",",
                p.id(),
                cutoff.toString(),
                String.format(Locale.ROOT, "%.6f", risk.getAsDouble()),
                String.format(Locale.ROOT, "%.6f", recordedRisk(p, cutoff).getAsDouble())));
      }
    }
    return out;
  }

  private Geography.Practice practiceFor(Geography.Lsoa lsoa, SplittableRandom r) {
    // Most register in their own PCN; one in ten across a PCN boundary.
    int pcn = r.nextDouble() < 0.9 ? lsoa.pcn() : r.nextInt(geography.pcns().size());
    return geography.practiceIn(pcn, r.nextDouble());
  }

  /** The person's GP registration rows (canonical gp_registrations columns). */
  List<String> registrationLines(Person p) {
    List<String> out = new ArrayList<>();
    for (Registration r : p.registrations()) {
      boolean lastPeriod = r == p.registrations().get(p.registrations().size() - 1);
      out.add(
          String.join(
              ",",
              p.id(),
              r.practice().code(),
              String.valueOf(p.birth().getYear()),
              p.sex(),
              r.lsoa().code(),
              p.ethnicGroup(),
              r.start().toString(),
              r.end() == null ? "" : r.end().toString(),
              lastPeriod && p.death() != null ? p.death().toString() : ""));
    }
    return out;
  }

  /**
   * Coded events: each deficit at its onset, reviews of it, everyday codes, measurements and
   * palliative care, ordered by date and code.
   */
  List<String> eventLines(Person p) {
    List<String> coded = codedEventLines(p);
    return inOrder(coded, coded, palliativeLines(p));
  }

  /** The person's palliative care codes, in date order (canonical gp_events columns). */
  List<String> palliativeLines(Person p) {
    List<String> out = new ArrayList<>();
    if (p.palliative() != null) {
      out.add(
          String.join(
              ",", p.id(), p.palliative().toString(), p.palliativeCode(), "SNOMED", "", ""));
    }
    if (p.palliativeEnded() != null) {
      out.add(
          String.join(
              ",",
              p.id(),
              p.palliativeEnded().toString(),
              Catalogue.PALLIATIVE_NOT_INDICATED,
              "SNOMED",
              "",
              ""));
    }
    return out;
  }

  /**
   * {@code rows} (which are {@code sorted}, one for one, perhaps with faults in them) with each of
   * {@code extra} inserted where it falls among {@code sorted} by date and then code.
   */
  static List<String> inOrder(List<String> sorted, List<String> rows, List<String> extra) {
    if (rows.size() != sorted.size()) {
      throw new IllegalStateException("rows and their clean form differ in number");
    }
    List<String> out = new ArrayList<>(rows.size() + extra.size());
    int i = 0;
    for (String e : extra) {
      String[] key = e.split(",", 4);
      for (; i < sorted.size(); i++) {
        String[] k = sorted.get(i).split(",", 4);
        int c = k[1].equals(key[1]) ? k[2].compareTo(key[2]) : k[1].compareTo(key[1]);
        if (c > 0) {
          break;
        }
        out.add(rows.get(i));
      }
      out.add(e);
    }
    for (; i < rows.size(); i++) {
      out.add(rows.get(i));
    }
    return out;
  }

  /** Coded events but palliative care: deficits, reviews, everyday codes and measurements. */
  List<String> codedEventLines(Person p) {
    SplittableRandom r = Seeds.stream(params.seed(), Seeds.Aspect.EVENTS, p.index());
    LocalDate first = p.registrations().get(0).start();
    LocalDate last = p.lastDay(params.asOf());
    LocalDate from = first.isAfter(params.windowStart()) ? first : params.windowStart();
    List<String[]> rows = new ArrayList<>();
    for (int d = 0; d < p.deficitOnsets().length; d++) {
      LocalDate onset = p.deficitOnsets()[d];
      if (onset == null || onset.isAfter(last)) {
        continue;
      }
      List<String> codes = catalogue.deficitCodes().get(d);
      String code = codes.get(r.nextInt(codes.size()));
      rows.add(new String[] {onset.toString(), code, "", ""});
      LocalDate reviewFrom = onset.isAfter(from) ? onset : from;
      for (LocalDate t = next(reviewFrom, r, 0.3);
          t != null && !t.isAfter(last);
          t = next(t, r, 0.3)) {
        rows.add(new String[] {t.toString(), code, "", ""});
      }
    }
    double ageAtStart = ChronoUnit.DAYS.between(p.birth(), from) / 365.25;
    double noiseRate = 2 + 0.06 * Math.max(0, ageAtStart);
    for (LocalDate t = next(from, r, noiseRate);
        t != null && !t.isAfter(last);
        t = next(t, r, noiseRate)) {
      rows.add(
          new String[] {t.toString(), Catalogue.NOISE[r.nextInt(Catalogue.NOISE.length)], "", ""});
    }
    boolean ckd = p.deficitOnsets()[5] != null;
    for (LocalDate t = from; !t.isAfter(last); t = t.plusYears(1)) {
      double ageThen = ChronoUnit.DAYS.between(p.birth(), t) / 365.25;
      if (ageThen >= 40 && r.nextDouble() < 0.7) {
        LocalDate when = t.plusDays(r.nextInt(0, 300));
        if (!when.isAfter(last)) {
          rows.add(
              new String[] {
                when.toString(),
                Catalogue.SYSTOLIC_BP,
                String.valueOf(105 + r.nextInt(70) + (int) (ageThen / 4)),
                "mm[Hg]"
              });
        }
      }
      if (ageThen >= 60 || ckd) {
        LocalDate when = t.plusDays(r.nextInt(0, 300));
        boolean ckdThen = ckd && !p.deficitOnsets()[5].isAfter(when);
        double egfr =
            ckdThen
                ? 25 + r.nextDouble() * 34
                : Math.max(
                    60.5, 105 - 0.5 * Math.max(0, ageThen - 40) + 10 * Geography.gaussian(r));
        if (!when.isAfter(last)) {
          rows.add(
              new String[] {
                when.toString(),
                Catalogue.EGFR,
                String.format(Locale.ROOT, "%.1f", egfr),
                "mL/min/1.73m2"
              });
        }
      }
    }
    rows.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    List<String> out = new ArrayList<>(rows.size());
    for (String[] e : rows) {
      String line = String.join(",", p.id(), e[0], e[1], "SNOMED", e[2], e[3]);
      // The same code twice on one day is one recording: never emit an exact duplicate row.
      if (out.isEmpty() || !out.get(out.size() - 1).equals(line)) {
        out.add(line);
      }
    }
    return out;
  }

  /** Issues of each regular medicine every 56 days (± a week) through the window. */
  List<String> medicationLines(Person p) {
    SplittableRandom r =
        Seeds.stream(params.seed(), Seeds.Aspect.MEDICATION, p.index() ^ 0x4D45444CL);
    LocalDate first = p.registrations().get(0).start();
    LocalDate from = first.isAfter(params.windowStart()) ? first : params.windowStart();
    LocalDate last = p.lastDay(params.asOf());
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < p.medicines().size(); i++) {
      String[] med = Catalogue.MEDICINES[p.medicines().get(i)[0]];
      LocalDate t = p.medicineStarts().get(i);
      if (t.isBefore(from)) {
        long cycles = ChronoUnit.DAYS.between(t, from) / 56;
        t = t.plusDays(56 * cycles);
        if (t.isBefore(from)) {
          t = t.plusDays(56);
        }
      }
      for (; !t.isAfter(last); t = t.plusDays(56 + r.nextInt(-7, 8))) {
        rows.add(new String[] {t.toString(), med[0], med[1]});
      }
    }
    rows.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    List<String> out = new ArrayList<>(rows.size());
    for (String[] m : rows) {
      out.add(String.join(",", p.id(), m[0], m[1], m[2]));
    }
    return out;
  }

  /** The hidden truth of a person, one CSV line (see {@link ExtractWriter#TRUTH_HEADER}). */
  String truthLine(Person p) {
    LocalDate asOf = params.asOf();
    boolean registered = p.registrations().get(p.registrations().size() - 1).end() == null;
    return String.join(
        ",",
        p.id(),
        String.valueOf(p.index()),
        p.birth().toString(),
        p.sex(),
        String.valueOf(p.firstLsoa().decile()),
        String.format(Locale.ROOT, "%.4f", p.frailty()),
        String.valueOf(p.deficitsOn(asOf)),
        String.valueOf(p.medicines().size()),
        String.valueOf(registered),
        p.death() == null ? "" : p.death().toString(),
        p.enrolled() == null ? "" : p.enrolled().toString(),
        p.palliative() == null ? "" : p.palliative().toString(),
        p.palliativeEnded() == null ? "" : p.palliativeEnded().toString());
  }

  /** The next event of a Poisson process of {@code ratePerYear} after {@code t}, or null. */
  private static LocalDate next(LocalDate t, SplittableRandom r, double ratePerYear) {
    if (ratePerYear <= 0) {
      return null;
    }
    double years = -Math.log(1 - r.nextDouble()) / ratePerYear;
    if (years > 200) {
      return null;
    }
    return t.plusDays(Math.max(1, Math.round(years * 365.25)));
  }

  private static int pick(SplittableRandom r, double[] weights) {
    double total = Arrays.stream(weights).sum();
    double u = r.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}

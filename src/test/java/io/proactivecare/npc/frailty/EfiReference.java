package io.proactivecare.npc.frailty;

import io.proactivecare.npc.config.NpcConfig;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A naive reference for the frailty stage, written from docs/frailty.md and docs/population.md
 * alone, not from the Spark code: plain Java over collected rows, one person and one date at a
 * time, so that each rule can be checked by reading it. It is slow on purpose (every date rescans
 * the person's rows) and only for tests.
 *
 * <p>The eFI of a person on date D is the set of deficits
 *
 * <ul>
 *   <li>of every coded event dated on or before D whose (system, code) is in a deficit's codelist
 *       (a code listed under two deficits gives both);
 *   <li>of every event dated on or before D whose (system, code, value) meets a value rule for the
 *       person's sex;
 *   <li>and polypharmacy when the distinct medicines issued from D − look-back to D (both days
 *       included) number at least the minimum.
 * </ul>
 *
 * A coded deficit's first recorded date is the earliest qualifying event; polypharmacy's is the
 * first day of the run of consecutive days, ending on D, on which its rule holds.
 *
 * <p>The codelists, value rules and HFRS points come from {@link EfiDefinition} and {@link
 * HfrsCodelist}, used only as data holders; the settings from {@link NpcConfig}.
 */
final class EfiReference {
  /** A conformed gp_events row. */
  record Event(String personId, LocalDate date, String system, String code, Double value) {}

  /** A conformed gp_medications row. */
  record Issue(String personId, LocalDate date, String medicineCode, String bnfCode) {}

  /** A conformed gp_registrations row. */
  record Registration(
      String personId,
      String practiceCode,
      int yearOfBirth,
      String sex,
      LocalDate start,
      LocalDate end,
      LocalDate dateOfDeath) {}

  /** A conformed apc_spells row. */
  record Spell(
      String spellId,
      String personId,
      LocalDate admission,
      LocalDate discharge,
      String dischargeMethod,
      String dischargeDestination,
      List<String> diagnoses) {}

  /** A conformed practice_pcn row. */
  record PracticePcn(String practiceCode, String pcnCode, LocalDate validFrom, LocalDate validTo) {}

  /** One person registered, alive and of scoring age on a date (pcnCode null when none). */
  record Member(
      String personId, LocalDate date, String practiceCode, String pcnCode, String sex, int age) {}

  /**
   * The eFI of one person on one date.
   *
   * @param deficits deficit number to its first recorded date
   * @param polypharmacyMedicines distinct medicines issued in the look-back window ending on the
   *     date
   */
  record Efi(
      Member member,
      SortedMap<Integer, LocalDate> deficits,
      int deficitCount,
      double score,
      String category,
      boolean outsideValidatedAge,
      int polypharmacyMedicines) {}

  /** The HFRS of one person on one date; score in tenths of a point, codes sorted. */
  record Hfrs(
      String personId, LocalDate date, int tenths, String band, List<String> codes, int spells) {}

  /** A person's trajectory summarised; slope null with fewer than two points. */
  record Progression(
      String personId,
      int points,
      LocalDate firstDate,
      LocalDate lastDate,
      double firstScore,
      double lastScore,
      int deficitsGained,
      Double changePerYear) {}

  private final EfiDefinition definition;
  private final HfrsCodelist hfrsCodes;
  private final NpcConfig config;
  private final Map<String, List<Event>> events = new HashMap<>();
  private final Map<String, List<Issue>> issues = new HashMap<>();
  private final Map<String, List<Registration>> registrations = new HashMap<>();
  private final Map<String, List<Spell>> spells = new HashMap<>();
  private final List<PracticePcn> practicePcn;
  private final Map<String, Set<Integer>> deficitsOfCode = new HashMap<>();
  private final Map<String, List<EfiDefinition.ValueRule>> rulesOfCode = new HashMap<>();

  EfiReference(
      EfiDefinition definition,
      HfrsCodelist hfrsCodes,
      NpcConfig config,
      List<Event> events,
      List<Issue> issues,
      List<Registration> registrations,
      List<Spell> spells,
      List<PracticePcn> practicePcn) {
    this.definition = definition;
    this.hfrsCodes = hfrsCodes;
    this.config = config;
    // Grouping by person only saves rescanning everyone's rows; every rule below reads all of one
    // person's rows.
    events.forEach(e -> this.events.computeIfAbsent(e.personId(), k -> new ArrayList<>()).add(e));
    issues.forEach(i -> this.issues.computeIfAbsent(i.personId(), k -> new ArrayList<>()).add(i));
    registrations.forEach(
        r -> this.registrations.computeIfAbsent(r.personId(), k -> new ArrayList<>()).add(r));
    spells.forEach(s -> this.spells.computeIfAbsent(s.personId(), k -> new ArrayList<>()).add(s));
    this.practicePcn = List.copyOf(practicePcn);
    for (EfiDefinition.Code c : definition.codes()) {
      deficitsOfCode
          .computeIfAbsent(key(c.system(), c.code()), k -> new HashSet<>())
          .add(c.deficit());
    }
    for (EfiDefinition.ValueRule r : definition.valueRules()) {
      rulesOfCode.computeIfAbsent(key(r.system(), r.code()), k -> new ArrayList<>()).add(r);
    }
  }

  private static String key(String system, String code) {
    return system + "|" + code;
  }

  /** The deficits a code is listed under in any codelist (empty when none). */
  Set<Integer> deficitsOf(String system, String code) {
    return deficitsOfCode.getOrDefault(key(system, code), Set.of());
  }

  // ---------------------------------------------------------------- population (population.md)

  /** Each person's date of death: the earliest of the GP register's and of a death in hospital. */
  Optional<LocalDate> death(String personId) {
    LocalDate death = null;
    for (Registration r : registrations.getOrDefault(personId, List.of())) {
      death = earlier(death, r.dateOfDeath());
    }
    for (Spell s : spells.getOrDefault(personId, List.of())) {
      boolean died = "4".equals(s.dischargeMethod()) || "79".equals(s.dischargeDestination());
      if (died && s.discharge() != null) {
        death = earlier(death, s.discharge());
      }
    }
    return Optional.ofNullable(death);
  }

  private static LocalDate earlier(LocalDate a, LocalDate b) {
    if (a == null) {
      return b;
    }
    return b == null || !b.isBefore(a) ? a : b;
  }

  /** Whole years on {@code d}, the birthday taken as the assumed day of the year of birth. */
  int age(int yearOfBirth, LocalDate d) {
    MonthDay birthday = config.population().assumedBirthday();
    int age = d.getYear() - yearOfBirth;
    return MonthDay.from(d).isBefore(birthday) ? age - 1 : age;
  }

  /**
   * The person on {@code d} if registered and alive then (no minimum age): the covering
   * registration that started last, then the lower practice code.
   */
  Optional<Member> registeredOn(String personId, LocalDate d) {
    Optional<LocalDate> death = death(personId);
    if (death.isPresent() && death.get().isBefore(d)) {
      return Optional.empty();
    }
    Registration best = null;
    for (Registration r : registrations.getOrDefault(personId, List.of())) {
      boolean covers = !r.start().isAfter(d) && (r.end() == null || !r.end().isBefore(d));
      if (!covers) {
        continue;
      }
      if (best == null
          || r.start().isAfter(best.start())
          || (r.start().equals(best.start())
              && r.practiceCode().compareTo(best.practiceCode()) < 0)) {
        best = r;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    PracticePcn pcn = null;
    for (PracticePcn p : practicePcn) {
      boolean inForce =
          p.practiceCode().equals(best.practiceCode())
              && !p.validFrom().isAfter(d)
              && (p.validTo() == null || !p.validTo().isBefore(d));
      if (inForce && (pcn == null || p.validFrom().isAfter(pcn.validFrom()))) {
        pcn = p;
      }
    }
    return Optional.of(
        new Member(
            personId,
            d,
            best.practiceCode(),
            pcn == null ? null : pcn.pcnCode(),
            best.sex(),
            age(best.yearOfBirth(), d)));
  }

  /** Everyone scored on {@code d}: registered, alive and at least {@code frailty.min_age}. */
  SortedMap<String, Member> population(LocalDate d) {
    SortedMap<String, Member> out = new TreeMap<>();
    for (String person : registrations.keySet()) {
      registeredOn(person, d)
          .filter(m -> m.age() >= config.frailty().minAge())
          .ifPresent(m -> out.put(person, m));
    }
    return out;
  }

  // ------------------------------------------------------------------------- eFI (frailty.md)

  /** The coded and value-rule deficits present on {@code d}, each with its first recorded date. */
  SortedMap<Integer, LocalDate> codedDeficits(String personId, String sex, LocalDate d) {
    SortedMap<Integer, LocalDate> out = new TreeMap<>();
    for (Event e : events.getOrDefault(personId, List.of())) {
      if (e.date().isAfter(d)) {
        continue;
      }
      for (int deficit : deficitsOf(e.system(), e.code())) {
        out.merge(deficit, e.date(), (a, b) -> a.isBefore(b) ? a : b);
      }
      if (e.value() == null) {
        continue;
      }
      for (EfiDefinition.ValueRule r :
          rulesOfCode.getOrDefault(key(e.system(), e.code()), List.of())) {
        if (meets(r, e.value(), sex)) {
          out.merge(r.deficit(), e.date(), (a, b) -> a.isBefore(b) ? a : b);
        }
      }
    }
    return out;
  }

  /** A value rule read from the docs: exclusive bounds, optional sex. */
  static boolean meets(EfiDefinition.ValueRule r, double value, String sex) {
    if (!r.sex().equals("any") && !r.sex().equals(sex)) {
      return false;
    }
    return switch (r.comparator()) {
      case ">" -> value > r.low();
      case "<" -> value < r.high();
      case "between" -> r.low() < value && value < r.high();
      case "any" -> true;
      default -> throw new IllegalArgumentException("comparator " + r.comparator());
    };
  }

  /** The polypharmacy key of an issue under {@code frailty.polypharmacy.count_by}. */
  String medicineKey(Issue i) {
    String countBy = config.frailty().polypharmacy().countBy();
    if (countBy.equals("medicine_code")) {
      return i.medicineCode();
    }
    if (!countBy.equals("substance")) {
      throw new IllegalArgumentException("count_by " + countBy);
    }
    if (i.bnfCode() == null || i.bnfCode().isEmpty()) {
      return "dmd:" + i.medicineCode();
    }
    return "bnf:" + i.bnfCode().substring(0, Math.min(9, i.bnfCode().length()));
  }

  /** Distinct medicines issued from {@code d} − look-back to {@code d}, both days included. */
  int medicinesOn(String personId, LocalDate d) {
    LocalDate from = d.minusDays(config.frailty().polypharmacy().lookbackDays());
    Set<String> keys = new HashSet<>();
    for (Issue i : issues.getOrDefault(personId, List.of())) {
      if (!i.date().isBefore(from) && !i.date().isAfter(d)) {
        keys.add(medicineKey(i));
      }
    }
    return keys.size();
  }

  boolean polypharmacyOn(String personId, LocalDate d) {
    return medicinesOn(personId, d) >= config.frailty().polypharmacy().minMedicines();
  }

  /** The first day of the run of days ending on {@code d} on which polypharmacy holds. */
  LocalDate polypharmacySince(String personId, LocalDate d) {
    if (!polypharmacyOn(personId, d)) {
      throw new IllegalArgumentException("no polypharmacy on " + d);
    }
    LocalDate start = d;
    while (polypharmacyOn(personId, start.minusDays(1))) {
      start = start.minusDays(1);
    }
    return start;
  }

  /**
   * Every run of consecutive days on which polypharmacy holds, as {start, last day}, found by
   * testing each day from the first issue to the last issue plus the look-back (after which no
   * issue is in the window).
   */
  List<LocalDate[]> polypharmacyRuns(String personId) {
    List<Issue> own = issues.getOrDefault(personId, List.of());
    Set<String> ever = new HashSet<>();
    own.forEach(i -> ever.add(medicineKey(i)));
    List<LocalDate[]> runs = new ArrayList<>();
    if (ever.size() < config.frailty().polypharmacy().minMedicines()) {
      return runs; // no window can hold more medicines than the whole record
    }
    LocalDate first = own.stream().map(Issue::date).min(Comparator.naturalOrder()).orElseThrow();
    LocalDate last = own.stream().map(Issue::date).max(Comparator.naturalOrder()).orElseThrow();
    LocalDate start = null;
    for (LocalDate d = first;
        !d.isAfter(last.plusDays(config.frailty().polypharmacy().lookbackDays() + 1));
        d = d.plusDays(1)) {
      boolean holds = polypharmacyOn(personId, d);
      if (holds && start == null) {
        start = d;
      } else if (!holds && start != null) {
        runs.add(new LocalDate[] {start, d.minusDays(1)});
        start = null;
      }
    }
    return runs;
  }

  /**
   * The eFI of a member, with each deficit's first recorded date; when not {@code withDates},
   * polypharmacy's date is left null.
   */
  Efi efi(Member m, boolean withDates) {
    SortedMap<Integer, LocalDate> deficits = codedDeficits(m.personId(), m.sex(), m.date());
    int medicines = medicinesOn(m.personId(), m.date());
    if (medicines >= config.frailty().polypharmacy().minMedicines()) {
      // Without dates (a trajectory needs only the count) the start of the run is not searched.
      deficits.put(
          definition.polypharmacy(), withDates ? polypharmacySince(m.personId(), m.date()) : null);
    }
    int n = deficits.size();
    return new Efi(
        m,
        deficits,
        n,
        n / (double) EfiDefinition.DEFICITS,
        category(n),
        m.age() < config.frailty().validatedMinAge()
            || m.age() > config.frailty().validatedMaxAge(),
        medicines);
  }

  /** Categories from the integer count: fit 0–4, mild 5–8, moderate 9–12, severe 13+. */
  static String category(int deficits) {
    if (deficits <= 4) {
      return "fit";
    }
    if (deficits <= 8) {
      return "mild";
    }
    return deficits <= 12 ? "moderate" : "severe";
  }

  // ------------------------------------------------------------------------ HFRS (frailty.md)

  /** The spells that count on {@code d}: admitted in the look-back, discharged by d if required. */
  List<Spell> hfrsSpells(String personId, LocalDate d) {
    LocalDate from = d.minusDays(config.hfrs().lookbackDays());
    List<Spell> out = new ArrayList<>();
    for (Spell s : spells.getOrDefault(personId, List.of())) {
      boolean admitted = !s.admission().isBefore(from) && !s.admission().isAfter(d);
      boolean known =
          !config.hfrs().requireDischarge() || (s.discharge() != null && !s.discharge().isAfter(d));
      if (admitted && known) {
        out.add(s);
      }
    }
    return out;
  }

  Hfrs hfrs(String personId, LocalDate d) {
    List<Spell> counted = hfrsSpells(personId, d);
    SortedSet<String> codes = new TreeSet<>();
    Set<String> spellIds = new HashSet<>();
    for (Spell s : counted) {
      spellIds.add(s.spellId());
      for (String diagnosis : s.diagnoses() == null ? List.<String>of() : s.diagnoses()) {
        if (diagnosis == null || diagnosis.length() < 3) {
          continue;
        }
        String three = diagnosis.substring(0, 3);
        if (hfrsCodes.tenths().containsKey(three)) {
          codes.add(three);
        }
      }
    }
    int tenths = 0;
    for (String c : codes) {
      tenths += hfrsCodes.tenths().get(c);
    }
    String band = tenths < 50 ? "low" : tenths <= 150 ? "intermediate" : "high";
    return new Hfrs(personId, d, tenths, band, List.copyOf(codes), spellIds.size());
  }

  // ---------------------------------------------------------- trajectory and progression

  /** The last {@code n} quarter ends (31 Mar, 30 Jun, 30 Sep, 31 Dec) on or before {@code asOf}. */
  static List<LocalDate> quarterEnds(LocalDate asOf, int n) {
    List<LocalDate> out = new ArrayList<>();
    LocalDate d = asOf;
    while (out.size() < n) {
      boolean quarterEnd = d.plusDays(1).getDayOfMonth() == 1 && d.getMonthValue() % 3 == 0;
      if (quarterEnd) {
        out.add(0, d);
      }
      d = d.minusDays(1);
    }
    return out;
  }

  /** Each person's progression over their trajectory rows (any order). */
  static SortedMap<String, Progression> progression(List<Efi> trajectory) {
    Map<String, List<Efi>> byPerson = new HashMap<>();
    trajectory.forEach(
        e -> byPerson.computeIfAbsent(e.member().personId(), k -> new ArrayList<>()).add(e));
    SortedMap<String, Progression> out = new TreeMap<>();
    byPerson.forEach(
        (person, rows) -> {
          rows.sort(Comparator.comparing(e -> e.member().date()));
          Efi first = rows.get(0);
          Efi last = rows.get(rows.size() - 1);
          out.put(
              person,
              new Progression(
                  person,
                  rows.size(),
                  first.member().date(),
                  last.member().date(),
                  first.score(),
                  last.score(),
                  last.deficitCount() - first.deficitCount(),
                  rows.size() < 2 ? null : slopePerYear(rows)));
        });
    return out;
  }

  /** Least-squares slope of the score against time in years of 365.25 days. */
  static double slopePerYear(List<Efi> rows) {
    LocalDate origin = rows.get(0).member().date();
    double n = rows.size();
    double meanT = 0;
    double meanS = 0;
    for (Efi e : rows) {
      meanT += ChronoUnit.DAYS.between(origin, e.member().date()) / 365.25 / n;
      meanS += e.score() / n;
    }
    double sxy = 0;
    double sxx = 0;
    for (Efi e : rows) {
      double t = ChronoUnit.DAYS.between(origin, e.member().date()) / 365.25 - meanT;
      sxy += t * (e.score() - meanS);
      sxx += t * t;
    }
    return sxy / sxx;
  }
}

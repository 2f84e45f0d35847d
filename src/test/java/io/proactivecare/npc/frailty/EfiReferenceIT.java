package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published frailty outputs of {@code npc frailty} on a generated population agree exactly with
 * {@link EfiReference}, a naive computation from the docs, person by person: at the extract date
 * and a year before, the eFI (deficits with first recorded dates, count, score, category,
 * polypharmacy medicines, validated-age flag, practice, PCN, sex, age), the HFRS, the trajectory at
 * every quarter end and each person's progression; and the coded deficit counts agree with the
 * generator's hidden truth.
 */
class EfiReferenceIT {
  static final LocalDate EXTRACT_DATE = LocalDate.of(2025, 3, 31);
  static final LocalDate YEAR_BEFORE = LocalDate.of(2024, 3, 31);
  static final int QUARTERS = 8;
  static final int PEOPLE = 3000;
  static final int SHOWN = 5;

  @TempDir static Path tmp;

  static Warehouse warehouse;
  static Catalog catalog;
  static NpcConfig config;
  static EfiDefinition definition;
  static EfiReference reference;
  static List<EfiReference.Registration> registrations;
  static List<EfiReference.Event> events;
  static Path extract;

  @BeforeAll
  static void generateIngestAndScore() {
    long started = System.nanoTime();
    extract = tmp.resolve("extract");
    Path wh = tmp.resolve("wh");
    run(
        wh,
        "generate",
        "--people",
        String.valueOf(PEOPLE),
        "--seed",
        "17",
        "--as-of",
        EXTRACT_DATE.toString(),
        "--faults",
        "0",
        "--out",
        extract.toString());
    run(wh, "ingest", "--extract", extract.toString());
    for (LocalDate asOf : List.of(EXTRACT_DATE, YEAR_BEFORE)) {
      run(
          wh,
          "frailty",
          "--as-of",
          asOf.toString(),
          "--trajectory",
          "--quarters",
          String.valueOf(QUARTERS));
    }
    long ran = System.nanoTime();
    warehouse = new Warehouse(wh);
    catalog = warehouse.catalog();
    config = ConfigLoader.load(Optional.empty(), Map.of()).config();
    definition = EfiDefinition.load(config.frailty());
    registrations =
        rows(IngestStep.conformed("gp_registrations"), EXTRACT_DATE)
            .map(
                r ->
                    new EfiReference.Registration(
                        r.getAs(Cols.PERSON_ID),
                        r.getAs(Cols.PRACTICE_CODE),
                        r.<Integer>getAs(Cols.YEAR_OF_BIRTH),
                        r.getAs(Cols.SEX),
                        date(r, Cols.REGISTRATION_START),
                        date(r, Cols.REGISTRATION_END),
                        date(r, Cols.DATE_OF_DEATH)));
    events =
        rows(IngestStep.conformed("gp_events"), EXTRACT_DATE)
            .map(
                r ->
                    new EfiReference.Event(
                        r.getAs(Cols.PERSON_ID),
                        date(r, Cols.EVENT_DATE),
                        r.getAs(Cols.CODE_SYSTEM),
                        r.getAs(Cols.CODE),
                        r.getAs(Cols.VALUE)));
    List<EfiReference.Issue> issues =
        rows(IngestStep.conformed("gp_medications"), EXTRACT_DATE)
            .map(
                r ->
                    new EfiReference.Issue(
                        r.getAs(Cols.PERSON_ID),
                        date(r, Cols.ISSUE_DATE),
                        r.getAs(Cols.MEDICINE_CODE),
                        r.getAs(Cols.BNF_CODE)));
    List<EfiReference.Spell> spells =
        rows(IngestStep.conformed("apc_spells"), EXTRACT_DATE)
            .map(
                r ->
                    new EfiReference.Spell(
                        r.getAs(Cols.SPELL_ID),
                        r.getAs(Cols.PERSON_ID),
                        date(r, Cols.ADMISSION_DATE),
                        date(r, Cols.DISCHARGE_DATE),
                        r.getAs(Cols.DISCHARGE_METHOD),
                        r.getAs(Cols.DISCHARGE_DESTINATION),
                        r.isNullAt(r.fieldIndex(Cols.DIAGNOSES))
                            ? null
                            : r.<String>getList(r.fieldIndex(Cols.DIAGNOSES))));
    List<EfiReference.PracticePcn> pcns =
        rows(IngestStep.conformed("practice_pcn"), EXTRACT_DATE)
            .map(
                r ->
                    new EfiReference.PracticePcn(
                        r.getAs(Cols.PRACTICE_CODE),
                        r.getAs(Cols.PCN_CODE),
                        date(r, Cols.VALID_FROM),
                        date(r, Cols.VALID_TO)));
    reference =
        new EfiReference(
            definition,
            HfrsCodelist.load(config.hfrs().codelist()),
            config,
            events,
            issues,
            registrations,
            spells,
            pcns);
    System.out.printf(
        Locale.ROOT,
        "EfiReferenceIT: generate, ingest and two frailty runs %.1f s; %,d events, %,d issues,"
            + " %,d spells collected in %.1f s%n",
        (ran - started) / 1e9,
        events.size(),
        issues.size(),
        spells.size(),
        (System.nanoTime() - ran) / 1e9);
  }

  private static void run(Path wh, String... args) {
    long started = System.nanoTime();
    Npc.Result r = Npc.run(wh, args);
    assertEquals(0, r.exitCode(), "npc " + String.join(" ", args) + ": " + r.errorLines());
    System.out.printf(
        Locale.ROOT,
        "npc %s: %.1f s%n",
        String.join(" ", args),
        (System.nanoTime() - started) / 1e9);
  }

  /** The rows of the published version {@code key} of {@code output}, mapped. */
  private static Rows rows(String output, LocalDate key) {
    Catalog.TableVersion v =
        catalog
            .entry(output)
            .map(e -> e.versions().get(key.toString()))
            .orElseThrow(() -> new AssertionError(output + " " + key + " is not published"));
    return new Rows(
        SparkTestSession.get()
            .read()
            .parquet(warehouse.resolve(v.path()).toString())
            .collectAsList(),
        v.rows());
  }

  /** Collected rows, checked against the row count the catalog records. */
  record Rows(List<Row> rows, long published) {
    <T> List<T> map(Function<Row, T> f) {
      assertEquals(published, rows.size(), "rows read against the catalog's count");
      List<T> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(f.apply(r)));
      return out;
    }
  }

  static LocalDate date(Row r, String column) {
    Object o = r.get(r.fieldIndex(column));
    if (o == null) {
      return null;
    }
    return o instanceof java.sql.Date d ? d.toLocalDate() : (LocalDate) o;
  }

  // ---------------------------------------------------------------------------- eFI and HFRS

  @Test
  void efiAtTheExtractDateAgrees() {
    efiAgrees(EXTRACT_DATE);
  }

  @Test
  void efiAYearBeforeTheExtractDateAgrees() {
    efiAgrees(YEAR_BEFORE);
  }

  @Test
  void hfrsAtTheExtractDateAgrees() {
    hfrsAgrees(EXTRACT_DATE);
  }

  @Test
  void hfrsAYearBeforeTheExtractDateAgrees() {
    hfrsAgrees(YEAR_BEFORE);
  }

  private static void efiAgrees(LocalDate asOf) {
    SortedMap<String, String> expected = new TreeMap<>();
    Map<String, Integer> categories = new TreeMap<>();
    int polypharmacy = 0;
    int outside = 0;
    for (EfiReference.Member m : reference.population(asOf).values()) {
      EfiReference.Efi e = reference.efi(m, true);
      expected.put(m.personId(), describe(asOf, m, e.deficits(), e));
      categories.merge(e.category(), 1, Integer::sum);
      polypharmacy += e.deficits().containsKey(definition.polypharmacy()) ? 1 : 0;
      outside += e.outsideValidatedAge() ? 1 : 0;
    }
    SortedMap<String, String> published = new TreeMap<>();
    for (Row r : rows(FrailtyStep.EFI, asOf).rows()) {
      EfiReference.Member m =
          new EfiReference.Member(
              r.getAs(Cols.PERSON_ID),
              date(r, Cols.AS_OF),
              r.getAs(Cols.PRACTICE_CODE),
              r.getAs(Cols.PCN_CODE),
              r.getAs(Cols.SEX),
              r.<Integer>getAs(Cols.AGE));
      SortedMap<Integer, LocalDate> deficits = new TreeMap<>();
      for (Row d : r.<Row>getList(r.fieldIndex(Cols.DEFICITS))) {
        int no = d.<Integer>getAs(Cols.DEFICIT_NO);
        assertEquals(definition.name(no), d.getAs(Cols.DEFICIT), "name of deficit " + no);
        assertEquals(null, deficits.put(no, date(d, Cols.FIRST_RECORDED)), "deficit " + no);
      }
      EfiReference.Efi e =
          new EfiReference.Efi(
              m,
              deficits,
              r.<Integer>getAs(Cols.DEFICIT_COUNT),
              r.<Double>getAs(Cols.EFI_SCORE),
              r.getAs(Cols.EFI_CATEGORY),
              r.<Boolean>getAs(Cols.OUTSIDE_VALIDATED_AGE),
              r.<Integer>getAs(Cols.POLYPHARMACY_MEDICINES));
      assertEquals(null, published.put(m.personId(), describe(asOf, m, deficits, e)), "one row");
    }
    agree("frailty/efi at " + asOf, expected, published);
    System.out.printf(
        Locale.ROOT,
        "eFI at %s: %,d people agree; categories %s; %,d with polypharmacy; %,d outside 65-95%n",
        asOf,
        expected.size(),
        categories,
        polypharmacy,
        outside);
    // The comparison only means something if the population exercises the rules.
    assertTrue(expected.size() > PEOPLE / 2, "population " + expected.size());
    assertTrue(categories.getOrDefault("severe", 0) > 0, "some severe: " + categories);
    assertTrue(polypharmacy > 0 && outside > 0, polypharmacy + " polypharmacy, " + outside);
  }

  /** Every compared field of one eFI row as text; the member's date must be the as-of. */
  private static String describe(
      LocalDate asOf,
      EfiReference.Member m,
      SortedMap<Integer, LocalDate> deficits,
      EfiReference.Efi e) {
    return String.format(
        Locale.ROOT,
        "as_of=%s practice=%s pcn=%s sex=%s age=%d count=%d score=%s category=%s outside=%s"
            + " medicines=%d deficits=%s",
        m.date().equals(asOf) ? asOf : "WRONG " + m.date(),
        m.practiceCode(),
        m.pcnCode(),
        m.sex(),
        m.age(),
        e.deficitCount(),
        Double.toString(e.score()),
        e.category(),
        e.outsideValidatedAge(),
        e.polypharmacyMedicines(),
        deficits);
  }

  private static void hfrsAgrees(LocalDate asOf) {
    SortedMap<String, String> expected = new TreeMap<>();
    Map<String, Integer> bands = new TreeMap<>();
    for (String person : reference.population(asOf).keySet()) {
      EfiReference.Hfrs h = reference.hfrs(person, asOf);
      expected.put(person, describe(h.date(), h.tenths() / 10.0, h.band(), h.codes(), h.spells()));
      bands.merge(h.band(), 1, Integer::sum);
    }
    SortedMap<String, String> published = new TreeMap<>();
    for (Row r : rows(FrailtyStep.HFRS, asOf).rows()) {
      published.put(
          r.getAs(Cols.PERSON_ID),
          describe(
              date(r, Cols.AS_OF),
              r.<Double>getAs(Cols.HFRS_SCORE),
              r.getAs(Cols.HFRS_BAND),
              r.isNullAt(r.fieldIndex(Cols.HFRS_CODES))
                  ? null
                  : r.<String>getList(r.fieldIndex(Cols.HFRS_CODES)),
              r.<Integer>getAs(Cols.HFRS_SPELLS)));
    }
    agree("frailty/hfrs at " + asOf, expected, published);
    System.out.printf(
        Locale.ROOT, "HFRS at %s: %,d people agree; bands %s%n", asOf, expected.size(), bands);
    assertTrue(
        bands.getOrDefault("intermediate", 0) + bands.getOrDefault("high", 0) > 0, "" + bands);
  }

  /** The score exactly as a double of tenths / 10, so 15.0 from tenths never reads 14.999... */
  private static String describe(
      LocalDate date, double score, String band, List<String> codes, int spells) {
    return String.format(
        Locale.ROOT,
        "as_of=%s score=%s band=%s codes=%s spells=%d",
        date,
        Double.toString(score),
        band,
        codes,
        spells);
  }

  // ------------------------------------------------------------- trajectory and progression

  @Test
  void trajectoryAndProgressionAtTheExtractDateAgree() {
    trajectoryAgrees(EXTRACT_DATE);
  }

  @Test
  void trajectoryAndProgressionAYearBeforeAgree() {
    trajectoryAgrees(YEAR_BEFORE);
  }

  private static void trajectoryAgrees(LocalDate asOf) {
    List<LocalDate> ends = EfiReference.quarterEnds(asOf, QUARTERS);
    List<EfiReference.Efi> path = new ArrayList<>();
    SortedMap<String, String> expected = new TreeMap<>();
    for (LocalDate q : ends) {
      for (EfiReference.Member m : reference.population(q).values()) {
        EfiReference.Efi e = reference.efi(m, false);
        path.add(e);
        expected.put(
            m.personId() + " " + q, describe(m.age(), e.deficitCount(), e.score(), e.category()));
      }
    }
    SortedMap<String, String> published = new TreeMap<>();
    Set<LocalDate> dates = new HashSet<>();
    for (Row r : rows(FrailtyStep.TRAJECTORY, asOf).rows()) {
      dates.add(date(r, Cols.AT_DATE));
      published.put(
          r.getAs(Cols.PERSON_ID) + " " + date(r, Cols.AT_DATE),
          describe(
              r.<Integer>getAs(Cols.AGE),
              r.<Integer>getAs(Cols.DEFICIT_COUNT),
              r.<Double>getAs(Cols.EFI_SCORE),
              r.getAs(Cols.EFI_CATEGORY)));
    }
    assertEquals(new HashSet<>(ends), dates, "quarter ends of the trajectory at " + asOf);
    agree("frailty/trajectory at " + asOf, expected, published);

    SortedMap<String, EfiReference.Progression> progression = EfiReference.progression(path);
    SortedMap<String, String> expectedProgression = new TreeMap<>();
    progression.forEach((person, p) -> expectedProgression.put(person, describe(p)));
    SortedMap<String, String> publishedProgression = new TreeMap<>();
    List<String> slopes = new ArrayList<>();
    int withSlope = 0;
    for (Row r : rows(FrailtyStep.PROGRESSION, asOf).rows()) {
      String person = r.getAs(Cols.PERSON_ID);
      Double slope =
          r.isNullAt(r.fieldIndex(Cols.EFI_CHANGE_PER_YEAR))
              ? null
              : r.<Double>getAs(Cols.EFI_CHANGE_PER_YEAR);
      EfiReference.Progression p =
          new EfiReference.Progression(
              person,
              ((Number) r.getAs(Cols.TRAJECTORY_POINTS)).intValue(),
              date(r, Cols.FIRST_DATE),
              date(r, Cols.LAST_DATE),
              r.<Double>getAs(Cols.FIRST_SCORE),
              r.<Double>getAs(Cols.LAST_SCORE),
              ((Number) r.getAs(Cols.DEFICITS_GAINED)).intValue(),
              slope);
      publishedProgression.put(person, describe(p));
      EfiReference.Progression q = progression.get(person);
      if (q != null && q.changePerYear() != null && slope != null) {
        withSlope++;
        if (Math.abs(q.changePerYear() - slope) > 1e-9) {
          slopes.add(person + ": reference " + q.changePerYear() + ", published " + slope);
        }
      }
    }
    agree("frailty/progression at " + asOf, expectedProgression, publishedProgression);
    assertTrue(
        slopes.isEmpty(), slopes.size() + " slopes differ by more than 1e-9, e.g. " + head(slopes));
    System.out.printf(
        Locale.ROOT,
        "trajectory at %s: %,d rows over %d quarter ends agree; %,d progressions agree (%,d slopes)%n",
        asOf,
        expected.size(),
        ends.size(),
        progression.size(),
        withSlope);
    assertTrue(withSlope > PEOPLE / 2, withSlope + " slopes compared");
  }

  private static String describe(int age, int count, double score, String category) {
    return String.format(
        Locale.ROOT, "age=%d count=%d score=%s category=%s", age, count, score, category);
  }

  /** Every field but the slope, compared to 1e-9 separately; its presence is compared here. */
  private static String describe(EfiReference.Progression p) {
    return String.format(
        Locale.ROOT,
        "points=%d first=%s %s last=%s %s gained=%d slope=%s",
        p.points(),
        p.firstDate(),
        Double.toString(p.firstScore()),
        p.lastDate(),
        Double.toString(p.lastScore()),
        p.deficitsGained(),
        p.changePerYear() == null ? "none" : "present");
  }

  // ------------------------------------------------------------------------- deficit periods

  @Test
  void deficitPeriodsAgree() {
    Map<String, String> sexes = new HashMap<>();
    for (EfiReference.Registration r : registrations) {
      String earlier = sexes.putIfAbsent(r.personId(), r.sex());
      assertTrue(earlier == null || earlier.equals(r.sex()), "one sex per person: " + r);
    }
    SortedMap<String, String> expected = new TreeMap<>();
    for (Map.Entry<String, String> p : sexes.entrySet()) {
      reference
          .codedDeficits(p.getKey(), p.getValue(), EXTRACT_DATE)
          .forEach((no, start) -> expected.put(p.getKey() + " " + no + " " + start, "open"));
      for (LocalDate[] run : reference.polypharmacyRuns(p.getKey())) {
        expected.put(
            p.getKey() + " " + definition.polypharmacy() + " " + run[0], String.valueOf(run[1]));
      }
    }
    SortedMap<String, String> published = new TreeMap<>();
    for (Row r : rows(FrailtyStep.PERIODS, EXTRACT_DATE).rows()) {
      LocalDate end = date(r, Cols.PERIOD_END);
      published.put(
          r.getAs(Cols.PERSON_ID)
              + " "
              + r.getAs(Cols.DEFICIT_NO)
              + " "
              + date(r, Cols.PERIOD_START),
          end == null ? "open" : end.toString());
    }
    agree("frailty/deficit_periods", expected, published);
  }

  // -------------------------------------------------------------------------------- truth

  /**
   * The generator records each coded deficit at its true onset with one code of that deficit
   * (PersonSimulator.eventLines), and its eGFR values are below 60 only once CKD has set in, so the
   * coded deficits present at the extract date are at least the true ones, and exactly them for
   * people none of whose codes is listed under a second deficit.
   */
  @Test
  void codedDeficitsAtTheExtractDateMatchTheGeneratorsTruth() throws IOException {
    Map<String, String[]> truth = new HashMap<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(extract.resolve("truth/people.csv.gz"))),
                StandardCharsets.UTF_8))) {
      List<String> header = List.of(in.readLine().split(","));
      assertEquals(6, header.indexOf("deficits_at_as_of"), header.toString());
      assertEquals(8, header.indexOf("registered_at_as_of"), header.toString());
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(",", -1);
        truth.put(f[0], f);
      }
    }
    assertEquals(PEOPLE, truth.size());
    Map<String, Set<String>> sharedCodes = new HashMap<>();
    for (EfiReference.Event e : events) {
      if (!e.date().isAfter(EXTRACT_DATE)
          && reference.deficitsOf(e.system(), e.code()).size() > 1) {
        sharedCodes.computeIfAbsent(e.personId(), k -> new HashSet<>()).add(e.code());
      }
    }
    SortedMap<String, EfiReference.Member> population = reference.population(EXTRACT_DATE);
    int compared = 0;
    int exact = 0;
    int shared = 0;
    int sharedExact = 0;
    List<String> below = new ArrayList<>();
    List<String> above = new ArrayList<>();
    List<String> membership = new ArrayList<>();
    for (Map.Entry<String, String[]> t : truth.entrySet()) {
      String person = t.getKey();
      boolean registered = Boolean.parseBoolean(t.getValue()[8]);
      EfiReference.Member m = population.get(person);
      if (registered != (m != null)) {
        // Registered per the truth means still registered (no end); the population also counts
        // a registration that ends on the date, and a child is registered but not scored.
        boolean endsOnTheDate =
            m != null
                && registrations.stream()
                    .anyMatch(r -> r.personId().equals(person) && EXTRACT_DATE.equals(r.end()));
        boolean child =
            registered
                && reference
                    .registeredOn(person, EXTRACT_DATE)
                    .map(x -> x.age() < 18)
                    .orElse(false);
        if (!endsOnTheDate && !child) {
          membership.add(person + " registered " + registered + ", scored " + (m != null));
        }
      }
      if (!registered || m == null) {
        continue;
      }
      int expected = Integer.parseInt(t.getValue()[6]);
      SortedMap<Integer, LocalDate> d = reference.efi(m, false).deficits();
      d.remove(definition.polypharmacy());
      int computed = d.size();
      compared++;
      boolean multi = sharedCodes.containsKey(person);
      shared += multi ? 1 : 0;
      if (computed == expected) {
        exact++;
        sharedExact += multi ? 1 : 0;
      } else if (computed < expected) {
        below.add(person + ": truth " + expected + ", computed " + computed + " " + d);
      } else if (!multi) {
        above.add(person + ": truth " + expected + ", computed " + computed + " " + d);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "truth at %s: %,d registered adults; coded deficits equal the truth for %,d (%.2f%%);"
            + " %,d have a code listed under two deficits, of whom %,d still equal%n",
        EXTRACT_DATE,
        compared,
        exact,
        100.0 * exact / compared,
        shared,
        sharedExact);
    assertTrue(
        membership.isEmpty(), membership.size() + " membership differences " + head(membership));
    assertTrue(below.isEmpty(), below.size() + " below the truth, e.g. " + head(below));
    assertTrue(
        above.isEmpty(),
        above.size() + " above the truth without a shared code, e.g. " + head(above));
    assertTrue(compared > PEOPLE / 2 && shared > 0 && shared < compared, compared + " " + shared);
  }

  // ------------------------------------------------------------------------------ comparing

  /** Fails listing the first few people whose rows differ, are missing or are extra. */
  private static void agree(
      String what, SortedMap<String, String> expected, SortedMap<String, String> published) {
    List<String> diffs = new ArrayList<>();
    Set<String> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(published.keySet());
    for (String k : keys) {
      String e = expected.get(k);
      String p = published.get(k);
      if (e == null || !e.equals(p)) {
        diffs.add(k + "\n    reference: " + e + "\n    published: " + p);
      }
    }
    if (!diffs.isEmpty()) {
      fail(
          what
              + ": "
              + diffs.size()
              + " of "
              + keys.size()
              + " differ (reference "
              + expected.size()
              + ", published "
              + published.size()
              + "); first "
              + Math.min(SHOWN, diffs.size())
              + ":\n  "
              + String.join("\n  ", diffs.subList(0, Math.min(SHOWN, diffs.size()))));
    }
  }

  private static String head(List<String> items) {
    return String.join("; ", items.subList(0, Math.min(SHOWN, items.size())));
  }
}

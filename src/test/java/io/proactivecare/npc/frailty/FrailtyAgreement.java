package io.proactivecare.npc.frailty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.spark.sql.Row;

/**
 * Compares what {@code npc frailty} published in a warehouse with {@link EfiReference} run on the
 * same warehouse's conformed tables, person by person, and fails listing the first few people that
 * differ with both sides' values.
 */
final class FrailtyAgreement {
  /** People shown when outputs differ. */
  static final int SHOWN = 5;

  final Warehouse warehouse;
  final Catalog catalog;
  final NpcConfig config = ConfigLoader.load(Optional.empty(), Map.of()).config();
  final EfiDefinition definition = EfiDefinition.load(config.frailty());
  final LocalDate extractDate;
  final List<EfiReference.Registration> registrations;
  final List<EfiReference.Event> events;
  final List<EfiReference.Issue> issues;
  final List<EfiReference.Spell> spells;
  final EfiReference reference;

  /** Collects the conformed inputs of extract {@code extractDate} (default settings). */
  FrailtyAgreement(Warehouse warehouse, LocalDate extractDate) {
    this.warehouse = warehouse;
    this.catalog = warehouse.catalog();
    this.extractDate = extractDate;
    registrations =
        rows(IngestStep.conformed("gp_registrations"), extractDate)
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
        rows(IngestStep.conformed("gp_events"), extractDate)
            .map(
                r ->
                    new EfiReference.Event(
                        r.getAs(Cols.PERSON_ID),
                        date(r, Cols.EVENT_DATE),
                        r.getAs(Cols.CODE_SYSTEM),
                        r.getAs(Cols.CODE),
                        r.getAs(Cols.VALUE)));
    issues =
        rows(IngestStep.conformed("gp_medications"), extractDate)
            .map(
                r ->
                    new EfiReference.Issue(
                        r.getAs(Cols.PERSON_ID),
                        date(r, Cols.ISSUE_DATE),
                        r.getAs(Cols.MEDICINE_CODE),
                        r.getAs(Cols.BNF_CODE)));
    spells =
        rows(IngestStep.conformed("apc_spells"), extractDate)
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
        rows(IngestStep.conformed("practice_pcn"), extractDate)
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
  }

  /** The rows of the published version {@code key} of {@code output}. */
  Rows rows(String output, LocalDate key) {
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
    Rows {
      assertEquals(published, rows.size(), "rows read against the catalog's count");
    }

    <T> List<T> map(Function<Row, T> f) {
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

  // ------------------------------------------------------------------------------------- eFI

  /** Asserts frailty/efi at {@code asOf} agrees; returns the reference's rows, by person. */
  SortedMap<String, EfiReference.Efi> efi(LocalDate asOf) {
    SortedMap<String, EfiReference.Efi> computed = new TreeMap<>();
    SortedMap<String, String> expected = new TreeMap<>();
    for (EfiReference.Member m : reference.population(asOf).values()) {
      EfiReference.Efi e = reference.efi(m, true);
      computed.put(m.personId(), e);
      expected.put(m.personId(), describe(asOf, e));
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
        assertNull(deficits.put(no, date(d, Cols.FIRST_RECORDED)), "deficit " + no + " twice");
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
      assertNull(published.put(m.personId(), describe(asOf, e)), m.personId() + " twice");
    }
    agree(FrailtyStep.EFI + " at " + asOf, expected, published);
    return computed;
  }

  /** Every compared field of one eFI row as text; the score exactly, as Java prints a double. */
  private static String describe(LocalDate asOf, EfiReference.Efi e) {
    EfiReference.Member m = e.member();
    return "as_of="
        + (m.date().equals(asOf) ? asOf : "WRONG " + m.date())
        + " practice="
        + m.practiceCode()
        + " pcn="
        + m.pcnCode()
        + " sex="
        + m.sex()
        + " age="
        + m.age()
        + " count="
        + e.deficitCount()
        + " score="
        + e.score()
        + " category="
        + e.category()
        + " outside="
        + e.outsideValidatedAge()
        + " medicines="
        + e.polypharmacyMedicines()
        + " deficits="
        + e.deficits();
  }

  // ------------------------------------------------------------------------------------ HFRS

  /** Asserts frailty/hfrs at {@code asOf} agrees; returns the reference's rows, by person. */
  SortedMap<String, EfiReference.Hfrs> hfrs(LocalDate asOf) {
    SortedMap<String, EfiReference.Hfrs> computed = new TreeMap<>();
    SortedMap<String, String> expected = new TreeMap<>();
    for (String person : reference.population(asOf).keySet()) {
      EfiReference.Hfrs h = reference.hfrs(person, asOf);
      computed.put(person, h);
      expected.put(person, describe(h.date(), h.tenths() / 10.0, h.band(), h.codes(), h.spells()));
    }
    SortedMap<String, String> published = new TreeMap<>();
    for (Row r : rows(FrailtyStep.HFRS, asOf).rows()) {
      String person = r.getAs(Cols.PERSON_ID);
      String row =
          describe(
              date(r, Cols.AS_OF),
              r.<Double>getAs(Cols.HFRS_SCORE),
              r.getAs(Cols.HFRS_BAND),
              r.isNullAt(r.fieldIndex(Cols.HFRS_CODES))
                  ? null
                  : r.<String>getList(r.fieldIndex(Cols.HFRS_CODES)),
              r.<Integer>getAs(Cols.HFRS_SPELLS));
      assertNull(published.put(person, row), person + " twice");
    }
    agree(FrailtyStep.HFRS + " at " + asOf, expected, published);
    return computed;
  }

  /** The score is compared as the double tenths / 10 gives, so 15.0 never reads 14.999... */
  private static String describe(
      LocalDate date, double score, String band, List<String> codes, int spells) {
    return "as_of="
        + date
        + " score="
        + score
        + " band="
        + band
        + " codes="
        + codes
        + " spells="
        + spells;
  }

  // ---------------------------------------------------------------- trajectory and progression

  /** What a trajectory comparison covered. */
  record TrajectorySummary(int rows, int people, int slopes) {}

  /**
   * Asserts frailty/trajectory (at each of the last {@code quarters} quarter ends) and
   * frailty/progression at {@code asOf} agree, slopes to 1e-9.
   */
  TrajectorySummary trajectory(LocalDate asOf, int quarters) {
    List<LocalDate> ends = EfiReference.quarterEnds(asOf, quarters);
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
      dates.add(date(r, Cols.AS_OF));
      String key = r.getAs(Cols.PERSON_ID) + " " + date(r, Cols.AS_OF);
      String row =
          describe(
              r.<Integer>getAs(Cols.AGE),
              r.<Integer>getAs(Cols.DEFICIT_COUNT),
              r.<Double>getAs(Cols.EFI_SCORE),
              r.getAs(Cols.EFI_CATEGORY));
      assertNull(published.put(key, row), key + " twice");
    }
    assertEquals(new HashSet<>(ends), dates, "quarter ends of the trajectory at " + asOf);
    agree(FrailtyStep.TRAJECTORY + " at " + asOf, expected, published);

    SortedMap<String, EfiReference.Progression> progression = EfiReference.progression(path);
    SortedMap<String, String> expectedProgression = new TreeMap<>();
    progression.forEach((person, p) -> expectedProgression.put(person, describe(p)));
    SortedMap<String, String> publishedProgression = new TreeMap<>();
    List<String> slopes = new ArrayList<>();
    int compared = 0;
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
      assertNull(publishedProgression.put(person, describe(p)), person + " twice");
      EfiReference.Progression q = progression.get(person);
      if (q != null && q.changePerYear() != null && slope != null) {
        compared++;
        if (Math.abs(q.changePerYear() - slope) > 1e-9) {
          slopes.add(person + ": reference " + q.changePerYear() + ", published " + slope);
        }
      }
    }
    agree(FrailtyStep.PROGRESSION + " at " + asOf, expectedProgression, publishedProgression);
    assertTrue(
        slopes.isEmpty(),
        FrailtyStep.PROGRESSION
            + " at "
            + asOf
            + ": "
            + slopes.size()
            + " slopes differ by more than 1e-9, e.g. "
            + head(slopes));
    return new TrajectorySummary(expected.size(), progression.size(), compared);
  }

  private static String describe(int age, int count, double score, String category) {
    return "age=" + age + " count=" + count + " score=" + score + " category=" + category;
  }

  /** Every field but the slope, compared to 1e-9 separately; its presence is compared here. */
  private static String describe(EfiReference.Progression p) {
    return "points="
        + p.points()
        + " first="
        + p.firstDate()
        + " "
        + p.firstScore()
        + " last="
        + p.lastDate()
        + " "
        + p.lastScore()
        + " gained="
        + p.deficitsGained()
        + " slope="
        + (p.changePerYear() == null ? "none" : "present");
  }

  // -------------------------------------------------------------------------- deficit periods

  /**
   * Asserts frailty/deficit_periods agrees: one open period per coded deficit from its first
   * qualifying date in the whole record, and a period per run of polypharmacy days. A person's sex
   * for the value rules must be the same on all their registrations (the docs do not say which
   * applies otherwise). Returns the number of periods.
   */
  int periods() {
    Map<String, String> sexes = new HashMap<>();
    for (EfiReference.Registration r : registrations) {
      String earlier = sexes.putIfAbsent(r.personId(), r.sex());
      assertTrue(earlier == null || earlier.equals(r.sex()), "one sex per person: " + r);
    }
    SortedMap<String, String> expected = new TreeMap<>();
    for (Map.Entry<String, String> p : sexes.entrySet()) {
      reference
          .codedDeficits(p.getKey(), p.getValue(), extractDate)
          .forEach((no, start) -> expected.put(p.getKey() + " " + no + " " + start, "open"));
      for (LocalDate[] run : reference.polypharmacyRuns(p.getKey())) {
        expected.put(
            p.getKey() + " " + definition.polypharmacy() + " " + run[0], run[1].toString());
      }
    }
    SortedMap<String, String> published = new TreeMap<>();
    for (Row r : rows(FrailtyStep.PERIODS, extractDate).rows()) {
      String key =
          r.getAs(Cols.PERSON_ID)
              + " "
              + r.getAs(Cols.DEFICIT_NO)
              + " "
              + date(r, Cols.PERIOD_START);
      LocalDate end = date(r, Cols.PERIOD_END);
      assertNull(published.put(key, end == null ? "open" : end.toString()), key + " twice");
    }
    agree(FrailtyStep.PERIODS, expected, published);
    return expected.size();
  }

  // ------------------------------------------------------------------------------- comparing

  /** Fails listing the first few keys whose rows differ, are missing or are extra. */
  static void agree(
      String what, SortedMap<String, String> expected, SortedMap<String, String> published) {
    List<String> diffs = new ArrayList<>();
    Set<String> keys = new TreeSet<>(expected.keySet());
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
              + " rows, published "
              + published.size()
              + "); first "
              + Math.min(SHOWN, diffs.size())
              + ":\n  "
              + String.join("\n  ", diffs.subList(0, Math.min(SHOWN, diffs.size()))));
    }
  }

  static String head(List<String> items) {
    return String.join("; ", items.subList(0, Math.min(SHOWN, items.size())));
  }
}

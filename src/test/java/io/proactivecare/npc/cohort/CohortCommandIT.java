package io.proactivecare.npc.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.testing.Trees;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Sensitivity;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc cohort} end to end on a generated population: two consecutive runs (new, continuing
 * and leaving), the per-PCN lists in the publish area (no list holds another PCN's person), the
 * disclosure-controlled aggregates, a failing run that leaves every output as it was, and the
 * per-PCN quota, the palliative register, an earlier date run again, and monitoring. Every test
 * starts from the same two runs ({@link #twoRuns}, made once) and runs in any order; a test that
 * runs the cohort again does so on a copy of their warehouse and publish area ({@link #onACopy}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CohortCommandIT {
  private static final String D1 = "2024-09-30";
  private static final String D2 = "2025-03-31";

  /** The leaving reasons the list documents (README.md and the issue), independent of the code. */
  private static final Set<String> LEAVING_REASONS =
      Set.of(
          "died",
          "deregistered",
          "moved_out_of_area",
          "moved_pcn",
          "entered_care_home",
          "palliative_care",
          "not_scored",
          "risk_fell");

  @TempDir static Path tmp;
  private Path wh;
  private Path publish;

  /** Everyone registered at a date, from {@code cohort/eligibility}. */
  record Person(
      String person,
      String pcn,
      boolean eligible,
      String exclusion,
      Double probability,
      boolean selected,
      boolean inCohort) {}

  /** One row of {@code cohort/list}. */
  record ListRow(
      String person,
      String pcn,
      String status,
      String reason,
      boolean inCohort,
      String since,
      Integer listRank,
      String asOf,
      String practice) {
    String key() {
      return person + "|" + pcn + "|" + status + "|" + reason + "|" + listRank;
    }
  }

  // What every test starts from (twoRuns, made once): each run's outputs as read right after it.
  private Npc.Result run1;
  private Npc.Result run2;
  private List<Person> elig1;
  private List<ListRow> list1;
  private List<Person> elig2;
  private List<ListRow> list2;

  // The shared warehouse and publish area of the two runs; a test that changes what they hold
  // works on a copy (onACopy).
  private Path sharedWh;
  private Path sharedPublish;

  private Npc.Result ok(String... args) {
    Npc.Result r = Npc.run(wh, args);
    assertEquals(0, r.exitCode(), () -> String.join(" ", args) + "\n" + r.err() + r.out());
    return r;
  }

  private Npc.Result cohort(String date, String... extra) {
    List<String> args = new ArrayList<>(List.of("cohort", "--as-of", date, "--set"));
    args.add("publish=" + publish);
    args.addAll(List.of(extra));
    return Npc.run(wh, args.toArray(String[]::new));
  }

  @BeforeAll
  void population() {
    sharedWh = tmp.resolve("wh");
    sharedPublish = tmp.resolve("publish");
    wh = sharedWh;
    publish = sharedPublish;
    Path extract = tmp.resolve("extract");
    ok("generate", "--people", "2500", "--seed", "31", "--as-of", D2, "--out", extract.toString());
    ok("ingest", "--extract", extract.toString());
  }

  /** Each test starts on the shared warehouse. */
  @BeforeEach
  void shared() {
    wh = sharedWh;
    publish = sharedPublish;
  }

  /**
   * What every test starts from: the cohort at D1, then at D2, in the shared warehouse, each run's
   * eligibility and list read right after it. Made on first use.
   */
  private synchronized void twoRuns() {
    if (run2 != null) {
      return;
    }
    run1 = cohort(D1);
    assertEquals(0, run1.exitCode(), run1.err() + run1.out());
    elig1 = eligibility(D1);
    list1 = list(D1);
    run2 = cohort(D2);
    assertEquals(0, run2.exitCode(), run2.err() + run2.out());
    elig2 = eligibility(D2);
    list2 = list(D2);
  }

  /**
   * Points this test at a copy of the two runs' warehouse and publish area, for a test that runs
   * something there: the other tests keep reading the two runs as they were.
   */
  private void onACopy(String name) {
    twoRuns();
    wh = Trees.copy(sharedWh, tmp.resolve(name + "/wh"));
    publish = Trees.copy(sharedPublish, tmp.resolve(name + "/publish"));
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the warehouse

  private Catalog catalog() {
    return new Warehouse(wh).catalog();
  }

  private Dataset<Row> table(String output, String date) {
    Catalog.TableVersion v = catalog().entry(output).orElseThrow().versions().get(date);
    assertNotNull(v, output + " has no version " + date);
    return SparkTestSession.get().read().parquet(wh.resolve(v.path()).toString());
  }

  private static String str(Row r, String column) {
    Object v = r.getAs(column);
    return v == null ? null : v.toString();
  }

  private List<Person> eligibility(String date) {
    List<Person> out = new ArrayList<>();
    for (Row r :
        table("cohort/eligibility", date)
            .select(
                "person_id",
                "pcn_code",
                "eligible",
                "exclusion",
                "risk_probability",
                "selected",
                "in_cohort")
            .collectAsList()) {
      out.add(
          new Person(
              str(r, "person_id"),
              str(r, "pcn_code"),
              r.getAs("eligible"),
              str(r, "exclusion"),
              r.getAs("risk_probability"),
              r.getAs("selected"),
              r.getAs("in_cohort")));
    }
    return out;
  }

  private List<ListRow> list(String date) {
    List<ListRow> out = new ArrayList<>();
    for (Row r :
        table("cohort/list", date)
            .select(
                "person_id",
                "pcn_code",
                "status",
                "change_reason",
                "in_cohort",
                "in_cohort_since",
                "list_rank",
                "as_of",
                "practice_code")
            .collectAsList()) {
      out.add(
          new ListRow(
              str(r, "person_id"),
              str(r, "pcn_code"),
              str(r, "status"),
              str(r, "change_reason"),
              r.getAs("in_cohort"),
              str(r, "in_cohort_since"),
              r.getAs("list_rank"),
              str(r, "as_of"),
              str(r, "practice_code")));
    }
    return out;
  }

  /** ceil(0.05 * n), exactly. */
  private static long fivePercent(long n) {
    return (n * 5 + 99) / 100;
  }

  private static Map<String, String> pcnOf(List<Person> people) {
    Map<String, String> m = new HashMap<>();
    people.forEach(p -> m.put(p.person(), p.pcn()));
    return m;
  }

  /** person to PCN of a list's members (new or continuing). */
  private static Map<String, String> members(List<ListRow> list) {
    Map<String, String> m = new HashMap<>();
    for (ListRow r : list) {
      if (r.inCohort()) {
        assertEquals(null, m.put(r.person(), r.pcn()), "a member on two lists: " + r);
      }
    }
    return m;
  }

  /**
   * The eligible people ranked by risk, highest first, equal risks by person id: the selected are
   * exactly the first {@code k} of {@code group}.
   */
  private static void assertTopByRisk(List<Person> group, long k, String what) {
    List<Person> ranked =
        group.stream()
            .filter(Person::eligible)
            .sorted(
                Comparator.comparing(Person::probability).reversed().thenComparing(Person::person))
            .toList();
    for (int i = 0; i < ranked.size(); i++) {
      assertEquals(
          i < k, ranked.get(i).selected(), what + ": rank " + (i + 1) + " " + ranked.get(i));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Two consecutive runs

  @Test
  void theFirstRunSelectsTheTopFivePercentAllNew() {
    twoRuns();
    long eligible = elig1.stream().filter(Person::eligible).count();
    long selected = elig1.stream().filter(Person::selected).count();
    assertTrue(eligible > 1000, "eligible: " + eligible);
    assertEquals(fivePercent(eligible), selected, "selected of " + eligible + " eligible");
    assertTrue(elig1.stream().noneMatch(p -> p.selected() && !p.eligible()), "ineligible selected");
    assertTopByRisk(elig1, selected, "area ranking at " + D1);

    assertFalse(list1.isEmpty());
    for (ListRow row : list1) {
      assertEquals("new", row.status(), row.toString());
      assertEquals("first_run", row.reason(), row.toString());
      assertTrue(row.inCohort(), row.toString());
      assertEquals(D1, row.since(), row.toString());
      assertEquals(D1, row.asOf(), row.toString());
    }
    long inCohort = list1.stream().filter(ListRow::inCohort).count();
    assertEquals(selected, inCohort, "cohort/list members against eligibility's selected");
    Set<String> selectedIds =
        elig1.stream().filter(Person::selected).map(Person::person).collect(Collectors.toSet());
    assertEquals(selectedIds, members(list1).keySet(), "the list's members are the selected");
  }

  @Test
  void theSecondRunFlagsNewContinuingAndLeavingAgainstTheFirst() {
    twoRuns();
    assertTrue(
        catalog().entry("cohort/list").orElseThrow().versions().containsKey(D1),
        "the first run's version stays");

    long eligible = elig2.stream().filter(Person::eligible).count();
    long selected = elig2.stream().filter(Person::selected).count();
    assertEquals(fivePercent(eligible), selected);
    assertTopByRisk(elig2, selected, "area ranking at " + D2);

    Map<String, String> before = members(list1);
    Map<String, String> now = members(list2);
    assertEquals(
        elig2.stream().filter(Person::inCohort).map(Person::person).collect(Collectors.toSet()),
        now.keySet(),
        "the list's members are the cohort in cohort/eligibility");
    Map<String, Person> people2 = new HashMap<>();
    elig2.forEach(p -> people2.put(p.person(), p));

    Set<String> statuses = list2.stream().map(ListRow::status).collect(Collectors.toSet());
    assertEquals(Set.of("new", "continuing", "leaving"), statuses);

    Map<String, String> practiceBefore = new HashMap<>();
    list1.forEach(l -> practiceBefore.put(l.person(), l.practice()));
    Set<String> seen = new HashSet<>();
    for (ListRow row : list2) {
      assertTrue(seen.add(row.person() + "|" + row.pcn()), "twice on one list: " + row);
      assertEquals(D2, row.asOf(), row.toString());
      String was = before.get(row.person());
      switch (row.status()) {
        case "continuing" -> {
          assertEquals(row.pcn(), was, "continuing but not on this PCN's list before: " + row);
          // Empty, or moved_practice when registered at another practice of the same PCN.
          assertEquals(
              row.practice().equals(practiceBefore.get(row.person())) ? null : "moved_practice",
              row.reason(),
              row.toString());
          assertEquals(D1, row.since(), "in_cohort_since of a continuing person: " + row);
          assertTrue(row.inCohort(), row.toString());
        }
        case "new" -> {
          assertNotEquals(row.pcn(), was, "new but on this PCN's list before: " + row);
          assertEquals(was == null ? "joined" : "moved_in", row.reason(), row.toString());
          // In the cohort since it last joined, unbroken (README.md): a move keeps the date.
          assertEquals(was == null ? D2 : D1, row.since(), row.toString());
          assertTrue(row.inCohort(), row.toString());
        }
        case "leaving" -> {
          assertTrue(LEAVING_REASONS.contains(row.reason()), "leaving reason: " + row);
          assertEquals(was, row.pcn(), "leaving a list they were not on: " + row);
          assertFalse(row.inCohort(), row.toString());
          assertEquals(null, row.listRank(), row.toString());
          assertLeavingReason(row, people2.get(row.person()));
        }
        default -> throw new AssertionError("status " + row);
      }
    }
    // Leavers are exactly the first run's members not on the same PCN's list now.
    Set<String> expectedLeavers = new TreeSet<>();
    before.forEach(
        (person, pcn) -> {
          if (!pcn.equals(now.get(person))) {
            expectedLeavers.add(person + "|" + pcn);
          }
        });
    Set<String> leavers =
        list2.stream()
            .filter(x -> x.status().equals("leaving"))
            .map(x -> x.person() + "|" + x.pcn())
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expectedLeavers, leavers);
  }

  /** A leaver's reason agrees with where they are now in {@code cohort/eligibility}. */
  private static void assertLeavingReason(ListRow row, Person now) {
    switch (row.reason()) {
      case "died", "deregistered" ->
          assertEquals(null, now, "not registered now, yet in cohort/eligibility: " + row);
      case "moved_out_of_area" -> {
        assertNotNull(now, row.toString());
        assertEquals(null, now.pcn(), row.toString());
      }
      case "moved_pcn" -> {
        assertNotNull(now, row.toString());
        assertNotNull(now.pcn(), row.toString());
        assertNotEquals(row.pcn(), now.pcn(), row.toString());
      }
      case "entered_care_home" -> assertEquals("care_home", now.exclusion(), row.toString());
      case "palliative_care" -> assertEquals("palliative_care", now.exclusion(), row.toString());
      case "not_scored" -> assertNotNull(now.exclusion(), row.toString());
      case "risk_fell" -> {
        assertEquals(row.pcn(), now.pcn(), row.toString());
        assertTrue(now.eligible() && !now.inCohort(), row + " now " + now);
      }
      default -> throw new AssertionError(row.toString());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. The per-PCN lists in the publish area

  private static List<String[]> readCsv(Path file) throws IOException {
    CsvParserSettings s = new CsvParserSettings();
    s.setLineSeparatorDetectionEnabled(true);
    s.setNullValue("");
    s.setEmptyValue("");
    s.setMaxCharsPerColumn(-1);
    s.setIgnoreLeadingWhitespaces(false);
    s.setIgnoreTrailingWhitespaces(false);
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new CsvParser(s).parseAll(in);
    }
  }

  @Test
  void eachPcnListHoldsOnlyThatPcnsPeopleIncludingMovers() throws IOException {
    twoRuns();
    List<String> columns = List.copyOf(PcnLists.COLUMNS.keySet());
    Map<String, List<ListRow>> tables = Map.of(D1, list1, D2, list2);
    Map<String, Map<String, String>> pcnAt = Map.of(D1, pcnOf(elig1), D2, pcnOf(elig2));
    Map<String, String> before = members(list1);
    // Per date and PCN folder, the rows of its CSV (as person|pcn|status|reason|rank keys).
    Map<String, Map<String, List<Map<String, String>>>> csvRows = new TreeMap<>();

    for (String date : List.of(D1, D2)) {
      List<String> fromCsv = new ArrayList<>();
      Map<String, List<Map<String, String>>> byPcn = new TreeMap<>();
      List<Path> folders;
      try (Stream<Path> s = Files.list(publish.resolve("pcn"))) {
        folders = s.filter(p -> Files.isDirectory(p.resolve(date))).sorted().toList();
      }
      assertFalse(folders.isEmpty(), "no PCN folder for " + date);
      for (Path pcnDir : folders) {
        String pcn = pcnDir.getFileName().toString();
        Path dir = pcnDir.resolve(date);
        String csvName = "cohort-" + pcn + "-" + date + ".csv";
        try (Stream<Path> s = Files.list(dir)) {
          assertEquals(
              Set.of(csvName, "cohort-" + pcn + "-" + date + ".xlsx", "README.md"),
              s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
              dir.toString());
        }
        String doc = Files.readString(dir.resolve("README.md"));
        for (String c : columns) {
          assertTrue(doc.contains("`" + c + "`"), "README.md of " + dir + " lacks " + c);
        }
        List<String[]> csv = readCsv(dir.resolve(csvName));
        assertEquals(columns, List.of(csv.get(0)), "header of " + csvName);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String[] f : csv.subList(1, csv.size())) {
          assertEquals(columns.size(), f.length, csvName + ": " + String.join(",", f));
          Map<String, String> row = new HashMap<>();
          for (int i = 0; i < f.length; i++) {
            row.put(columns.get(i), f[i]);
          }
          rows.add(row);
        }
        byPcn.put(pcn, rows);

        int rank = 0;
        boolean leaversStarted = false;
        double lastRisk = Double.POSITIVE_INFINITY;
        for (Map<String, String> row : rows) {
          String where = csvName + " row " + row;
          // The invariant: the folder's PCN is the row's PCN ...
          assertEquals(pcn, row.get("pcn_code"), where);
          assertEquals(date, row.get("as_of"), where);
          String status = row.get("status");
          String person = row.get("person_id");
          if (status.equals("new") || status.equals("continuing")) {
            // ... and a member's PCN at the date.
            assertEquals(pcn, pcnAt.get(date).get(person), "member of another PCN: " + where);
            assertFalse(leaversStarted, "a member after a leaver: " + where);
            assertEquals(Integer.toString(++rank), row.get("list_rank"), where);
            assertEquals("yes", row.get("in_cohort"), where);
            double risk = Double.parseDouble(row.get("risk_probability"));
            assertTrue(risk <= lastRisk, "not ordered by risk: " + where);
            lastRisk = risk;
          } else {
            assertEquals("leaving", status, where);
            leaversStarted = true;
            // ... and a leaver's PCN on the previous run's list.
            assertEquals(D2, date, where);
            assertEquals(pcn, before.get(person), "leaver of another PCN: " + where);
            assertEquals("", row.get("list_rank"), where);
            assertEquals("no", row.get("in_cohort"), where);
          }
          fromCsv.add(
              person
                  + "|"
                  + row.get("pcn_code")
                  + "|"
                  + status
                  + "|"
                  + (row.get("change_reason").isEmpty() ? null : row.get("change_reason"))
                  + "|"
                  + (row.get("list_rank").isEmpty() ? null : row.get("list_rank")));
        }
      }
      csvRows.put(date, byPcn);
      // The union of the CSVs is the table: no row lost, none duplicated.
      List<String> fromTable =
          new ArrayList<>(tables.get(date).stream().map(ListRow::key).toList());
      fromTable.sort(null);
      fromCsv.sort(null);
      assertEquals(fromTable, fromCsv, "the CSVs against cohort/list at " + date);
    }

    // People who moved PCN between the runs while in the first run's cohort.
    Map<String, String> now = members(list2);
    int moved = 0;
    int movedAndStillIn = 0;
    for (Map.Entry<String, String> e : before.entrySet()) {
      String person = e.getKey();
      String oldPcn = e.getValue();
      String newPcn = pcnAt.get(D2).get(person);
      if (newPcn == null || newPcn.equals(oldPcn)) {
        continue;
      }
      moved++;
      assertTrue(
          hasRow(csvRows.get(D2).get(oldPcn), person, "leaving", "moved_pcn"),
          person + " moved " + oldPcn + " -> " + newPcn + ": not leaving (moved_pcn) the old list");
      if (now.containsKey(person)) {
        movedAndStillIn++;
        assertEquals(newPcn, now.get(person));
        assertTrue(
            hasRow(csvRows.get(D2).get(newPcn), person, "new", "moved_in"),
            person + " moved " + oldPcn + " -> " + newPcn + ": not new (moved_in) on the new list");
      }
    }
    System.out.printf(
        "PCN movers among the %s cohort: %d, of whom %d are in the %s cohort%n",
        D1, moved, movedAndStillIn, D2);
  }

  private static boolean hasRow(
      List<Map<String, String>> rows, String person, String status, String reason) {
    return rows != null
        && rows.stream()
            .anyMatch(
                r ->
                    r.get("person_id").equals(person)
                        && r.get("status").equals(status)
                        && r.get("change_reason").equals(reason));
  }

  // ---------------------------------------------------------------------------------------------
  // 3. The aggregates

  /** The count columns of each published aggregate. */
  private static final Map<String, List<String>> COUNT_COLUMNS =
      Map.of(
          "concentration", List.of("cohort_value", "population_value"),
          "profile", List.of("cohort_people", "population_people"),
          "measures", List.of("numerator"),
          "churn",
              List.of(
                  "previous_size",
                  "stayed",
                  "entered",
                  "left",
                  "left_died",
                  "left_deregistered",
                  "left_moved_out_of_area",
                  "left_moved_pcn",
                  "left_entered_care_home",
                  "left_palliative_care",
                  "left_not_scored",
                  "left_risk_fell",
                  "current_size"),
          "funnel", List.of("people"));

  /** Derived rates and the counts they are computed from: suppressed with them. */
  private static final Map<String, Map<String, List<String>>> RATES =
      Map.of(
          "concentration", Map.of("cohort_share_pct", List.of("cohort_value", "population_value")),
          "measures", Map.of("value", List.of("numerator")),
          "profile",
              Map.of(
                  "cohort_pct", List.of("cohort_people"),
                  "population_pct", List.of("population_people"),
                  "representation_ratio", List.of("cohort_people", "population_people")));

  private static void assertPublishable(long v, String where) {
    assertFalse(v >= 1 && v <= 7, "a count of 1..7 published: " + where);
    assertEquals(0, v % 5, "a count not rounded to 5: " + where);
    assertTrue(v >= 0, where);
  }

  @Test
  void theAggregatesAreDisclosureControlledAndLabelledAggregate() throws IOException {
    twoRuns();
    for (String date : List.of(D1, D2)) {
      Path dir = publish.resolve("aggregate").resolve(date).resolve("cohort");
      try (Stream<Path> s = Files.list(dir)) {
        assertEquals(
            Set.of(
                "concentration.csv",
                "profile.csv",
                "churn.csv",
                "funnel.csv",
                "measures.csv",
                "README.md"),
            s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
            dir.toString());
      }
      int numbers = 0;
      for (Map.Entry<String, List<String>> e : COUNT_COLUMNS.entrySet()) {
        Path file = dir.resolve(e.getKey() + ".csv");
        List<String[]> csv = readCsv(file);
        List<String> header = List.of(csv.get(0));
        assertTrue(header.containsAll(e.getValue()), file + " header " + header);
        assertTrue(csv.size() > 1, file + " is empty");
        for (String[] f : csv.subList(1, csv.size())) {
          Map<String, String> row = new HashMap<>();
          for (int i = 0; i < header.size(); i++) {
            row.put(header.get(i), f[i]);
          }
          for (String c : e.getValue()) {
            String v = row.get(c);
            String where = file + " " + c + " in " + String.join(",", f);
            if (!v.equals("*")) {
              assertTrue(v.matches("\\d+"), "not a count or *: " + where);
              assertPublishable(Long.parseLong(v), where);
              numbers++;
            }
          }
          for (Map.Entry<String, List<String>> rate :
              RATES.getOrDefault(e.getKey(), Map.of()).entrySet()) {
            if (rate.getValue().stream().anyMatch(c -> row.get(c).equals("*"))) {
              assertEquals(
                  "*",
                  row.get(rate.getKey()),
                  "a rate published with a suppressed count: " + String.join(",", f));
            }
          }
        }
        // The warehouse copy: a suppressed value is null, every other count publishable.
        Dataset<Row> parquet = table("cohort/" + e.getKey(), date);
        assertEquals(csv.size() - 1, parquet.count(), "rows of cohort/" + e.getKey());
        for (Row r : parquet.collectAsList()) {
          for (StructField field : parquet.schema().fields()) {
            if (field.dataType().equals(DataTypes.LongType) && r.getAs(field.name()) != null) {
              assertPublishable(
                  r.<Long>getAs(field.name()), "cohort/" + e.getKey() + " " + field.name());
            }
          }
        }
      }
      assertTrue(numbers > 20, "too few published numbers to mean anything: " + numbers);
      // The long measures table holds the very figures the wide tables show.
      Map<String, String> figures = new HashMap<>();
      for (String[] f : readCsv(dir.resolve("measures.csv"))) {
        figures.put(String.join("|", f[0], f[1], f[2], f[3]), f[4]);
      }
      int compared = 0;
      List<String[]> concentration = readCsv(dir.resolve("concentration.csv"));
      for (String[] f : concentration.subList(1, concentration.size())) {
        // base, scope, group, measure, cohort_value, population_value, cohort_share_pct
        assertEquals(f[4], figures.get(String.join("|", f[3], "cohort", f[1], f[2])), f[3]);
        assertEquals(f[5], figures.get(String.join("|", f[3], f[0], f[1], f[2])), f[3]);
        compared++;
      }
      assertTrue(compared > 20, "compared " + compared);
    }
    Catalog c = catalog();
    for (String o :
        List.of(
            "cohort/concentration",
            "cohort/profile",
            "cohort/churn",
            "cohort/funnel",
            "cohort/measures")) {
      assertEquals(Sensitivity.AGGREGATE, c.entry(o).orElseThrow().sensitivity(), o);
    }
    for (String o : List.of("cohort/list", "cohort/eligibility")) {
      assertEquals(Sensitivity.PATIENT_LEVEL, c.entry(o).orElseThrow().sensitivity(), o);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 4. A failing run leaves everything as it was

  private static Map<String, String> hashTree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.sorted().toList();
    }
    for (Path p : all) {
      String rel = root.relativize(p).toString();
      out.put(rel, Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p)));
    }
    return out;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBrokenCodelistFailsTheRunAndLeavesThePreviousOutputs() throws IOException {
    onACopy("broken-codelist");
    Path broken = tmp.resolve("palliative_broken.csv");
    Files.writeString(
        broken,
        "code,term,cluster\n"
            + "103735009,Palliative care,PALCARE_COD\n"
            + "305496007,\"Under care of palliative care physician, hospice\",PALLIATIVE\n");
    Map<String, String> publishedFiles = hashTree(publish);
    assertTrue(publishedFiles.size() > 10, "the publish area is populated: " + publishedFiles);
    Catalog before = catalog();

    Npc.Result r = cohort(D2, "--set", "cohort.palliative_codelist=" + broken);

    assertEquals(2, r.exitCode(), r.err() + r.out());
    List<String> err = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, err.size(), "one line, no stack trace:\n" + r.err());
    String line = err.get(0);
    assertTrue(line.startsWith("npc: "), line);
    assertTrue(line.contains(broken.toString()), "names the file: " + line);
    assertTrue(line.contains("line 3"), "names the line: " + line);
    assertTrue(line.contains("column cluster"), "names the column: " + line);
    assertTrue(line.contains("PALLIATIVE"), "shows the value: " + line);

    assertEquals(publishedFiles, hashTree(publish), "the publish area changed");
    Catalog after = catalog();
    assertEquals(before.version(), after.version(), "the catalog changed");
    assertEquals(before.outputs(), after.outputs());
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Each PCN selects its own share

  @Test
  void perPcnScopeSelectsFivePercentOfEachPcn() {
    onACopy("per-pcn");
    String areaRun = catalog().entry("cohort/eligibility").orElseThrow().versions().get(D2).runId();
    Npc.Result r = cohort(D2, "--set", "cohort.scope=pcn");
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertNotEquals(
        areaRun,
        catalog().entry("cohort/eligibility").orElseThrow().versions().get(D2).runId(),
        "the per-PCN run replaces " + D2);

    List<Person> people = eligibility(D2);
    Map<String, List<Person>> byPcn =
        people.stream()
            .filter(Person::eligible)
            .collect(Collectors.groupingBy(Person::pcn, TreeMap::new, Collectors.toList()));
    assertTrue(byPcn.size() >= 2, "PCNs: " + byPcn.keySet());
    Map<String, Long> selected = new TreeMap<>();
    Map<String, Long> expected = new TreeMap<>();
    byPcn.forEach(
        (pcn, group) -> {
          selected.put(pcn, group.stream().filter(Person::selected).count());
          expected.put(pcn, fivePercent(group.size()));
          assertTopByRisk(group, fivePercent(group.size()), "ranking within " + pcn);
        });
    assertEquals(expected, selected, "selected per PCN against ceil(5% of its eligible)");
    assertTrue(people.stream().noneMatch(p -> p.selected() && !p.eligible()));

    Map<String, String> now = members(list(D2));
    Map<String, Long> onLists =
        now.values().stream()
            .collect(Collectors.groupingBy(p -> p, TreeMap::new, Collectors.counting()));
    assertEquals(expected, onLists, "list members per PCN");
  }

  // ---------------------------------------------------------------------------------------------
  // 6. The palliative care exclusion against the generator's truth

  @Test
  void thePalliativeRegisterMatchesTheGeneratorsTruth() throws IOException {
    twoRuns();
    // Truth: the date a person's palliative care code was recorded, and of a later "not clinically
    // indicated" code. On the register at D2: coded on or before D2 (the generator codes nothing
    // before 2008) and not taken off by a later code on or before D2.
    Set<String> truth = new TreeSet<>();
    Path people = tmp.resolve("extract/truth/people.csv.gz");
    CsvParserSettings settings = new CsvParserSettings();
    settings.setHeaderExtractionEnabled(true);
    CsvParser parser = new CsvParser(settings);
    try (Reader in =
        new java.io.InputStreamReader(
            new java.util.zip.GZIPInputStream(Files.newInputStream(people)),
            StandardCharsets.UTF_8)) {
      for (com.univocity.parsers.common.record.Record r : parser.iterateRecords(in)) {
        String coded = r.getString("palliative_care");
        String off = r.getString("palliative_care_not_indicated");
        if (coded != null
            && coded.compareTo(D2) <= 0
            && (off == null || off.compareTo(D2) > 0 || off.compareTo(coded) <= 0)) {
          truth.add(r.getString("person_id"));
        }
      }
    }
    // People the cohort flagged (everyone registered at D2).
    Set<String> registered = new TreeSet<>();
    Set<String> flagged = new TreeSet<>();
    for (Row r :
        table("cohort/eligibility", D2).select("person_id", "palliative_care").collectAsList()) {
      registered.add(r.getString(0));
      if (r.getBoolean(1)) {
        flagged.add(r.getString(0));
      }
    }
    truth.retainAll(registered);
    assertFalse(truth.isEmpty(), "the generated population has nobody on the register at " + D2);
    // Everyone the truth puts on the register is flagged.
    Set<String> missed = new TreeSet<>(truth);
    missed.removeAll(flagged);
    assertEquals(Set.of(), missed, "on the register in truth, not flagged");
    // Anyone else flagged has a palliative care code the truth does not track: the eFI's
    // Activity limitation codes include DS1500 (514591000000108), which is also a PALCARE_COD code.
    Set<String> ds1500 = new TreeSet<>();
    Catalog.TableVersion events =
        catalog().entry("conformed/gp_events").orElseThrow().versions().get(D2);
    for (Row r :
        SparkTestSession.get()
            .read()
            .parquet(wh.resolve(events.path()).toString())
            .where("code = '514591000000108' and event_date <= date'" + D2 + "'")
            .select("person_id")
            .collectAsList()) {
      ds1500.add(r.getString(0));
    }
    Set<String> extra = new TreeSet<>(flagged);
    extra.removeAll(truth);
    extra.removeAll(ds1500);
    assertEquals(Set.of(), extra, "flagged without a palliative care code in truth or DS1500");
    // And a flagged person is never eligible.
    for (Person p : eligibility(D2)) {
      if (flagged.contains(p.person())) {
        assertFalse(p.eligible(), p.toString());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 7. An earlier date again, after a later one

  @Test
  void anEarlierDateCanBeRunAgainAfterALaterOne() {
    onACopy("earlier-date");
    // The newest scores are 2025-03-31; the cohort at 2024-09-30 reads that date's own scores.
    Npc.Result r = cohort(D1);
    assertEquals(0, r.exitCode(), r.err() + r.out());
    // Which versions a step read is in the manifest, not on the console.
    assertFalse(r.out().contains("read risk/scores"), r.out());
    Npc.Result shown = Npc.run(wh, "runs", "show", "latest");
    assertTrue(shown.out().contains("note: read risk/scores version " + D1), shown.out());
    List<Person> again = eligibility(D1);
    assertEquals(
        elig1.stream().filter(Person::selected).map(Person::person).collect(Collectors.toSet()),
        again.stream().filter(Person::selected).map(Person::person).collect(Collectors.toSet()),
        "the same cohort at " + D1);
  }

  // ---------------------------------------------------------------------------------------------
  // 8. Monitoring against the previous run and the last runs, and an alert that fails the run

  @Test
  void monitoringComparesWithThePreviousScoresAndTheLastRunsAndCanFailTheRun() throws IOException {
    onACopy("monitoring");
    // The nightly job's monitoring step alone, on what the runs above published.
    Path job = tmp.resolve("monitoring.yaml");
    Files.writeString(
        job,
        "job: watch\ndescription: monitoring only\nsteps:\n  monitoring:\n    run: monitoring\n"
            + "    outputs:\n      aggregate:\n        - monitoring/measures\n");
    Npc.Result first =
        Npc.run(wh, "run", job.toString(), "--as-of", D2, "--set", "publish=" + publish);
    assertEquals(0, first.exitCode(), first.err() + first.out());
    io.proactivecare.npc.warehouse.RunManifest m1 = latestRun();
    Map<String, io.proactivecare.npc.warehouse.RunManifest.MonitoringCheck> c1 = checks(m1);
    // The scores at D2 against the previous published ones, D1: a real shift, half a year on.
    assertTrue(c1.get("psi").value() > 0, c1.get("psi").toString());
    assertTrue(c1.get("psi").basis().contains(D1), c1.get("psi").basis());
    // The lists' churn from the D2 list; no earlier run of this job to compare with.
    assertEquals("no_baseline", c1.get("churn_share").status());
    double churn = c1.get("churn_share").value();
    assertTrue(churn > 0 && churn < 1, "churn " + churn);
    // D2 less 365 days is before D1: nothing has matured, and no number is given.
    assertEquals("not_matured", c1.get("auroc").status());
    assertEquals(null, c1.get("auroc").value());
    assertTrue(
        Files.isRegularFile(
            publish.resolve("aggregate").resolve(D2).resolve("monitoring/measures.csv")));

    // Again, with the PSI's limit at 0 and its action fail: a failed quality gate, nothing
    // published, and the checks recorded, churn now against the first run's.
    Catalog before = catalog();
    Npc.Result failed =
        Npc.run(
            wh,
            "run",
            job.toString(),
            "--as-of",
            D2,
            "--set",
            "publish=" + publish,
            "--set",
            "monitoring.psi.limit=0",
            "--set",
            "monitoring.psi.action=fail");
    assertEquals(4, failed.exitCode(), failed.err() + failed.out());
    List<String> err = failed.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, err.size(), failed.err());
    assertTrue(err.get(0).contains("Monitoring failed the run: psi of risk/scores"), err.get(0));
    assertTrue(err.get(0).contains("monitoring.psi.action: warn"), err.get(0));
    assertEquals(before.version(), catalog().version(), "a failed run published");
    io.proactivecare.npc.warehouse.RunManifest m2 = latestRun();
    assertEquals("failed", m2.status());
    assertEquals(4, m2.exitCode());
    Map<String, io.proactivecare.npc.warehouse.RunManifest.MonitoringCheck> c2 = checks(m2);
    assertEquals("fail", c2.get("psi").status());
    assertEquals(c1.get("psi").value(), c2.get("psi").value(), 1e-12);
    assertEquals("ok", c2.get("churn_share").status());
    assertEquals(churn, c2.get("churn_share").baseline(), 1e-12);
    assertEquals("median of the last 1 successful run", c2.get("churn_share").basis());
    Npc.Result listed = Npc.run(wh, "runs", "list");
    assertTrue(listed.out().contains("1 fail"), listed.out());
  }

  private io.proactivecare.npc.warehouse.RunManifest latestRun() {
    List<io.proactivecare.npc.warehouse.RunManifest> runs = new Warehouse(wh).runs();
    return runs.get(runs.size() - 1);
  }

  private static Map<String, io.proactivecare.npc.warehouse.RunManifest.MonitoringCheck> checks(
      io.proactivecare.npc.warehouse.RunManifest m) {
    Map<String, io.proactivecare.npc.warehouse.RunManifest.MonitoringCheck> out = new HashMap<>();
    m.monitoring().forEach(c -> out.put(c.measure(), c));
    return out;
  }
}

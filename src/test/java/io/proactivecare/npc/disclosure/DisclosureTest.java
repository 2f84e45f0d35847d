package io.proactivecare.npc.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.disclosure.Disclosure.Cell;
import io.proactivecare.npc.disclosure.Disclosure.Controlled;
import io.proactivecare.npc.disclosure.Disclosure.Ratio;
import io.proactivecare.npc.disclosure.Disclosure.Sum;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Disclosure control (docs/disclosure.md): hand-worked fixtures per rule, seeded random tables
 * checked for leaks, and one test per precondition.
 */
class DisclosureTest {
  private static final double TOLERANCE = 1e-9;

  private static Controlled control(List<Cell> cells, List<Sum> sums) {
    return Disclosure.control(cells, sums, List.of());
  }

  private static Sum sum(String total, String... parts) {
    return new Sum(total, List.of(parts));
  }

  // ---- Rules 1 and 2: primary suppression and rounding, cell by cell ----

  @Test
  void smallCountsAreSuppressedAndOthersRoundedToFive() {
    Controlled out =
        control(
            List.of(
                Cell.count("zero", 0),
                Cell.count("one", 1),
                Cell.count("seven", 7),
                Cell.count("eight", 8),
                Cell.count("ten", 10),
                Cell.count("twelve", 12),
                Cell.count("thirteen", 13),
                Cell.count("thousand_and_three", 1003)),
            List.of());
    assertEquals("0", out.display("zero")); // zero is published, not suppressed
    assertEquals(Disclosure.SUPPRESSED, out.display("one"));
    assertEquals("*", out.display("seven"));
    assertEquals("10", out.display("eight")); // 8 = 5 + 3, and 3 rounds up
    assertEquals("10", out.display("ten"));
    assertEquals("10", out.display("twelve")); // 12 = 10 + 2, and 2 rounds down
    assertEquals("15", out.display("thirteen")); // 13 = 10 + 3
    assertEquals("1005", out.display("thousand_and_three")); // 1003 = 1000 + 3
    assertEquals(OptionalLong.of(1005), out.counts().get("thousand_and_three"));
    assertEquals(OptionalLong.empty(), out.counts().get("one"));
    assertEquals(Set.of("one", "seven"), out.primary());
    assertEquals(Set.of(), out.secondary());
    assertEquals(
        List.of("zero", "one", "seven", "eight", "ten", "twelve", "thirteen", "thousand_and_three"),
        List.copyOf(out.counts().keySet()),
        "counts keep the input order");
  }

  @Test
  void fewContributorsSuppressALargeValue() {
    // 40 bed days from 3 people: the value is not small, but 3 people are.
    Controlled out =
        control(List.of(new Cell("bed_days", 40, 3), new Cell("cost", 40, 8)), List.of());
    assertEquals("*", out.display("bed_days"));
    assertEquals("40", out.display("cost"));
    assertEquals(Set.of("bed_days"), out.primary());
  }

  // ---- Rule 3: secondary suppression ----

  @Test
  void oneWayTableSuppressesTheNextSmallestNonZeroCell() {
    // PCN A 3 + B 0 + C 12 + D 41 = 56.
    // A (3) is primary. The smallest non-zero unsuppressed part is C (12), not B (0).
    // Published: A *, B 0, C *, D 40, total 55; A + C = 56 - 0 - 41 = 15 stays unsplit.
    List<Cell> cells =
        List.of(
            Cell.count("pcn_a", 3),
            Cell.count("pcn_b", 0),
            Cell.count("pcn_c", 12),
            Cell.count("pcn_d", 41),
            Cell.count("all", 3 + 0 + 12 + 41));
    Controlled out = control(cells, List.of(sum("all", "pcn_a", "pcn_b", "pcn_c", "pcn_d")));
    assertEquals(Set.of("pcn_a"), out.primary());
    assertEquals(Set.of("pcn_c"), out.secondary());
    assertEquals(
        List.of("*", "0", "*", "40", "55"), cells.stream().map(c -> out.display(c.id())).toList());
  }

  @Test
  void tiesGoToTheFirstPartInTheSumsOrder() {
    // a 3 is primary; b and c are both 10, so b (listed first) is suppressed.
    Controlled out =
        control(
            List.of(
                Cell.count("a", 3),
                Cell.count("b", 10),
                Cell.count("c", 10),
                Cell.count("t", 3 + 10 + 10)),
            List.of(sum("t", "a", "b", "c")));
    assertEquals(Set.of("b"), out.secondary());
    assertEquals(
        Set.of("c"),
        control(
                List.of(
                    Cell.count("a", 3),
                    Cell.count("b", 10),
                    Cell.count("c", 10),
                    Cell.count("t", 3 + 10 + 10)),
                List.of(sum("t", "a", "c", "b")))
            .secondary());
  }

  @Test
  void twoWayTableCascadesAlongTheRowAndTheColumn() {
    //          c1   c2   c3 | total
    //   r1      4   11   30 |   45
    //   r2      9   14   35 |   58
    //   r3     20   40   50 |  110
    //   total  33   65  115 |  213
    // Sums, in this order: rows r1..r3, columns c1..c3, then the grand total as the sum of the
    // column totals and as the sum of the row totals.
    // Pass 1: r1 has only r1c1 (4) suppressed -> r1c2 (11, the smallest non-zero in the row).
    //         c1 has only r1c1 -> r2c1 (9 < 20). c2 now has only r1c2 -> r2c2 (14 < 40).
    // Pass 2: r1, r2, c1, c2 each have two suppressed; r3, c3 and the totals none. Done.
    // Every total is published: the four suppressed cells form a rectangle.
    long[][] grid = {{4, 11, 30}, {9, 14, 35}, {20, 40, 50}};
    Table t = Table.twoWay(grid, false);
    Controlled out = control(t.cells, t.sums);
    assertEquals(Set.of("r1c1"), out.primary());
    assertEquals(Set.of("r1c2", "r2c1", "r2c2"), out.secondary());
    String[][] expected = {
      {"*", "*", "30", "45"}, // 45 stays 45
      {"*", "*", "35", "60"}, // 58 -> 60
      {"20", "40", "50", "110"},
      {"35", "65", "115", "215"} // 33 -> 35, 213 -> 215
    };
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        assertEquals(
            expected[r][c], out.display(Table.gridId(r, c, 3, 3)), "row " + r + " col " + c);
      }
    }
  }

  @Test
  void aSuppressedTotalCascadesIntoTheBreakdownOfAnother() {
    // all 56 = pcn1 6 + pcn2 20 + pcn3 30
    //   pcn1  6 = p1a 6 + p1b 0
    //   pcn2 20 = p2a 12 + p2b 8
    //   pcn3 30 = p3a 15 + p3b 15
    // pcn1 and p1a (6) are primary: the pcn1 Sum has two suppressed members.
    // The all Sum has only pcn1 -> pcn2 (20 < 30). The pcn2 Sum then has only its total
    // -> p2b (8 < 12).
    List<Cell> cells =
        List.of(
            Cell.count("all", 56),
            Cell.count("pcn1", 6),
            Cell.count("p1a", 6),
            Cell.count("p1b", 0),
            Cell.count("pcn2", 20),
            Cell.count("p2a", 12),
            Cell.count("p2b", 8),
            Cell.count("pcn3", 30),
            Cell.count("p3a", 15),
            Cell.count("p3b", 15));
    Controlled out =
        control(
            cells,
            List.of(
                sum("all", "pcn1", "pcn2", "pcn3"),
                sum("pcn1", "p1a", "p1b"),
                sum("pcn2", "p2a", "p2b"),
                sum("pcn3", "p3a", "p3b")));
    assertEquals(List.of("pcn1", "p1a"), List.copyOf(out.primary()), "input order");
    assertEquals(List.of("pcn2", "p2b"), List.copyOf(out.secondary()), "input order");
    assertEquals(
        List.of("55", "*", "*", "0", "*", "10", "*", "30", "15", "15"),
        cells.stream().map(c -> out.display(c.id())).toList());
  }

  @Test
  void aZeroPartIsSuppressedWhenNoNonZeroPartIsLeft() {
    // x 23 = a 3 + b 20; y 20 = b 20 + z 0.
    // a is primary; x then has only a -> b. y then has only b; its one other part is z (0) -> z.
    Controlled out =
        control(
            List.of(
                Cell.count("a", 3),
                Cell.count("b", 20),
                Cell.count("z", 0),
                Cell.count("x", 23),
                Cell.count("y", 20)),
            List.of(sum("x", "a", "b"), sum("y", "b", "z")));
    assertEquals(Set.of("a"), out.primary());
    assertEquals(Set.of("b", "z"), out.secondary());
    assertEquals("25", out.display("x"));
    assertEquals("20", out.display("y"));
  }

  @Test
  void theTotalIsSuppressedWhenNoPartIsLeft() {
    // x 23 = a 3 + b 20; y 20 = b 20 (a one-part Sum: y is another name for b).
    Controlled out =
        control(
            List.of(
                Cell.count("a", 3), Cell.count("b", 20), Cell.count("x", 23), Cell.count("y", 20)),
            List.of(sum("x", "a", "b"), sum("y", "b")));
    assertEquals(Set.of("b", "y"), out.secondary());
    assertEquals("25", out.display("x"));
  }

  @Test
  void sameInputSameOutput() {
    Table t = Table.twoWay(new long[][] {{4, 11, 30}, {9, 14, 35}, {20, 40, 50}}, false);
    assertEquals(
        Disclosure.control(t.cells, t.sums, t.ratios),
        Disclosure.control(t.cells, t.sums, t.ratios));
  }

  // ---- Rule 4: ratios ----

  @Test
  void aRatioIsSuppressedWithItsNumeratorOrDenominator() {
    Controlled out =
        Disclosure.control(
            List.of(
                Cell.count("frail", 3),
                Cell.count("registered", 40),
                Cell.count("none", 0),
                Cell.count("also_none", 0)),
            List.of(),
            List.of(
                new Ratio("frail_pct", "frail", "registered", 100),
                new Ratio("inverse", "registered", "frail", 1),
                new Ratio("zero_over_zero", "none", "also_none", 100),
                new Ratio("zero_over_forty", "none", "registered", 100)));
    assertEquals(OptionalDouble.empty(), out.ratios().get("frail_pct"));
    assertEquals(OptionalDouble.empty(), out.ratios().get("inverse"));
    assertEquals(OptionalDouble.empty(), out.ratios().get("zero_over_zero")); // denominator 0
    assertEquals(0.0, out.ratios().get("zero_over_forty").getAsDouble(), TOLERANCE);
    assertEquals(
        List.of("frail_pct", "inverse", "zero_over_zero", "zero_over_forty"),
        List.copyOf(out.ratios().keySet()));
  }

  @Test
  void aRatioIsComputedFromTheRoundedCounts() {
    // 9 of 20: the exact 45.0% would reveal 9; published 10 of 20 gives 10 / 20 * 100 = 50.0.
    // 13 per 1003 per thousand: published 15 / 1005 * 1000.
    Controlled out =
        Disclosure.control(
            List.of(
                Cell.count("num", 9),
                Cell.count("den", 20),
                Cell.count("big", 1003),
                Cell.count("mid", 13)),
            List.of(),
            List.of(
                new Ratio("pct", "num", "den", 100),
                new Ratio("per_thousand", "mid", "big", 1000)));
    assertEquals(10.0 / 20 * 100, out.ratios().get("pct").getAsDouble(), TOLERANCE);
    assertEquals(50.0, out.ratios().get("pct").getAsDouble(), TOLERANCE);
    assertEquals(15.0 / 1005 * 1000, out.ratios().get("per_thousand").getAsDouble(), TOLERANCE);
  }

  @Test
  void aRatioOverASecondarySuppressedCellIsSuppressed() {
    // b is suppressed only to protect a (rule 3); b's share of t goes with it.
    Controlled out =
        Disclosure.control(
            List.of(
                Cell.count("a", 3), Cell.count("b", 20), Cell.count("c", 30), Cell.count("t", 53)),
            List.of(sum("t", "a", "b", "c")),
            List.of(new Ratio("b_pct", "b", "t", 100), new Ratio("c_pct", "c", "t", 100)));
    assertEquals(OptionalDouble.empty(), out.ratios().get("b_pct"));
    assertEquals(30.0 / 55 * 100, out.ratios().get("c_pct").getAsDouble(), TOLERANCE);
  }

  // ---- Property: seeded random tables never leak ----

  private static final int SEEDS = 400;

  @Test
  void randomOneWayTablesDoNotLeak() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Random rng = new Random(seed);
      int parts = 2 + rng.nextInt(7);
      boolean amounts = rng.nextInt(4) == 0;
      long[][] grid = new long[1][parts];
      for (int p = 0; p < parts; p++) {
        grid[0][p] = smallishCount(rng);
      }
      checkNoLeak(Table.oneWay(grid[0], amounts, rng), "one-way seed " + seed);
    }
  }

  @Test
  void randomTwoWayTablesDoNotLeak() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Random rng = new Random(1_000_000 + seed);
      long[][] grid = new long[2 + rng.nextInt(5)][2 + rng.nextInt(5)];
      for (long[] row : grid) {
        for (int c = 0; c < row.length; c++) {
          row[c] = smallishCount(rng);
        }
      }
      boolean amounts = rng.nextInt(4) == 0;
      Table t = amounts ? Table.twoWay(grid, rng) : Table.twoWay(grid, rng.nextBoolean());
      checkNoLeak(t, "two-way seed " + seed);
    }
  }

  @Test
  void randomPcnBreakdownsDoNotLeak() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Random rng = new Random(2_000_000 + seed);
      checkNoLeak(Table.hierarchy(rng), "PCN breakdown seed " + seed);
    }
  }

  /** Mostly 0..12, where suppression bites; sometimes larger. */
  private static long smallishCount(Random rng) {
    int kind = rng.nextInt(10);
    if (kind < 7) {
      return rng.nextInt(13);
    }
    return kind < 9 ? 13 + rng.nextInt(40) : rng.nextInt(1000);
  }

  private static void checkNoLeak(Table t, String where) {
    Controlled out = Disclosure.control(t.cells, t.sums, t.ratios);
    Map<String, Cell> byId = new HashMap<>();
    t.cells.forEach(c -> byId.put(c.id(), c));
    Set<String> suppressed = new HashSet<>(out.primary());
    suppressed.addAll(out.secondary());

    assertEquals(
        t.cells.stream().map(Cell::id).toList(), List.copyOf(out.counts().keySet()), where);
    assertTrue(out.secondary().stream().noneMatch(out.primary()::contains), where);
    for (Cell c : t.cells) {
      String at = where + ", cell " + c;
      boolean small = isSmall(c.value()) || isSmall(c.contributors());
      assertEquals(small, out.primary().contains(c.id()), at);
      OptionalLong published = out.counts().get(c.id());
      assertEquals(suppressed.contains(c.id()), published.isEmpty(), at);
      if (published.isPresent()) {
        long p = published.getAsLong();
        assertFalse(isSmall(p), at + " published " + p);
        assertFalse(isSmall(c.contributors()), at);
        assertEquals(0, p % 5, at + " published " + p);
        assertTrue(Math.abs(p - c.value()) <= 2, at + " published " + p);
        assertEquals(String.valueOf(p), out.display(c.id()), at);
      } else {
        assertEquals("*", out.display(c.id()), at);
      }
    }
    for (Sum s : t.sums) {
      long n = members(s).stream().filter(suppressed::contains).count();
      assertTrue(n == 0 || n >= 2, where + ", " + s + " has " + n + " suppressed");
    }
    for (Ratio r : t.ratios) {
      OptionalLong num = out.counts().get(r.numerator());
      OptionalLong den = out.counts().get(r.denominator());
      OptionalDouble value = out.ratios().get(r.id());
      if (num.isEmpty() || den.isEmpty() || den.getAsLong() == 0) {
        assertTrue(value.isEmpty(), where + ", " + r);
      } else {
        assertEquals(
            (double) num.getAsLong() / den.getAsLong() * r.scale(),
            value.getAsDouble(),
            TOLERANCE,
            where + ", " + r);
      }
    }
    assertTrue(attackerSolves(t.sums, suppressed).isEmpty(), where + ": attacker recovers cells");
  }

  /**
   * The cells an attacker recovers exactly. Generous to the attacker: it knows every published
   * cell's exact value (not just the rounded one), and each cell it recovers helps it into the next
   * Sum.
   */
  private static Set<String> attackerSolves(List<Sum> sums, Set<String> suppressed) {
    Set<String> unknown = new HashSet<>(suppressed);
    Set<String> recovered = new LinkedHashSet<>();
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Sum s : sums) {
        List<String> open = members(s).stream().filter(unknown::contains).toList();
        if (open.size() == 1) {
          unknown.remove(open.get(0));
          recovered.add(open.get(0));
          progress = true;
        }
      }
    }
    return recovered;
  }

  @Test
  void theAttackerCheckFindsAnUnprotectedCell() {
    // Without secondary suppression a lone suppressed part is the total minus the others.
    Sum s = sum("t", "a", "b", "c");
    assertEquals(Set.of("a"), attackerSolves(List.of(s), Set.of("a")));
    assertEquals(Set.of(), attackerSolves(List.of(s), Set.of("a", "b")));
  }

  private static List<String> members(Sum s) {
    List<String> all = new ArrayList<>(s.parts());
    all.add(s.total());
    return all;
  }

  private static boolean isSmall(long v) {
    return v >= 1 && v <= 7;
  }

  /** A generated table: cells, the Sums among them, and ratios over them. */
  private static final class Table {
    final List<Cell> cells = new ArrayList<>();
    final List<Sum> sums = new ArrayList<>();
    final List<Ratio> ratios = new ArrayList<>();

    /**
     * The id of a cell of a rows x cols table with margins, r and c 0-based: interior "r1c1", row
     * total "r1_total", column total "c1_total", grand total "grand".
     */
    static String gridId(int r, int c, int rows, int cols) {
      if (r == rows) {
        return c == cols ? "grand" : "c" + (c + 1) + "_total";
      }
      return c == cols ? "r" + (r + 1) + "_total" : "r" + (r + 1) + "c" + (c + 1);
    }

    /** A count table: cells with contributors equal to the value, or sums of amounts. */
    static Table twoWay(long[][] grid, boolean columnsFirst) {
      return twoWay(grid, grid, columnsFirst);
    }

    /** An amounts table (e.g. bed days): each interior cell's people each add 1..30. */
    static Table twoWay(long[][] people, Random rng) {
      long[][] amounts = new long[people.length][people[0].length];
      for (int r = 0; r < people.length; r++) {
        for (int c = 0; c < people[r].length; c++) {
          amounts[r][c] = amount(people[r][c], rng);
        }
      }
      return twoWay(amounts, people, rng.nextBoolean());
    }

    private static Table twoWay(long[][] values, long[][] people, boolean columnsFirst) {
      int rows = values.length;
      int cols = values[0].length;
      long[][] v = new long[rows + 1][cols + 1];
      long[][] n = new long[rows + 1][cols + 1];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          addToMargins(v, r, c, values[r][c]);
          addToMargins(n, r, c, people[r][c]);
        }
      }
      Table t = new Table();
      for (int r = 0; r <= rows; r++) {
        for (int c = 0; c <= cols; c++) {
          t.cells.add(new Cell(gridId(r, c, rows, cols), v[r][c], n[r][c]));
        }
      }
      List<Sum> rowSums = new ArrayList<>();
      List<Sum> colSums = new ArrayList<>();
      for (int r = 0; r <= rows; r++) {
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < cols; c++) {
          parts.add(gridId(r, c, rows, cols));
        }
        rowSums.add(new Sum(gridId(r, cols, rows, cols), parts));
      }
      for (int c = 0; c <= cols; c++) {
        List<String> parts = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
          parts.add(gridId(r, c, rows, cols));
        }
        colSums.add(new Sum(gridId(rows, c, rows, cols), parts));
      }
      // Rows (then columns) of the interior first, the two grand-total Sums last.
      List<Sum> first = columnsFirst ? colSums : rowSums;
      List<Sum> second = columnsFirst ? rowSums : colSums;
      t.sums.addAll(first.subList(0, first.size() - 1));
      t.sums.addAll(second.subList(0, second.size() - 1));
      t.sums.add(first.get(first.size() - 1));
      t.sums.add(second.get(second.size() - 1));
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          t.ratios.add(
              new Ratio(
                  "pct_" + gridId(r, c, rows, cols),
                  gridId(r, c, rows, cols),
                  gridId(r, cols, rows, cols),
                  100));
        }
      }
      return t;
    }

    /** Puts x in the interior cell and adds it to its row total, column total and grand total. */
    private static void addToMargins(long[][] table, int r, int c, long x) {
      int rows = table.length - 1;
      int cols = table[0].length - 1;
      table[r][c] = x;
      table[r][cols] += x;
      table[rows][c] += x;
      table[rows][cols] += x;
    }

    static Table oneWay(long[] people, boolean amounts, Random rng) {
      Table t = new Table();
      List<String> parts = new ArrayList<>();
      long total = 0;
      long totalPeople = 0;
      for (int p = 0; p < people.length; p++) {
        long value = amounts ? amount(people[p], rng) : people[p];
        t.cells.add(new Cell("pcn" + p, value, people[p]));
        parts.add("pcn" + p);
        total += value;
        totalPeople += people[p];
        t.ratios.add(new Ratio("pct" + p, "pcn" + p, "all", 100));
      }
      t.cells.add(new Cell("all", total, totalPeople));
      t.sums.add(new Sum("all", parts));
      return t;
    }

    /** Practices within PCNs within the whole area; Sums for the area and for each PCN. */
    static Table hierarchy(Random rng) {
      Table t = new Table();
      int pcns = 2 + rng.nextInt(3);
      List<String> pcnIds = new ArrayList<>();
      List<Cell> practices = new ArrayList<>();
      List<Cell> pcnCells = new ArrayList<>();
      long all = 0;
      for (int p = 0; p < pcns; p++) {
        String pcn = "pcn" + p;
        List<String> ids = new ArrayList<>();
        long pcnTotal = 0;
        int n = 1 + rng.nextInt(4);
        for (int q = 0; q < n; q++) {
          long v = smallishCount(rng);
          practices.add(Cell.count(pcn + "_practice" + q, v));
          ids.add(pcn + "_practice" + q);
          pcnTotal += v;
          t.ratios.add(new Ratio("pct_" + pcn + "_practice" + q, pcn + "_practice" + q, pcn, 100));
        }
        pcnCells.add(Cell.count(pcn, pcnTotal));
        pcnIds.add(pcn);
        all += pcnTotal;
        t.sums.add(new Sum(pcn, ids));
        t.ratios.add(new Ratio("pct_" + pcn, pcn, "all", 100));
      }
      t.cells.add(Cell.count("all", all));
      t.cells.addAll(pcnCells);
      t.cells.addAll(practices);
      // The area Sum first or last: the order of Sums may change which cells are chosen.
      t.sums.add(rng.nextBoolean() ? 0 : t.sums.size(), new Sum("all", pcnIds));
      return t;
    }

    /** The sum of each person's amount (1..30, e.g. bed days); 0 when nobody contributes. */
    private static long amount(long people, Random rng) {
      long total = 0;
      for (long i = 0; i < people; i++) {
        total += 1 + rng.nextInt(30);
      }
      return total;
    }
  }

  // ---- Rule 5: bugs fail loudly ----

  private static void refused(Supplier<Controlled> run, String... mentions) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::get);
    for (String m : mentions) {
      assertTrue(e.getMessage().contains(m), () -> "expected '" + m + "' in: " + e.getMessage());
    }
  }

  @Test
  void duplicateCellIdIsRefused() {
    refused(
        () -> control(List.of(Cell.count("pcn_a", 10), Cell.count("pcn_a", 12)), List.of()),
        "duplicate cell id 'pcn_a'");
  }

  @Test
  void unknownCellsAreRefused() {
    List<Cell> cells = List.of(Cell.count("a", 10), Cell.count("t", 10));
    refused(() -> control(cells, List.of(sum("total", "a"))), "unknown cell 'total'");
    refused(() -> control(cells, List.of(sum("t", "a", "b"))), "unknown cell 'b'");
    refused(
        () -> Disclosure.control(cells, List.of(), List.of(new Ratio("r", "x", "t", 100))),
        "ratio 'r'",
        "unknown cell 'x'");
    refused(
        () -> Disclosure.control(cells, List.of(), List.of(new Ratio("r", "a", "y", 100))),
        "ratio 'r'",
        "unknown cell 'y'");
  }

  @Test
  void negativeValuesAndContributorsAreRefused() {
    refused(() -> control(List.of(new Cell("a", -1, 0)), List.of()), "'a'", "negative value -1");
    refused(
        () -> control(List.of(new Cell("a", 10, -2)), List.of()), "'a'", "negative contributors");
  }

  @Test
  void contributorsMustMatchWhetherTheValueIsZero() {
    refused(
        () -> control(List.of(new Cell("cost", 0, 3)), List.of()),
        "'cost'",
        "value 0 but 3 contributors");
    // A non-zero value with no contributors would dodge the contributors rule.
    refused(
        () -> control(List.of(new Cell("cost", 40, 0)), List.of()), "'cost'", "no contributors");
  }

  @Test
  void aSumThatDoesNotAddUpIsRefused() {
    refused(
        () ->
            control(
                List.of(Cell.count("a", 10), Cell.count("b", 20), Cell.count("t", 31)),
                List.of(sum("t", "a", "b"))),
        "'t'",
        "add up to 30, not 31");
  }

  @Test
  void malformedSumsAndRatiosAreRefused() {
    List<Cell> cells = List.of(Cell.count("a", 10), Cell.count("t", 10));
    refused(() -> control(cells, List.of(sum("t"))), "'t'", "no parts");
    refused(() -> control(cells, List.of(sum("t", "a", "a"))), "names cell 'a' twice");
    refused(() -> control(cells, List.of(sum("t", "t"))), "names cell 't' twice");
    refused(
        () ->
            Disclosure.control(
                cells,
                List.of(),
                List.of(new Ratio("r", "a", "t", 100), new Ratio("r", "t", "a", 1))),
        "duplicate ratio id 'r'");
    refused(
        () -> Disclosure.control(cells, List.of(), List.of(new Ratio("r", "a", "t", Double.NaN))),
        "'r'",
        "scale");
  }

  @Test
  void displayOfAnUnknownCellIsRefused() {
    Controlled out = control(List.of(Cell.count("a", 10)), List.of());
    assertThrows(IllegalArgumentException.class, () -> out.display("b"));
  }
}

package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc evaluate --candidates FILE} on a hand-worked table (docs/evaluation.md, "Your own
 * candidates table"), and its one-line refusals of bad tables.
 */
class CandidatesFileTest {
  @TempDir Path tmp;

  private static final String HEADER = "id,treated,age,sex,adm_pre,adm_post,years";

  /**
   * Ten treated people T01-T10 aged 50, 55, ..., 95, each with a candidate C01-C10 of the same sex
   * one year older; T11, aged 120, has no candidate within the caliper (0.2 SD of the logit: a few
   * years of age here, the SD of age over the 21 rows being 17.7, while T11's nearest candidate is
   * 24 years younger). Every logit is linear in age within a sex, so nearest in logit is nearest in
   * age: each T pairs with its own C (1 year away; the next nearest is 4 years away).
   *
   * <p>Outcomes: everyone but T11 (0) had 3 admissions in the year before. After: each treated 1 in
   * a year, except T03, 1 in half a year; each control 2 in a year; T11 9 in a year.
   */
  private Path fixture() throws IOException {
    List<String> lines = new ArrayList<>(List.of(HEADER));
    for (int k = 1; k <= 10; k++) {
      String sex = k <= 5 ? "F" : "M";
      int age = 45 + 5 * k;
      lines.add(String.format("T%02d,1,%d,%s,3,1,%s", k, age, sex, k == 3 ? "0.5" : "1"));
      lines.add(String.format("C%02d,0,%d,%s,3,2,1", k, age + 1, sex));
    }
    lines.add("T11,1,120,M,0,9,1");
    return write("fixture.csv", lines);
  }

  private Path write(String name, List<String> lines) throws IOException {
    Path f = tmp.resolve(name);
    Files.write(f, lines);
    return f;
  }

  private Npc.Result evaluate(Path file, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "evaluate",
                "--candidates",
                file.toString(),
                "--out",
                out.toString(),
                "--id",
                "id",
                "--covariates",
                "age",
                "--categorical",
                "sex",
                "--exact",
                "sex",
                "--outcome",
                "admissions=adm_pre:adm_post:years",
                "--set",
                "evaluation.bootstrap_replicates=19"));
    args.addAll(List.of(more));
    return Npc.run(tmp.resolve("wh"), args.toArray(String[]::new));
  }

  private static Map<String, Row> byKey(Path dir, String table, String... columns) {
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        SparkTestSession.get().read().parquet(dir.resolve(table).toString()).collectAsList()) {
      List<String> key = new ArrayList<>();
      for (String c : columns) {
        key.add(String.valueOf(r.<Object>getAs(c)));
      }
      out.put(String.join("|", key), r);
    }
    return out;
  }

  @Test
  void theHandWorkedTableMatchesEachTreatedPersonToTheirCandidate() throws IOException {
    Path out = tmp.resolve("out");
    Npc.Result r = evaluate(fixture(), out);
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertTrue(r.out().contains("10 of 11 treated matched to 10 controls"), r.out());

    Map<String, Row> matched = byKey(out, "matched", Cols.PERSON_ID);
    for (int k = 1; k <= 10; k++) {
      String t = String.format("T%02d", k);
      assertEquals(t, matched.get(String.format("C%02d", k)).getAs(Cols.MATCHED_SET));
      assertEquals(t, matched.get(t).getAs(Cols.MATCHED_SET));
    }
    assertEquals("outside_caliper", matched.get("T11").getAs(Cols.UNMATCHED_REASON));
    assertEquals(21, matched.size(), "11 treated and 10 controls");

    Map<String, Row> est =
        byKey(out, "estimates", Cols.MEASURE, Cols.BREAKDOWN, Cols.ESTIMATOR, Cols.INTERVAL);
    // Treated: 10 admissions over 9.5 years (T03 was followed half a year); controls 20 over 10.
    Row md = est.get("admissions|overall|matched_difference|bootstrap");
    assertEquals(10 / 9.5, md.<Double>getAs(Cols.TREATED_MEAN), 1e-12);
    assertEquals(20 / 10.0, md.<Double>getAs(Cols.CONTROL_MEAN), 1e-12);
    assertEquals(10 / 9.5 - 2, md.<Double>getAs(Cols.ESTIMATE), 1e-12);
    assertEquals(10L, md.<Long>getAs(Cols.N_TREATED));
    assertFalse(md.<Boolean>getAs(Cols.WITHHELD));
    // Changes weighted by years: treated (9 x (1 - 3) + 0.5 x (2 - 3)) / 9.5, controls 2 - 3.
    assertEquals(
        (9 * (1 - 3) + 0.5 * (2 - 3)) / 9.5 - (2 - 3),
        est.get("admissions|overall|difference_in_differences|cluster_robust")
            .<Double>getAs(Cols.ESTIMATE),
        1e-12);
    // Unmatched: every treated person (T11 too: 19 over 10.5 years) against every candidate.
    assertEquals(
        19 / 10.5 - 2,
        est.get("admissions|overall|naive_treated_vs_all|delta_method")
            .<Double>getAs(Cols.ESTIMATE),
        1e-12);
    assertEquals(
        "per person-year",
        md.getAs(Cols.UNIT_OF_MEASURE),
        "with a years column the measure is a rate");

    Map<String, Row> ps = byKey(out, "propensity", "term");
    assertTrue(ps.containsKey("age") && ps.containsKey("sex=M"), ps.keySet().toString());
    // The arms' counts are figures of the measures table, controlled with the attrition: 10
    // treated, 10 controls (rounded to 5, unchanged); 11 treated in the naive comparison.
    Map<String, Row> figures = byKey(out, "measures", "measure", "population", "breakdown");
    assertEquals(
        10L, figures.get("admissions|matched_difference_treated|overall").<Long>getAs("numerator"));
    assertEquals(
        10L,
        figures.get("admissions|matched_difference_controls|overall").<Long>getAs("numerator"));
    assertEquals(
        10L,
        figures.get("admissions|naive_treated_vs_all_treated|overall").<Long>getAs("numerator"));
    Map<String, Row> steps = byKey(out, "measures", "population", "level");
    for (Row a : byKey(out, "attrition", "step").values()) {
      assertEquals(
          a.<Long>getAs("people"),
          steps.get("attrition|" + a.getAs("step")).<Long>getAs("numerator"),
          "attrition step " + a.getAs("step"));
    }
    for (String csv : List.of("estimates", "balance", "attrition", "propensity", "measures")) {
      assertTrue(Files.exists(out.resolve(csv + ".csv")), csv + ".csv");
    }
    assertTrue(Files.exists(out.resolve(CandidatesFile.MARKER)));

    // A failed run leaves the earlier output as it was.
    Npc.Result bad = evaluate(fixture(), out, "--covariates", "age,bmi");
    assertEquals(3, bad.exitCode(), bad.err());
    assertEquals(
        md,
        byKey(out, "estimates", Cols.MEASURE, Cols.BREAKDOWN, Cols.ESTIMATOR, Cols.INTERVAL)
            .get("admissions|overall|matched_difference|bootstrap"));
    try (var left = Files.list(tmp)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().startsWith(".out.")),
          "no temporary folder is left behind");
    }
  }

  /** Runs a bad table and returns its one error line, after checking the exit code. */
  private String refused(int exitCode, List<String> lines, String... more) throws IOException {
    Npc.Result r = evaluate(write("bad.csv", lines), tmp.resolve("bad-out"), more);
    List<String> err = r.errorLines();
    assertEquals(exitCode, r.exitCode(), r.err());
    assertEquals(1, err.size(), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace");
    assertFalse(Files.exists(tmp.resolve("bad-out")), "nothing written");
    return err.get(0);
  }

  @Test
  void aBadTableIsRefusedInOneLineNamingTheRowAndColumn() throws IOException {
    List<String> good =
        List.of(HEADER, "A,1,70,F,1,0,1", "B,0,71,F,2,1,1", "C,0,60,F,0,1,1", "D,1,62,F,0,0,1");

    String missing = refused(3, good, "--covariates", "age,bmi");
    assertTrue(missing.contains("bad.csv") && missing.contains("no column 'bmi'"), missing);

    List<String> text = new ArrayList<>(good);
    text.set(3, "C,0,sixty,F,0,1,1");
    String number = refused(3, text);
    assertTrue(number.contains("data row 3, column age") && number.contains("'sixty'"), number);
    assertTrue(number.contains("--categorical"), "says how to fix it: " + number);

    List<String> flag = new ArrayList<>(good);
    flag.set(2, "B,yes,71,F,2,1,1");
    String treated = refused(3, flag);
    assertTrue(
        treated.contains("data row 2, column treated") && treated.contains("'yes'"), treated);

    List<String> twice = new ArrayList<>(good);
    twice.add("B,0,50,F,0,0,1");
    String duplicate = refused(3, twice);
    assertTrue(
        duplicate.contains("data row 5, column id") && duplicate.contains("same id"), duplicate);

    List<String> none = new ArrayList<>(List.of(HEADER, "B,0,71,F,2,1,1", "C,false,60,F,0,1,1"));
    String noTreated = refused(3, none);
    assertTrue(noTreated.contains("no row is treated"), noTreated);

    String syntax = refused(2, good, "--outcome", "admissions=adm_pre");
    assertTrue(syntax.contains("NAME=PRE:POST"), syntax);

    String exact = refused(3, good, "--exact", "region");
    assertTrue(exact.contains("no column 'region'"), exact);
  }

  @Test
  void aFolderNpcDidNotWriteIsNeverReplaced() throws IOException {
    Path mine = tmp.resolve("mine");
    Files.createDirectories(mine);
    Files.writeString(mine.resolve("notes.txt"), "keep me");
    Npc.Result r =
        evaluate(write("one.csv", List.of(HEADER, "A,1,70,F,1,0,1", "B,0,71,F,2,1,1")), mine);
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("did not write"), r.err());
    assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));
  }
}

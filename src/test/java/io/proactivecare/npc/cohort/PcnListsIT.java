package io.proactivecare.npc.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.SampleRun;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly job's deliveries on the sample data, as their readers get them: each PCN's list as
 * CSV and as an Excel workbook that a real spreadsheet program (LibreOffice, headless) opens with
 * the same content, a README that says how to find the people, enrolment and actionable reasons;
 * and the aggregate folder's README.
 */
class PcnListsIT {
  private static final String DATE = SampleRun.DATE;
  private final SampleRun sample = SampleRun.get();
  @TempDir Path tmp;

  private List<Path> listFolders() throws IOException {
    try (Stream<Path> s = Files.list(sample.publish().resolve("pcn"))) {
      List<Path> dirs = s.map(p -> p.resolve(DATE)).filter(Files::isDirectory).sorted().toList();
      assertEquals(3, dirs.size(), "the sample data has three PCNs: " + dirs);
      return dirs;
    }
  }

  private static List<String[]> csv(Path file) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.setNullValue("");
    settings.setEmptyValue("");
    settings.setMaxCharsPerColumn(-1);
    return new CsvParser(settings).parseAll(file.toFile(), StandardCharsets.UTF_8);
  }

  @Test
  void theWorkbookOpensInLibreOfficeWithTheCsvsContent() throws Exception {
    List<Path> dirs = listFolders();
    List<String> command =
        new ArrayList<>(
            List.of(
                "soffice",
                "--headless",
                "--norestore",
                "-env:UserInstallation=" + tmp.resolve("profile").toUri(),
                "--convert-to",
                // UTF-8, as shown on screen, every sheet to its own file.
                "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
                "--outdir",
                tmp.resolve("out").toString()));
    for (Path dir : dirs) {
      String pcn = dir.getParent().getFileName().toString();
      command.add(dir.resolve("cohort-" + pcn + "-" + DATE + ".xlsx").toString());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "LibreOffice did not finish: " + said);
    assertEquals(0, p.exitValue(), said);

    List<String> columns = List.copyOf(PcnLists.COLUMNS.keySet());
    for (Path dir : dirs) {
      String pcn = dir.getParent().getFileName().toString();
      String stem = "cohort-" + pcn + "-" + DATE;
      List<String[]> fromCsv = csv(dir.resolve(stem + ".csv"));
      List<String[]> fromExcel = csv(tmp.resolve("out").resolve(stem + "-List.csv"));
      assertEquals(columns, List.of(fromCsv.get(0)));
      assertEquals(List.copyOf(PcnLists.HEADERS.values()), List.of(fromExcel.get(0)));
      assertEquals(fromCsv.size(), fromExcel.size(), stem + ": rows");
      assertTrue(fromCsv.size() > 20, stem + " has " + fromCsv.size() + " rows");
      for (int r = 1; r < fromCsv.size(); r++) {
        for (int c = 0; c < columns.size(); c++) {
          String want = fromCsv.get(r)[c];
          String got = fromExcel.get(r)[c];
          String where = stem + " row " + r + " " + columns.get(c);
          if (columns.get(c).equals(Scoring.PROBABILITY)) {
            // Shown as a percentage with one decimal: 0.7778 is 77.8%; both are rounded, so they
            // may differ by half of each last place.
            assertTrue(got.endsWith("%"), where + ": " + got);
            assertEquals(
                Double.parseDouble(want),
                Double.parseDouble(got.substring(0, got.length() - 1)) / 100,
                0.0005 + 0.00005 + 1e-9,
                where);
          } else {
            assertEquals(want, got, where);
          }
        }
        // Ordered by risk: the cohort by rank 1, 2, ..., then the people leaving (no rank).
        String rank = fromCsv.get(r)[columns.indexOf(Cols.LIST_RANK)];
        if (!rank.isEmpty()) {
          assertEquals(String.valueOf(r), rank, stem + " row " + r);
        }
      }
      String cover = Files.readString(tmp.resolve("out").resolve(stem + "-About this list.csv"));
      String model = fromCsv.get(1)[columns.indexOf(Scoring.MODEL_ID)];
      for (String must :
          List.of(pcn, DATE, model, "CONFIDENTIAL", "How the list was made", "pseudonym")) {
        assertTrue(cover.contains(must), stem + " cover lacks " + must + ":\n" + cover);
      }
      for (String header : PcnLists.HEADERS.values()) {
        assertTrue(cover.contains(header), stem + " cover does not explain " + header);
      }
      try (InputStream in = Files.newInputStream(dir.resolve(stem + ".xlsx"));
          XSSFWorkbook book = new XSSFWorkbook(in)) {
        XSSFSheet list = book.getSheet(PcnWorkbook.LIST);
        assertTrue(list.getPaneInformation().isFreezePane(), stem + ": header row frozen");
        assertEquals(1, list.getPaneInformation().getHorizontalSplitTopRow());
        assertTrue(list.getCTWorksheet().isSetAutoFilter(), stem + ": filters");
      }
    }
  }

  @Test
  void eachListSaysWhoIsEnrolledAndGivesReasonsToActOn() throws IOException {
    Catalog catalog = new Warehouse(sample.warehouse()).catalog();
    Catalog.TableVersion enrolments =
        catalog.entry("conformed/enrolments").orElseThrow().versions().get(DATE);
    // Enrolled at the date, worked out here from the ingested table: started, not ended.
    Set<String> enrolled = new HashSet<>();
    SparkTestSession.get()
        .read()
        .parquet(sample.warehouse().resolve(enrolments.path()).toString())
        .where(
            "enrolment_date <= DATE'"
                + DATE
                + "' AND (end_date IS NULL OR end_date > DATE'"
                + DATE
                + "')")
        .select("person_id")
        .collectAsList()
        .forEach(r -> enrolled.add(r.getString(0)));
    List<String> columns = List.copyOf(PcnLists.COLUMNS.keySet());
    int listed = 0;
    int listedEnrolled = 0;
    for (Path dir : listFolders()) {
      String pcn = dir.getParent().getFileName().toString();
      List<String[]> rows = csv(dir.resolve("cohort-" + pcn + "-" + DATE + ".csv"));
      for (String[] f : rows.subList(1, rows.size())) {
        String person = f[columns.indexOf(Cols.PERSON_ID)];
        boolean yes = enrolled.contains(person);
        assertEquals(yes ? "yes" : "no", f[columns.indexOf(Cols.ENROLLED)], person);
        assertEquals(yes, !f[columns.indexOf(Cols.ENROLLED_SINCE)].isEmpty(), person);
        listed++;
        listedEnrolled += yes ? 1 : 0;
        String reasons = f[columns.indexOf(Scoring.FACTORS)];
        assertFalse(reasons.isEmpty(), person + " has no reasons");
        for (String reason : reasons.split("; ")) {
          assertFalse(
              reason.startsWith("aged ") || reason.equals("female") || reason.equals("male"),
              "age or sex given as a reason: " + reasons);
        }
      }
      String readme = Files.readString(dir.resolve(PcnLists.README));
      assertTrue(readme.contains("## Finding the people"), readme);
      assertTrue(readme.contains("`" + Cols.ENROLLED + "`"), readme);
    }
    assertTrue(listedEnrolled > 0 && listedEnrolled < listed, listedEnrolled + " of " + listed);
  }

  @Test
  void theAggregateFolderSaysHowToReadIt() throws IOException {
    Path dir = sample.publish().resolve("aggregate").resolve(DATE).resolve("cohort");
    String readme = Files.readString(dir.resolve("README.md"));
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(f -> f.toString().endsWith(".csv")).toList()) {
        assertTrue(readme.contains("### `" + f.getFileName() + "`"), f + " not in the README");
        for (String column : csv(f).get(0)) {
          assertTrue(readme.contains("| `" + column + "` |"), column + " of " + f);
        }
      }
    }
    for (String must :
        List.of(
            "`*` means **suppressed**",
            "rounded to the nearest 5",
            "whole pounds",
            "parts need not add up")) {
      assertTrue(readme.contains(must), "README lacks " + must);
    }
  }
}

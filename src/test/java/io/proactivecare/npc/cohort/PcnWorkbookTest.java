package io.proactivecare.npc.cohort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PCN's workbook is a function of its list and the site's settings: the same list gives the same
 * bytes, and the site's re-identification route reaches both the workbook and the README.
 */
class PcnWorkbookTest {
  @TempDir Path tmp;

  @Test
  void theSameListWrittenInAnotherSecondIsTheSameFile() throws Exception {
    LocalDate date = LocalDate.of(2025, 3, 31);
    Path a = tmp.resolve("a.xlsx");
    Path b = tmp.resolve("b.xlsx");
    PcnWorkbook.write(a, "U10001", date, List.of(), "");
    // The workbook used to carry the time it was written (its creation date, to the second).
    Thread.sleep(1100);
    PcnWorkbook.write(b, "U10001", date, List.of(), "");
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  void theSitesReidentificationRouteFollowsTheGeneralText() throws Exception {
    LocalDate date = LocalDate.of(2025, 3, 31);
    String route = "Send the person keys to the ICB data services team with form DS-12.";
    Path site = tmp.resolve("site");
    Path plain = tmp.resolve("plain");
    Files.createDirectories(site);
    Files.createDirectories(plain);
    PcnLists.write(site, "U10001", date, List.of(), route);
    PcnLists.write(plain, "U10001", date, List.of(), "  ");

    String expected = PcnLists.REIDENTIFICATION + " At this site: " + route;
    assertEquals(expected, finding(site.resolve(PcnWorkbook.fileName("U10001", date))));
    assertEquals(
        PcnLists.REIDENTIFICATION, finding(plain.resolve(PcnWorkbook.fileName("U10001", date))));
    String readme = Files.readString(site.resolve(PcnLists.README));
    assertTrue(readme.contains("## Finding the people\n\n" + expected + "\n"), readme);
    assertFalse(Files.readString(plain.resolve(PcnLists.README)).contains("At this site"));
  }

  /** The cover sheet's "Finding the people" text. */
  private static String finding(Path workbook) throws Exception {
    try (XSSFWorkbook book = new XSSFWorkbook(Files.newInputStream(workbook))) {
      Sheet cover = book.getSheetAt(0);
      for (Row r : cover) {
        if (r.getCell(0) != null
            && "Finding the people".equals(r.getCell(0).getStringCellValue())) {
          return r.getCell(1).getStringCellValue();
        }
      }
    }
    throw new AssertionError("no 'Finding the people' line on the cover sheet of " + workbook);
  }
}

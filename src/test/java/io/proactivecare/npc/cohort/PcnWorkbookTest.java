package io.proactivecare.npc.cohort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.schema.Cols;
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

  @Test
  void everyRowOfALongListIsInTheWorkbookWithItsValueAndFormat() throws Exception {
    // More rows than the writer keeps in memory, so most were streamed to disk before the end.
    LocalDate date = LocalDate.of(2025, 3, 31);
    List<java.util.Map<String, Object>> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 250; i++) {
      java.util.Map<String, Object> r = new java.util.HashMap<>();
      r.put(Cols.AS_OF, java.sql.Date.valueOf(date));
      r.put(Cols.PCN_CODE, "U10001");
      r.put(Cols.LIST_RANK, i + 1);
      r.put(Cols.PERSON_ID, "P" + i);
      r.put(Cols.IN_COHORT, i % 7 != 0);
      r.put(Scoring.PROBABILITY, 0.5 + i / 1000.0);
      r.put(Cols.EFI_SCORE, i % 36 / 36.0);
      rows.add(r);
    }
    Path file = tmp.resolve("long.xlsx");
    PcnWorkbook.write(file, "U10001", date, rows, "");
    List<String> columns = List.copyOf(PcnLists.COLUMNS.keySet());
    try (XSSFWorkbook book = new XSSFWorkbook(Files.newInputStream(file))) {
      Sheet list = book.getSheet(PcnWorkbook.LIST);
      assertEquals(250, list.getLastRowNum());
      for (int i = 0; i < 250; i++) {
        Row r = list.getRow(i + 1);
        assertEquals(
            date, r.getCell(columns.indexOf(Cols.AS_OF)).getLocalDateTimeCellValue().toLocalDate());
        assertEquals(i + 1, r.getCell(columns.indexOf(Cols.LIST_RANK)).getNumericCellValue());
        assertEquals("P" + i, r.getCell(columns.indexOf(Cols.PERSON_ID)).getStringCellValue());
        assertEquals(
            i % 7 != 0 ? "yes" : "no",
            r.getCell(columns.indexOf(Cols.IN_COHORT)).getStringCellValue());
        var risk = r.getCell(columns.indexOf(Scoring.PROBABILITY));
        assertEquals(0.5 + i / 1000.0, risk.getNumericCellValue());
        assertEquals("0.0%", risk.getCellStyle().getDataFormatString());
        assertEquals(
            "0.000",
            r.getCell(columns.indexOf(Cols.EFI_SCORE)).getCellStyle().getDataFormatString());
        // Absent values are empty cells.
        assertEquals(null, r.getCell(columns.indexOf(Cols.PRACTICE_CODE)));
      }
      assertEquals(1, list.getPaneInformation().getHorizontalSplitTopRow());
      assertEquals(
          new org.apache.poi.ss.util.CellRangeAddress(0, 250, 0, columns.size() - 1)
              .formatAsString(),
          ((org.apache.poi.xssf.usermodel.XSSFSheet) list)
              .getCTWorksheet()
              .getAutoFilter()
              .getRef());
      // The cover's texts wrap; its title does not.
      Sheet cover = book.getSheet(PcnWorkbook.COVER);
      assertFalse(cover.getRow(0).getCell(1).getCellStyle().getWrapText());
      assertTrue(cover.getRow(2).getCell(1).getCellStyle().getWrapText());
      assertEquals("U10001", cover.getRow(2).getCell(1).getStringCellValue());
    }
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

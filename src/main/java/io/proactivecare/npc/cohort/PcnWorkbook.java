package io.proactivecare.npc.cohort;

import io.proactivecare.npc.risk.Scoring;
import io.proactivecare.npc.schema.Cols;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * A PCN's list as an Excel workbook for its data lead: a cover sheet (the PCN, the date, the model,
 * how the list was made, how to find the people, the sensitivity notice and what every column
 * means), then the list itself, the same rows and values as the CSV, with readable headers, the
 * header row frozen, filters on, widths to fit and number formats (Apache POI).
 */
final class PcnWorkbook {
  private PcnWorkbook() {}

  static final String COVER = "About this list";
  static final String LIST = "List";

  /** Rows of a sheet kept in memory while it is written; earlier ones are on disk. */
  private static final int WINDOW = 100;

  /** The workbook's file name. */
  static String fileName(String pcn, LocalDate date) {
    return "cohort-" + pcn + "-" + date + ".xlsx";
  }

  static void write(
      Path file, String pcn, LocalDate date, List<Map<String, Object>> rows, String route) {
    // Streamed (SXSSF): rows go to a temporary file as they are made, and each row's cells as plain
    // text, instead of a document object per cell; a Leeds-sized night's lists (45,000 rows over
    // about 100 PCNs) took 29 s to write as XSSF documents.
    try (SXSSFWorkbook book = new SXSSFWorkbook(new XSSFWorkbook(), WINDOW, false, false)) {
      Styles styles = new Styles(book);
      cover(book.createSheet(COVER), styles, pcn, date, rows, route);
      list(book.createSheet(LIST), styles, rows);
      book.setActiveSheet(1);
      // Dated by the list's as-of date, not the clock, so two runs on the same inputs write the
      // same bytes: POI stamps the workbook's creation date and every zip entry with the time of
      // writing.
      long at = date.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
      book.getXSSFWorkbook()
          .getProperties()
          .getCoreProperties()
          .setCreated(java.util.Optional.of(new java.util.Date(at)));
      // POI's streamed zip is read back by its central directory (its entries' local headers do
      // not give their sizes), from a temporary file outside the folder being published.
      Path written = Files.createTempFile("npc-workbook-", ".xlsx");
      try {
        try (OutputStream out = Files.newOutputStream(written)) {
          book.write(out);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
          restamp(written, at, out);
        }
      } finally {
        Files.deleteIfExists(written);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Copies a zip file, every entry stamped {@code at} (epoch milliseconds) instead. */
  static void restamp(Path zip, long at, OutputStream to) throws IOException {
    try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(zip.toFile());
        java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(to)) {
      for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
        java.util.zip.ZipEntry copy = new java.util.zip.ZipEntry(e.getName());
        // A local time, so the zip's DOS date is the same in every time zone.
        copy.setTimeLocal(
            java.time.LocalDateTime.ofEpochSecond(at / 1000, 0, java.time.ZoneOffset.UTC));
        out.putNextEntry(copy);
        try (java.io.InputStream data = in.getInputStream(e)) {
          data.transferTo(out);
        }
        out.closeEntry();
      }
    }
  }

  /** The cell styles: made once per workbook (Excel allows a limited number). */
  private static final class Styles {
    final CellStyle header;
    final CellStyle title;
    final CellStyle wrap;
    final CellStyle date;
    final CellStyle whole;
    final CellStyle percent;
    final CellStyle oneDecimal;
    final CellStyle threeDecimals;
    final CellStyle plain;

    Styles(SXSSFWorkbook book) {
      Font bold = book.createFont();
      bold.setBold(true);
      header = book.createCellStyle();
      header.setFont(bold);
      header.setWrapText(true);
      Font big = book.createFont();
      big.setBold(true);
      big.setFontHeightInPoints((short) 14);
      title = book.createCellStyle();
      title.setFont(big);
      wrap = book.createCellStyle();
      wrap.setWrapText(true);
      wrap.setVerticalAlignment(org.apache.poi.ss.usermodel.VerticalAlignment.TOP);
      var formats = book.createDataFormat();
      date = book.createCellStyle();
      date.setDataFormat(formats.getFormat("yyyy-mm-dd"));
      whole = book.createCellStyle();
      whole.setDataFormat(formats.getFormat("0"));
      percent = book.createCellStyle();
      percent.setDataFormat(formats.getFormat("0.0%"));
      oneDecimal = book.createCellStyle();
      oneDecimal.setDataFormat(formats.getFormat("0.0"));
      threeDecimals = book.createCellStyle();
      threeDecimals.setDataFormat(formats.getFormat("0.000"));
      plain = book.getCellStyleAt(0);
    }
  }

  private static void cover(
      Sheet sheet,
      Styles s,
      String pcn,
      LocalDate date,
      List<Map<String, Object>> rows,
      String route) {
    TreeSet<String> models = new TreeSet<>();
    long members = 0;
    for (Map<String, Object> r : rows) {
      if (r.get(Scoring.MODEL_ID) != null) {
        models.add(r.get(Scoring.MODEL_ID).toString());
      }
      if (Boolean.TRUE.equals(r.get(Cols.IN_COHORT))) {
        members++;
      }
    }
    int[] at = {0};
    line(sheet, at, s, s.title, "Proactive care cohort list: " + pcn + ", as of " + date, "");
    at[0]++;
    line(sheet, at, s, s.header, "PCN", pcn);
    line(sheet, at, s, s.header, "As of", date.toString());
    line(sheet, at, s, s.header, "People in the cohort", String.valueOf(members));
    line(sheet, at, s, s.header, "Leaving the cohort", String.valueOf(rows.size() - members));
    line(sheet, at, s, s.header, "Risk model", String.join(", ", models));
    line(sheet, at, s, s.header, "Sensitivity", PcnLists.SENSITIVITY.formatted(pcn));
    line(sheet, at, s, s.header, "How the list was made", PcnLists.HOW_MADE);
    line(sheet, at, s, s.header, "Finding the people", PcnLists.finding(route));
    line(sheet, at, s, s.header, "The sheet '" + LIST + "'", PcnLists.ORDER);
    at[0]++;
    line(sheet, at, s, s.header, "Column", "Meaning");
    for (Map.Entry<String, String> c : PcnLists.COLUMNS.entrySet()) {
      line(
          sheet,
          at,
          s,
          s.header,
          PcnLists.HEADERS.get(c.getKey()),
          c.getValue() + " (" + c.getKey() + " in the CSV)");
    }
    sheet.setColumnWidth(0, 32 * 256);
    sheet.setColumnWidth(1, 110 * 256);
  }

  /** A line of the cover: its label, and its text wrapped (the title's first line is not). */
  private static void line(
      Sheet sheet, int[] at, Styles s, CellStyle style, String label, String text) {
    Row r = sheet.createRow(at[0]++);
    Cell a = r.createCell(0);
    a.setCellValue(label);
    a.setCellStyle(style);
    Cell b = r.createCell(1);
    b.setCellValue(text);
    if (r.getRowNum() > 0) {
      b.setCellStyle(s.wrap);
    }
  }

  private static void list(Sheet sheet, Styles s, List<Map<String, Object>> rows) {
    List<String> columns = List.copyOf(PcnLists.COLUMNS.keySet());
    Row head = sheet.createRow(0);
    for (int i = 0; i < columns.size(); i++) {
      Cell c = head.createCell(i);
      c.setCellValue(PcnLists.HEADERS.get(columns.get(i)));
      c.setCellStyle(s.header);
    }
    int[] widest = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      widest[i] = Math.min(24, PcnLists.HEADERS.get(columns.get(i)).length());
    }
    for (int n = 0; n < rows.size(); n++) {
      Row row = sheet.createRow(n + 1);
      for (int i = 0; i < columns.size(); i++) {
        String column = columns.get(i);
        Object v = rows.get(n).get(column);
        if (v == null) {
          continue;
        }
        Cell c = row.createCell(i);
        if (v instanceof Number num) {
          c.setCellValue(num.doubleValue());
          c.setCellStyle(
              switch (column) {
                case Scoring.PROBABILITY -> s.percent;
                case Scoring.PERCENTILE, Cols.PREVIOUS_RISK_PERCENTILE -> s.oneDecimal;
                default -> v instanceof Double ? s.threeDecimals : s.whole;
              });
          widest[i] = Math.max(widest[i], 8);
        } else if (v instanceof java.sql.Date d) {
          c.setCellValue(d.toLocalDate());
          c.setCellStyle(s.date);
          widest[i] = Math.max(widest[i], 10);
        } else if (v instanceof LocalDate d) {
          c.setCellValue(d);
          c.setCellStyle(s.date);
          widest[i] = Math.max(widest[i], 10);
        } else {
          String text = PcnLists.format(column, v);
          c.setCellValue(text);
          // The default style, said outright: a cell without one has its column's looked up.
          c.setCellStyle(s.plain);
          widest[i] = Math.max(widest[i], Math.min(text.length(), 80));
        }
      }
    }
    for (int i = 0; i < columns.size(); i++) {
      sheet.setColumnWidth(i, (widest[i] + 2) * 256);
    }
    sheet.createFreezePane(0, 1);
    sheet.setAutoFilter(new CellRangeAddress(0, Math.max(rows.size(), 1), 0, columns.size() - 1));
  }
}

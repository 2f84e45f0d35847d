package io.proactivecare.npc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.proactivecare.npc.ingest.SourceReader;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The fixture reader itself: fields split as the CSV reader splits them. */
class RawRowsTest {
  @Test
  void splitsLikeTheCsvReader() {
    assertEquals(Arrays.asList("a", null, " ", "b"), RawRows.split("a,, ,b"));
    assertEquals(
        Arrays.asList("x, y", "say \"hi\"", ""), RawRows.split("\"x, y\",\"say \"\"hi\"\"\",\"\""));
    assertEquals(Arrays.asList(null, null), RawRows.split(","));
  }

  @Test
  void numbersRowsAndMarksLinesWithTheWrongNumberOfFieldsAsMalformed() {
    List<Row> rows =
        RawRows.of("a,b", "1,2", "3", "4,5,6").orderBy(SourceReader.ROW).collectAsList();
    assertEquals(
        List.of(
            "a",
            "b",
            SourceReader.CORRUPT,
            SourceReader.ROW,
            SourceReader.FILE,
            SourceReader.POSITION),
        List.of(RawRows.of("a,b", "1,2").columns()));
    // Positions are distinct across rows and across files, so raw tables of two files can be
    // united.
    long other =
        RawRows.inFile("other.csv", "a,b", "1,2").first().<Long>getAs(SourceReader.POSITION);
    assertEquals(
        3, rows.stream().map(r -> r.<Long>getAs(SourceReader.POSITION)).distinct().count());
    assertEquals(
        false,
        rows.stream().anyMatch(r -> r.<Long>getAs(SourceReader.POSITION) == other),
        "the same row of another file has another position");
    assertEquals(
        List.of(1L, 2L, 3L), rows.stream().map(r -> r.<Long>getAs(SourceReader.ROW)).toList());
    assertNull(rows.get(0).getAs(SourceReader.CORRUPT));
    assertEquals("3", rows.get(1).getAs("a"));
    assertNull(rows.get(1).getAs("b"));
    assertEquals("3", rows.get(1).getAs(SourceReader.CORRUPT));
    assertEquals("5", rows.get(2).getAs("b"));
    assertEquals("4,5,6", rows.get(2).getAs(SourceReader.CORRUPT));
  }
}

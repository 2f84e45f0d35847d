package io.proactivecare.npc.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CSV parser on lines small enough to read by eye. */
class CsvTextTest {
  @Test
  void quotedFieldsHoldDelimitersQuotesAndLineBreaks() {
    List<CsvText.Record> r =
        CsvText.records("a,\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",b\r\nc,d\re,f", ',');
    assertEquals(
        List.of(
            new CsvText.Record(1, List.of("a", "x, y", "say \"hi\""), false),
            // The quoted line break: the record starts on line 2, the next on line 4.
            new CsvText.Record(2, List.of("two\nlines", "b"), false),
            new CsvText.Record(4, List.of("c", "d"), false),
            new CsvText.Record(5, List.of("e", "f"), false)),
        r);
  }

  @Test
  void anEmptyFieldIsNullUnlessQuoted() {
    assertEquals(Arrays.asList("a", null, " ", "b"), CsvText.fields("a,, ,b", ','));
    assertEquals(Arrays.asList(null, null), CsvText.fields(",", ','));
    assertEquals(Arrays.asList("", null), CsvText.fields("\"\",", ','));
    assertEquals(List.of(""), CsvText.fields("\"\"", ','));
    assertEquals(Arrays.asList((String) null), CsvText.fields("", ','));
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsText() {
    assertEquals(List.of("5\" screen", "b"), CsvText.fields("5\" screen,b", ','));
    // After a closing quote the field goes on to the delimiter.
    assertEquals(List.of("ab c", "d"), CsvText.fields("\"ab\" c,d", ','));
  }

  @Test
  void theDelimiterIsTheCallersAndAByteOrderMarkIsSkipped() {
    assertEquals(List.of("a,b", "c"), CsvText.fields("\uFEFFa,b\tc", '\t'));
  }

  @Test
  void aQuoteNeverClosedRunsToTheEndAndIsMarked() {
    List<CsvText.Record> r = CsvText.records("h1,h2\nx,\"open\nstill,open", ',');
    assertEquals(new CsvText.Record(1, List.of("h1", "h2"), false), r.get(0));
    assertEquals(new CsvText.Record(2, List.of("x", "open\nstill,open"), true), r.get(1));
    assertEquals(2, r.size());
  }

  @Test
  void blankLinesAreRecordsOfOneNullFieldAndATrailingBreakAddsNone() {
    assertEquals(
        List.of(
            new CsvText.Record(1, List.of("a"), false),
            new CsvText.Record(2, Arrays.asList((String) null), false),
            new CsvText.Record(3, List.of("b"), false)),
        CsvText.records("a\n\nb\n", ','));
    assertEquals(List.of(), CsvText.records("", ','));
  }
}

package io.proactivecare.npc.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CsvTables}: the files people open, byte for byte. These are the bytes Tablesaw's writer
 * gave before the engine wrote with univocity directly (compared on the values below and on every
 * CSV file of the sample's nightly run, 2026-12-06).
 */
class CsvTablesTest {
  @TempDir Path tmp;

  @Test
  void fieldsAreQuotedWhereTheyMustBeAndNullsAreEmpty() throws IOException {
    Path file = tmp.resolve("sub/folder/t.csv");
    CsvTables.write(
        file,
        List.of("pcn", "note", "n"),
        List.of(
            List.of("U10001", "plain", "1"),
            List.of("a,b", "line\nbreak", "2"),
            // A quote inside a field is written as it is, unless the field must be quoted for
            // another reason (a comma, a line break), when it is doubled.
            List.of("say \"hi\"", "\"q\", and more", "3"),
            // Spaces around a value are dropped; a null and an empty text are both empty.
            Arrays.asList(" lead", "trail ", null),
            List.of("", "", "")));
    String expected =
        "pcn,note,n\n"
            + "U10001,plain,1\n"
            + "\"a,b\",\"line\nbreak\",2\n"
            + "say \"hi\",\"\"\"q\"\", and more\",3\n"
            + "lead,trail,\n"
            + ",,\n";
    assertEquals(expected, Files.readString(file, StandardCharsets.UTF_8));
  }

  @Test
  void streamingWritesWhatWritingAllAtOnceWrites() throws IOException {
    List<String> header = List.of("a", "b");
    List<List<String>> rows =
        List.of(List.of("x,y", "1"), Arrays.asList(null, "2"), List.of("\"z\"", " 3 "));
    Path whole = tmp.resolve("whole.csv");
    Path streamed = tmp.resolve("streamed.csv");
    CsvTables.write(whole, header, rows);
    CsvTables.stream(streamed, header, rows.iterator());
    assertEquals(Files.readString(whole), Files.readString(streamed));
  }

  @Test
  void aRowOfTheWrongWidthIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CsvTables.write(
                    tmp.resolve("bad.csv"),
                    List.of("a", "b"),
                    List.of(List.of("fine", "row"), List.of("only one"))));
    assertEquals("row of 1 fields for 2 columns: [a, b]", e.getMessage());
    assertFalse(Files.exists(tmp.resolve("bad.csv")), "no file half written");
  }
}

package io.proactivecare.npc.cohort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PCN's workbook is a function of its list: the same list gives the same bytes. */
class PcnWorkbookTest {
  @TempDir Path tmp;

  @Test
  void theSameListWrittenInAnotherSecondIsTheSameFile() throws Exception {
    LocalDate date = LocalDate.of(2025, 3, 31);
    Path a = tmp.resolve("a.xlsx");
    Path b = tmp.resolve("b.xlsx");
    PcnWorkbook.write(a, "U10001", date, List.of());
    // The workbook used to carry the time it was written (its creation date, to the second).
    Thread.sleep(1100);
    PcnWorkbook.write(b, "U10001", date, List.of());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }
}

package io.proactivecare.npc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunsListTest {
  @Test
  void columnsAreAsWideAsTheirLongestValue() {
    List<String[]> rows =
        List.of(
            new String[] {"RUN", "SECONDS", "MONITORING", "STEPS (SECONDS)"},
            new String[] {"r-2", "1234.5", "2 fail, 3 warn", "ingest 1234.5"},
            new String[] {"r-1", "36.6", "no baseline", "ingest 18.5, frailty 4.6"});
    List<String> lines = RunsCommand.aligned(rows, 1);
    assertEquals("RUN  SECONDS  MONITORING      STEPS (SECONDS)", lines.get(0));
    assertEquals("r-2   1234.5  2 fail, 3 warn  ingest 1234.5", lines.get(1));
    assertEquals("r-1     36.6  no baseline     ingest 18.5, frailty 4.6", lines.get(2));
  }
}

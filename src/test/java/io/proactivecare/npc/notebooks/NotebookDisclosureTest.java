package io.proactivecare.npc.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proactivecare.npc.disclosure.Disclosure;
import io.proactivecare.npc.testing.Npc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebooks' own disclosure control ({@code control()} in notebooks/npc_notebook.py, for the
 * counts a notebook makes itself) publishes exactly what the engine's {@link Disclosure#control}
 * does: on seeded random cross-tables of small counts, with every row, column and the grand total
 * as sums, the same cells suppressed and the same rounded values.
 */
class NotebookDisclosureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void theNotebooksControlCountsAsTheEngineDoes() throws Exception {
    Random random = new Random(20251203L);
    List<Map<String, Object>> tables = new ArrayList<>();
    List<Map<String, String>> expected = new ArrayList<>();
    for (int t = 0; t < 200; t++) {
      int rows = 2 + random.nextInt(3);
      int columns = 2 + random.nextInt(4);
      Map<String, Long> cells = new LinkedHashMap<>();
      List<Disclosure.Sum> sums = new ArrayList<>();
      long[] columnTotals = new long[columns];
      for (int r = 0; r < rows; r++) {
        List<String> parts = new ArrayList<>();
        long rowTotal = 0;
        for (int c = 0; c < columns; c++) {
          long v = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 12 : 60);
          cells.put(r + "," + c, v);
          parts.add(r + "," + c);
          rowTotal += v;
          columnTotals[c] += v;
        }
        cells.put(r + ",T", rowTotal);
        sums.add(new Disclosure.Sum(r + ",T", parts));
      }
      long all = 0;
      List<String> totals = new ArrayList<>();
      for (int c = 0; c < columns; c++) {
        List<String> parts = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
          parts.add(r + "," + c);
        }
        cells.put("T," + c, columnTotals[c]);
        sums.add(new Disclosure.Sum("T," + c, parts));
        totals.add("T," + c);
        all += columnTotals[c];
      }
      cells.put("T,T", all);
      sums.add(new Disclosure.Sum("T,T", totals));
      Disclosure.Controlled controlled =
          Disclosure.control(
              cells.entrySet().stream()
                  .map(e -> Disclosure.Cell.count(e.getKey(), e.getValue()))
                  .toList(),
              sums,
              List.of());
      Map<String, String> published = new LinkedHashMap<>();
      cells.keySet().forEach(id -> published.put(id, controlled.display(id)));
      expected.add(published);
      tables.add(
          Map.of(
              "cells",
              cells,
              "sums",
              sums.stream().map(s -> List.of(s.total(), s.parts())).toList()));
    }
    Path input = tmp.resolve("tables.json");
    JSON.writeValue(input.toFile(), tables);
    String script =
        String.join(
            "\n",
            "import json, sys",
            "sys.path.insert(0, sys.argv[1])",
            "from npc_notebook import control",
            "out = []",
            "for t in json.load(open(sys.argv[2])):",
            "    p = control(t['cells'], [(s[0], s[1]) for s in t['sums']])",
            "    out.append({k: '*' if v is None else str(v) for k, v in p.items()})",
            "json.dump(out, sys.stdout)");
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-c",
                script,
                Npc.HOME.resolve("notebooks").toString(),
                input.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 did not finish");
    assertEquals(0, p.exitValue(), out);
    JsonNode actual = JSON.readTree(out);
    int suppressed = 0;
    for (int t = 0; t < expected.size(); t++) {
      for (Map.Entry<String, String> e : expected.get(t).entrySet()) {
        assertEquals(
            e.getValue(),
            actual.get(t).get(e.getKey()).asText(),
            "table " + t + " cell " + e.getKey() + ": " + tables.get(t));
        suppressed += e.getValue().equals(Disclosure.SUPPRESSED) ? 1 : 0;
      }
    }
    // The tables exercise both rules: small counts and the cells hidden to protect them.
    assertTrue(suppressed > 500, suppressed + " suppressed cells");
    assertTrue(Files.isRegularFile(Npc.HOME.resolve("notebooks/npc_notebook.py")));
  }
}

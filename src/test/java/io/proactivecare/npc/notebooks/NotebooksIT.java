package io.proactivecare.npc.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SampleRun;
import io.proactivecare.npc.testing.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysts' notebooks (notebooks/*.ipynb) executed headless by {@code notebooks/run} (Debian's
 * python3 with nbclient; .ci/run installs it) against the shared sample run, after {@code npc
 * evaluate} on a copy of its warehouse: every notebook runs to the end without an error and every
 * cell that draws a chart has it in the executed output as a PNG. The queries the notebooks ask
 * {@code npc sql} (notebooks/queries/) are answered in-process beforehand, as a user's notebook
 * would have {@code bin/npc sql} answer them, to spare a JVM per query. The notebooks in the
 * repository must have their outputs cleared. The executed copies stay in target/notebooks/.
 */
class NotebooksIT {
  /** Debian's python3, which has the Debian packages (not a python3 earlier on the PATH). */
  private static final String PYTHON = "/usr/bin/python3";

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void everyNotebookRunsAndShowsItsCharts() throws Exception {
    SampleRun sample = SampleRun.get();
    Path wh = tmp.resolve("warehouse");
    Path publish = tmp.resolve("publish");
    Trees.copy(sample.warehouse(), wh);
    Trees.copy(sample.publish(), publish);
    long started = System.nanoTime();
    long startedCpu = cpu();
    Npc.Result e = Npc.run(wh, "evaluate", "--set=publish=" + publish);
    assertEquals(0, e.exitCode(), e.err());
    long evaluated = System.nanoTime();
    long evaluatedCpu = cpu();

    Path queries = Files.createDirectories(tmp.resolve("queries"));
    for (Path sql : files(Npc.HOME.resolve("notebooks/queries"), ".sql")) {
      String name = sql.getFileName().toString().replace(".sql", "");
      Npc.Result q =
          Npc.run(
              wh,
              "sql",
              "--as-of=" + SampleRun.DATE,
              "--csv=" + queries.resolve(name + ".csv"),
              statement(sql));
      assertEquals(0, q.exitCode(), name + ": " + q.err());
    }
    long answered = System.nanoTime();
    long answeredCpu = cpu();

    assertTrue(
        Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing (.ci/run installs python3)");
    Path out = Npc.HOME.resolve("target/notebooks");
    ProcessBuilder pb =
        new ProcessBuilder(
                PYTHON,
                Npc.HOME.resolve("notebooks/run").toString(),
                "--warehouse=" + wh,
                "--publish=" + publish,
                "--queries=" + queries,
                "--out=" + out)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("run.log").toFile());
    // Every answer is there already: a notebook that asked npc for one would be a bug here.
    pb.environment().put("NPC", "/bin/false");
    pb.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
    Process p = pb.start();
    boolean done = p.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String log = Files.readString(tmp.resolve("run.log"));
    assertTrue(done, "notebooks/run did not finish in 5 minutes:\n" + log);
    assertEquals(0, p.exitValue(), "notebooks/run failed:\n" + log);
    System.out.printf(
        "NotebooksIT: evaluate %.1f s (%.1f s of CPU), queries %.1f s (%.1f s of CPU),"
            + " notebooks %.1f s%n%s",
        (evaluated - started) / 1e9,
        (evaluatedCpu - startedCpu) / 1e9,
        (answered - evaluated) / 1e9,
        (answeredCpu - evaluatedCpu) / 1e9,
        (System.nanoTime() - answered) / 1e9,
        log);

    List<Path> notebooks = files(Npc.HOME.resolve("notebooks"), ".ipynb");
    assertEquals(3, notebooks.size(), notebooks.toString());
    for (Path committed : notebooks) {
      String name = committed.getFileName().toString();
      for (JsonNode cell : codeCells(committed)) {
        assertTrue(cell.path("outputs").isEmpty(), name + ": commit it with its outputs cleared");
        assertTrue(cell.path("execution_count").isNull(), name + ": clear its execution counts");
      }
      int charts = 0;
      for (JsonNode cell : codeCells(out.resolve(name))) {
        String source = source(cell);
        for (JsonNode o : cell.path("outputs")) {
          assertFalse(
              "error".equals(o.path("output_type").asText()),
              name + ": a cell failed: " + o.path("evalue").asText() + "\n" + source);
        }
        if (source.contains("plt.show()")) {
          String png = chart(cell);
          assertTrue(png != null, name + ": no chart in the output of\n" + source);
          byte[] bytes = Base64.getMimeDecoder().decode(png);
          assertTrue(
              bytes.length > 1000 && (bytes[1] & 0xff) == 'P' && bytes[2] == 'N' && bytes[3] == 'G',
              name + ": not a PNG chart in the output of\n" + source);
          charts++;
        }
      }
      assertTrue(charts >= 3, name + ": " + charts + " charts");
    }
  }

  /**
   * This JVM's CPU time so far, in nanoseconds (all threads), to see the time a busy machine hides.
   */
  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The first PNG among a cell's outputs, base64, or null. */
  private static String chart(JsonNode cell) {
    for (JsonNode o : cell.path("outputs")) {
      JsonNode png = o.path("data").path("image/png");
      if (png.isTextual()) {
        return png.asText();
      }
    }
    return null;
  }

  private static List<JsonNode> codeCells(Path notebook) throws IOException {
    List<JsonNode> cells = new ArrayList<>();
    for (JsonNode c : JSON.readTree(notebook.toFile()).path("cells")) {
      if ("code".equals(c.path("cell_type").asText())) {
        cells.add(c);
      }
    }
    return cells;
  }

  /** A cell's source, stored as one string or as a list of lines. */
  private static String source(JsonNode cell) {
    JsonNode s = cell.path("source");
    if (s.isTextual()) {
      return s.asText();
    }
    StringBuilder b = new StringBuilder();
    s.forEach(line -> b.append(line.asText()));
    return b.toString();
  }

  /** A query file less its heading comment lines, as notebooks/npc_notebook.py sends it. */
  private static String statement(Path sql) throws IOException {
    return String.join(
            "\n",
            Files.readAllLines(sql, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.strip().startsWith("--"))
                .toList())
        .strip();
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }
}

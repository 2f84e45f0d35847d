package io.proactivecare.npc.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.SampleRun;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample run's report (the nightly job's last step, delivered to the publish area) opened in
 * headless Chromium with no network: a screenshot is taken (kept as target/report-screenshot.png),
 * the page logs nothing to the console, and after its script ran every chart is marked drawn; so on
 * a page with an evaluation, made from the unit test's hand-made aggregates. The same checks on a
 * copy with one chart's image broken must fail, so they can.
 */
class ReportBrowserIT {
  /** Debian's package; .ci/run installs it. */
  private static final String CHROMIUM = "/usr/bin/chromium";

  /** The flags this machine's closed network needs (no background connections, no sandbox). */
  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--hide-scrollbars",
          "--enable-logging=stderr",
          "--v=0");

  @TempDir Path tmp;

  /** What Chromium printed: stdout and the console lines of stderr. */
  record Browser(String out, List<String> console) {}

  private Browser chromium(Path page, String... args) throws IOException, InterruptedException {
    assertTrue(
        Files.isExecutable(Path.of(CHROMIUM)),
        CHROMIUM + " is missing: apt-get install chromium (.ci/run installs it)");
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM));
    cmd.addAll(FLAGS);
    cmd.add("--user-data-dir=" + Files.createTempDirectory(tmp, "profile"));
    cmd.addAll(List.of(args));
    cmd.add(page.toUri().toString());
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .directory(tmp.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + Files.readString(err));
    }
    assertEquals(0, p.exitValue(), Files.readString(err));
    List<String> console = new ArrayList<>();
    for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
      if (line.contains(":CONSOLE")) {
        console.add(line);
      }
    }
    return new Browser(Files.readString(out, StandardCharsets.UTF_8), console);
  }

  /** The charts of the page after its script ran: each data-chart id and whether it drew. */
  private Browser loaded(Path page) throws Exception {
    return chromium(page, "--virtual-time-budget=5000", "--dump-dom");
  }

  /** The report the shared sample run delivered. */
  private static Path sampleReport() {
    return SampleRun.get()
        .publish()
        .resolve("aggregate/" + SampleRun.DATE + "/report/" + ReportStep.FILE);
  }

  private static List<String[]> figures(String dom) {
    List<String[]> out = new ArrayList<>();
    Matcher m = Pattern.compile("<figure class=\"chart\"([^>]*)>").matcher(dom);
    while (m.find()) {
      Matcher id = Pattern.compile("data-chart=\"([^\"]+)\"").matcher(m.group(1));
      Matcher drawn = Pattern.compile("data-drawn=\"([^\"]+)\"").matcher(m.group(1));
      out.add(
          new String[] {id.find() ? id.group(1) : "?", drawn.find() ? drawn.group(1) : "unset"});
    }
    return out;
  }

  @Test
  void theSampleRunsReportOpensAndEveryChartDraws() throws Exception {
    Path report = sampleReport();
    assertTrue(Files.isRegularFile(report), "no report delivered at " + report);

    Browser b = loaded(report);
    assertEquals(List.of(), b.console(), "the page logged to the console");
    List<String[]> figures = figures(b.out());
    Set<String> ids = new HashSet<>();
    for (String[] f : figures) {
      ids.add(f[0]);
      assertEquals("yes", f[1], "chart " + f[0] + " did not draw");
    }
    // The nightly's sections: no evaluation yet at the sample's date.
    for (String id :
        List.of(
            "churn",
            "concentration",
            "efi-age_band",
            "efi-imd_quintile",
            "roc",
            "calibration",
            "quarantine")) {
      assertTrue(ids.contains(id), "no chart " + id + " in " + ids);
    }
    assertTrue(
        b.out().contains("data-charts-drawn=\"" + figures.size() + "/" + figures.size() + "\""));
    assertTrue(b.out().contains("No evaluation was published as of " + SampleRun.DATE));
    // The run's monitoring checks, from its manifest: a first run, with nothing to compare with.
    assertTrue(b.out().contains("<section id=\"monitoring\">"), "no monitoring section");
    assertTrue(b.out().contains("</code> found: no baseline."), "no monitoring summary");
    assertTrue(
        b.out()
            .contains(
                "<tr><td>rows read</td><td>gp_events</td><td>108,127</td><td>–</td><td>no earlier"
                    + " run to compare with</td>"),
        "no rows-read check of gp_events");

    Path shot = tmp.resolve("report.png");
    chromium(report, "--window-size=1000,3000", "--screenshot=" + shot);
    BufferedImage image = ImageIO.read(shot.toFile());
    assertNotNull(image, "no screenshot");
    assertEquals(1000, image.getWidth());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 20, "the screenshot is nearly blank: " + colours.size());
    Path target = Path.of("target", "report-screenshot.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void theEvaluationsChartsDrawToo() throws Exception {
    // The sample run has no evaluation; the unit test's hand-made aggregates have one.
    Path page = tmp.resolve("evaluation.html");
    Files.writeString(page, RunReport.html(RunReportTest.inputs()), StandardCharsets.UTF_8);
    Browser b = loaded(page);
    assertEquals(List.of(), b.console(), "the page logged to the console");
    List<String> drawn = new ArrayList<>();
    for (String[] f : figures(b.out())) {
      assertEquals("yes", f[1], "chart " + f[0] + " did not draw");
      drawn.add(f[0]);
    }
    assertTrue(drawn.containsAll(List.of("love", "forest-emergency_admissions")), drawn.toString());
  }

  @Test
  void aChartThatDoesNotDrawIsCaught() throws Exception {
    Path report = sampleReport();
    String html = Files.readString(report, StandardCharsets.UTF_8);
    // Break the first chart's image: valid base64, not a PNG.
    String broken =
        html.replaceFirst(
            "src=\"data:image/png;base64,[A-Za-z0-9+/=]+\"", "src=\"data:image/png;base64,AAAA\"");
    assertFalse(broken.equals(html));
    Path page = tmp.resolve("broken.html");
    Files.writeString(page, broken, StandardCharsets.UTF_8);

    Browser b = loaded(page);
    List<String[]> figures = figures(b.out());
    assertEquals("no", figures.get(0)[1]);
    assertEquals(1, b.console().size(), String.join("\n", b.console()));
    assertTrue(b.console().get(0).contains("chart did not draw: " + figures.get(0)[0]));
  }
}

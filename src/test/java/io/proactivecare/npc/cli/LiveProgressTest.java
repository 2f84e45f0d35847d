package io.proactivecare.npc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.warehouse.RunManifest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The live progress bar: its line, when it is shown, and that it never changes the plain lines. */
class LiveProgressTest {

  @Test
  void theLineShowsTheRunningStagesTasksDoneAndTheTime() {
    // 45 of 200 tasks: 24 * 45 / 200 = 5.4, so 5 of the bar's 24 places are filled.
    assertEquals(
        "[2/8] frailty [=====                   ] 45/200 tasks, 2 running  1:05",
        LiveProgress.render(
            "[2/8] frailty",
            Optional.of(new LiveProgress.Tasks(1, 45, 2, 200)),
            Duration.ofSeconds(65),
            80));
    assertEquals(
        "[1/1] ingest [========================] 1,200/1,200 tasks (3 stages)  0:00",
        LiveProgress.render(
            "[1/1] ingest",
            Optional.of(new LiveProgress.Tasks(3, 1200, 0, 1200)),
            Duration.ofMillis(900),
            80));
    assertEquals(
        "[3/8] features [                        ] working  12:00",
        LiveProgress.render("[3/8] features", Optional.empty(), Duration.ofMinutes(12), 80));
    // Never as wide as the terminal: a full line would wrap, and the redraw would leave lines.
    String cut =
        LiveProgress.render(
            "[3/8] features", Optional.of(new LiveProgress.Tasks(1, 1, 1, 2)), Duration.ZERO, 30);
    assertEquals(29, cut.length());
    assertEquals("[3/8] features [============ ", cut);
  }

  @Test
  void itIsShownOnlyAtAnInteractiveTerminalOutsideCi() {
    assertTrue(LiveProgress.wanted(true, Map.of("TERM", "xterm-256color")));
    assertFalse(LiveProgress.wanted(false, Map.of("TERM", "xterm")), "piped or scheduled");
    assertFalse(LiveProgress.wanted(true, Map.of()), "no TERM (cron)");
    assertFalse(LiveProgress.wanted(true, Map.of("TERM", "dumb")));
    assertFalse(LiveProgress.wanted(true, Map.of("TERM", "xterm", "CI", "true")));
    assertFalse(LiveProgress.wanted(true, Map.of("TERM", "xterm", "NPC_PROGRESS", "plain")));
    assertEquals(120, LiveProgress.width(Map.of("COLUMNS", "120")));
    assertEquals(80, LiveProgress.width(Map.of()));
    assertEquals(80, LiveProgress.width(Map.of("COLUMNS", "wide")));
  }

  private static RunManifest.StepRecord step(String name) {
    return new RunManifest.StepRecord(
        name,
        name,
        RunManifest.SUCCEEDED,
        "2025-03-31T02:00:00Z",
        1500,
        42,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        false,
        List.of(),
        List.of(),
        null,
        null);
  }

  /** A run of two steps with a note, told to {@code progress}. */
  private static void run(ConsoleProgress progress) {
    progress.runStarted("r1", "nightly", LocalDate.of(2025, 3, 31), 2);
    progress.stepStarted(1, 2, "ingest");
    progress.note("ingest", "one thing");
    progress.stepFinished(1, 2, step("ingest"));
    progress.stepStarted(2, 2, "frailty");
    progress.stepFinished(2, 2, step("frailty"));
    progress.runPublished("r1", 3, 5);
  }

  /** The text with every erase removed, and each line's last redraw kept, as a terminal shows. */
  private static String asShown(String text) {
    return text.replaceAll("[^\n]*\r\033\\[K", "");
  }

  @Test
  void theBarIsErasedBeforeEachLineSoTheLinesAreThoseOfAPlainRun() {
    StringWriter plain = new StringWriter();
    run(new ConsoleProgress(new PrintWriter(plain), Path.of("/w")));
    assertFalse(plain.toString().contains("\r"), "control codes in plain output");
    assertFalse(plain.toString().contains("\033"), "control codes in plain output");

    StringWriter live = new StringWriter();
    AtomicReference<Optional<LiveProgress.Tasks>> tasks =
        new AtomicReference<>(Optional.of(new LiveProgress.Tasks(1, 3, 1, 8)));
    // A redraw interval far longer than the test: only the draws at each step's start happen.
    run(
        new ConsoleProgress(new PrintWriter(live), Path.of("/w"))
            .withLiveBar(tasks::get, Duration.ofHours(1), 80));
    String out = live.toString();
    // Each step's bar was drawn once, then erased before the next line.
    assertEquals(2, out.split("3/8 tasks", -1).length - 1, out);
    assertTrue(
        out.contains(
            "[1/2] ingest [=========               ] 3/8 tasks, 1 running  0:00"
                + LiveProgress.ERASE
                + "  note: one thing"),
        out);
    assertEquals(
        plain.toString().replaceAll("started at \\d\\d:\\d\\d:\\d\\d", "started at T"),
        asShown(out).replaceAll("started at \\d\\d:\\d\\d:\\d\\d", "started at T"));
  }

  @Test
  void theBarIsRedrawnWhileTheStepRunsAndStopsWhenItEnds() throws InterruptedException {
    StringWriter live = new StringWriter();
    AtomicReference<Optional<LiveProgress.Tasks>> tasks = new AtomicReference<>(Optional.empty());
    ConsoleProgress progress =
        new ConsoleProgress(new PrintWriter(live), Path.of("/w"))
            .withLiveBar(tasks::get, Duration.ofMillis(5), 80);
    progress.stepStarted(1, 1, "ingest");
    tasks.set(Optional.of(new LiveProgress.Tasks(1, 7, 1, 10)));
    long until = System.nanoTime() + 10_000_000_000L;
    while (!snapshot(progress, live).contains("7/10 tasks") && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertTrue(snapshot(progress, live).contains("7/10 tasks"), "the bar was not redrawn");
    progress.stepFinished(1, 1, step("ingest"));
    String atEnd = snapshot(progress, live);
    Thread.sleep(50);
    assertEquals(atEnd, snapshot(progress, live), "drawn after the step ended");
    assertTrue(atEnd.endsWith("ok\n") || atEnd.endsWith("ok" + System.lineSeparator()), atEnd);
  }

  private static String snapshot(Object lock, StringWriter w) {
    synchronized (lock) {
      return w.toString();
    }
  }
}

package io.proactivecare.npc.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;

/**
 * The live progress bar of a running step, for a person at an interactive terminal: one status line
 * redrawn in place (carriage return, erase to the end of the line) from Spark's own job progress,
 * the tasks done of the stages running now. It is erased before any other line is printed, so the
 * lines a run prints are the same with or without it. Never shown when standard output is not a
 * terminal (piped, under a scheduler, in CI): see {@link #wanted}.
 */
final class LiveProgress {
  /** Erase the whole line: carriage return, then ANSI "erase to end of line". */
  static final String ERASE = "\r\033[K";

  /** Tasks of the stages running now: done, running and in all. */
  record Tasks(int stages, int done, int running, int total) {}

  private static final int BAR = 24;

  private final PrintWriter out;
  private final Object lock;
  private final Supplier<Optional<Tasks>> tasks;
  private final long intervalMs;
  private final int width;
  private ScheduledExecutorService ticker;
  private String label;
  private long startedNanos;
  private boolean shown;

  /**
   * @param lock what every writer of {@code out} holds while printing
   * @param tasks the tasks of the stages running now, empty when none is (or no Spark yet)
   * @param width the terminal's columns: the line is kept shorter, so it never wraps
   */
  LiveProgress(
      PrintWriter out, Object lock, Supplier<Optional<Tasks>> tasks, Duration interval, int width) {
    this.out = out;
    this.lock = lock;
    this.tasks = tasks;
    this.intervalMs = Math.max(1, interval.toMillis());
    this.width = width;
  }

  /**
   * Whether to show the bar: only for a terminal (the JVM's console: standard input and output both
   * a terminal) that can move the cursor ({@code TERM} set and not {@code dumb}), and not in CI
   * ({@code CI} set, as CI services do) or when {@code NPC_PROGRESS=plain}.
   */
  static boolean wanted(boolean console, Map<String, String> env) {
    String term = env.get("TERM");
    return console
        && term != null
        && !term.isBlank()
        && !term.equals("dumb")
        && env.get("CI") == null
        && !"plain".equals(env.get("NPC_PROGRESS"));
  }

  /** The terminal's width from {@code COLUMNS} (a shell sets it), else 80. */
  static int width(Map<String, String> env) {
    try {
      int c = Integer.parseInt(env.getOrDefault("COLUMNS", "80").trim());
      return c >= 20 ? c : 80;
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  /** The tasks of the stages Spark is running now, from its status tracker. */
  static Optional<Tasks> running(SparkStatusTracker tracker) {
    int stages = 0;
    int done = 0;
    int running = 0;
    int total = 0;
    for (int id : tracker.getActiveStageIds()) {
      Optional<SparkStageInfo> info = Optional.ofNullable(tracker.getStageInfo(id).getOrElse(null));
      if (info.isPresent()) {
        stages++;
        done += info.get().numCompletedTasks();
        running += info.get().numActiveTasks();
        total += info.get().numTasks();
      }
    }
    return stages == 0 ? Optional.empty() : Optional.of(new Tasks(stages, done, running, total));
  }

  /**
   * The status line: the step, a bar of the running stages' tasks done, the counts and the time
   * since the step started; cut to {@code width - 1} characters.
   */
  static String render(String label, Optional<Tasks> tasks, Duration elapsed, int width) {
    StringBuilder line = new StringBuilder(label).append(' ');
    if (tasks.isEmpty()) {
      line.append('[').append(" ".repeat(BAR)).append("] working");
    } else {
      Tasks t = tasks.get();
      int filled = t.total == 0 ? 0 : (int) ((long) BAR * t.done / t.total);
      line.append('[')
          .append("=".repeat(filled))
          .append(" ".repeat(BAR - filled))
          .append("] ")
          .append(String.format("%,d/%,d tasks", t.done, t.total));
      if (t.running > 0) {
        line.append(String.format(", %d running", t.running));
      }
      if (t.stages > 1) {
        line.append(String.format(" (%d stages)", t.stages));
      }
    }
    long s = elapsed.toSeconds();
    line.append(String.format("  %d:%02d", s / 60, s % 60));
    return line.length() < width ? line.toString() : line.substring(0, width - 1);
  }

  /** A step started: show its line now and redraw it until {@link #stop}. */
  void start(String label) {
    synchronized (lock) {
      stopTicker();
      this.label = label;
      this.startedNanos = System.nanoTime();
      draw();
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "npc-progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleWithFixedDelay(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }
  }

  private void tick() {
    synchronized (lock) {
      if (label != null) {
        draw();
      }
    }
  }

  private void draw() {
    Optional<Tasks> now;
    try {
      now = tasks.get();
    } catch (RuntimeException e) {
      now = Optional.empty(); // Spark stopping: the line without its counts
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
    out.print(ERASE + render(label, now, elapsed, width));
    out.flush();
    shown = true;
  }

  /** Erases the line if it is shown; the caller holds the lock and prints its line next. */
  void clear() {
    synchronized (lock) {
      if (shown) {
        out.print(ERASE);
        out.flush();
        shown = false;
      }
    }
  }

  /** The step ended (or failed): no more redraws, and the line erased. */
  void stop() {
    synchronized (lock) {
      stopTicker();
      label = null;
      clear();
    }
  }

  private void stopTicker() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
  }
}

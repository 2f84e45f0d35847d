package io.proactivecare.npc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code npc} command line in a child JVM, as {@code bin/npc} does (the installation named
 * by {@code -Dnpc.home}, Spark's {@code --add-opens} flags, the test classpath), started in a
 * chosen folder: for what needs a real, separate process (the job lock, a backfill, the folder npc
 * is started in). Output goes to files, so a test can watch a run while it is under way.
 */
public final class NpcProcess {
  /**
   * JVM options of the tests' child JVMs: HotSpot's quick compiler only. A child lives for one
   * small extract, too short for the optimising compiler to repay its CPU (on the cluster test's
   * sample run, 137 s of CPU against 235 s, docs/benchmarks.md). The quick compiler alone gets a 48
   * MB code cache, which a whole nightly job fills (the JVM then stops compiling and runs
   * interpreted); the default for both compilers is 240 MB.
   */
  public static final List<String> QUICK_JIT =
      List.of("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=240m");

  private final Process process;
  private final Path out;
  private final Path err;

  private NpcProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** What a finished child did. */
  public record Result(int exitCode, String out, String err) {}

  /** Starts {@code npc ARGS} in folder {@code cwd}; its output is kept in folder {@code logs}. */
  public static NpcProcess start(Path cwd, Path logs, String... args) {
    return startMain("io.proactivecare.npc.cli.Main", cwd, logs, args);
  }

  /** Starts class {@code main} of the test classpath in a child JVM set up as for npc. */
  public static NpcProcess startMain(String main, Path cwd, Path logs, String... args) {
    try {
      Files.createDirectories(logs);
      Path out = Files.createTempFile(logs, "npc-out", ".txt");
      Path err = Files.createTempFile(logs, "npc-err", ".txt");
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx1g");
      cmd.addAll(QUICK_JIT);
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (a.startsWith("--add-opens") || a.startsWith("-Djdk.") || a.startsWith("-Dio.netty")) {
          cmd.add(a);
        }
      }
      cmd.add("-Dnpc.home=" + Npc.HOME);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(main);
      cmd.addAll(List.of(args));
      Process p =
          new ProcessBuilder(cmd)
              .directory(cwd.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      return new NpcProcess(p, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code npc ARGS} in {@code cwd} to the end (at most {@code seconds}). */
  public static Result run(Path cwd, Path logs, long seconds, String... args) {
    return start(cwd, logs, args).await(seconds);
  }

  public long pid() {
    return process.pid();
  }

  /** Whether the child is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The standard output so far. */
  public String outSoFar() {
    try {
      return Files.readString(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for the end (killing the child after {@code seconds}) and returns what it did. */
  public Result await(long seconds) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            "npc did not finish in " + seconds + " s; output:\n" + outSoFar() + stderr());
      }
      return new Result(process.exitValue(), outSoFar(), stderr());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Kills the child at once (SIGKILL), as the out-of-memory killer would. */
  public void kill() {
    try {
      process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String stderr() {
    try {
      return Files.readString(err, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

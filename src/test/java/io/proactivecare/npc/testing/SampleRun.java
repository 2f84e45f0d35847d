package io.proactivecare.npc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One run of the nightly job on the bundled sample data (bin/npc run jobs/nightly.yaml,
 * in-process), shared by every end-to-end test in the JVM that only reads what it published: the
 * run costs about a minute, so it is made once. Tests must not change its warehouse or publish
 * area.
 */
public final class SampleRun {
  private static SampleRun run;

  private final Path warehouse;
  private final Path publish;
  private final Npc.Result result;

  private SampleRun(Path warehouse, Path publish, Npc.Result result) {
    this.warehouse = warehouse;
    this.publish = publish;
    this.result = result;
  }

  /** The run, made on first use. */
  public static synchronized SampleRun get() {
    if (run == null) {
      try {
        Path dir = Files.createTempDirectory("npc-sample-run");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        Path warehouse = dir.resolve("warehouse");
        Path publish = dir.resolve("publish");
        Npc.Result r = Npc.run(warehouse, "run", "jobs/nightly.yaml", "--set=publish=" + publish);
        if (r.exitCode() != 0) {
          throw new IllegalStateException("the nightly job on sample-data failed:\n" + r.err());
        }
        run = new SampleRun(warehouse, publish, r);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return run;
  }

  private static void delete(Path dir) {
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the folder is in the temporary area
    }
  }

  public Path warehouse() {
    return warehouse;
  }

  public Path publish() {
    return publish;
  }

  /** What the run printed. */
  public Npc.Result result() {
    return result;
  }

  /** The as-of date of the sample data's extract. */
  public static final String DATE = "2025-03-31";
}

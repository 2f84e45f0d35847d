package io.proactivecare.npc.testing;

import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session shared by every test in the JVM: local[2], two shuffle partitions, UI
 * off, UTC, ANSI on, room for every query's compiled code. Never stopped between test classes; the
 * JVM's exit stops it.
 *
 * <p>Whether it compiles Spark's queries follows the system property {@code
 * npc.test.code_generation} ({@code always}, the default, or {@code never}; the engine's {@code
 * spark.code_generation}, docs/configuration.md): the unit tests' hand-worked fixtures run
 * compiled, as a Leeds-sized run does, and the end-to-end tests, whose inputs are small,
 * interpreted, as the engine runs inputs of their size (pom.xml). {@link Npc#run} keeps the mode
 * for the commands it runs in this JVM.
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  /** The shared session's {@code spark.code_generation}: always or never. */
  public static String codeGeneration() {
    String mode = System.getProperty("npc.test.code_generation", "always");
    if (!mode.equals("always") && !mode.equals("never")) {
      throw new IllegalStateException("npc.test.code_generation is always or never, not " + mode);
    }
    return mode;
  }

  public static synchronized SparkSession get() {
    if (session == null) {
      SparkSession.Builder b =
          SparkSession.builder()
              .master("local[2]")
              .appName("npc-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              // Spark keeps 100 compiled query classes by default; this JVM runs the same
              // pipelines again and again, so with room for them all a query's generated code is
              // compiled once (Janino) and HotSpot's compiled form of it kept: EvaluationIT alone
              // 231.5 and 231.9 s (481, 503 s of CPU) with 100, 197.5 and 204.4 s (433, 445 s)
              // with 10,000.
              .config("spark.sql.codegen.cache.maxEntries", "10000")
              .config("spark.sql.codegen.wholeStage", codeGeneration().equals("always"))
              .config(
                  "spark.sql.codegen.factoryMode",
                  codeGeneration().equals("always") ? "FALLBACK" : "NO_CODEGEN");
      // The settings every session of the engine has (UTC, ANSI mode, page size, local files...).
      for (var e : io.proactivecare.npc.io.SparkSessions.fixedSettings().entrySet()) {
        b = b.config(e.getKey(), e.getValue());
      }
      session = b.getOrCreate();
      if (!"true".equals(session.conf().get("spark.sql.ansi.enabled"))) {
        throw new IllegalStateException("tests need ANSI mode so Spark 4's casting rules hold");
      }
    }
    return session;
  }
}

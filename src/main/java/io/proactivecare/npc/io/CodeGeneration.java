package io.proactivecare.npc.io;

import io.proactivecare.npc.config.SparkSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Whether Spark compiles its queries to bytecode for a run (docs/configuration.md, "Code
 * generation").
 *
 * <p>Spark turns each query into Java source and compiles it (Janino, then HotSpot): at Leeds size
 * that is where speed comes from, but each compile costs a fixed fraction of a second and the
 * nightly job runs about 400 Spark jobs, so on small inputs compiling costs more than it saves. In
 * {@link SparkSettings#AUTO} mode the engine compiles only when the run's inputs are larger than
 * {@link SparkSettings#codeGenerationAboveBytes()}; below it Spark evaluates its expressions as
 * they stand (its own interpreted path, which gives the same results).
 */
public final class CodeGeneration {
  /** Spark's whole-stage code generation, on or off. */
  static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";

  /** Spark's code generation of single expressions: {@code FALLBACK} compiles, NO_CODEGEN not. */
  static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";

  private CodeGeneration() {}

  /**
   * Whether to compile for inputs of this size.
   *
   * @param inputBytes bytes on disk of what the run reads first
   */
  public static boolean compiles(SparkSettings settings, long inputBytes) {
    return switch (settings.codeGeneration()) {
      case SparkSettings.ALWAYS -> true;
      case SparkSettings.NEVER -> false;
      default -> inputBytes > settings.codeGenerationAboveBytes();
    };
  }

  /**
   * Sets the session's two code generation settings for inputs of this size, unless {@code
   * spark.settings} names either (then Spark's own setting stands).
   *
   * @return whether the session compiles
   */
  public static boolean apply(SparkSession spark, SparkSettings settings, long inputBytes) {
    if (settings.settings().containsKey(WHOLE_STAGE)
        || settings.settings().containsKey(FACTORY_MODE)) {
      return !"false".equalsIgnoreCase(spark.conf().get(WHOLE_STAGE, "true"));
    }
    boolean compiles = compiles(settings, inputBytes);
    spark.conf().set(WHOLE_STAGE, String.valueOf(compiles));
    spark.conf().set(FACTORY_MODE, compiles ? "FALLBACK" : "NO_CODEGEN");
    return compiles;
  }

  /** Bytes of the regular files under these folders or files; what is missing counts nothing. */
  public static long bytesUnder(Iterable<Path> places) {
    long total = 0;
    for (Path p : places) {
      if (!Files.exists(p)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(p)) {
        total +=
            files
                .filter(Files::isRegularFile)
                .mapToLong(
                    f -> {
                      try {
                        return Files.size(f);
                      } catch (IOException e) {
                        return 0;
                      }
                    })
                .sum();
      } catch (IOException | UncheckedIOException e) {
        // A folder that cannot be listed is the step's to report; here it counts nothing.
      }
    }
    return total;
  }
}

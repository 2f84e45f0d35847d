package io.proactivecare.npc.warehouse;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The publishing end of a run, alone in its own JVM, for {@link PublishKillIT}: delivers the
 * folders a run staged and publishes its catalog with the code {@code npc run} uses, on tiny files
 * and without Spark. Run with {@code -Dnpc.test.halt-at=N} to halt at the Nth point.
 *
 * <p>Arguments: WAREHOUSE PUBLISH RUN_ID DATE STAGED,... WITHDRAWN,... (comma-separated folders
 * relative to the publish area; "-" for none).
 */
public final class PublishChild {
  private PublishChild() {}

  public static void main(String[] args) {
    publish(Path.of(args[0]), Path.of(args[1]), args[2], args[3], list(args[4]), list(args[5]));
  }

  private static List<String> list(String arg) {
    return arg.equals("-") ? List.of() : Arrays.asList(arg.split(","));
  }

  /**
   * Publishes run {@code runId} (whose folder holds {@code deliver/...}) as {@code npc run} does.
   */
  static long publish(
      Path warehouseRoot,
      Path publish,
      String runId,
      String date,
      List<String> staged,
      List<String> withdrawn) {
    Warehouse warehouse = new Warehouse(warehouseRoot);
    List<RunManifest.Output> outputs =
        List.of(
            new RunManifest.Output(
                "cohort/list",
                Sensitivity.PATIENT_LEVEL,
                date,
                "runs/" + runId + "/tables/cohort/list",
                1,
                ""));
    return new PublishArea(publish)
        .publish(
            warehouse,
            runId,
            warehouse.runDir(runId).resolve("deliver"),
            staged,
            withdrawn,
            () -> warehouse.publish(runId, outputs, Instant.now()))
        .catalogVersion();
  }
}

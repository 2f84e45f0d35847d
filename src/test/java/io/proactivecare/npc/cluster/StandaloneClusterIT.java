package io.proactivecare.npc.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.NpcProcess;
import io.proactivecare.npc.testing.SampleRun;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly job on a real Spark standalone cluster: {@code bin/npc-cluster start} runs a master
 * and a worker on 127.0.0.1 (free ports), {@code bin/npc-cluster submit} spark-submits
 * target/npc-cluster.jar to it, so tasks run in an executor JVM the worker launched, with only
 * Spark's jars and our cluster jar on its classpath. The outcome must equal a local-mode run of the
 * same job. The cluster is always stopped afterwards; its logs and the worker's work folder stay in
 * target/cluster-it for diagnosis.
 */
class StandaloneClusterIT {
  private static final Path HOME = Npc.HOME;
  private static final Path RUN_DIR = HOME.resolve("target/cluster-it");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

  private static final Map<String, String> env = new HashMap<>();
  private static boolean started;

  @TempDir Path tmp;

  @BeforeAll
  static void startCluster() throws IOException {
    if (Files.exists(RUN_DIR.resolve("master.pid"))
        || Files.exists(RUN_DIR.resolve("worker.pid"))) {
      env.put("NPC_CLUSTER_DIR", RUN_DIR.toString());
      cluster(STOP_TIMEOUT, "stop"); // left over from an interrupted run
    }
    deleteRecursively(RUN_DIR);
    Files.createDirectories(RUN_DIR);
    int[] ports = freePorts(4);
    env.put("NPC_CLUSTER_DIR", RUN_DIR.toString());
    env.put("NPC_MASTER_PORT", String.valueOf(ports[0]));
    env.put("NPC_MASTER_WEBUI_PORT", String.valueOf(ports[1]));
    env.put("NPC_WORKER_PORT", String.valueOf(ports[2]));
    env.put("NPC_WORKER_WEBUI_PORT", String.valueOf(ports[3]));
    env.put("NPC_WORKER_CORES", "2");
    env.put("NPC_WORKER_MEMORY", "2g");
    // The driver and the executor live for the sample only: the quick compiler, as the other
    // tests' child JVMs (NpcProcess.QUICK_JIT), through bin/npc-cluster's NPC_JAVA_OPTS.
    env.put("NPC_JAVA_OPTS", String.join(" ", NpcProcess.QUICK_JIT));
    started = true; // from here on @AfterAll stops whatever did start
    Run start = cluster(START_TIMEOUT, "start");
    if (start.exitCode() != 0) {
      cluster(STOP_TIMEOUT, "stop");
      started = false;
      fail("bin/npc-cluster start failed:\n" + start.output());
    }
  }

  @AfterAll
  static void stopCluster() {
    if (started) {
      Run stop = cluster(STOP_TIMEOUT, "stop");
      assertEquals(0, stop.exitCode(), "bin/npc-cluster stop failed:\n" + stop.output());
    }
  }

  @Test
  void nightlyJobOnTheClusterMatchesLocalMode() throws Exception {
    // The same job in local mode is the shared sample run (SampleRun: made once per test JVM and
    // read by other end-to-end tests); if no test has made it yet it is made here, meanwhile, in
    // this JVM, to save wall time.
    ExecutorService localThread = Executors.newSingleThreadExecutor();
    Future<SampleRun> localRun = localThread.submit(SampleRun::get);
    SampleRun local;
    Path clusterWarehouse = tmp.resolve("cluster-warehouse");
    long t0 = System.nanoTime();
    Run submit;
    long clusterMs;
    try {
      submit =
          cluster(
              SUBMIT_TIMEOUT,
              "submit",
              "run",
              "jobs/nightly.yaml",
              "--warehouse",
              clusterWarehouse.toString(),
              "--set",
              "publish=" + tmp.resolve("cluster-publish"),
              // As the local run (Npc.run): two partitions after a shuffle for the worker's two
              // cores, not the default eight, whose extra tasks each cost a round trip to the
              // executor on this small extract.
              "--set",
              "spark.shuffle_partitions=2",
              // Compiled, as a Leeds-sized run is, where the local run (the sample's size)
              // interprets: the same rows per output from both paths end to end.
              "--set",
              "spark.code_generation=always");
      clusterMs = (System.nanoTime() - t0) / 1_000_000;
    } finally {
      local = localRun.get(SUBMIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      localThread.shutdown();
    }
    assertEquals(0, submit.exitCode(), "submit failed:\n" + submit.output());

    RunManifest onCluster = onlyRun(clusterWarehouse);
    assertEquals(RunManifest.SUCCEEDED, onCluster.status(), onCluster.error());
    Map<String, RunManifest.TableCount> clusterTables = tableCounts(onCluster);
    assertFalse(clusterTables.isEmpty(), "the manifest reconciles no table");
    clusterTables
        .values()
        .forEach(
            t ->
                assertEquals(
                    t.read(),
                    t.accepted() + t.quarantined(),
                    t.table() + ": read must equal accepted + quarantined"));

    RunManifest inLocalMode = onlyRun(local.warehouse());
    assertEquals(RunManifest.SUCCEEDED, inLocalMode.status(), inLocalMode.error());

    // Both runs delivered the same files: each PCN's list and the aggregates (the nightly job's
    // cohort step), each where told.
    Path localPublish = local.publish();
    Path clusterPublish = tmp.resolve("cluster-publish");
    List<String> delivered = files(localPublish);
    assertEquals(delivered, files(clusterPublish), "files delivered, local vs cluster");
    String date = inLocalMode.asOf();
    assertTrue(
        delivered.contains("aggregate/" + date + "/cohort/concentration.csv"),
        delivered.toString());
    assertTrue(
        delivered.stream()
            .anyMatch(f -> f.matches("pcn/U\\d{5}/" + date + "/cohort-U\\d{5}-" + date + "\\.csv")),
        delivered.toString());

    assertEquals(
        describe(tableCounts(inLocalMode)),
        describe(clusterTables),
        "per-table counts, local vs cluster");
    Map<String, Long> clusterOutputs = outputRows(onCluster);
    assertEquals(outputRows(inLocalMode), clusterOutputs, "rows per output, local vs cluster");
    assertTrue(
        clusterOutputs.keySet().stream().anyMatch(o -> o.startsWith("conformed/")),
        clusterOutputs.toString());

    // What the executors wrote is all there: count the cluster's Parquet files back.
    Warehouse w = new Warehouse(clusterWarehouse);
    for (RunManifest.Output o : outputs(onCluster)) {
      if (o.name().equals(io.proactivecare.npc.risk.ModelRegistry.OUTPUT)) {
        // A model is a folder (model.bin, card, metrics), one model: check the model is there.
        assertTrue(
            java.nio.file.Files.isRegularFile(w.resolve(o.path()).resolve("model.bin")), o.path());
        continue;
      }
      if (o.name().equals(io.proactivecare.npc.report.ReportStep.OUTPUT)) {
        // The run report is one HTML page, not a table.
        assertTrue(
            java.nio.file.Files.isRegularFile(
                w.resolve(o.path()).resolve(io.proactivecare.npc.report.ReportStep.FILE)),
            o.path());
        continue;
      }
      long rows = SparkTestSession.get().read().parquet(w.resolve(o.path()).toString()).count();
      assertEquals(o.rows(), rows, o.name() + " in " + o.path());
    }

    assertExecutorsRanOnTheCluster();
    System.out.printf(
        "nightly job: spark-submit to the standalone cluster %.1f s (whole command)%n",
        clusterMs / 1000.0);
  }

  /**
   * The master saw our application finish, and the worker ran an executor for it that ran tasks.
   */
  private static void assertExecutorsRanOnTheCluster() throws Exception {
    JsonNode master = masterJson();
    assertEquals(1, master.path("aliveworkers").asInt(), master.toPrettyString());
    List<String> appIds = new ArrayList<>();
    for (JsonNode app : master.path("completedapps")) {
      if ("npc".equals(app.path("name").asText())
          && "FINISHED".equals(app.path("state").asText())) {
        appIds.add(app.path("id").asText());
      }
    }
    assertEquals(
        1, appIds.size(), "one finished npc application expected:\n" + master.toPrettyString());

    Path appDir = RUN_DIR.resolve("work").resolve(appIds.get(0));
    assertTrue(Files.isDirectory(appDir), "the worker has no folder for " + appIds.get(0));
    List<Path> stderrs;
    try (Stream<Path> s = Files.list(appDir)) {
      stderrs = s.map(d -> d.resolve("stderr")).filter(Files::isRegularFile).toList();
    }
    assertFalse(stderrs.isEmpty(), "no executor log in " + appDir);
    String log = Files.readString(stderrs.get(0), StandardCharsets.UTF_8);
    assertTrue(
        log.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"),
        "not an executor launch: " + stderrs.get(0));
    assertTrue(log.contains("Finished task"), "the executor ran no task: " + stderrs.get(0));
    // NPC_JAVA_OPTS reached the executor's JVM (bin/npc-cluster submit puts it in
    // spark.executor.extraJavaOptions).
    assertTrue(
        log.contains("-XX:TieredStopAtLevel=1"),
        "NPC_JAVA_OPTS is not on the executor's command line: " + stderrs.get(0));
    // The executor's classpath is Spark's jars; our code came from the jar the driver served.
    assertTrue(
        Files.isRegularFile(stderrs.get(0).getParent().resolve("npc-cluster.jar")),
        "executor did not fetch npc-cluster.jar");
  }

  private static JsonNode masterJson() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest get =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + env.get("NPC_MASTER_WEBUI_PORT") + "/json/"))
            .timeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }

  /** The files under {@code dir}, relative, sorted; the lock file left out. */
  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .filter(f -> !f.equals(".deliver.lock"))
          .sorted()
          .toList();
    }
  }

  private static RunManifest onlyRun(Path warehouse) {
    List<RunManifest> runs = new Warehouse(warehouse).runs();
    assertEquals(1, runs.size(), "runs in " + warehouse);
    return runs.get(0);
  }

  private static List<RunManifest.Output> outputs(RunManifest m) {
    return m.steps().stream().flatMap(s -> s.outputs().stream()).toList();
  }

  private static Map<String, Long> outputRows(RunManifest m) {
    return outputs(m).stream()
        .collect(
            Collectors.toMap(
                RunManifest.Output::name, RunManifest.Output::rows, (a, b) -> a, TreeMap::new));
  }

  private static Map<String, RunManifest.TableCount> tableCounts(RunManifest m) {
    return m.steps().stream()
        .flatMap(s -> s.tables().stream())
        .collect(
            Collectors.toMap(RunManifest.TableCount::table, t -> t, (a, b) -> a, TreeMap::new));
  }

  private static Map<String, String> describe(Map<String, RunManifest.TableCount> counts) {
    Map<String, String> d = new TreeMap<>();
    counts.forEach((k, t) -> d.put(k, t.read() + " = " + t.accepted() + " + " + t.quarantined()));
    return d;
  }

  /** What one bin/npc-cluster command did. */
  private record Run(int exitCode, String output) {}

  /** Runs bin/npc-cluster in the repository with the test's environment, within the timeout. */
  private static Run cluster(Duration timeout, String... args) {
    List<String> command =
        new ArrayList<>(List.of("bash", HOME.resolve("bin/npc-cluster").toString()));
    command.addAll(List.of(args));
    Path log = RUN_DIR.resolve("it-" + args[0] + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(HOME.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().remove("NPC_SPARK_MASTER");
    pb.environment().remove("NPC_SUBMIT_OPTS");
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        fail(
            "bin/npc-cluster "
                + String.join(" ", args)
                + " did not finish within "
                + timeout
                + ":\n"
                + Files.readString(log));
      }
      return new Run(p.exitValue(), Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Distinct free TCP ports on 127.0.0.1 (held open together so none is picked twice). */
  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package io.proactivecare.npc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark harness behind {@code bin/bench}: for each population size, generates an extract
 * once (cached), runs the nightly job twice (the first night, which trains the first model, then a
 * usual night with that model current) and, unless told not to, the evaluation job, as a user would
 * ({@code bin/npc run}, a fresh JVM each, a fresh warehouse per size), then the DuckDB peer over
 * the same files and the engine doing what the peer does in one process ({@link #AS_PEER_JOB}), and
 * records per step the wall time, rows in and out, rows per second and each process's peak memory,
 * with the machine, the date and the commit. Results go to {@code DIR/results/*.json} and are
 * printed as Markdown tables for docs/benchmarks.md.
 *
 * <p>Usage (DIR defaults to npc-bench in the JVM's temporary folder): {@code bin/bench [--dir DIR]
 * [--seed S] [--java-opts OPTS] [--no-peer] [--no-evaluation] [--no-usual-night] [SIZE ...]} (sizes
 * default to 100000 250000 500000 1000000; {@value #SAMPLE} is the bundled sample-data/, not
 * generated, so {@code --seed} does not apply to it).
 */
public final class Bench {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The job of what the DuckDB peer does, which the harness runs as one engine process. */
  static final String AS_PEER = "as_peer";

  /** The size that is the bundled sample-data/, not a generated population. */
  static final String SAMPLE = "sample";

  static final String AS_PEER_JOB =
      """
      # Written by bin/bench: what the DuckDB peer does, in one engine process (docs/benchmarks.md).
      job: as_peer
      description: The ingest, the eFI at the date and the features (12-month utilisation among them).
      steps:
        ingest:
          run: ingest
          outputs:
            patient_level: [conformed/*, quarantine]
        frailty:
          run: frailty
          needs: [ingest]
          outputs:
            patient_level: [frailty/deficit_periods, frailty/efi, frailty/hfrs]
        features:
          run: features
          needs: [frailty]
          outputs:
            patient_level: [features/person]
      """;

  private static final Pattern READ =
      Pattern.compile("^read (\\S+) version (\\S+) \\(run (\\S+)\\)$");

  private final Path home;
  private final Path dir;
  private final long seed;
  private final String javaOpts;
  private final boolean peer;
  private final boolean evaluation;
  private final boolean usualNight;

  private Bench(
      Path home,
      Path dir,
      long seed,
      String javaOpts,
      boolean peer,
      boolean evaluation,
      boolean usualNight) {
    this.home = home;
    this.dir = dir;
    this.seed = seed;
    this.javaOpts = javaOpts;
    this.peer = peer;
    this.evaluation = evaluation;
    this.usualNight = usualNight;
  }

  public static void main(String[] args) throws Exception {
    Path home = Path.of(System.getProperty("npc.home", ".")).toAbsolutePath().normalize();
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "npc-bench");
    long seed = 1;
    String javaOpts = "-Xmx8g";
    boolean peer = true;
    boolean evaluation = true;
    boolean usualNight = true;
    // Each size once, in the order first given: "sample sample" runs the sample once.
    java.util.Collection<String> sizes = new java.util.LinkedHashSet<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--dir" -> dir = Path.of(value(args, ++i, a, "a folder")).toAbsolutePath();
        case "--seed" -> seed = whole(value(args, ++i, a, "a whole number"), a);
        case "--java-opts" -> javaOpts = value(args, ++i, a, "JVM options, e.g. -Xmx8g");
        case "--no-peer" -> peer = false;
        case "--no-evaluation" -> evaluation = false;
        case "--no-usual-night" -> usualNight = false;
        case "-h", "--help" -> {
          System.out.println(
              "Usage: bin/bench [--dir DIR] [--seed S] [--java-opts OPTS] [--no-peer]"
                  + " [--no-evaluation] [--no-usual-night] [SIZE ...]\n"
                  + "  SIZE: people to generate (default 100000 250000 500000 1000000), or"
                  + " sample for the bundled sample-data/ (the README's nightly job);"
                  + " DIR: where populations, warehouses, logs and results/ go (default"
                  + " npc-bench in the temporary folder); OPTS: NPC_JAVA_OPTS of every engine"
                  + " command (default -Xmx8g)\n"
                  + "       bin/bench passes EXTRACT TABLE [ROUNDS] [rows|columns]   (one"
                  + " table's ingest pass by pass, on one core)\n"
                  + "Exit code 0 when every command ran, 1 when one failed (its log is named),"
                  + " 2 for a wrong argument. See docs/benchmarks.md.");
          return;
        }
        case SAMPLE -> sizes.add(SAMPLE);
        default -> {
          if (!a.matches("\\d+")) {
            usage("unknown argument " + a + " (a SIZE is a number of people, or " + SAMPLE + ")");
          }
          long people = whole(a, "a size");
          if (people <= 0) {
            usage("a size is a number of people, at least 1, not " + a);
          }
          sizes.add(String.valueOf(people));
        }
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of("100000", "250000", "500000", "1000000");
    }
    Bench bench = new Bench(home, dir, seed, javaOpts, peer, evaluation, usualNight);
    ObjectNode results = bench.machine();
    System.out.print(machineLine(results));
    ArrayNode runs = results.putArray("sizes");
    for (String size : sizes) {
      ObjectNode r = bench.size(size);
      r.set("targets", targets(r, javaOpts));
      runs.add(r);
      bench.save(results);
      System.out.println(markdown(r));
    }
    System.out.println("results: " + bench.save(results));
    List<String> failed = failures(results);
    if (!failed.isEmpty()) {
      System.err.println(
          "bench: "
              + failed.size()
              + " command(s) failed, so their figures are not measurements: "
              + String.join("; ", failed));
      System.exit(1);
    }
  }

  /** The option's value, or a usage error naming what it needs. */
  private static String value(String[] args, int i, String option, String what) {
    if (i >= args.length || args[i].startsWith("--")) {
      usage(option + " needs " + what);
    }
    return args[i];
  }

  /** A whole number, or a usage error. */
  private static long whole(String text, String option) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      usage(option + " needs a whole number, not '" + text + "'");
      return 0;
    }
  }

  private static void usage(String message) {
    System.err.println("bench: " + message + " (see --help)");
    System.exit(2);
  }

  /** Every command of the results that did not exit 0: its size, label, exit code and log. */
  static List<String> failures(JsonNode results) {
    List<String> out = new ArrayList<>();
    for (JsonNode r : results.path("sizes")) {
      List<JsonNode> commands = new ArrayList<>();
      r.path("jobs").forEach(commands::add);
      r.path("engine_as_peer").forEach(commands::add);
      if (r.has("peer")) {
        commands.add(r.get("peer"));
      }
      for (JsonNode c : commands) {
        if (c.path("exit_code").asInt() != 0) {
          out.add(
              String.format(
                  "%s, %s: exit %d (log %s)",
                  label(r),
                  c.path("job").asText("DuckDB peer"),
                  c.path("exit_code").asInt(),
                  c.path("log").asText()));
        }
      }
    }
    return out;
  }

  /** The machine, date and commit the figures belong to. */
  private ObjectNode machine() throws IOException, InterruptedException {
    ObjectNode m = JSON.createObjectNode();
    m.put("date", Instant.now().toString());
    m.put("commit", run(List.of("git", "-C", home.toString(), "rev-parse", "--short", "HEAD")));
    m.put("cores", Runtime.getRuntime().availableProcessors());
    // The processor: the peer and the engine gain or lose differently on different ones (a ratio
    // of 4.2 on an AMD EPYC machine, 3.0 on an Intel Xeon of the same size; docs/benchmarks.md).
    m.put("processor", processor(Path.of("/proc/cpuinfo")));
    long memory =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    m.put("memory_gib", Math.round(memory / (1024.0 * 1024 * 1024) * 10) / 10.0);
    m.put("java", System.getProperty("java.version"));
    m.put("npc_java_opts", javaOpts);
    m.put("seed", seed);
    return m;
  }

  /**
   * The processor's model as Linux names it (the first {@code model name} in {@code cpuinfo}), else
   * the JVM's architecture.
   */
  static String processor(Path cpuinfo) {
    try (java.util.stream.Stream<String> lines = Files.lines(cpuinfo)) {
      Optional<String> model =
          lines
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst();
      if (model.isPresent() && !model.get().isEmpty()) {
        return model.get();
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // Not Linux, or not readable: the architecture below is all there is to say.
    }
    return System.getProperty("os.arch");
  }

  /** One line naming the machine, date and commit, printed before the tables. */
  static String machineLine(JsonNode m) {
    return String.format(
        "Machine: %d cores (%s), %.1f GiB, Java %s; commit %s, %s%n",
        m.path("cores").asInt(),
        m.path("processor").asText(),
        m.path("memory_gib").asDouble(),
        m.path("java").asText(),
        m.path("commit").asText(),
        m.path("date").asText());
  }

  private Path save(ObjectNode results) throws IOException {
    Path out =
        dir.resolve("results")
            .resolve(
                "bench-"
                    + results.get("date").asText().replace(":", "").substring(0, 15)
                    + "-"
                    + results.get("commit").asText()
                    + ".json");
    Files.createDirectories(out.getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
    return out;
  }

  /**
   * One size's runs: {@code size} is a number of people to generate, or {@value #SAMPLE} for the
   * bundled sample-data/ (the README's nightly job, with its target of 30 s).
   */
  private ObjectNode size(String size) throws IOException, InterruptedException {
    ObjectNode r = JSON.createObjectNode();
    boolean sample = size.equals(SAMPLE);
    long people = sample ? 0 : Long.parseLong(size);
    Path extract =
        sample ? home.resolve("sample-data") : dir.resolve("gen-" + people + "-seed" + seed);
    if (sample) {
      r.put("label", "the bundled sample (sample-data/)");
      generatedPeople(extract.resolve("extract.yaml")).ifPresent(n -> r.put("people", n));
    } else {
      r.put("people", people);
    }
    if (!sample && !Files.exists(extract.resolve("extract.yaml"))) {
      Path genLog = dir.resolve("generate-" + people + ".log");
      Timed gen =
          timed(
              List.of(
                  home.resolve("bin/npc").toString(),
                  "generate",
                  "--people",
                  String.valueOf(people),
                  "--seed",
                  String.valueOf(seed),
                  "--out",
                  extract.toString(),
                  "--force"),
              genLog);
      r.put("generate_s", gen.seconds());
      if (gen.exitCode() != 0) {
        System.err.printf(
            "bench: generating %,d people failed (exit %d): see %s%n",
            people, gen.exitCode(), genLog);
        System.exit(1);
      }
    }
    r.put("extract", extract.toString());
    r.put("extract_bytes", bytes(extract, "truth"));
    Path warehouse = dir.resolve("wh-" + size);
    deleteTree(warehouse);
    deleteTree(dir.resolve("wh-" + size + "-publish"));
    ArrayNode jobs = r.putArray("jobs");
    List<String> nightly =
        npc(
            warehouse,
            size,
            "run",
            home.resolve("jobs/nightly.yaml").toString(),
            "--extract",
            extract.toString());
    jobs.add(job("nightly", nightly, warehouse));
    if (usualNight) {
      // Every later night: the model trained on the first is current, so risk_train does not
      // train. The same extract and date again, hence --force (else the date is skipped as done).
      List<String> again = new ArrayList<>(nightly);
      again.add("--force");
      jobs.add(job("nightly (usual night)", "nightly", again, warehouse));
    }
    if (evaluation) {
      jobs.add(
          job(
              "evaluation",
              npc(warehouse, size, "run", home.resolve("jobs/evaluation.yaml").toString()),
              warehouse));
    }
    if (peer) {
      Path out = dir.resolve("peer-" + size);
      deleteTree(out);
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(DuckDbPeer.class.getName());
      cmd.add("--extract");
      cmd.add(extract.toString());
      cmd.add("--out");
      cmd.add(out.toString());
      cmd.add("--conf");
      cmd.add(home.resolve("conf").toString());
      Path peerLog = dir.resolve("peer-" + size + ".log");
      Timed t = timed(cmd, peerLog);
      ObjectNode p = r.putObject("peer");
      p.put("wall_s", t.seconds());
      p.put("peak_rss_mb", t.peakMb());
      p.put("exit_code", t.exitCode());
      p.put("log", peerLog.toString());
      if (t.exitCode() == 0) {
        peerSummary(Files.readString(peerLog), p);
      }
      // The engine doing what the peer does, as the peer does it: one process (`npc run` of a
      // job of the ingest, the eFI at the date without the trajectory, and the features, the
      // 12-month utilisation among them) on a warehouse of its own, timed whole like the peer's
      // process. Its commands started one by one each pay a JVM's start and warm-up (at a million
      // on one day: 317 s against 298 s in one process, docs/benchmarks.md).
      Path asPeer = dir.resolve("wh-" + size + "-as-peer");
      deleteTree(asPeer);
      Path asPeerJob = dir.resolve("as-peer.yaml");
      Files.writeString(asPeerJob, AS_PEER_JOB);
      ArrayNode same = r.putArray("engine_as_peer");
      same.add(
          job(
              AS_PEER,
              npc(asPeer, size, "run", asPeerJob.toString(), "--extract", extract.toString()),
              asPeer));
      compare(p, same.get(0));
      boolean ran = !p.path("ratio_engine_to_peer").isNull();
      // The same answers: people whose eFI or 12-month counts differ between the two (0 each).
      ObjectNode differ = p.putObject("people_differing");
      if (ran) {
        try {
          PeerAgreement.differences(out, asPeer).forEach(differ::put);
        } catch (java.sql.SQLException | RuntimeException e) {
          differ.put("error", String.valueOf(e.getMessage()));
        }
      }
    }
    return r;
  }

  /**
   * The engine's time against the peer's: {@code engine_s}, the whole wall time of the process
   * doing the peer's work ({@code asPeer}, the run of {@link #AS_PEER_JOB}), and {@code
   * ratio_engine_to_peer}, that over the peer's whole wall time; the ratio is null unless both
   * exited 0 (a failed command's time is no measurement, and its tables may be missing) and the
   * peer took some time. The answers are compared only when there is a ratio.
   */
  static void compare(ObjectNode peer, JsonNode asPeer) {
    double engine = asPeer.path("wall_s").asDouble();
    peer.put("engine_s", engine);
    boolean ran = peer.path("exit_code").asInt() == 0 && asPeer.path("exit_code").asInt() == 0;
    double peerSeconds = peer.path("wall_s").asDouble();
    if (ran && peerSeconds > 0) {
      peer.put("ratio_engine_to_peer", engine / peerSeconds);
    } else {
      peer.putNull("ratio_engine_to_peer");
    }
  }

  /** {@code bin/npc ARGS} on this size's warehouse and publish area. */
  private List<String> npc(Path warehouse, String size, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(home.resolve("bin/npc").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(
        List.of(
            "--warehouse",
            warehouse.toString(),
            "--set",
            "publish=" + dir.resolve("wh-" + size + "-publish")));
    return cmd;
  }

  /** One run of job {@code name}, labelled with its name. */
  private ObjectNode job(String name, List<String> command, Path warehouse)
      throws IOException, InterruptedException {
    return job(name, name, command, warehouse);
  }

  /**
   * One job run, labelled {@code label}: whole-command wall time and peak memory, then each step
   * from the manifest of its newest run of job {@code name}.
   */
  private ObjectNode job(String label, String name, List<String> command, Path warehouse)
      throws IOException, InterruptedException {
    Path log =
        dir.resolve(
            label.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "")
                + "-"
                + warehouse.getFileName()
                + ".log");
    Timed t = timed(command, log);
    ObjectNode j = JSON.createObjectNode();
    j.put("job", label);
    j.put("exit_code", t.exitCode());
    j.put("log", log.toString());
    j.put("wall_s", t.seconds());
    j.put("peak_rss_mb", t.peakMb());
    ArrayNode steps = j.putArray("steps");
    Path manifest = newestManifest(warehouse, name);
    if (manifest == null) {
      return j;
    }
    JsonNode m = JSON.readTree(manifest.toFile());
    j.put("run_id", m.path("run_id").asText());
    // Rows of every output of the runs this job read from (a step's notes name each table it read
    // with its version and run), to count each step's rows in.
    Map<String, Map<String, Long>> runRows = new HashMap<>();
    for (JsonNode s : m.path("steps")) {
      ObjectNode step = steps.addObject();
      step.put("step", s.path("name").asText());
      double seconds = s.path("duration_ms").asLong() / 1000.0;
      step.put("wall_s", seconds);
      long in = 0;
      if (s.path("tables").size() > 0) {
        ArrayNode tables = step.putArray("tables");
        for (JsonNode tc : s.path("tables")) {
          in += tc.path("read").asLong();
          tables
              .addObject()
              .put("table", tc.path("table").asText())
              .put("read", tc.path("read").asLong())
              .put("accepted", tc.path("accepted").asLong());
        }
      } else {
        for (JsonNode note : s.path("notes")) {
          Matcher read = READ.matcher(note.asText());
          if (read.matches()) {
            String key = read.group(1) + "@" + read.group(2);
            in +=
                runRows
                    .computeIfAbsent(read.group(3), run -> outputRows(warehouse, run))
                    .getOrDefault(key, 0L);
          }
        }
      }
      step.put("rows_in", in);
      long out = s.path("rows").asLong();
      step.put("rows_out", out);
      step.put("rows_in_per_s", seconds > 0 ? Math.round(in / seconds) : 0);
      // The most Java heap in use during the step, and left after a collection (the manifest's;
      // absent from older ones).
      for (String f : List.of("peak_heap_mb", "peak_heap_after_gc_mb")) {
        if (s.hasNonNull(f)) {
          step.put(f, s.get(f).asLong());
        } else {
          step.putNull(f);
        }
      }
    }
    return j;
  }

  /** Rows of every output a run wrote, by "name@version" (none if its manifest is gone). */
  private static Map<String, Long> outputRows(Path warehouse, String runId) {
    Map<String, Long> out = new HashMap<>();
    Path manifest = warehouse.resolve("runs").resolve(runId).resolve("manifest.json");
    try {
      for (JsonNode s : JSON.readTree(manifest.toFile()).path("steps")) {
        for (JsonNode o : s.path("outputs")) {
          out.put(
              o.path("name").asText() + "@" + o.path("version_key").asText(),
              o.path("rows").asLong());
        }
      }
    } catch (IOException e) {
      System.err.println("bench: cannot read " + manifest + ": " + e.getMessage());
    }
    return out;
  }

  private static Path newestManifest(Path warehouse, String job) throws IOException {
    Path runs = warehouse.resolve("runs");
    if (!Files.isDirectory(runs)) {
      return null;
    }
    try (Stream<Path> s = Files.list(runs)) {
      return s.filter(p -> p.getFileName().toString().contains("-" + job + "-"))
          .map(p -> p.resolve("manifest.json"))
          .filter(Files::exists)
          .max(java.util.Comparator.naturalOrder())
          .orElse(null);
    }
  }

  /** A finished process: exit code, wall time and peak resident memory (from GNU time). */
  record Timed(int exitCode, double seconds, long peakMb) {}

  private Timed timed(List<String> command, Path log) throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    Path times = Files.createTempFile("bench", ".time");
    List<String> cmd =
        new ArrayList<>(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%e %M"));
    cmd.addAll(command);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("NPC_JAVA_OPTS", javaOpts);
    // A class path is thousands of characters: shown by its length.
    System.err.println(
        "bench: "
            + command.stream()
                .map(a -> a.length() > 200 ? "(" + a.length() + " characters)" : a)
                .collect(java.util.stream.Collectors.joining(" ")));
    int code = pb.start().waitFor();
    String[] f =
        Files.readString(times).trim().lines().reduce((a, b) -> b).orElse("0 0").split(" ");
    Files.deleteIfExists(times);
    Timed t = new Timed(code, Double.parseDouble(f[0]), Long.parseLong(f[1]) / 1024);
    System.err.printf(
        "bench:   exit %d, %.1f s, %,d MB peak (log %s)%n", code, t.seconds(), t.peakMb(), log);
    return t;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return out;
  }

  private static long bytes(Path extract, String skip) throws IOException {
    // The extract folder may be a link to a population generated elsewhere.
    Path dir = extract.toRealPath();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !dir.relativize(p).startsWith(skip))
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private static final Pattern PHASES =
      Pattern.compile(
          "^phases: ingest ([0-9.]+) s, efi ([0-9.]+) s, utilisation ([0-9.]+) s; total ([0-9.]+) s$");

  private static final Pattern PEER_TABLE =
      Pattern.compile("^([a-z_]+)\\s+([0-9,]+)\\s+([0-9,]+)\\s+([0-9,]+)$");

  /**
   * The peer's own account from its summary (docs/benchmarks.md, "The DuckDB peer"): the time of
   * each phase and, per table, the rows read and kept.
   */
  static void peerSummary(String log, ObjectNode peer) {
    ArrayNode tables = peer.putArray("tables");
    for (String line : log.lines().toList()) {
      Matcher phases = PHASES.matcher(line.trim());
      if (phases.matches()) {
        ObjectNode ph = peer.putObject("phases_s");
        ph.put("ingest", Double.parseDouble(phases.group(1)));
        ph.put("efi", Double.parseDouble(phases.group(2)));
        ph.put("utilisation", Double.parseDouble(phases.group(3)));
        ph.put("total", Double.parseDouble(phases.group(4)));
      }
      Matcher table = PEER_TABLE.matcher(line.trim());
      if (table.matches()) {
        tables
            .addObject()
            .put("table", table.group(1))
            .put("read", Long.parseLong(table.group(2).replace(",", "")))
            .put("kept", Long.parseLong(table.group(3).replace(",", "")));
      }
    }
  }

  /**
   * Per table, the rows read, the engine's accepted rows (its first night's ingest) and the peer's
   * kept rows: the peer keeps more where it does not apply a rule the engine quarantines by.
   */
  static String rowsKept(JsonNode r) {
    Map<String, JsonNode> engine = new java.util.LinkedHashMap<>();
    for (JsonNode s : r.path("jobs").path(0).path("steps")) {
      s.path("tables").forEach(t -> engine.put(t.path("table").asText(), t));
    }
    JsonNode peer = r.path("peer").path("tables");
    if (engine.isEmpty() || peer.isEmpty()) {
      return "";
    }
    StringBuilder b =
        new StringBuilder(
            String.format(
                "%n| Table | Rows read | Engine accepted | Peer kept | Peer keeps more |%n"
                    + "|---|---|---|---|---|%n"));
    for (JsonNode t : peer) {
      JsonNode e = engine.get(t.path("table").asText());
      if (e == null) {
        continue;
      }
      b.append(
          String.format(
              "| %s | %,d | %,d | %,d | %,d |%n",
              t.path("table").asText(),
              t.path("read").asLong(),
              e.path("accepted").asLong(),
              t.path("kept").asLong(),
              t.path("kept").asLong() - e.path("accepted").asLong()));
    }
    b.append(
        String.format(
            "%nThe peer keeps the rows the engine quarantines by rules it does not apply"
                + " (BAD_FORMAT, TOO_LONG, OUT_OF_RANGE, FUTURE_DATE; docs/benchmarks.md, \"The"
                + " DuckDB peer\").%n"));
    return b.toString();
  }

  /**
   * "2,099 / 812": a step's heap in use and after collections at their most, if recorded; "2,830 /
   * no GC" when no collection ran during the step (the first figure then holds what earlier steps
   * left).
   */
  private static String heap(JsonNode step) {
    if (!step.hasNonNull("peak_heap_mb")) {
      return "";
    }
    return String.format("%,d", step.get("peak_heap_mb").asLong())
        + (step.hasNonNull("peak_heap_after_gc_mb")
            ? String.format(" / %,d", step.get("peak_heap_after_gc_mb").asLong())
            : " / no GC");
  }

  /**
   * What a size's results are of: "1,000,000 people", or the sample's label with its people when
   * known ("the bundled sample (sample-data/), 5,000 people").
   */
  static String label(JsonNode r) {
    String people = String.format("%,d people", r.path("people").asLong());
    if (!r.hasNonNull("label")) {
      return people;
    }
    return r.get("label").asText() + (r.hasNonNull("people") ? ", " + people : "");
  }

  /**
   * The people an extract was generated for, from the generator's first line in its extract.yaml
   * ({@code # Generated by: npc generate --people 5000 ...}); empty when it says nothing of it (an
   * extract not made by {@code npc generate}).
   */
  static java.util.Optional<Long> generatedPeople(Path extractYaml) throws IOException {
    if (!Files.exists(extractYaml)) {
      return java.util.Optional.empty();
    }
    String prefix = io.proactivecare.npc.synth.ExtractWriter.GENERATED_FOR_PEOPLE;
    try (java.util.stream.Stream<String> lines = Files.lines(extractYaml)) {
      return lines
          .filter(l -> l.startsWith(prefix))
          .findFirst()
          .map(l -> l.substring(prefix.length()).split(" ", 2)[0])
          .filter(n -> n.matches("[0-9]+"))
          .map(Long::parseLong);
    }
  }

  /** The nightly job's whole command at a million, in seconds: under this is the target. */
  static final double MILLION_NIGHTLY_S = 600;

  /** The bundled sample's nightly job's whole command, in seconds: under this is the target. */
  static final double SAMPLE_NIGHTLY_S = 30;

  /** The engine over the peer at a million: below this is the bar. */
  static final double RATIO_BAR = 3;

  /**
   * The targets (docs/benchmarks.md, "Where the targets stand") that apply to a size's results,
   * each judged: {@code target}, {@code measured} and {@code met} (true, false, or null when a
   * command it needs failed or did not run). A million people: each nightly job's whole command
   * under 10 minutes with the heap the run gave, and the engine as the peer under 3 times the peer.
   * The bundled sample: each nightly job's whole command under 30 s. No target applies to another
   * size.
   */
  static ArrayNode targets(JsonNode r, String javaOpts) {
    ArrayNode out = JSON.createArrayNode();
    boolean sample = r.hasNonNull("label");
    boolean million = isMillion(r);
    if (!sample && !million) {
      return out;
    }
    double limit = sample ? SAMPLE_NIGHTLY_S : MILLION_NIGHTLY_S;
    for (JsonNode j : r.path("jobs")) {
      String job = j.path("job").asText();
      if (!job.startsWith("nightly")) {
        continue;
      }
      ObjectNode t = out.addObject();
      t.put(
          "target",
          String.format(
              "%s: the whole command under %.0f s%s",
              job, limit, million ? " (" + javaOpts + ")" : ""));
      if (j.path("exit_code").asInt() != 0) {
        t.put("measured", "exit " + j.path("exit_code").asInt());
        t.putNull("met");
      } else {
        t.put("measured", String.format("%.1f s", j.path("wall_s").asDouble()));
        t.put("met", j.path("wall_s").asDouble() < limit);
      }
    }
    JsonNode p = r.path("peer");
    if (million && !p.isMissingNode()) {
      ObjectNode t = out.addObject();
      t.put("target", String.format("the engine as the peer under %.0f times the peer", RATIO_BAR));
      JsonNode ratio = p.path("ratio_engine_to_peer");
      if (ratio.isNumber()) {
        t.put("measured", String.format("%.2f", ratio.asDouble()));
        t.put("met", ratio.asDouble() < RATIO_BAR);
      } else {
        t.put("measured", "no ratio: a command of the comparison failed");
        t.putNull("met");
      }
    }
    return out;
  }

  /** Whether a size's results are a generated million people, the size the bar is set at. */
  private static boolean isMillion(JsonNode r) {
    return !r.hasNonNull("label") && r.path("people").asLong() == 1_000_000;
  }

  /** The targets' verdicts as lines, or nothing when none applies. */
  static String verdicts(JsonNode r) {
    JsonNode targets = r.path("targets");
    if (targets.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(String.format("%nAgainst the targets:%n"));
    for (JsonNode t : targets) {
      JsonNode met = t.path("met");
      b.append(
          String.format(
              "- %s: %s, %s%n",
              t.path("target").asText(),
              t.path("measured").asText(),
              met.isBoolean() ? (met.asBoolean() ? "met" : "NOT met") : "not judged"));
    }
    return b.toString();
  }

  /** One size's results as a Markdown table (a row per step, then the peer). */
  static String markdown(JsonNode r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%n### %s%n%n", label(r)));
    b.append(
        "| Job | Step | Wall time (s) | Rows in | Rows out | Rows in per s | Peak memory (MB): a"
            + " step's Java heap in use / after collections, a command's resident |\n");
    b.append("|---|---|---|---|---|---|---|\n");
    List<JsonNode> all = new ArrayList<>();
    r.path("jobs").forEach(all::add);
    r.path("engine_as_peer").forEach(all::add);
    for (JsonNode j : all) {
      for (JsonNode s : j.path("steps")) {
        b.append(
            String.format(
                "| %s | %s | %.1f | %,d | %,d | %,d | %s |%n",
                j.get("job").asText(),
                s.get("step").asText(),
                s.get("wall_s").asDouble(),
                s.get("rows_in").asLong(),
                s.get("rows_out").asLong(),
                s.get("rows_in_per_s").asLong(),
                heap(s)));
      }
      b.append(
          String.format(
              "| %s | whole command%s | %.1f | | | | %,d |%n",
              j.get("job").asText(),
              j.get("exit_code").asInt() == 0 ? "" : " (exit " + j.get("exit_code").asInt() + ")",
              j.get("wall_s").asDouble(),
              j.get("peak_rss_mb").asLong()));
    }
    JsonNode p = r.path("peer");
    if (!p.isMissingNode()) {
      b.append(
          String.format(
              "| DuckDB peer | ingest + eFI + 12-month utilisation%s | %.1f | | | | %,d |%n",
              p.get("exit_code").asInt() == 0 ? "" : " (exit " + p.get("exit_code").asInt() + ")",
              p.get("wall_s").asDouble(),
              p.get("peak_rss_mb").asLong()));
      if (p.path("ratio_engine_to_peer").isNull()) {
        b.append(
            String.format(
                "%nNo ratio and no comparison of answers: a command of the comparison failed"
                    + " (exit codes above).%n"));
      } else {
        b.append(
            String.format(
                "%nThe engine's ingest, eFI at the date and features in one process (%s) took %.1f"
                    + " s against the DuckDB peer's whole process %.1f s: ratio %.2f%s.%n",
                AS_PEER,
                p.path("engine_s").asDouble(p.path("engine_steps_s").asDouble()),
                p.get("wall_s").asDouble(),
                p.get("ratio_engine_to_peer").asDouble(),
                isMillion(r) ? "" : " (the bar of 3 is set at a million people)"));
        b.append(
            String.format(
                "People whose answers differ between the engine and the peer: %s.%n",
                p.path("people_differing")));
      }
      JsonNode ph = p.path("phases_s");
      if (!ph.isMissingNode()) {
        b.append(
            String.format(
                "The peer's phases: ingest %.2f s, eFI %.2f s, utilisation %.2f s.%n",
                ph.path("ingest").asDouble(),
                ph.path("efi").asDouble(),
                ph.path("utilisation").asDouble()));
      }
      b.append(rowsKept(r));
    }
    b.append(verdicts(r));
    return b.toString();
  }
}

package io.proactivecare.npc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.jobs.Cron;
import io.proactivecare.npc.testing.Npc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code npc schedule export}: each format read back by a real parser of it (docs/operations.md,
 * "Scheduling"): systemd-analyze verify on the units, PyYAML on the CronJob with its required
 * fields, Python's own parser on the DAG, and the crontab's fields by npc's cron parser. No Spark.
 */
class ScheduleExportTest {
  @TempDir Path tmp;

  private Path export(String format, String... more) {
    Path out = tmp.resolve(format);
    List<String> args =
        new ArrayList<>(
            List.of(
                "schedule",
                "export",
                "--format",
                format,
                "--out",
                out.toString(),
                "--config",
                Npc.HOME.resolve("conf/npc.yaml").toString()));
    args.addAll(List.of(more));
    Npc.Result r = Npc.raw(args.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.out() + r.err());
    return out;
  }

  private record Ran(int code, String out) {}

  private static Ran run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Ran(p.waitFor(), out);
  }

  @Test
  void systemdUnitsPassSystemdAnalyzeVerify() throws Exception {
    Path out = export("systemd");
    Path service = out.resolve("npc-nightly.service");
    Path timer = out.resolve("npc-nightly.timer");
    String text = Files.readString(timer);
    assertTrue(text.contains("\nOnCalendar=*-*-* 02:30:00 Europe/London\n"), text);
    assertTrue(text.contains("\nPersistent=true\n"), text);
    assertTrue(Files.exists(out.resolve("npc-evaluation.timer")));
    String unit = Files.readString(service);
    assertTrue(
        unit.contains(
            Npc.HOME.resolve("bin/npc")
                + " run "
                + Npc.HOME.resolve("jobs/nightly.yaml")
                + " --config "
                + Npc.HOME.resolve("conf/npc.yaml")
                + " --as-of \\\"$$(TZ=Europe/London date +%%F)\\\""),
        unit);
    Ran verify = run(List.of("systemd-analyze", "verify", service.toString(), timer.toString()));
    assertEquals(0, verify.code(), verify.out());
    assertEquals("", verify.out().strip(), "systemd-analyze verify's findings");

    // The verifier reads what it is given: a timer with a bad calendar, a service whose command
    // does not exist, are refused.
    Path bad = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(bad.resolve("npc-nightly.timer"), text.replace("02:30:00", "25:30:00"));
    Files.writeString(
        bad.resolve("npc-nightly.service"), unit.replace("ExecStart=/bin/sh", "ExecStart=/no/sh"));
    Ran refused =
        run(
            List.of(
                "systemd-analyze",
                "verify",
                bad.resolve("npc-nightly.service").toString(),
                bad.resolve("npc-nightly.timer").toString()));
    assertNotEquals(0, refused.code(), refused.out());
    assertTrue(refused.out().contains("/no/sh"), refused.out());
  }

  /** The ExecStart command as /bin/sh receives it, run with a stand-in npc that prints its args. */
  @Test
  void systemdCommandGivesTheDateInTheJobsZone() throws Exception {
    Path out = export("systemd");
    String unit = Files.readString(out.resolve("npc-nightly.service"));
    String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    String quoted = exec.substring(exec.indexOf("-c \"") + 4, exec.length() - 1);
    // systemd expands $NAME and %x specifiers in ExecStart: the shell's $ and % must be doubled.
    assertTrue(!quoted.replace("$$", "").contains("$"), "a lone $ in " + exec);
    assertTrue(!quoted.replace("%%", "").contains("%"), "a lone % in " + exec);
    String command =
        quoted
            .replace("\\\"", "\"")
            .replace("\\\\", "\\")
            .replace("$$", "$")
            .replace("%%", "%")
            .replace("exec " + Npc.HOME.resolve("bin/npc"), "printf '%s\\n'");
    Ran r = run(List.of("/bin/sh", "-c", command));
    assertEquals(0, r.code(), r.out());
    List<String> args = r.out().lines().toList();
    assertEquals("--as-of", args.get(args.size() - 2), r.out());
    assertEquals(
        java.time.LocalDate.now(java.time.ZoneId.of("Europe/London")).toString(),
        args.get(args.size() - 1),
        r.out());
  }

  @Test
  void kubernetesCronJobHasTheRequiredFields() throws Exception {
    Path out = export("k8s-cronjob", "--image", "registry.example/npc:1.0");
    Path file = out.resolve("npc-nightly-cronjob.yaml");
    Ran parsed =
        run(
            List.of(
                "python3",
                "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                file.toString()));
    assertEquals(0, parsed.code(), parsed.out());
    JsonNode doc = new ObjectMapper().readTree(parsed.out());
    assertEquals("batch/v1", doc.path("apiVersion").asText());
    assertEquals("CronJob", doc.path("kind").asText());
    assertEquals("npc-nightly", doc.path("metadata").path("name").asText());
    JsonNode spec = doc.path("spec");
    assertEquals("30 2 * * *", spec.path("schedule").asText());
    assertEquals("Europe/London", spec.path("timeZone").asText());
    assertEquals("Forbid", spec.path("concurrencyPolicy").asText());
    JsonNode pod = spec.path("jobTemplate").path("spec").path("template").path("spec");
    assertEquals("Never", pod.path("restartPolicy").asText());
    JsonNode container = pod.path("containers").path(0);
    assertEquals("registry.example/npc:1.0", container.path("image").asText());
    assertEquals("/bin/sh", container.path("command").path(0).asText());
    String command = container.path("command").path(2).asText();
    assertTrue(command.startsWith("exec spark-submit --master "), command);
    assertTrue(
        command.contains(
            "--class io.proactivecare.npc.cli.Main "
                + Npc.HOME.resolve("target/npc-cluster.jar")
                + " run "
                + Npc.HOME.resolve("jobs/nightly.yaml")),
        command);
    assertTrue(command.endsWith("--as-of \"$(TZ=Europe/London date +%F)\""), command);
    assertTrue(command.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), command);
  }

  @Test
  void kubernetesNeedsAnImage() {
    Npc.Result r =
        Npc.raw("schedule", "export", "--format", "k8s-cronjob", "--out", tmp.toString());
    assertEquals(ExitCode.USAGE.code(), r.exitCode());
    assertTrue(r.err().contains("--format k8s-cronjob needs --image"), r.err());
  }

  @Test
  void airflowDagParsesWithItsSettings() throws Exception {
    Path out = export("airflow");
    Path file = out.resolve("npc_nightly.py");
    // Python's own parser, then the DAG's keywords and the task's command read from the tree.
    String script =
        String.join(
            "\n",
            "import ast, json, sys",
            "tree = ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
            "found = {}",
            "for node in ast.walk(tree):",
            "    if isinstance(node, ast.Call) and getattr(node.func, 'id', '') in ('DAG',"
                + " 'BashOperator'):",
            "        for k in node.keywords:",
            "            found[node.func.id + '.' + k.arg] = ast.unparse(k.value)",
            "print(json.dumps(found))");
    Ran parsed = run(List.of("python3", "-c", script, file.toString()));
    assertEquals(0, parsed.code(), parsed.out());
    JsonNode kw = new ObjectMapper().readTree(parsed.out());
    assertEquals("'npc_nightly'", kw.path("DAG.dag_id").asText());
    assertEquals("'30 2 * * *'", kw.path("DAG.schedule").asText());
    assertTrue(
        kw.path("DAG.start_date")
            .asText()
            .matches("pendulum\\.datetime\\(\\d{4}, \\d+, \\d+, tz='Europe/London'\\)"),
        kw.toString());
    assertEquals("False", kw.path("DAG.catchup").asText());
    assertEquals("1", kw.path("DAG.max_active_runs").asText());
    String bash = kw.path("BashOperator.bash_command").asText();
    assertTrue(bash.contains("spark-submit --master "), bash);
    assertTrue(bash.contains(Npc.HOME.resolve("target/npc-cluster.jar") + " run "), bash);
    assertTrue(
        bash.endsWith("--as-of \"{{ data_interval_end.in_timezone(\\'Europe/London\\') | ds }}\"'"),
        bash);
  }

  @Test
  void crontabLinesParseWithTheCronParser() throws Exception {
    Path out = export("cron");
    List<String> lines =
        Files.readAllLines(out.resolve("npc.crontab")).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertEquals("CRON_TZ=Europe/London", lines.get(0));
    assertEquals("CRON_TZ=Europe/London", lines.get(2));
    List<String> schedules = new ArrayList<>();
    for (String line : List.of(lines.get(1), lines.get(3))) {
      String[] f = line.split(" ", 6);
      schedules.add(Cron.parse(String.join(" ", List.of(f).subList(0, 5))).text());
      assertTrue(f[5].startsWith(Npc.HOME.resolve("bin/npc") + " run "), line);
      // cron ends a command at an unescaped %: every % is escaped.
      assertTrue(f[5].replace("\\%", "").indexOf('%') < 0, line);
      assertTrue(f[5].endsWith("--as-of \"$(TZ=Europe/London date +\\%F)\""), line);
    }
    assertEquals(List.of("0 5 1 * *", "30 2 * * *"), schedules);
  }

  @Test
  void aJobWithoutAScheduleIsRefusedByName() throws Exception {
    Path job = tmp.resolve("plain.yaml");
    Files.writeString(
        job,
        "job: plain\nsteps:\n  ingest:\n    run: ingest\n    outputs:\n      patient_level:"
            + " [conformed/*, quarantine]\n");
    Npc.Result r = Npc.raw("schedule", "export", "--format", "cron", "--job", job.toString());
    assertEquals(ExitCode.USAGE.code(), r.exitCode());
    assertEquals(
        List.of(
            "npc: "
                + job
                + ": schedule: is missing; add e.g. schedule: {cron: \"30 2 * * *\", timezone:"
                + " Europe/London}"),
        r.err().lines().toList());
  }
}

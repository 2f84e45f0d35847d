package io.proactivecare.npc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.proactivecare.npc.jobs.JobSpec;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The definitions a site's own scheduler needs to start npc's jobs (docs/operations.md,
 * "Scheduling"): a crontab, systemd units, Kubernetes CronJobs or Airflow DAGs. Each starts {@code
 * npc run JOB --as-of DATE} with the date the scheduler fires on in the job's time zone, using the
 * installation's absolute paths; cron and systemd through {@code bin/npc} (Spark in local mode),
 * Kubernetes and Airflow through {@code spark-submit} with {@code target/npc-cluster.jar}
 * (docs/cluster.md). Pure text: nothing here runs or installs anything.
 */
final class SchedulerFiles {
  private SchedulerFiles() {}

  /** The formats, as {@code --format} names them. */
  static final List<String> FORMATS = List.of("cron", "systemd", "k8s-cronjob", "airflow");

  /**
   * A scheduled job.
   *
   * @param name the job's name (its file's {@code job})
   * @param file the job file, absolute
   * @param schedule when
   */
  record Job(String name, Path file, JobSpec.Schedule schedule) {}

  /**
   * How every job is started.
   *
   * @param home the installation, absolute
   * @param options npc's options after the job file (configuration, flags), paths absolute
   * @param localOptions options only the local launcher takes (--spark-master)
   * @param sparkMaster spark-submit's --master
   * @param image the container image (Kubernetes only)
   * @param user the user the systemd service runs as
   * @param today the day the definitions are written (Airflow's start date)
   */
  record Setup(
      Path home,
      List<String> options,
      List<String> localOptions,
      String sparkMaster,
      Optional<String> image,
      String user,
      LocalDate today) {}

  /** The JVM options npc needs, as bin/npc and docs/cluster.md give them. */
  static final String JAVA_OPTIONS =
      String.join(
          " ",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true",
          // HotSpot compiles Spark's large generated methods too (bin/npc says why).
          "-XX:-DontCompileHugeMethods");

  /** File name to content, in the order written. */
  static Map<String, String> files(String format, List<Job> jobs, Setup setup) {
    Map<String, String> out = new LinkedHashMap<>();
    switch (format) {
      case "cron" -> out.put("npc.crontab", crontab(jobs, setup));
      case "systemd" -> jobs.forEach(j -> systemd(j, setup, out));
      case "k8s-cronjob" -> jobs.forEach(j -> out.put(unit(j) + "-cronjob.yaml", k8s(j, setup)));
      case "airflow" -> jobs.forEach(j -> out.put(dagId(j) + ".py", airflow(j, setup)));
      default -> throw new IllegalArgumentException("unknown format " + format);
    }
    return out;
  }

  /** {@code npc-nightly}: a name systemd units and Kubernetes objects both accept. */
  static String unit(Job j) {
    return "npc-" + j.name().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
  }

  static String dagId(Job j) {
    return "npc_" + j.name().replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** The local launcher's command, with {@code date} the as-of date's shell text (unquoted). */
  private static String local(Job j, Setup s, String date) {
    List<String> words = new ArrayList<>();
    words.add(s.home().resolve("bin/npc").toString());
    words.add("run");
    words.add(j.file().toString());
    words.addAll(s.options());
    words.addAll(s.localOptions());
    return shell(words) + " --as-of " + date;
  }

  /** spark-submit with the cluster jar (docs/cluster.md). */
  private static String submit(Job j, Setup s, String date) {
    List<String> words =
        new ArrayList<>(
            List.of(
                "spark-submit",
                "--master",
                s.sparkMaster(),
                "--deploy-mode",
                "client",
                "--conf",
                "spark.driver.extraJavaOptions=" + JAVA_OPTIONS,
                "--conf",
                "spark.executor.extraJavaOptions=" + JAVA_OPTIONS,
                "--class",
                "io.proactivecare.npc.cli.Main",
                s.home().resolve("target/npc-cluster.jar").toString(),
                "run",
                j.file().toString()));
    words.addAll(s.options());
    return shell(words) + " --as-of " + date;
  }

  /** The date the scheduler fires on, in the job's zone, as POSIX shell computes it. */
  private static String shellDate(Job j) {
    return "\"$(TZ=" + j.schedule().zone().getId() + " date +%F)\"";
  }

  private static String describe(Job j) {
    return "job "
        + j.name()
        + " ("
        + j.file()
        + "), cron \""
        + j.schedule().cron().text()
        + "\" in "
        + j.schedule().zone().getId();
  }

  /**
   * One line per job, each after its {@code CRON_TZ} (cronie and other crons that read CRON_TZ take
   * the expression in that zone). {@code %} is cron's newline: escaped.
   */
  private static String crontab(List<Job> jobs, Setup s) {
    StringBuilder b = new StringBuilder();
    b.append(
        "# npc's jobs, written by npc schedule export (docs/operations.md, \"Scheduling\").\n");
    b.append("# Install with: crontab npc.crontab (as the user that owns the warehouse).\n");
    for (Job j : jobs) {
      b.append("\n# ").append(describe(j)).append('\n');
      b.append("CRON_TZ=").append(j.schedule().zone().getId()).append('\n');
      b.append(j.schedule().cron().text())
          .append(' ')
          .append(local(j, s, shellDate(j)).replace("%", "\\%"))
          .append('\n');
    }
    return b.toString();
  }

  /** A oneshot service running the job, and a persistent timer starting it. */
  private static void systemd(Job j, Setup s, Map<String, String> out) {
    String command = "exec " + local(j, s, shellDate(j));
    // systemd's own escapes: % and $ doubled, then one double-quoted argument for /bin/sh -c.
    String escaped =
        command.replace("%", "%%").replace("$", "$$").replace("\\", "\\\\").replace("\"", "\\\"");
    out.put(
        unit(j) + ".service",
        "# Written by npc schedule export: "
            + describe(j)
            + ".\n"
            + "[Unit]\n"
            + "Description=npc "
            + j.name()
            + " job\n"
            + "Documentation=file:"
            + s.home().resolve("docs/operations.md")
            + "\n\n"
            + "[Service]\n"
            + "Type=oneshot\n"
            + "User="
            + s.user()
            + "\n"
            + "WorkingDirectory="
            + s.home()
            + "\n"
            + "ExecStart=/bin/sh -c \""
            + escaped
            + "\"\n");
    StringBuilder timer = new StringBuilder();
    timer
        .append("# Written by npc schedule export: ")
        .append(describe(j))
        .append(".\n[Unit]\nDescription=Start the npc ")
        .append(j.name())
        .append(" job\n\n[Timer]\n");
    for (String when : j.schedule().cron().onCalendar(j.schedule().zone().getId())) {
      timer.append("OnCalendar=").append(when).append('\n');
    }
    timer
        .append("Persistent=true\nUnit=")
        .append(unit(j))
        .append(".service\n\n[Install]\nWantedBy=timers.target\n");
    out.put(unit(j) + ".timer", timer.toString());
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  /** A batch/v1 CronJob: one run at a time, in the job's zone, spark-submit in the container. */
  private static String k8s(Job j, Setup s) {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "npc");
    container.put("image", s.image().orElseThrow());
    container.put("command", List.of("/bin/sh", "-c", "exec " + submit(j, s, shellDate(j))));
    Map<String, Object> jobSpec = new LinkedHashMap<>();
    jobSpec.put("backoffLimit", 0);
    jobSpec.put(
        "template",
        Map.of(
            "metadata",
            Map.of("labels", Map.of("app", "npc", "npc-job", j.name())),
            "spec",
            map("restartPolicy", "Never", "containers", List.of(container))));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("schedule", j.schedule().cron().text());
    spec.put("timeZone", j.schedule().zone().getId());
    spec.put("concurrencyPolicy", "Forbid");
    spec.put("jobTemplate", Map.of("spec", jobSpec));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("apiVersion", "batch/v1");
    doc.put("kind", "CronJob");
    doc.put("metadata", map("name", unit(j), "labels", Map.of("app", "npc")));
    doc.put("spec", spec);
    try {
      return "# Written by npc schedule export: "
          + describe(j)
          + ".\n# The image must hold Java 17, Spark 4.1 (spark-submit on PATH) and this installation at "
          + s.home()
          + ";\n# mount the warehouse, extract and publish folders at the paths the configuration names.\n"
          + YAML.writeValueAsString(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> map(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  /** An Airflow DAG: the job through spark-submit in a BashOperator, one run at a time. */
  private static String airflow(Job j, Setup s) {
    String zone = j.schedule().zone().getId();
    String date = "\"{{ data_interval_end.in_timezone('" + zone + "') | ds }}\"";
    LocalDate start = s.today();
    return "# Written by npc schedule export: "
        + describe(j)
        + ".\n"
        + "# Copy into Airflow's dags folder. The worker needs Java 17, Spark 4.1 (spark-submit on\n"
        + "# PATH) and this installation at "
        + s.home()
        + ".\n"
        + "import pendulum\n"
        + "from airflow import DAG\n"
        + "from airflow.operators.bash import BashOperator\n"
        + "\n"
        + "with DAG(\n"
        + "    dag_id="
        + python(dagId(j))
        + ",\n"
        + "    description="
        + python("npc " + j.name() + " job (" + j.file() + ")")
        + ",\n"
        + "    schedule="
        + python(j.schedule().cron().text())
        + ",\n"
        + "    start_date=pendulum.datetime("
        + start.getYear()
        + ", "
        + start.getMonthValue()
        + ", "
        + start.getDayOfMonth()
        + ", tz="
        + python(zone)
        + "),\n"
        + "    catchup=False,\n"
        + "    max_active_runs=1,\n"
        + ") as dag:\n"
        + "    BashOperator(\n"
        + "        task_id="
        + python(j.name().replaceAll("[^A-Za-z0-9_]", "_"))
        + ",\n"
        + "        bash_command="
        + python("exec " + submit(j, s, date))
        + ",\n"
        + "    )\n";
  }

  /** A Python string literal. */
  static String python(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Words as one POSIX shell command line: each quoted when it holds anything but safe signs. */
  static String shell(List<String> words) {
    List<String> out = new ArrayList<>();
    for (String w : words) {
      out.add(w.matches("[A-Za-z0-9_@%+=:,./-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
    }
    return String.join(" ", out);
  }
}

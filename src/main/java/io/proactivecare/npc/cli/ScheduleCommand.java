package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.Install;
import io.proactivecare.npc.jobs.JobLoader;
import io.proactivecare.npc.jobs.JobSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code npc schedule export}: the site scheduler's definitions of npc's jobs. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = "Definitions that start the jobs, for a site's scheduler.",
    subcommands = {ScheduleCommand.Export.class})
final class ScheduleCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write the definitions that start npc's jobs on their schedules for the scheduler a site"
            + " already uses: a crontab, systemd service and timer units, Kubernetes CronJobs or"
            + " Airflow DAGs.",
        "",
        "Each job file's schedule (a cron expression and a time zone) decides when; each definition"
            + " runs npc run JOB --as-of with the date the scheduler fires on, with the"
            + " installation's absolute paths and the configuration given here. npc runs no"
            + " scheduler of its own (docs/operations.md)."
      })
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Option(
        names = "--format",
        required = true,
        paramLabel = "FORMAT",
        description = "cron, systemd, k8s-cronjob or airflow.")
    String format;

    @Option(
        names = "--job",
        paramLabel = "FILE",
        description =
            "A job file, or a job of the installation by name (repeatable; default: every"
                + " jobs/*.yaml of the installation with a schedule).")
    List<Path> jobs = new ArrayList<>();

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Write the files into DIR (default: print them).")
    Path out;

    @Option(
        names = "--image",
        paramLabel = "IMAGE",
        description =
            "k8s-cronjob: the container image, holding Java 17, Spark 4.1 and this installation.")
    String image;

    @Override
    public Integer call() {
      if (!SchedulerFiles.FORMATS.contains(format)) {
        throw Errors.usage(
            "Unknown --format '" + format + "'",
            "give one of " + String.join(", ", SchedulerFiles.FORMATS));
      }
      if (format.equals("k8s-cronjob") && (image == null || image.isBlank())) {
        throw Errors.usage(
            "--format k8s-cronjob needs --image",
            "name an image holding Java 17, Spark 4.1 (spark-submit on PATH) and this installation"
                + " at "
                + Install.home());
      }
      ConfigLoader.Loaded loaded = common.load();
      List<SchedulerFiles.Job> scheduled = new ArrayList<>();
      for (Path file : jobFiles()) {
        JobSpec job = JobLoader.load(file, Engine.standardSteps());
        if (job.schedule().isPresent()) {
          scheduled.add(
              new SchedulerFiles.Job(
                  job.name(), file.toAbsolutePath().normalize(), job.schedule().get()));
        } else if (!jobs.isEmpty()) {
          throw Errors.config(
              file.toString(),
              "schedule",
              "is missing",
              "add e.g. schedule: {cron: \"30 2 * * *\", timezone: Europe/London}");
        }
      }
      if (scheduled.isEmpty()) {
        throw Errors.usage(
            "No job of the installation has a schedule",
            "add schedule: {cron: ..., timezone: ...} to a job file, or name one with --job");
      }
      Map<String, String> files =
          SchedulerFiles.files(
              format,
              scheduled,
              new SchedulerFiles.Setup(
                  Install.home(),
                  options(),
                  common.sparkMaster == null
                      ? List.of()
                      : List.of("--spark-master", common.sparkMaster),
                  loaded.config().spark().master(),
                  Optional.ofNullable(image),
                  System.getProperty("user.name"),
                  LocalDate.now(scheduled.get(0).schedule().zone())));
      PrintWriter print = spec.commandLine().getOut();
      if (out == null) {
        files.forEach(
            (name, text) -> {
              print.println("# file: " + name);
              print.print(text);
            });
      } else {
        try {
          Files.createDirectories(out);
          for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(out.resolve(f.getKey()), f.getValue());
            print.println("wrote " + out.toAbsolutePath().normalize().resolve(f.getKey()));
          }
        } catch (IOException e) {
          throw Errors.usage("Cannot write to " + out + " (" + e.getMessage() + ")", "");
        }
      }
      print.flush();
      return 0;
    }

    /** npc's options that every definition passes on: the configuration, flags made absolute. */
    private List<String> options() {
      List<String> o = new ArrayList<>();
      ConfigLoader.locate(common.config)
          .ifPresent(c -> o.addAll(List.of("--config", Install.fromCurrentFolder(c).toString())));
      if (common.warehouse != null) {
        o.addAll(List.of("--warehouse", Install.fromCurrentFolder(common.warehouse).toString()));
      }
      if (common.extract != null) {
        o.addAll(List.of("--extract", Install.fromCurrentFolder(common.extract).toString()));
      }
      common.set.forEach(
          (k, v) -> o.addAll(List.of("--set", k + "=" + ConfigLoader.flagValue(k, v))));
      return o;
    }

    private List<Path> jobFiles() {
      return ValidateCommand.jobFiles(jobs);
    }
  }
}

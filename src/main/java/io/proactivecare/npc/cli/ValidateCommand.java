package io.proactivecare.npc.cli;

import io.proactivecare.npc.Engine;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.ingest.Extract;
import io.proactivecare.npc.ingest.ExtractLoader;
import io.proactivecare.npc.ingest.IngestStep;
import io.proactivecare.npc.ingest.SourceSample;
import io.proactivecare.npc.jobs.JobLoader;
import io.proactivecare.npc.jobs.JobSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code npc validate}: checks the configuration, job files and inputs without running anything and
 * without starting Spark: every key and value, the codelists, every step, and for every extract its
 * descriptor, mappings, files (kind, header or Parquet schema) and a sample of each file's first
 * rows (NHS numbers in identifier columns, rows of the wrong shape).
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check configuration, job files and inputs without running anything.",
      "",
      "Checks unknown keys, bad values, codelists, step graphs, extract descriptors, mappings, files"
          + " (kind, CSV header or Parquet schema) and the first 1,000 rows of each file (NHS numbers in"
          + " identifier columns, rows of the wrong shape). Starts no Spark session."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "JOB",
      arity = "0..*",
      description = "Job files to check (default: every jobs/*.yaml of the installation).")
  List<Path> jobs = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ConfigLoader.Loaded loaded = common.load();
    NpcConfig config = loaded.config();
    out.printf(
        "ok  configuration (%s)%n",
        ConfigLoader.locate(common.config).map(Path::toString).orElse("built-in defaults"));
    io.proactivecare.npc.frailty.EfiDefinition efi =
        io.proactivecare.npc.frailty.EfiDefinition.load(config.frailty());
    io.proactivecare.npc.frailty.HfrsCodelist hfrs =
        io.proactivecare.npc.frailty.HfrsCodelist.load(config.hfrs().codelist());
    out.printf(
        "ok  codelists: eFI %d deficits, %,d codes, %d value rules; HFRS %d codes%n",
        efi.deficits().size(), efi.codes().size(), efi.valueRules().size(), hfrs.tenths().size());
    Set<Path> extracts = new LinkedHashSet<>();
    for (Path jobFile : jobFiles()) {
      JobSpec job = JobLoader.load(jobFile, Engine.standardSteps());
      out.printf(
          "ok  job %s: %d step%s (%s)%n",
          // The installation's own jobs by their place in it (jobs/nightly.yaml).
          jobFile.startsWith(io.proactivecare.npc.config.Install.home())
              ? io.proactivecare.npc.config.Install.home().relativize(jobFile)
              : jobFile,
          job.steps().size(),
          job.steps().size() == 1 ? "" : "s",
          String.join(", ", job.steps().stream().map(JobSpec.StepSpec::name).toList()));
      for (JobSpec.StepSpec s : job.steps()) {
        if (s.step() instanceof IngestStep ingest) {
          extracts.add(ingest.extractDir(config));
        }
      }
    }
    if (extracts.isEmpty()) {
      extracts.add(config.extract());
    }
    for (Path dir : extracts) {
      Extract extract = ExtractLoader.load(dir, config, Optional.empty());
      List<String> warnings = new ArrayList<>();
      long sampled = 0;
      for (Extract.SourceFile f : extract.files()) {
        SourceSample.Result r = SourceSample.check(f);
        sampled += r.rows();
        if (r.malformed() > 0) {
          warnings.add(
              String.format(
                  "warn %s: %,d of the first %,d rows do not have the header's number of fields"
                      + " (ingest will quarantine them as MALFORMED_ROW)",
                  f.path(), r.malformed(), r.rows()));
        }
      }
      out.printf(
          "ok  extract %s: %d file%s, extract date %s; %,d sampled rows (up to %,d per file) hold"
              + " no NHS number in an identifier column%n",
          dir,
          extract.files().size(),
          extract.files().size() == 1 ? "" : "s",
          extract.extractDate(),
          sampled,
          SourceSample.ROWS);
      warnings.forEach(out::println);
    }
    out.flush();
    return 0;
  }

  private List<Path> jobFiles() {
    return jobFiles(jobs);
  }

  /** The job files named (by file or by name), else every jobs/*.yaml of the installation. */
  static List<Path> jobFiles(List<Path> jobs) {
    if (!jobs.isEmpty()) {
      return jobs.stream().map(io.proactivecare.npc.config.Install::job).toList();
    }
    Path dir = io.proactivecare.npc.config.Install.home().resolve("jobs");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

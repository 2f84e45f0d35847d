package io.proactivecare.npc.cli;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.Install;
import io.proactivecare.npc.io.SparkSessions;
import io.proactivecare.npc.synth.ExtractWriter;
import io.proactivecare.npc.synth.SynthParams;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code npc generate}: a deterministic synthetic extract of a Leeds-shaped population. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a synthetic, pseudonymised extract of a Leeds-shaped population.",
      "",
      "Deterministic: the same arguments give byte-identical files on any machine. Writes the"
          + " canonical gzipped CSVs and extract.yaml to --out, and the hidden truth to --out/truth/."
          + " Writes all ten input tables, with data faults at --faults for ingest to quarantine."
          + " truth/enrolled_outcomes.csv.gz gives each enrolled person's outcomes in the year before"
          + " and the year from enrolment, with the programme's effect and without it."
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = "--people",
      required = true,
      paramLabel = "N",
      description = "People ever registered in the window.")
  long people;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--as-of",
      defaultValue = "2025-03-31",
      paramLabel = "yyyy-MM-dd",
      description = "Extract date: nothing after it (default ${DEFAULT-VALUE}).")
  LocalDate asOf;

  @Option(
      names = "--years",
      defaultValue = "4",
      description = "Years of history before the as-of date (default ${DEFAULT-VALUE}).")
  int years;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Folder to write the extract to.")
  Path out;

  @Option(
      names = "--force",
      description =
          "Write into --out even if it already holds files: the extract's files are replaced,"
              + " any others are left as they are.")
  boolean force;

  @Option(
      names = "--faults",
      defaultValue = "0.001",
      paramLabel = "RATE",
      description =
          "Share of rows given a data fault, for ingest to quarantine (default ${DEFAULT-VALUE}; 0 for clean data).")
  double faults;

  @Option(
      names = "--pilot-pcns",
      defaultValue = "0",
      paramLabel = "N",
      description = "Number of pilot PCNs enrolling people in proactive care (default: a third).")
  int pilotPcns;

  @Option(
      names = "--pilot-start",
      paramLabel = "yyyy-MM-dd",
      description = "First day of enrolment (default: two years before the as-of date).")
  LocalDate pilotStart;

  @Option(
      names = "--effect-admissions",
      defaultValue = "0.15",
      description =
          "True relative reduction of emergency admissions once enrolled (default ${DEFAULT-VALUE}).")
  double effectAdmissions;

  @Option(
      names = "--effect-deficits",
      defaultValue = "0.20",
      description =
          "True relative reduction of deficit accumulation once enrolled (default ${DEFAULT-VALUE}).")
  double effectDeficits;

  @Option(
      names = "--crisis-enrolment",
      defaultValue = "5",
      paramLabel = "FACTOR",
      description =
          "Multiplies the monthly chance of enrolment in the two months after the month of an"
              + " emergency discharge (default ${DEFAULT-VALUE}; 1 for none).")
  double crisisEnrolment;

  @Option(
      names = "--enrol-on-unrecorded-risk",
      description =
          "Let enrolment also follow each person's unrecorded risk, which drives their admissions"
              + " but no recorded covariate shows: unmeasured confounding that matching cannot"
              + " remove (default: enrolment follows recorded risk only).")
  boolean unrecordedEnrolment;

  @Option(
      names = "--people-per-part",
      defaultValue = "100000",
      paramLabel = "N",
      description =
          "Above this many people (default: ${DEFAULT-VALUE}; a multiple of 10,000) each person"
              + " table is written as a folder of gzipped CSV parts of N people, which ingest reads"
              + " on every core (a gzip file is read by one).")
  int peoplePerPart;

  @Option(
      names = "--codelist",
      paramLabel = "FILE",
      description =
          "eFI SNOMED codelist the deficits are recorded with (default: the installation's "
              + DEFAULT_CODELIST
              + ", whatever folder npc is started in).")
  Path codelist;

  static final String DEFAULT_CODELIST = "conf/codelists/efi_snomed.csv";

  @Override
  public Integer call() throws Exception {
    if (people < 1 || people > 50_000_000L) {
      throw Errors.usage("--people " + people + " is out of range", "give 1 to 50,000,000");
    }
    if (years < 1 || years > 30) {
      throw Errors.usage("--years " + years + " is out of range", "give 1 to 30");
    }
    if (peoplePerPart < 10_000 || peoplePerPart % 10_000 != 0) {
      throw Errors.usage(
          "--people-per-part " + peoplePerPart + " is not a multiple of 10,000",
          "give e.g. 100000");
    }
    Path codes =
        codelist == null
            ? Install.resolve(Path.of(DEFAULT_CODELIST))
            : Install.fromCurrentFolder(codelist);
    if (!Files.isRegularFile(codes)) {
      throw Errors.usage(
          "No codelist at " + codes,
          "pass --codelist FILE (" + DEFAULT_CODELIST + " in the installation)");
    }
    if (pilotPcns < 0
        || effectAdmissions < 0
        || effectAdmissions >= 1
        || effectDeficits < 0
        || effectDeficits >= 1
        || !(crisisEnrolment >= 1)) {
      throw Errors.usage(
          "--pilot-pcns must be 0 or more, the effects from 0 to below 1 and --crisis-enrolment 1"
              + " or more",
          "e.g. --pilot-pcns 6 --effect-admissions 0.15 --effect-deficits 0.2"
              + " --crisis-enrolment 5");
    }
    SynthParams.Pilot pilot =
        new SynthParams.Pilot(
            pilotPcns,
            pilotStart == null ? asOf.minusYears(2).plusDays(1) : pilotStart,
            effectAdmissions,
            effectDeficits,
            crisisEnrolment,
            unrecordedEnrolment);
    refuseToOverwrite(out, force);
    ConfigLoader.Loaded loaded = common.load();
    Files.createDirectories(out);
    PrintWriter w = spec.commandLine().getOut();
    long started = System.nanoTime();
    ExtractWriter.Summary summary =
        ExtractWriter.write(
            SparkSessions.create(loaded.config().spark()),
            new SynthParams(people, seed, asOf, years, faults, pilot),
            codes,
            out,
            peoplePerPart);
    summary.rows().forEach((table, rows) -> w.printf("  %-24s %,12d rows%n", table, rows));
    w.printf(
        "generated %,d people in %.1f s into %s (extract date %s)%n",
        people, (System.nanoTime() - started) / 1e9, out, asOf);
    w.flush();
    return 0;
  }

  /** An extract is never written over files already there, unless {@code --force}. */
  static void refuseToOverwrite(Path out, boolean force) throws java.io.IOException {
    if (force || !Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw Errors.usage(
          "--out " + out + " is a file, not a folder", "give a folder for the extract");
    }
    java.util.List<String> held;
    long n;
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      java.util.List<String> all = s.map(p -> p.getFileName().toString()).sorted().toList();
      n = all.size();
      held = all.subList(0, (int) Math.min(3, n));
    }
    if (n > 0) {
      throw Errors.usage(
          "--out "
              + out
              + " already holds "
              + n
              + (n == 1 ? " file or folder (" : " files or folders (")
              + String.join(", ", held)
              + (n > 3 ? ", ..." : "")
              + "), which a new extract would overwrite",
          "give a new or empty folder, or add --force to replace the extract in it");
    }
  }
}

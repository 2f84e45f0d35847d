package io.proactivecare.npc.synth;

import io.proactivecare.npc.schema.Cols;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a generated extract: one gzipped CSV per table in the canonical layout (or, for a
 * population larger than one part, a folder per person table holding one gzipped CSV part per
 * {@code peoplePerPart} people, which ingest reads on every core), {@code extract.yaml}, and the
 * hidden truth under {@code truth/} (never named in extract.yaml, never read by the engine's
 * stages).
 *
 * <p>People are simulated in blocks of {@value #BLOCK} by Spark executors; each block writes one
 * gzip member per table. The driver then concatenates the members in block order (a file of several
 * gzip members is one valid gzip file), so the bytes depend only on the parameters, never on the
 * number of cores or partitions, and no table is ever held in memory.
 */
public final class ExtractWriter {
  static final int BLOCK = 10_000;

  /** People per part of a person table, unless given: ten parts for a million people. */
  public static final int PEOPLE_PER_PART = 100_000;

  static final String TRUTH_HEADER =
      "person_id,person_index,birth_date,sex,imd_decile,frailty,deficits_at_as_of,regular_medicines,registered_at_as_of,date_of_death,enrolled,palliative_care,palliative_care_not_indicated";

  /** The person-level tables, in write order, with their canonical headers. */
  static final Map<String, String> PERSON_TABLES = new LinkedHashMap<>();

  static {
    PERSON_TABLES.put(
        "gp_registrations",
        String.join(
            ",",
            Cols.PERSON_ID,
            Cols.PRACTICE_CODE,
            Cols.YEAR_OF_BIRTH,
            Cols.SEX,
            Cols.LSOA_CODE,
            Cols.ETHNIC_GROUP,
            Cols.REGISTRATION_START,
            Cols.REGISTRATION_END,
            Cols.DATE_OF_DEATH));
    PERSON_TABLES.put(
        "gp_events",
        String.join(
            ",",
            Cols.PERSON_ID,
            Cols.EVENT_DATE,
            Cols.CODE,
            Cols.CODE_SYSTEM,
            Cols.VALUE,
            Cols.UNIT));
    PERSON_TABLES.put(
        "gp_medications",
        String.join(",", Cols.PERSON_ID, Cols.ISSUE_DATE, Cols.MEDICINE_CODE, Cols.BNF_CODE));
    PERSON_TABLES.put(
        "apc_spells",
        String.join(
            ",",
            Cols.SPELL_ID,
            Cols.PERSON_ID,
            Cols.ADMISSION_DATE,
            Cols.DISCHARGE_DATE,
            Cols.ADMISSION_METHOD,
            Cols.PATIENT_CLASSIFICATION,
            Cols.DISCHARGE_METHOD,
            Cols.DISCHARGE_DESTINATION,
            Cols.PROVIDER_CODE,
            Cols.DIAGNOSES));
    PERSON_TABLES.put(
        "ae_attendances",
        String.join(
            ",",
            Cols.ATTENDANCE_ID,
            Cols.PERSON_ID,
            Cols.ARRIVAL_DATE,
            Cols.DEPARTMENT_TYPE,
            Cols.ATTENDANCE_CATEGORY,
            Cols.PROVIDER_CODE));
    PERSON_TABLES.put(
        "op_appointments",
        String.join(
            ",",
            Cols.APPOINTMENT_ID,
            Cols.PERSON_ID,
            Cols.APPOINTMENT_DATE,
            Cols.ATTENDANCE_STATUS,
            Cols.FIRST_ATTENDANCE,
            Cols.TREATMENT_SPECIALTY,
            Cols.PROVIDER_CODE));
    PERSON_TABLES.put(
        "asc_services",
        String.join(
            ",",
            Cols.SERVICE_ID,
            Cols.PERSON_ID,
            Cols.SERVICE_TYPE,
            Cols.SERVICE_COMPONENT,
            Cols.START_DATE,
            Cols.END_DATE,
            Cols.UNIT_COST,
            Cols.COST_FREQUENCY,
            Cols.PLANNED_UNITS_PER_WEEK));
    PERSON_TABLES.put(
        "enrolments",
        String.join(",", Cols.PERSON_ID, Cols.PCN_CODE, Cols.ENROLMENT_DATE, Cols.END_DATE));
    PERSON_TABLES.put("truth/people", TRUTH_HEADER);
    PERSON_TABLES.put("truth/risk", "person_id,cutoff,true_risk_12m,recorded_risk_12m");
    PERSON_TABLES.put("truth/faults", "table,fault,reason_code,person_id");
    PERSON_TABLES.put("truth/enrolled_outcomes", EnrolledOutcomes.HEADER);
  }

  private ExtractWriter() {}

  /** Rows written per table. */
  public record Summary(Map<String, Long> rows) {}

  public static Summary write(SparkSession spark, SynthParams params, Path codelist, Path out) {
    return write(spark, params, codelist, out, PEOPLE_PER_PART, 0);
  }

  /**
   * As {@link #write(SparkSession, SynthParams, Path, Path)}, with the person tables split into
   * parts of {@code peoplePerPart} people (a multiple of {@value #BLOCK}); a population of one part
   * is written as one file per table.
   */
  public static Summary write(
      SparkSession spark, SynthParams params, Path codelist, Path out, int peoplePerPart) {
    return write(spark, params, codelist, out, peoplePerPart, 0);
  }

  /**
   * As {@link #write(SparkSession, SynthParams, Path, Path)} with a given number of Spark
   * partitions (0: up to four per core); the files do not depend on it.
   */
  static Summary write(
      SparkSession spark,
      SynthParams params,
      Path codelist,
      Path out,
      int peoplePerPart,
      int partitions) {
    if (peoplePerPart < BLOCK || peoplePerPart % BLOCK != 0) {
      throw new IllegalArgumentException(
          "people per part must be a multiple of " + BLOCK + ": " + peoplePerPart);
    }
    Geography geography = Geography.build(params);
    Catalogue catalogue = Catalogue.load(codelist);
    Path parts = out.resolve(".parts");
    try {
      Files.createDirectories(out.resolve("truth"));
      deleteTree(parts);
      Files.createDirectories(parts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long blocks = (params.people() + BLOCK - 1) / BLOCK;
    long blocksPerPart = peoplePerPart / BLOCK;
    long partCount = (blocks + blocksPerPart - 1) / blocksPerPart;
    List<Long> blockIds = new ArrayList<>();
    for (long b = 0; b < blocks; b++) {
      blockIds.add(b);
    }
    String partsDir = parts.toString();
    List<String> tables = List.copyOf(PERSON_TABLES.keySet());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<long[]> counts =
        jsc.parallelize(
                blockIds, (int) Math.max(1, Math.min(blocks, 4L * jsc.defaultParallelism())))
            .map(b -> writeBlock(params, geography, catalogue, b, tables, Path.of(partsDir)))
            .collect();
    Map<String, Long> rows = new LinkedHashMap<>();
    rows.put(
        "practice_pcn", writeCsv(out.resolve("practice_pcn.csv.gz"), practiceLines(geography)));
    rows.put("lsoa_imd", writeCsv(out.resolve("lsoa_imd.csv.gz"), lsoaLines(geography)));
    for (int t = 0; t < tables.size(); t++) {
      String table = tables.get(t);
      long n = 0;
      for (long[] c : counts) {
        n += c[t];
      }
      rows.put(table, n);
      String header = PERSON_TABLES.get(table);
      Path single = out.resolve(table + ".csv.gz");
      Path folder = out.resolve(table);
      // The table's other form, from an earlier generation into the same folder, goes.
      if (partCount == 1 || table.startsWith("truth/")) {
        deleteTree(folder);
        concatenate(parts, table, 0, blocks, header, single);
      } else {
        deleteTree(folder);
        deleteTree(single);
        try {
          Files.createDirectories(folder);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        for (long k = 0; k < partCount; k++) {
          concatenate(
              parts,
              table,
              k * blocksPerPart,
              Math.min(blocks, (k + 1) * blocksPerPart),
              header,
              folder.resolve(String.format("part-%05d.csv.gz", k)));
        }
      }
    }
    deleteTree(parts);
    writeDescriptor(params, out, partCount > 1);
    return new Summary(rows);
  }

  private static long[] writeBlock(
      SynthParams params,
      Geography geography,
      Catalogue catalogue,
      long block,
      List<String> tables,
      Path parts)
      throws IOException {
    PersonSimulator sim = new PersonSimulator(params, geography, catalogue);
    long[] counts = new long[tables.size()];
    List<Writer> writers = new ArrayList<>();
    try {
      for (String table : tables) {
        Path f = parts.resolve(table.replace('/', '_') + String.format(".%08d.gz", block));
        writers.add(
            new java.io.OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(f), 1 << 16), StandardCharsets.UTF_8));
      }
      long from = block * BLOCK;
      long to = Math.min(params.people(), from + BLOCK);
      for (long i = from; i < to; i++) {
        PersonSimulator.Person p = sim.simulate(i);
        List<List<String>> lines = sim.lines(p);
        for (int t = 0; t < tables.size(); t++) {
          for (String line : lines.get(t)) {
            writers.get(t).write(line);
            writers.get(t).write('\n');
            counts[t]++;
          }
        }
      }
    } finally {
      for (Writer w : writers) {
        w.close();
      }
    }
    return counts;
  }

  /**
   * Blocks {@code from} (inclusive) to {@code to} of a table, with its header, as one gzip file.
   */
  private static void concatenate(
      Path parts, String table, long from, long to, String header, Path target) {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      try (GZIPOutputStream gz = new GZIPOutputStream(new NonClosing(out))) {
        gz.write((header + "\n").getBytes(StandardCharsets.UTF_8));
      }
      for (long b = from; b < to; b++) {
        Files.copy(parts.resolve(table.replace('/', '_') + String.format(".%08d.gz", b)), out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long writeCsv(Path target, List<String> lines) {
    try (Writer w =
        new java.io.OutputStreamWriter(
            new GZIPOutputStream(Files.newOutputStream(target)), StandardCharsets.UTF_8)) {
      for (String l : lines) {
        w.write(l);
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines.size() - 1;
  }

  static List<String> practiceLines(Geography g) {
    List<String> out = new ArrayList<>();
    out.add(
        String.join(
            ",",
            Cols.PRACTICE_CODE,
            Cols.PRACTICE_NAME,
            Cols.PCN_CODE,
            Cols.PCN_NAME,
            Cols.VALID_FROM,
            Cols.VALID_TO));
    for (Geography.Practice p : g.practices()) {
      Geography.Pcn pcn = g.pcns().get(p.pcn());
      out.add(String.join(",", p.code(), p.name(), pcn.code(), pcn.name(), "2019-07-01", ""));
    }
    return out;
  }

  static List<String> lsoaLines(Geography g) {
    List<String> out = new ArrayList<>();
    out.add(String.join(",", Cols.LSOA_CODE, Cols.IMD_VINTAGE, Cols.IMD_DECILE, Cols.IMD_RANK));
    for (Geography.Lsoa l : g.lsoas()) {
      out.add(
          String.join(
              ",", l.code(), "IMD2019", String.valueOf(l.decile()), String.valueOf(l.rank())));
    }
    return out;
  }

  private static void writeDescriptor(SynthParams p, Path out, boolean inParts) {
    StringBuilder tables = new StringBuilder("tables:\n");
    tables.append("  practice_pcn: practice_pcn.csv.gz\n");
    tables.append("  lsoa_imd: lsoa_imd.csv.gz\n");
    for (String t : PERSON_TABLES.keySet()) {
      if (!t.startsWith("truth/")) {
        tables.append("  ").append(t).append(": ").append(inParts ? t : t + ".csv.gz").append('\n');
      }
    }
    String yaml =
        "# Generated by: npc generate --people "
            + p.people()
            + " --seed "
            + p.seed()
            + " --as-of "
            + p.asOf()
            + " --years "
            + p.years()
            + " --faults "
            + p.faultRate()
            + "\n# Synthetic data: no real person. The hidden truth is in truth/ (never read by the engine).\n"
            + "extract_date: "
            + p.asOf()
            + "\n"
            + "mapping: canonical\n"
            + "description: Synthetic Leeds-shaped population, "
            + p.people()
            + " people, seed "
            + p.seed()
            + "\n"
            + tables;
    SynthParams.Pilot pilot = p.pilot();
    StringBuilder effect =
        new StringBuilder(
                "# The true effect of proactive care in this population (never read by the engine).\n")
            .append("pilot_start: ")
            .append(pilot.start())
            .append('\n')
            .append("pilot_pcns: [");
    Geography g = Geography.build(p);
    List<String> codes = new ArrayList<>();
    for (int k = 0; k < g.pcns().size(); k++) {
      if (pilot.includes(k, g.pcns().size())) {
        codes.add(g.pcns().get(k).code());
      }
    }
    effect
        .append(String.join(", ", codes))
        .append("]\n")
        .append("emergency_admission_rate_reduction: ")
        .append(pilot.admissionEffect())
        .append('\n')
        .append("deficit_accumulation_reduction: ")
        .append(pilot.deficitEffect())
        .append('\n')
        .append("enrolment_chance_factor_after_emergency_discharge: ")
        .append(pilot.crisisEnrolment())
        .append('\n')
        .append("months_after_emergency_discharge: ")
        .append(SynthParams.Pilot.CRISIS_MONTHS)
        .append('\n')
        .append("enrolment_sees_unrecorded_risk: ")
        .append(pilot.unrecordedEnrolment())
        .append('\n');
    try {
      Files.writeString(out.resolve("truth/effect.yaml"), effect.toString());
      Files.writeString(out.resolve("extract.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lets a gzip member be finished without closing the file it is written into. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}

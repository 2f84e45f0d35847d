package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.RunManifest;
import io.proactivecare.npc.warehouse.Warehouse;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HES mapping on NHS Digital's artificial HES files (real column layout, src/test/resources/
 * hes-artificial), end to end through the CLI:
 *
 * <ul>
 *   <li>the three files ingest unchanged with {@code mapping: hes}, within the default quality
 *       gate, and rows read = conformed + quarantined;
 *   <li>the same data converted by this test to the canonical layout and ingested with {@code
 *       mapping: canonical} gives identical conformed tables and the same quarantine;
 *   <li>a small provider layout using the other mapping features (delimiter, per-column date
 *       format, value translation, constant, Parquet input) gives the same rows as its canonical
 *       CSV twin.
 * </ul>
 *
 * The files are parsed here with commons-csv, independently of Spark's CSV reader used by ingest.
 */
class HesMappingIT {
  private static final String EXTRACT_DATE = "2009-03-31";
  private static final String APC = "apc_spells";
  private static final String OP = "op_appointments";
  private static final String AE = "ae_attendances";
  private static final Map<String, String> FILES =
      Map.of(
          APC, "artificial_hes_apc_0102_truncated.csv",
          OP, "artificial_hes_op_0304_truncated.csv",
          AE, "artificial_hes_ae_0708_truncated.csv");
  private static final List<String> TABLES = List.of(APC, OP, AE);
  private static final List<String> DIAG_4 =
      IntStream.rangeClosed(1, 20).mapToObj(i -> String.format("DIAG_4_%02d", i)).toList();

  /**
   * The HES to canonical conversion of this test, written out by hand (not read from hes.yaml):
   * canonical column to HES column. Diagnoses and attendance_category are handled in {@link
   * #canonical}.
   */
  private static final Map<String, Map<String, String>> TO_CANONICAL =
      Map.of(
          APC,
              linked(
                  Cols.SPELL_ID,
                  "EPIKEY",
                  Cols.PERSON_ID,
                  "PSEUDO_HESID",
                  Cols.ADMISSION_DATE,
                  "ADMIDATE",
                  Cols.DISCHARGE_DATE,
                  "DISDATE",
                  Cols.ADMISSION_METHOD,
                  "ADMIMETH",
                  Cols.PATIENT_CLASSIFICATION,
                  "CLASSPAT",
                  Cols.DISCHARGE_METHOD,
                  "DISMETH",
                  Cols.DISCHARGE_DESTINATION,
                  "DISDEST",
                  Cols.PROVIDER_CODE,
                  "PROCODE3",
                  Cols.DIAGNOSES,
                  "DIAG_4_*"),
          OP,
              linked(
                  Cols.APPOINTMENT_ID,
                  "ATTENDKEY",
                  Cols.PERSON_ID,
                  "PSEUDO_HESID",
                  Cols.APPOINTMENT_DATE,
                  "APPTDATE",
                  Cols.ATTENDANCE_STATUS,
                  "ATTENDED",
                  Cols.FIRST_ATTENDANCE,
                  "FIRSTATT",
                  Cols.TREATMENT_SPECIALTY,
                  "TRETSPEF",
                  Cols.PROVIDER_CODE,
                  "PROCODE3"),
          AE,
              linked(
                  Cols.ATTENDANCE_ID,
                  "AEKEY",
                  Cols.PERSON_ID,
                  "PSEUDO_HESID",
                  Cols.ARRIVAL_DATE,
                  "ARRIVALDATE",
                  Cols.DEPARTMENT_TYPE,
                  "AEDEPTTYPE",
                  Cols.ATTENDANCE_CATEGORY,
                  "AEATTENDCAT",
                  Cols.PROVIDER_CODE,
                  "PROCODE3"));

  @TempDir static Path tmp;

  /** The HES files as parsed here: table to rows (header name to raw text). */
  private static Map<String, List<Map<String, String>>> hes;

  private static Warehouse hesWarehouse;
  private static Warehouse canonicalWarehouse;
  private static Npc.Result hesRun;
  private static Npc.Result canonicalRun;

  @BeforeAll
  static void ingestBothLayouts() throws Exception {
    Path hesExtract = Files.createDirectories(tmp.resolve("hes-extract"));
    Path canonicalExtract = Files.createDirectories(tmp.resolve("canonical-extract"));
    hes = new LinkedHashMap<>();
    StringBuilder hesYaml =
        new StringBuilder("extract_date: " + EXTRACT_DATE + "\nmapping: hes\ntables:\n");
    StringBuilder canonicalYaml =
        new StringBuilder("extract_date: " + EXTRACT_DATE + "\nmapping: canonical\ntables:\n");
    for (String table : TABLES) {
      Path source = resource("hes-artificial/" + FILES.get(table));
      Files.copy(source, hesExtract.resolve(FILES.get(table)));
      hesYaml.append("  ").append(table).append(": ").append(FILES.get(table)).append('\n');
      hes.put(table, readCsv(source, ','));
      writeCsv(canonicalExtract.resolve(table + ".csv"), ',', canonical(table, hes.get(table)));
      canonicalYaml.append("  ").append(table).append(": ").append(table).append(".csv\n");
    }
    Files.writeString(hesExtract.resolve("extract.yaml"), hesYaml);
    Files.writeString(canonicalExtract.resolve("extract.yaml"), canonicalYaml);

    hesWarehouse = new Warehouse(tmp.resolve("wh-hes"));
    canonicalWarehouse = new Warehouse(tmp.resolve("wh-canonical"));
    // The default quality gate (5%) and default settings: no gp_registrations, so person references
    // are not checked.
    hesRun = Npc.run(hesWarehouse.root(), "ingest", "--extract", hesExtract.toString());
    canonicalRun =
        Npc.run(canonicalWarehouse.root(), "ingest", "--extract", canonicalExtract.toString());
    report("hes", hesWarehouse);
    report("canonical", canonicalWarehouse);
  }

  /**
   * Prints what a run did (in the failsafe report's output file): duration and per-table counts.
   */
  private static void report(String name, Warehouse w) {
    for (RunManifest m : w.runs()) {
      System.out.printf(
          "%s ingest: exit %d in %.1f s%n", name, m.exitCode(), m.durationMs() / 1000.0);
      for (RunManifest.StepRecord s : m.steps()) {
        s.tables()
            .forEach(
                t ->
                    System.out.printf(
                        "  %s read %d accepted %d quarantined %d (%.2f%%)%n",
                        t.table(),
                        t.read(),
                        t.accepted(),
                        t.quarantined(),
                        100 * t.quarantineShare()));
        s.quarantineReasons()
            .forEach(
                r ->
                    System.out.printf(
                        "  %s %s %s: %d rows%n", r.table(), r.reasonCode(), r.column(), r.rows()));
      }
    }
  }

  @Test
  void hesFilesIngestUnchangedWithinTheDefaultGateAndReconcile() {
    assertEquals(0, hesRun.exitCode(), hesRun.out() + hesRun.err());
    assertEquals(2075, hes.get(APC).size());
    assertEquals(1000, hes.get(OP).size());
    assertEquals(1000, hes.get(AE).size());

    List<Row> quarantine = quarantine(hesWarehouse).collectAsList();
    for (String table : TABLES) {
      long conformed = conformed(hesWarehouse, table).count();
      long quarantined = quarantine.stream().filter(r -> table.equals(r.getAs(Cols.TABLE))).count();
      assertEquals(
          hes.get(table).size(),
          conformed + quarantined,
          table + ": rows read = conformed + quarantined");
    }

    // The manifest's reconciliation agrees with the rows counted here from the files.
    RunManifest manifest = hesWarehouse.runs().get(hesWarehouse.runs().size() - 1);
    Map<String, RunManifest.TableCount> counts =
        manifest.steps().get(0).tables().stream()
            .collect(Collectors.toMap(RunManifest.TableCount::table, Function.identity()));
    for (String table : TABLES) {
      RunManifest.TableCount c = counts.get(table);
      assertEquals(hes.get(table).size(), c.read(), table);
      assertEquals(c.read(), c.accepted() + c.quarantined(), table);
      assertTrue(c.gatePassed(), table);
    }
    assertEquals(4, counts.get(APC).quarantined());
    assertEquals(0, counts.get(OP).quarantined());
    assertEquals(0, counts.get(AE).quarantined());

    // Why, row by row (checked by hand against the CSV): three invalid ICD-10 codes, and one
    // episode
    // whose admission and discharge dates are HES's 'invalid date' placeholder 1801-01-01.
    Map<Long, String> apcReasons = new TreeMap<>();
    quarantine.stream()
        .filter(r -> APC.equals(r.getAs(Cols.TABLE)))
        .forEach(
            r ->
                apcReasons.put(
                    r.<Long>getAs(Cols.ROW_NUMBER),
                    r.<String>getAs(Cols.REASON_CODE)
                        + ":"
                        + r.<String>getAs(Cols.REASON_COLUMN)
                        + " "
                        + r.<String>getAs(Cols.REASON_DETAIL)));
    assertEquals(
        Map.of(
            678L, "BAD_FORMAT:diagnoses diagnoses element '7999' does not match " + Contracts.ICD10,
            1332L,
                "BAD_FORMAT:diagnoses diagnoses element '0000' does not match " + Contracts.ICD10,
            1697L,
                "BAD_FORMAT:diagnoses diagnoses element '0000' does not match " + Contracts.ICD10,
            1942L,
                "OUT_OF_RANGE:admission_date admission_date 1801-01-01 is before 1900-01-01 (ingest.earliest_date)"),
        apcReasons);
    // row_number counts data rows from 1: the quarantined record of row 678 is EPIKEY 650581308550.
    assertEquals("650581308550", hes.get(APC).get(678 - 1).get("EPIKEY"));
    String record =
        quarantine.stream()
            .filter(r -> APC.equals(r.getAs(Cols.TABLE)) && r.<Long>getAs(Cols.ROW_NUMBER) == 678L)
            .findFirst()
            .orElseThrow()
            .getAs(Cols.RECORD);
    assertTrue(record.contains("\"EPIKEY\":\"650581308550\""), record);
  }

  @Test
  void spotChecksAgainstTheCsv() {
    // APC data row 382: DIAG_4_01..07 = K350, -, '', I10X, Z966, '', I694 (the rest empty).
    Row spell = one(conformed(hesWarehouse, APC), Cols.SPELL_ID, "205733979190");
    assertEquals("TESTkGjD1p9dFBmfQKuxYGAnxdabgeUj", spell.getAs(Cols.PERSON_ID));
    assertEquals(Date.valueOf("2001-04-16"), spell.getAs(Cols.ADMISSION_DATE));
    assertEquals(Date.valueOf("2002-01-31"), spell.getAs(Cols.DISCHARGE_DATE));
    assertEquals("28", spell.getAs(Cols.ADMISSION_METHOD));
    assertEquals("1", spell.getAs(Cols.PATIENT_CLASSIFICATION));
    assertEquals("1", spell.getAs(Cols.DISCHARGE_METHOD));
    assertEquals("19", spell.getAs(Cols.DISCHARGE_DESTINATION));
    assertEquals("RVV", spell.getAs(Cols.PROVIDER_CODE));
    assertEquals(
        List.of("K350", "I10X", "Z966", "I694"), spell.getList(spell.fieldIndex(Cols.DIAGNOSES)));

    // APC data row 1: no DISDATE (an unfinished spell) and only '-' after the primary diagnosis.
    Row open = one(conformed(hesWarehouse, APC), Cols.SPELL_ID, "513700125763");
    assertEquals(Date.valueOf("2001-09-27"), open.getAs(Cols.ADMISSION_DATE));
    assertNull(open.getAs(Cols.DISCHARGE_DATE));
    assertEquals(
        hes.get(APC).get(0).get("DIAG_4_01"), open.getList(open.fieldIndex(Cols.DIAGNOSES)).get(0));

    // APC data row 468: DIAG_4_01 empty and DIAG_4_02 '-': no diagnoses at all, an empty list.
    Row none = one(conformed(hesWarehouse, APC), Cols.SPELL_ID, "8391672412");
    assertEquals(List.of(), none.getList(none.fieldIndex(Cols.DIAGNOSES)));

    // OP data row 4: TRETSPEF '&' (not known) becomes null.
    Row appt = one(conformed(hesWarehouse, OP), Cols.APPOINTMENT_ID, "724008159945");
    assertEquals("TEST6N5nQ39oEId7g7PgkYI76NMVdrmm", appt.getAs(Cols.PERSON_ID));
    assertEquals(Date.valueOf("2003-12-19"), appt.getAs(Cols.APPOINTMENT_DATE));
    assertEquals("5", appt.getAs(Cols.ATTENDANCE_STATUS));
    assertEquals("2", appt.getAs(Cols.FIRST_ATTENDANCE));
    assertNull(appt.getAs(Cols.TREATMENT_SPECIALTY));
    assertEquals("RBD", appt.getAs(Cols.PROVIDER_CODE));
    long ampersands =
        hes.get(OP).stream().filter(r -> r.get("TRETSPEF").strip().equals("&")).count();
    assertEquals(66, ampersands);
    assertEquals(
        ampersands,
        conformed(hesWarehouse, OP).filter(Cols.TREATMENT_SPECIALTY + " IS NULL").count());

    // A&E data row 2: AEATTENDCAT 2 (HES: planned follow-up) is canonical 4; row 62: 3 (unplanned
    // follow-up) stays 3.
    Row planned = one(conformed(hesWarehouse, AE), Cols.ATTENDANCE_ID, "419366440791");
    assertEquals(Date.valueOf("2007-12-28"), planned.getAs(Cols.ARRIVAL_DATE));
    assertEquals("99", planned.getAs(Cols.DEPARTMENT_TYPE));
    assertEquals("4", planned.getAs(Cols.ATTENDANCE_CATEGORY));
    assertEquals("RK5", planned.getAs(Cols.PROVIDER_CODE));
    assertEquals(
        "3",
        one(conformed(hesWarehouse, AE), Cols.ATTENDANCE_ID, "614518506057")
            .getAs(Cols.ATTENDANCE_CATEGORY));
    assertEquals(
        0, conformed(hesWarehouse, AE).filter(Cols.ATTENDANCE_CATEGORY + " = '2'").count());
  }

  @Test
  void canonicalLayoutOfTheSameDataGivesIdenticalTables() {
    assertEquals(0, canonicalRun.exitCode(), canonicalRun.out() + canonicalRun.err());
    for (String table : TABLES) {
      assertSameRows(conformed(hesWarehouse, table), conformed(canonicalWarehouse, table), table);
    }
    String[] key = {
      Cols.TABLE,
      Cols.ROW_NUMBER,
      Cols.REASON_CODE,
      Cols.REASON_COLUMN,
      Cols.REASON_DETAIL,
      Cols.REASONS
    };
    Dataset<Row> a = quarantine(hesWarehouse).selectExpr(key);
    Dataset<Row> b = quarantine(canonicalWarehouse).selectExpr(key);
    assertEquals(4, a.count());
    assertSameRows(a, b, "quarantine");
  }

  /**
   * A made-up provider: '|'-separated, registration dates written dd/MM/yyyy (a per-column date
   * format; the mapping's default is yyyyMMdd), sex coded 1/2/9, 'NULL' for missing, and GP events
   * delivered as Parquet without a code system column (a constant). Its canonical CSV twin must
   * give the same conformed rows and the same quarantine.
   */
  @Test
  void customProviderLayoutMatchesItsCanonicalTwin() throws IOException {
    Path mappings = Files.createDirectories(tmp.resolve("mappings"));
    Files.writeString(
        mappings.resolve("acme.yaml"),
        """
        description: A made-up GP system export.
        delimiter: "|"
        date_format: yyyyMMdd
        null_values: ["NULL"]
        tables:
          gp_registrations:
            person_id: PATIENT_ID
            practice_code: ORG
            year_of_birth: BIRTH_YEAR
            sex: {from: GENDER, values: {"1": M, "2": F, "9": U}}
            lsoa_code: LSOA
            registration_start: {from: REG_DATE, date_format: dd/MM/yyyy}
            registration_end: {from: DEREG_DATE, date_format: dd/MM/yyyy}
            date_of_death: DOD
          gp_events:
            person_id: PATIENT_ID
            event_date: {from: EVENT_DT, date_format: dd/MM/yyyy}
            code: CONCEPT_ID
            code_system: {constant: SNOMED}
            value: RESULT
            unit: UNITS
        """);
    Files.copy(Npc.HOME.resolve("conf/sources/canonical.yaml"), mappings.resolve("canonical.yaml"));

    Path acme = Files.createDirectories(tmp.resolve("acme-extract"));
    Files.writeString(
        acme.resolve("registrations.txt"),
        String.join(
            "\n",
            "PATIENT_ID|ORG|BIRTH_YEAR|GENDER|LSOA|REG_DATE|DEREG_DATE|DOD",
            "A1|B86001|1941|2|E01024001|01/04/2010|NULL|NULL",
            "A2|B86001|1950|1|E01024002|15/11/2012|31/01/2020|20200125",
            "A3|B86001|1962|9||03/02/2015||",
            "A4|B86001|1970|3|E01024003|07/07/2011||",
            "A5|B86001|1980|1|E01024004|31/02/2016||",
            "A6|B86001|1990|2|E01024005|2016-05-01||",
            ""));
    SparkSession spark = SparkTestSession.get();
    StructType events =
        new StructType()
            .add("PATIENT_ID", DataTypes.StringType)
            .add("EVENT_DT", DataTypes.StringType)
            .add("CONCEPT_ID", DataTypes.LongType)
            .add("RESULT", DataTypes.DoubleType)
            .add("UNITS", DataTypes.StringType);
    spark
        .createDataFrame(
            List.of(
                RowFactory.create("A1", "05/03/2024", 1011481000000105L, 48.0, "mL/min/1.73m2"),
                RowFactory.create("A1", "10/10/2023", 38341003L, null, null),
                RowFactory.create("A2", "28/02/2019", 73211009L, null, null),
                RowFactory.create("A3", "01/13/2024", 73211009L, null, null),
                RowFactory.create("A3", "02/01/2024", 166L, null, null)),
            events)
        .coalesce(1)
        .write()
        .parquet(acme.resolve("events.parquet").toString());
    Files.writeString(
        acme.resolve("extract.yaml"),
        """
        extract_date: 2025-03-31
        mapping: acme
        tables:
          gp_registrations: registrations.txt
          gp_events: events.parquet
        """);

    Path twin = Files.createDirectories(tmp.resolve("acme-canonical"));
    Files.writeString(
        twin.resolve("gp_registrations.csv"),
        String.join(
            "\n",
            "person_id,practice_code,year_of_birth,sex,lsoa_code,ethnic_group,registration_start,registration_end,date_of_death",
            "A1,B86001,1941,F,E01024001,,2010-04-01,,",
            "A2,B86001,1950,M,E01024002,,2012-11-15,2020-01-31,2020-01-25",
            "A3,B86001,1962,U,,,2015-02-03,,",
            "A4,B86001,1970,3,E01024003,,2011-07-07,,",
            "A5,B86001,1980,M,E01024004,,2016-02-31,,",
            "A6,B86001,1990,F,E01024005,,01/05/2016,,",
            ""));
    Files.writeString(
        twin.resolve("gp_events.csv"),
        String.join(
            "\n",
            "person_id,event_date,code,code_system,value,unit",
            "A1,2024-03-05,1011481000000105,SNOMED,48.0,mL/min/1.73m2",
            "A1,2023-10-10,38341003,SNOMED,,",
            "A2,2019-02-28,73211009,SNOMED,,",
            "A3,2024-13-01,73211009,SNOMED,,",
            "A3,2024-01-02,166,SNOMED,,",
            ""));
    Files.writeString(
        twin.resolve("extract.yaml"),
        """
        extract_date: 2025-03-31
        mapping: canonical
        tables:
          gp_registrations: gp_registrations.csv
          gp_events: gp_events.csv
        """);

    Warehouse acmeWh = new Warehouse(tmp.resolve("wh-acme"));
    Warehouse twinWh = new Warehouse(tmp.resolve("wh-acme-canonical"));
    String[] gate = {"--set", "quality.max_quarantine_share=1", "--set", "mappings=" + mappings};
    Npc.Result a =
        Npc.raw(
            concat(
                "ingest",
                "--extract",
                acme.toString(),
                "--warehouse",
                acmeWh.root().toString(),
                gate));
    Npc.Result b =
        Npc.raw(
            concat(
                "ingest",
                "--extract",
                twin.toString(),
                "--warehouse",
                twinWh.root().toString(),
                gate));
    assertEquals(0, a.exitCode(), a.out() + a.err());
    assertEquals(0, b.exitCode(), b.out() + b.err());

    Row a1 = one(conformed(acmeWh, "gp_registrations"), Cols.PERSON_ID, "A1");
    assertEquals("F", a1.getAs(Cols.SEX));
    assertEquals(Date.valueOf("2010-04-01"), a1.getAs(Cols.REGISTRATION_START));
    assertNull(a1.getAs(Cols.REGISTRATION_END));
    Row a2 = one(conformed(acmeWh, "gp_registrations"), Cols.PERSON_ID, "A2");
    assertEquals(Date.valueOf("2020-01-25"), a2.getAs(Cols.DATE_OF_DEATH));
    assertEquals(3, conformed(acmeWh, "gp_registrations").count());
    Row egfr = one(conformed(acmeWh, "gp_events"), Cols.CODE, "1011481000000105");
    assertEquals("SNOMED", egfr.getAs(Cols.CODE_SYSTEM));
    assertEquals(Date.valueOf("2024-03-05"), egfr.getAs(Cols.EVENT_DATE));
    assertEquals(48.0, egfr.<Double>getAs(Cols.VALUE), 0);

    for (String table : List.of("gp_registrations", "gp_events")) {
      assertSameRows(conformed(acmeWh, table), conformed(twinWh, table), table);
    }
    String[] key = {
      Cols.TABLE, Cols.ROW_NUMBER, Cols.REASON_CODE, Cols.REASON_COLUMN, Cols.REASONS
    };
    Dataset<Row> qa = quarantine(acmeWh).selectExpr(key);
    // A4 sex 3 (no translation, passes unchanged and fails), A5 31/02, A6 ISO date in a dd/MM/yyyy
    // column;
    // events: A3's 01/13/2024 (month 13) and code 166 (too short for SNOMED).
    Map<String, String> expected =
        Map.of(
            "gp_registrations:4",
            "BAD_CODE:sex",
            "gp_registrations:5",
            "BAD_DATE:registration_start",
            "gp_registrations:6",
            "BAD_DATE:registration_start",
            "gp_events:4",
            "BAD_DATE:event_date",
            "gp_events:5",
            "BAD_FORMAT:code");
    Map<String, String> actual = new TreeMap<>();
    qa.collectAsList()
        .forEach(
            r ->
                actual.put(
                    r.getAs(Cols.TABLE) + ":" + r.getAs(Cols.ROW_NUMBER),
                    r.getAs(Cols.REASON_CODE) + ":" + r.getAs(Cols.REASON_COLUMN)));
    assertEquals(new TreeMap<>(expected), actual);
    assertSameRows(qa, quarantine(twinWh).selectExpr(key), "quarantine");
  }

  // ---- helpers ----

  /**
   * The canonical-layout rows of one HES table: trimmed, '&' empty, diagnoses joined without '-'.
   */
  private static List<List<String>> canonical(String table, List<Map<String, String>> rows) {
    Map<String, String> columns = TO_CANONICAL.get(table);
    List<List<String>> out = new ArrayList<>();
    out.add(List.copyOf(columns.keySet()));
    for (Map<String, String> r : rows) {
      List<String> line = new ArrayList<>();
      for (Map.Entry<String, String> c : columns.entrySet()) {
        String v;
        if (c.getKey().equals(Cols.DIAGNOSES)) {
          v =
              DIAG_4.stream()
                  .map(d -> value(r.get(d)))
                  .filter(d -> !d.isEmpty() && !d.equals("-"))
                  .collect(Collectors.joining(";"));
        } else {
          v = value(r.get(c.getValue()));
          if (c.getKey().equals(Cols.ATTENDANCE_CATEGORY) && v.equals("2")) {
            v = "4"; // HES planned follow-up is canonical (ECDS) 4
          }
        }
        line.add(v);
      }
      out.add(line);
    }
    return out;
  }

  /** A HES field as canonical text: blanks around it removed, '&' (not known) empty. */
  private static String value(String raw) {
    String v = raw == null ? "" : raw.strip();
    return v.equals("&") ? "" : v;
  }

  private static List<Map<String, String>> readCsv(Path file, char delimiter) throws IOException {
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(delimiter)
            .setHeader()
            .setSkipHeaderRecord(true)
            .build();
    List<Map<String, String>> rows = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser p = CSVParser.parse(in, format)) {
      for (CSVRecord rec : p) {
        if (!rec.isConsistent()) {
          throw new IllegalStateException(
              file + " record " + rec.getRecordNumber() + " has " + rec.size() + " fields");
        }
        rows.add(rec.toMap());
      }
    }
    return rows;
  }

  private static void writeCsv(Path file, char delimiter, List<List<String>> lines)
      throws IOException {
    CSVFormat format =
        CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setRecordSeparator("\n").build();
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, format)) {
      for (List<String> line : lines) {
        p.printRecord(line);
      }
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(HesMappingIT.class.getClassLoader().getResource(name).toURI());
  }

  private static Dataset<Row> conformed(Warehouse w, String table) {
    return read(w, IngestStep.conformed(table));
  }

  private static Dataset<Row> quarantine(Warehouse w) {
    return read(w, IngestStep.QUARANTINE);
  }

  private static Dataset<Row> read(Warehouse w, String output) {
    String path =
        w.resolve(
                w.catalog()
                    .latest(output)
                    .orElseThrow(() -> new AssertionError("not published: " + output))
                    .path())
            .toString();
    return SparkTestSession.get().read().parquet(path);
  }

  private static Row one(Dataset<Row> rows, String column, String value) {
    List<Row> hit = rows.filter(rows.col(column).equalTo(value)).collectAsList();
    assertEquals(1, hit.size(), column + " = " + value);
    return hit.get(0);
  }

  /**
   * Same schema, same number of rows, nothing in one that is not in the other, and equal sorted
   * rows.
   */
  private static void assertSameRows(Dataset<Row> a, Dataset<Row> b, String what) {
    assertEquals(a.schema(), b.schema(), what + " schema");
    long n = a.count();
    assertEquals(n, b.count(), what + " rows");
    assertEquals(0, a.exceptAll(b).count(), what + ": rows only in the first");
    assertEquals(0, b.exceptAll(a).count(), what + ": rows only in the second");
    assertEquals(sorted(a), sorted(b), what + " rows, sorted");
  }

  private static List<String> sorted(Dataset<Row> d) {
    return d.collectAsList().stream().map(Row::toString).sorted(Comparator.naturalOrder()).toList();
  }

  private static Map<String, String> linked(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static String[] concat(String a, String b, String c, String d, String e, String[] rest) {
    List<String> all = new ArrayList<>(List.of(a, b, c, d, e));
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }
}

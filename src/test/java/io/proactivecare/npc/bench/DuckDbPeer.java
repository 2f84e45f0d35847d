package io.proactivecare.npc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.ColumnSpec;
import io.proactivecare.npc.schema.ColumnType;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.TableContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The DuckDB peer of the benchmark (docs/benchmarks.md, "The DuckDB peer"): what the nightly job
 * does for ingest, the eFI at a date and the 12-month utilisation, written directly as SQL in an
 * in-memory DuckDB, so that a benchmark can time both on the same extract and check that they agree
 * ({@code DuckDbPeerIT}).
 *
 * <p><b>Ingest</b> reads {@code extract.yaml} (canonical mapping only; CSV or gzipped CSV files, or
 * folders of such parts; no Parquet), every column as text, trimmed as the engine trims (spaces,
 * tabs, line ends; empty becomes null). Per table, in the contracts' order (references, then
 * registrations, then the rest), it types each column to its contract type and applies these rules
 * of docs/data-contracts.md ({@link #RULES_APPLIED}), dropping the rows that fail:
 *
 * <ul>
 *   <li>MISSING: a required value is empty;
 *   <li>BAD_DATE, BAD_NUMBER: a date that is not exactly {@code yyyy-MM-dd} or not a real date; a
 *       whole number or a finite decimal that does not parse (the engine's shapes);
 *   <li>BAD_CODE: a coded column's value outside its codes (a lenient "else 99" column gets 99);
 *   <li>DATE_ORDER: the contract's date pairs, and the year of birth after the registration's year;
 *   <li>UNKNOWN_PRACTICE, UNKNOWN_PCN, UNKNOWN_PERSON: against the accepted practice_pcn and
 *       gp_registrations of the same extract (skipped when the table is absent, or turned off by
 *       {@code ingest.check_*_references});
 *   <li>DUPLICATE: among the rows that pass, the first row in file order of each key (the whole row
 *       for tables without a key) is kept.
 * </ul>
 *
 * <p>It does <b>not</b> apply ({@link #RULES_NOT_APPLIED}): BAD_FORMAT (the code, ODS, LSOA, BNF
 * and ICD-10 patterns), TOO_LONG, OUT_OF_RANGE (number ranges, {@code ingest.earliest_date}),
 * FUTURE_DATE. Rows failing only those are kept by the peer and quarantined by the engine, and so
 * are the rows of a person whose only registrations fail them. A row the CSV reader cannot split
 * (the engine's MALFORMED_ROW) is skipped by DuckDB's reader and counted as read, not kept. Nor
 * does it do the engine's file checks (NHS-number guard, header checks across parts, gzip
 * completeness), the after-death notes, the quarantine table, the reconciliation or the quality
 * gate.
 *
 * <p><b>eFI</b> at the as-of date (default the extract date) for the people the engine scores:
 * registered and alive at the date and at least {@code frailty.min_age} (docs/population.md,
 * docs/frailty.md), with the engine's counting rules (coded deficits ever on or before the date,
 * value rules with exclusive bounds judged by the sex of the registration in force when the value
 * was taken, polypharmacy from the distinct medicines issued from the date minus the look-back to
 * the date). <b>Utilisation</b>: {@code features/person}'s 12-month counts of emergency admissions,
 * unplanned (emergency) bed days, A&E attendances and outpatient attendances, for everyone
 * registered and alive at the date.
 *
 * <p>Outputs under {@code --out}: {@code conformed/TABLE.parquet}, {@code efi.parquet} ({@code
 * person_id, deficit_count, efi_score, efi_category}) and {@code utilisation.parquet}. Prints a
 * summary of counts only, never a person-level value.
 */
public final class DuckDbPeer {
  /** The ingest rules the peer applies (reason codes of docs/data-contracts.md). */
  public static final List<String> RULES_APPLIED =
      List.of(
          "MISSING",
          "BAD_DATE",
          "BAD_NUMBER",
          "BAD_CODE",
          "DATE_ORDER",
          "UNKNOWN_PRACTICE",
          "UNKNOWN_PCN",
          "UNKNOWN_PERSON",
          "DUPLICATE");

  /** The engine's ingest rules the peer leaves out: their rows are kept by the peer. */
  public static final List<String> RULES_NOT_APPLIED =
      List.of("BAD_FORMAT", "TOO_LONG", "OUT_OF_RANGE", "FUTURE_DATE");

  /** Phases, in the order they run. */
  public static final String INGEST = "ingest";

  public static final String EFI = "efi";
  public static final String UTILISATION = "utilisation";

  /** The 12-month counts written to utilisation.parquet, named as in features/person. */
  public static final List<String> UTILISATION_COLUMNS =
      List.of(
          Cols.EMERGENCY_ADMISSIONS_12M,
          Cols.UNPLANNED_BED_DAYS_12M,
          Cols.AE_ATTENDANCES_12M,
          Cols.OUTPATIENT_ATTENDANCES_12M);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** What the engine trims from every value (RowValidator): spaces, tabs and line ends. */
  private static final String BLANKS = "' ' || chr(9) || chr(13) || chr(10)";

  private static final String DATE_SHAPE = "[0-9]{4}-[0-9]{2}-[0-9]{2}";
  private static final String INTEGER_SHAPE = "[+-]?[0-9]{1,9}";
  private static final String DOUBLE_SHAPE = "[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?";

  private DuckDbPeer() {}

  /**
   * What to run.
   *
   * @param extract the extract folder (holding extract.yaml)
   * @param out where the Parquet outputs go (created; the peer's own files in it are replaced)
   * @param asOf the date of the eFI and utilisation; empty: the extract date
   * @param conf the configuration folder (npc.yaml and codelists/), as the engine's conf/
   * @param memoryLimit DuckDB's memory_limit (e.g. {@code 8GB}); empty: DuckDB's default
   */
  public record Options(
      Path extract, Path out, Optional<LocalDate> asOf, Path conf, Optional<String> memoryLimit) {}

  /** Rows of one table: read from its files, and kept (written to conformed/TABLE.parquet). */
  public record TableRows(long read, long kept) {
    public long dropped() {
      return read - kept;
    }
  }

  /**
   * What a run did.
   *
   * @param phaseMillis wall time of each phase ({@value #INGEST}, {@value #EFI}, {@value
   *     #UTILISATION}), in run order
   * @param totalMillis wall time of the whole run, connection and settings included
   * @param tables rows per table, in ingest order (only the tables the extract has)
   * @param peopleScored people with an eFI (adults registered and alive at the date)
   * @param peopleRegistered people with utilisation (everyone registered and alive at the date)
   */
  public record Result(
      String duckdbVersion,
      int threads,
      LocalDate extractDate,
      LocalDate asOf,
      Map<String, Long> phaseMillis,
      long totalMillis,
      Map<String, TableRows> tables,
      long peopleScored,
      long peopleRegistered,
      List<String> rulesApplied,
      List<String> rulesNotApplied) {}

  /** A mistake in the arguments or inputs: one line, exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = parse(args);
    } catch (UsageException e) {
      System.err.println("duckdb-peer: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options == null) {
      return;
    }
    try {
      Result r = run(options);
      System.out.print(summary(r, options));
    } catch (UsageException e) {
      System.err.println("duckdb-peer: " + e.getMessage());
      System.exit(2);
    } catch (SQLException | IOException | UncheckedIOException e) {
      System.err.println("duckdb-peer: failed: " + e.getMessage());
      System.exit(1);
    }
  }

  private static final String USAGE =
      "Usage: DuckDbPeer --extract DIR --out DIR [--as-of yyyy-MM-dd] [--conf DIR (default conf)]"
          + " [--memory-limit SIZE, e.g. 8GB]";

  /** The options of a command line; null after --help. */
  static Options parse(String[] args) {
    Path extract = null;
    Path out = null;
    Optional<LocalDate> asOf = Optional.empty();
    Path conf = Path.of("conf");
    Optional<String> memory = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println(USAGE);
        return null;
      }
      if (i + 1 >= args.length) {
        throw new UsageException(a + " needs a value (" + USAGE + ")");
      }
      String v = args[++i];
      switch (a) {
        case "--extract" -> extract = Path.of(v);
        case "--out" -> out = Path.of(v);
        case "--conf" -> conf = Path.of(v);
        case "--memory-limit" -> memory = Optional.of(v);
        case "--as-of" -> {
          try {
            asOf = Optional.of(LocalDate.parse(v));
          } catch (DateTimeParseException e) {
            throw new UsageException("--as-of '" + v + "' is not a date (yyyy-MM-dd)");
          }
        }
        default -> throw new UsageException("unknown argument " + a + " (" + USAGE + ")");
      }
    }
    if (extract == null || out == null) {
      throw new UsageException("--extract and --out are required (" + USAGE + ")");
    }
    return new Options(extract, out, asOf, conf, memory);
  }

  /** Runs the peer: ingest, eFI and utilisation, each timed; outputs under {@code o.out()}. */
  public static Result run(Options o) throws SQLException, IOException {
    long start = System.nanoTime();
    Extract extract = Extract.load(o.extract());
    LocalDate asOf = o.asOf().orElse(extract.date());
    if (asOf.isAfter(extract.date())) {
      throw new UsageException(
          "--as-of "
              + asOf
              + " is after the extract date "
              + extract.date()
              + ": nothing is known");
    }
    Settings settings = Settings.load(o.conf());
    Path out = o.out().toAbsolutePath();
    Files.createDirectories(out.resolve("conformed"));
    Path spill = Files.createTempDirectory("duckdb-peer");
    int threads = Runtime.getRuntime().availableProcessors();
    Map<String, Long> phases = new LinkedHashMap<>();
    Map<String, TableRows> tables = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("SET preserve_insertion_order = true");
      s.execute("SET temp_directory = " + str(spill.toString()));
      s.execute("SET enable_progress_bar = false");
      if (o.memoryLimit().isPresent()) {
        s.execute("SET memory_limit = " + str(o.memoryLimit().get()));
      }
      String version = text(s, "SELECT version()");

      long t = System.nanoTime();
      for (TableContract contract : Contracts.ALL) {
        Optional<List<Path>> files = Optional.ofNullable(extract.tables().get(contract.name()));
        Optional<TableRows> rows = ingest(s, contract, files, extract, settings);
        rows.ifPresent(r -> tables.put(contract.name(), r));
        if (rows.isPresent()) {
          copy(s, "c_" + contract.name(), out.resolve("conformed/" + contract.name() + ".parquet"));
        }
      }
      phases.put(INGEST, millis(t));

      t = System.nanoTime();
      population(s, asOf, settings);
      long scored = efi(s, asOf, settings, out.resolve("efi.parquet"));
      phases.put(EFI, millis(t));

      t = System.nanoTime();
      long registered = utilisation(s, asOf, settings, out.resolve("utilisation.parquet"));
      phases.put(UTILISATION, millis(t));

      return new Result(
          version,
          threads,
          extract.date(),
          asOf,
          phases,
          millis(start),
          tables,
          scored,
          registered,
          RULES_APPLIED,
          RULES_NOT_APPLIED);
    } finally {
      deleteTree(spill);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Ingest

  /**
   * Reads one table into {@code raw_T} (text, trimmed), then writes its kept rows, typed, to {@code
   * c_T}. A table the extract lacks becomes an empty typed {@code c_T} (so later SQL runs) and is
   * not counted.
   */
  private static Optional<TableRows> ingest(
      Statement s,
      TableContract contract,
      Optional<List<Path>> files,
      Extract extract,
      Settings settings)
      throws SQLException {
    String table = contract.name();
    String raw = ident("raw_" + table);
    String conformed = ident("c_" + table);
    if (files.isEmpty()) {
      String cols =
          contract.columns().stream()
              .map(c -> "CAST(NULL AS " + sqlType(c.type()) + ") AS " + ident(c.name()))
              .collect(Collectors.joining(", "));
      s.execute("CREATE TABLE " + conformed + " AS SELECT " + cols + " LIMIT 0");
      return Optional.empty();
    }
    String rejects = "rej_" + table;
    String list =
        files.get().stream()
            .map(p -> str(p.toAbsolutePath().toString()))
            .collect(Collectors.joining(", ", "[", "]"));
    String options =
        list + ", header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"'";
    // Parts are read by position under the first part's header: the engine refuses parts whose
    // headers differ, and DuckDB cannot keep rejected rows when it unions parts by name.
    // Rows the reader cannot split (the engine's MALFORMED_ROW) are skipped and stored, to be
    // counted as read.
    String reader =
        "read_csv("
            + options
            + ", store_rejects = true, rejects_table = "
            + str(rejects)
            + ", rejects_scan = "
            + str("rejscan_" + table)
            + ")";
    // The file's columns: a canonical column the file lacks is empty (the engine refuses such a
    // file: canonical.yaml names every column).
    List<String> present = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_csv(" + options + ")")) {
      while (rs.next()) {
        present.add(rs.getString(1));
      }
    }
    String cleaned =
        contract.columns().stream()
            .map(
                c ->
                    (present.contains(c.name())
                            ? "nullif(trim(" + ident(c.name()) + ", " + BLANKS + "), '')"
                            : "CAST(NULL AS VARCHAR)")
                        + " AS "
                        + ident(c.name()))
            .collect(Collectors.joining(", "));
    // Insertion order is kept (preserve_insertion_order), so rowid is the row's place in the
    // files, in file order: what "the first row" of a key means.
    s.execute("CREATE TABLE " + raw + " AS SELECT " + cleaned + " FROM " + reader);
    long rejected =
        count(
            s, "SELECT count(*) FROM (SELECT DISTINCT file_id, line FROM " + ident(rejects) + ")");
    long read = count(s, "SELECT count(*) FROM " + raw) + rejected;

    List<String> typed = new ArrayList<>();
    List<String> rules = new ArrayList<>();
    for (ColumnSpec c : contract.columns()) {
      String t = textOf(c.name());
      typed.add(typed(c, t) + " AS " + ident(c.name()));
      if (c.required()) {
        rules.add(t + " IS NOT NULL"); // MISSING
      }
      if (c.type() == ColumnType.DATE
          || c.type() == ColumnType.INTEGER
          || c.type() == ColumnType.DOUBLE) {
        rules.add(
            "(" + t + " IS NULL OR " + ident(c.name()) + " IS NOT NULL)"); // BAD_DATE, _NUMBER
      }
      if (c.type() == ColumnType.STRING && !c.codes().isEmpty() && c.unknownCode().isEmpty()) {
        rules.add("(" + t + " IS NULL OR " + t + " IN " + inList(c.codes()) + ")"); // BAD_CODE
      }
    }
    for (List<String> pair : contract.dateOrder()) { // DATE_ORDER
      String a = ident(pair.get(0));
      String b = ident(pair.get(1));
      rules.add("(" + a + " IS NULL OR " + b + " IS NULL OR " + a + " <= " + b + ")");
    }
    if (contract.columnNames().contains(Cols.YEAR_OF_BIRTH)) {
      String born = ident(Cols.YEAR_OF_BIRTH);
      String start = ident(Cols.REGISTRATION_START);
      rules.add(
          "(" + born + " IS NULL OR " + start + " IS NULL OR year(" + start + ") >= " + born + ")");
    }
    if (contract.practiceReference().isPresent()
        && settings.checkPracticeReferences()
        && extract.tables().containsKey("practice_pcn")) {
      String col = ident(contract.practiceReference().get());
      rules.add(col + " IN (SELECT practice_code FROM c_practice_pcn)"); // UNKNOWN_PRACTICE
    }
    if (contract.pcnReference().isPresent()
        && settings.checkPracticeReferences()
        && extract.tables().containsKey("practice_pcn")) {
      String col = ident(contract.pcnReference().get());
      rules.add(col + " IN (SELECT pcn_code FROM c_practice_pcn)"); // UNKNOWN_PCN
    }
    if (contract.personReference()
        && settings.checkPersonReferences()
        && extract.tables().containsKey("gp_registrations")) {
      rules.add("person_id IN (SELECT person_id FROM c_gp_registrations)"); // UNKNOWN_PERSON
    }

    String textCols =
        contract.columnNames().stream()
            .map(n -> ident(n) + " AS " + textOf(n))
            .collect(Collectors.joining(", "));
    String outCols =
        contract.columnNames().stream().map(DuckDbPeer::ident).collect(Collectors.joining(", "));
    String checked =
        "SELECT * FROM (SELECT *, "
            + String.join(", ", typed)
            + " FROM (SELECT rowid AS _ord, "
            + textCols
            + " FROM "
            + raw
            + ")) WHERE "
            + (rules.isEmpty() ? "true" : String.join(" AND ", rules));
    // DUPLICATE: the first row of each key, on the text as read (as the engine compares); for a
    // table without a key identical rows are one row, whichever is kept.
    String keyText =
        contract.keyOrAllColumns().stream()
            .map(DuckDbPeer::textOf)
            .collect(Collectors.joining(", "));
    String dedup =
        contract.key().isEmpty()
            ? "SELECT DISTINCT ON (" + keyText + ") " + outCols + " FROM (" + checked + ")"
            : "SELECT "
                + outCols
                + " FROM ("
                + checked
                + ") QUALIFY row_number() OVER (PARTITION BY "
                + keyText
                + " ORDER BY _ord) = 1";
    s.execute("CREATE TABLE " + conformed + " AS " + dedup);
    s.execute("DROP TABLE " + raw);
    return Optional.of(new TableRows(read, count(s, "SELECT count(*) FROM " + conformed)));
  }

  /** The typed value of a column from its (trimmed) text, as the engine types it; null if bad. */
  private static String typed(ColumnSpec c, String t) {
    return switch (c.type()) {
      case STRING ->
          c.unknownCode().isPresent()
              ? "CASE WHEN "
                  + t
                  + " IS NOT NULL AND "
                  + t
                  + " NOT IN "
                  + inList(c.codes())
                  + " THEN "
                  + str(c.unknownCode().get())
                  + " ELSE "
                  + t
                  + " END"
              : t;
      case DATE ->
          "CASE WHEN regexp_full_match("
              + t
              + ", "
              + str(DATE_SHAPE)
              + ") THEN try_strptime("
              + t
              + ", '%Y-%m-%d')::DATE END";
      case INTEGER ->
          "CASE WHEN regexp_full_match("
              + t
              + ", "
              + str(INTEGER_SHAPE)
              + ") THEN TRY_CAST("
              + t
              + " AS INTEGER) END";
      case DOUBLE ->
          "CASE WHEN regexp_full_match("
              + t
              + ", "
              + str(DOUBLE_SHAPE)
              + ") AND isfinite(TRY_CAST("
              + t
              + " AS DOUBLE)) THEN TRY_CAST("
              + t
              + " AS DOUBLE) END";
      case STRING_LIST ->
          "CASE WHEN "
              + t
              + " IS NULL THEN CAST([] AS VARCHAR[]) ELSE list_filter(list_transform(string_split("
              + t
              + ", ';'), lambda x: trim(x)), lambda x: x <> '') END";
    };
  }

  private static String sqlType(ColumnType type) {
    return switch (type) {
      case STRING -> "VARCHAR";
      case DATE -> "DATE";
      case INTEGER -> "INTEGER";
      case DOUBLE -> "DOUBLE";
      case STRING_LIST -> "VARCHAR[]";
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The population, the eFI and utilisation

  /**
   * {@code pop}: everyone registered and alive on D (docs/population.md) with their age; the
   * registration that started later wins, then the lower practice code.
   */
  private static void population(Statement s, LocalDate d, Settings settings) throws SQLException {
    String date = dateLit(d);
    // Age in whole years with the birthday taken as population.assumed_birthday (MM-dd).
    int beforeBirthday =
        String.format(Locale.ROOT, "%02d-%02d", d.getMonthValue(), d.getDayOfMonth())
                    .compareTo(settings.assumedBirthday())
                >= 0
            ? 0
            : 1;
    s.execute(
        "CREATE TABLE deaths AS SELECT person_id, min(d) AS date_of_death FROM ("
            + " SELECT person_id, date_of_death AS d FROM c_gp_registrations"
            + " WHERE date_of_death IS NOT NULL"
            + " UNION ALL SELECT person_id, discharge_date FROM c_apc_spells"
            + " WHERE discharge_date IS NOT NULL"
            + " AND (discharge_method = '4' OR discharge_destination = '79'))"
            + " GROUP BY person_id");
    s.execute(
        "CREATE TABLE pop AS SELECT r.person_id, r.sex,"
            + " greatest(0, "
            + d.getYear()
            + " - r.year_of_birth - "
            + beforeBirthday
            + ") AS age"
            + " FROM c_gp_registrations r LEFT JOIN deaths x ON x.person_id = r.person_id"
            + " WHERE r.registration_start <= "
            + date
            + " AND coalesce(r.registration_end, "
            + date
            + ") >= "
            + date
            + " AND coalesce(x.date_of_death, "
            + date
            + ") >= "
            + date
            + " QUALIFY row_number() OVER (PARTITION BY r.person_id"
            + " ORDER BY r.registration_start DESC, r.practice_code) = 1");
  }

  /** The eFI at D of the adults in {@code pop}, written to {@code file}; returns the people. */
  private static long efi(Statement s, LocalDate d, Settings settings, Path file)
      throws SQLException, IOException {
    String date = dateLit(d);
    s.execute(
        "CREATE TABLE deficits AS SELECT CAST(trim(deficit_no) AS INTEGER) AS deficit_no,"
            + " trim(deficit) AS deficit FROM "
            + smallCsv(settings.deficits()));
    long poly = count(s, "SELECT deficit_no FROM deficits WHERE deficit = 'Polypharmacy'");
    List<String> lists = new ArrayList<>();
    for (Map.Entry<String, Path> e : settings.codelists().entrySet()) {
      lists.add(
          "SELECT "
              + str(e.getKey())
              + " AS code_system, trim(c.code) AS code, d.deficit_no FROM "
              + smallCsv(e.getValue())
              + " c JOIN deficits d ON d.deficit = trim(c.deficit)");
    }
    s.execute(
        "CREATE TABLE efi_codes AS SELECT DISTINCT * FROM ("
            + String.join(" UNION ALL ", lists)
            + ")");
    s.execute(
        "CREATE TABLE efi_rules AS SELECT d.deficit_no, trim(r.code_system) AS code_system,"
            + " trim(r.code) AS code, trim(r.comparator) AS comparator,"
            + " CAST(nullif(trim(r.low), '') AS DOUBLE) AS low,"
            + " CAST(nullif(trim(r.high), '') AS DOUBLE) AS high, trim(r.sex) AS sex FROM "
            + smallCsv(settings.valueRules())
            + " r JOIN deficits d ON d.deficit = trim(r.deficit)");
    // The sex of each registration holds from its start (the first's from always) to the day
    // before the next registration starts: a value is judged by the sex recorded when it was
    // taken (DeficitPeriods.sexes).
    s.execute(
        "CREATE TABLE sexes AS SELECT person_id, sex,"
            + " CASE WHEN row_number() OVER w > 1 THEN registration_start END AS sex_from,"
            + " CAST(lead(registration_start) OVER w - INTERVAL 1 DAY AS DATE) AS sex_to"
            + " FROM c_gp_registrations"
            + " WINDOW w AS (PARTITION BY person_id ORDER BY registration_start)");
    String meets =
        "((r.comparator = '>' AND e.value > r.low) OR (r.comparator = '<' AND e.value < r.high)"
            + " OR r.comparator = 'any'"
            + " OR (r.comparator = 'between' AND e.value > r.low AND e.value < r.high))";
    String medicine =
        "medicine_code".equals(settings.countBy())
            ? "medicine_code"
            : "coalesce(substr(bnf_code, 1, 9), medicine_code)";
    s.execute(
        "CREATE TABLE efi_present AS SELECT DISTINCT person_id, deficit_no FROM ("
            // Coded deficits: any of the codes recorded on or before D, ever.
            + " SELECT e.person_id, c.deficit_no FROM c_gp_events e"
            + " JOIN efi_codes c ON c.code_system = e.code_system AND c.code = e.code"
            + " WHERE e.event_date <= "
            + date
            // Value rules: a qualifying value on or before D.
            + " UNION ALL SELECT e.person_id, r.deficit_no FROM c_gp_events e"
            + " JOIN efi_rules r ON r.code_system = e.code_system AND r.code = e.code"
            + " LEFT JOIN sexes x ON x.person_id = e.person_id"
            + " AND (x.sex_from IS NULL OR x.sex_from <= e.event_date)"
            + " AND (x.sex_to IS NULL OR x.sex_to >= e.event_date)"
            + " WHERE e.value IS NOT NULL AND e.event_date <= "
            + date
            + " AND "
            + meets
            + " AND (r.sex = 'any' OR r.sex = x.sex)"
            // Polypharmacy: enough distinct medicines issued from D - look-back to D.
            + " UNION ALL SELECT person_id, "
            + poly
            + " FROM c_gp_medications WHERE issue_date BETWEEN "
            + dateLit(d.minusDays(settings.lookbackDays()))
            + " AND "
            + date
            + " GROUP BY person_id HAVING count(DISTINCT "
            + medicine
            + ") >= "
            + settings.minMedicines()
            + ")");
    s.execute(
        "CREATE TABLE efi AS SELECT p.person_id, CAST(coalesce(n.k, 0) AS INTEGER) AS deficit_count"
            + " FROM pop p LEFT JOIN (SELECT person_id, count(*) AS k FROM efi_present"
            + " GROUP BY person_id) n ON n.person_id = p.person_id"
            + " WHERE p.age >= "
            + settings.minAge());
    copy(
        s,
        "(SELECT person_id, deficit_count, CAST(deficit_count AS DOUBLE) / 36 AS efi_score,"
            + " CASE WHEN deficit_count >= 13 THEN 'severe' WHEN deficit_count >= 9 THEN 'moderate'"
            + " WHEN deficit_count >= 5 THEN 'mild' ELSE 'fit' END AS efi_category FROM efi)",
        file);
    return count(s, "SELECT count(*) FROM efi");
  }

  /**
   * The 12-month counts of features/person (Features.hospital, emergencyCare, outpatients) for
   * everyone in {@code pop}, written to {@code file}; returns the people.
   */
  private static long utilisation(Statement s, LocalDate d, Settings settings, Path file)
      throws SQLException, IOException {
    String date = dateLit(d);
    // "In 12 months": from D - (window_days - 1) to D, both included.
    String from = dateLit(d.minusDays(settings.windowDays() - 1L));
    String after = dateLit(d.plusDays(1));
    String hospital =
        "SELECT person_id,"
            + " count(*) FILTER (WHERE admission_date >= "
            + from
            + ") AS emergency_admissions_12m,"
            // Nights inside the window; a spell open on D counts up to D + 1.
            + " sum(CASE WHEN patient_classification IN ('3', '4') THEN 0 ELSE greatest(0,"
            + " date_diff('day', greatest(admission_date, "
            + from
            + "), least(coalesce(discharge_date, "
            + after
            + "), "
            + after
            + "))) END) AS unplanned_bed_days_12m"
            + " FROM c_apc_spells WHERE starts_with(admission_method, '2') AND admission_date <= "
            + date
            + " GROUP BY person_id";
    String ae =
        "SELECT person_id, count(*) AS ae_attendances_12m FROM c_ae_attendances"
            + " WHERE department_type IN "
            + inList(settings.aeDepartmentTypes())
            + " AND attendance_category IN "
            + inList(settings.aeCategories())
            + " AND arrival_date BETWEEN "
            + from
            + " AND "
            + date
            + " GROUP BY person_id";
    String op =
        "SELECT person_id, count(*) AS outpatient_attendances_12m FROM c_op_appointments"
            + " WHERE coalesce(first_attendance, '') <> '5' AND attendance_status IN "
            + inList(settings.opAttendedStatuses())
            + " AND appointment_date BETWEEN "
            + from
            + " AND "
            + date
            + " GROUP BY person_id";
    s.execute(
        "CREATE TABLE utilisation AS SELECT p.person_id,"
            + " CAST(coalesce(h.emergency_admissions_12m, 0) AS INTEGER) AS emergency_admissions_12m,"
            + " CAST(coalesce(h.unplanned_bed_days_12m, 0) AS INTEGER) AS unplanned_bed_days_12m,"
            + " CAST(coalesce(a.ae_attendances_12m, 0) AS INTEGER) AS ae_attendances_12m,"
            + " CAST(coalesce(o.outpatient_attendances_12m, 0) AS INTEGER)"
            + " AS outpatient_attendances_12m"
            + " FROM pop p LEFT JOIN ("
            + hospital
            + ") h ON h.person_id = p.person_id LEFT JOIN ("
            + ae
            + ") a ON a.person_id = p.person_id LEFT JOIN ("
            + op
            + ") o ON o.person_id = p.person_id");
    copy(s, "utilisation", file);
    return count(s, "SELECT count(*) FROM utilisation");
  }

  // ---------------------------------------------------------------------------------------------
  // The extract and the configuration

  /** extract.yaml: the extract date and each table's files (a file, or a folder's parts). */
  record Extract(LocalDate date, Map<String, List<Path>> tables) {
    static Extract load(Path dir) throws IOException {
      Path descriptor = dir.resolve("extract.yaml");
      if (!Files.isRegularFile(descriptor)) {
        throw new UsageException(descriptor + " does not exist: an extract folder holds one");
      }
      JsonNode root = YAML.readTree(descriptor.toFile());
      if (root == null || !root.hasNonNull("extract_date")) {
        throw new UsageException(descriptor + ": no extract_date");
      }
      LocalDate date;
      try {
        date = LocalDate.parse(root.get("extract_date").asText());
      } catch (DateTimeParseException e) {
        throw new UsageException(descriptor + ": extract_date is not a date (yyyy-MM-dd)");
      }
      String mapping = root.path("mapping").asText("canonical");
      Map<String, List<Path>> tables = new LinkedHashMap<>();
      JsonNode t = root.path("tables");
      for (Map.Entry<String, JsonNode> e : t.properties()) {
        if (Contracts.byName(e.getKey()).isEmpty()) {
          throw new UsageException(descriptor + ": unknown table " + e.getKey());
        }
        JsonNode v = e.getValue();
        String file = v.isObject() ? v.path("file").asText("") : v.asText("");
        String tableMapping = v.isObject() ? v.path("mapping").asText(mapping) : mapping;
        if (!"canonical".equals(tableMapping)) {
          throw new UsageException(
              e.getKey()
                  + " uses the mapping '"
                  + tableMapping
                  + "': the peer reads only the canonical layout (conf/sources/canonical.yaml)");
        }
        tables.put(e.getKey(), files(e.getKey(), dir.resolve(file)));
      }
      return new Extract(date, tables);
    }

    /** The file, or a folder's CSV parts in name order, as the engine lists them. */
    private static List<Path> files(String table, Path path) {
      if (!Files.exists(path)) {
        throw new UsageException(table + ": " + path + " does not exist");
      }
      List<Path> files = io.proactivecare.npc.ingest.Extract.SourceFile.partsOf(path);
      if (files.isEmpty()) {
        throw new UsageException(table + ": " + path + " holds no .csv or .csv.gz part");
      }
      for (Path p : files) {
        if (!csv(p)) {
          throw new UsageException(
              table + ": " + p + " is not CSV: the peer reads .csv and .csv.gz only");
        }
      }
      return files;
    }

    private static boolean csv(Path p) {
      String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
      return n.endsWith(".csv") || n.endsWith(".csv.gz");
    }
  }

  /**
   * The settings the peer follows, from {@code CONF/npc.yaml} when it exists (the engine's keys and
   * defaults); relative codelist paths in it are taken from the file's folder (CONF), as the engine
   * takes them.
   */
  record Settings(
      boolean checkPersonReferences,
      boolean checkPracticeReferences,
      String assumedBirthday,
      int minAge,
      String countBy,
      int minMedicines,
      int lookbackDays,
      Path deficits,
      Map<String, Path> codelists,
      Path valueRules,
      int windowDays,
      List<String> aeDepartmentTypes,
      List<String> aeCategories,
      List<String> opAttendedStatuses) {
    static Settings load(Path conf) throws IOException {
      Path dir = conf.toAbsolutePath().normalize();
      Path file = dir.resolve("npc.yaml");
      JsonNode n = Files.isRegularFile(file) ? YAML.readTree(file.toFile()) : null;
      if (n == null) {
        n = YAML.createObjectNode();
      }
      JsonNode frailty = n.path("frailty");
      Map<String, Path> codelists = new LinkedHashMap<>();
      JsonNode lists = frailty.path("codelists");
      if (lists.isObject()) {
        for (Map.Entry<String, JsonNode> e : lists.properties()) {
          codelists.put(e.getKey(), dir.resolve(e.getValue().asText()));
        }
      } else {
        codelists.put("SNOMED", dir.resolve("codelists/efi_snomed.csv"));
        codelists.put("CTV3", dir.resolve("codelists/efi_ctv3.csv"));
        codelists.put("READ2", dir.resolve("codelists/efi_readv2.csv"));
      }
      JsonNode features = n.path("features");
      return new Settings(
          n.path("ingest").path("check_person_references").asBoolean(true),
          n.path("ingest").path("check_practice_references").asBoolean(true),
          n.path("population").path("assumed_birthday").asText("07-01"),
          frailty.path("min_age").asInt(18),
          frailty.path("polypharmacy").path("count_by").asText("substance"),
          frailty.path("polypharmacy").path("min_medicines").asInt(5),
          frailty.path("polypharmacy").path("lookback_days").asInt(365),
          path(dir, frailty.path("deficits"), dir.resolve("codelists/efi_deficits.csv")),
          codelists,
          path(dir, frailty.path("value_rules"), dir.resolve("codelists/efi_value_rules.csv")),
          features.path("window_days").asInt(365),
          strings(features.path("ae_department_types"), List.of("01", "02", "03", "04")),
          strings(features.path("ae_categories"), List.of("1", "2", "3")),
          strings(features.path("op_attended_statuses"), List.of("5", "6")));
    }

    private static Path path(Path dir, JsonNode v, Path otherwise) {
      return v.isMissingNode() || v.isNull() ? otherwise : dir.resolve(v.asText());
    }

    private static List<String> strings(JsonNode v, List<String> otherwise) {
      if (!v.isArray()) {
        return otherwise;
      }
      List<String> out = new ArrayList<>();
      v.forEach(x -> out.add(x.asText()));
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Output and SQL helpers

  /** The run's counts and times, for a terminal: no person-level value. */
  static String summary(Result r, Options o) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "DuckDB peer (DuckDB %s, %d threads): extract %s (extract date %s), as of %s, out %s%n",
            r.duckdbVersion(),
            r.threads(),
            o.extract(),
            r.extractDate(),
            r.asOf(),
            o.out()));
    List<String> times = new ArrayList<>();
    r.phaseMillis()
        .forEach((k, v) -> times.add(String.format(Locale.ROOT, "%s %.2f s", k, v / 1000.0)));
    b.append(
        String.format(
            Locale.ROOT,
            "phases: %s; total %.2f s%n",
            String.join(", ", times),
            r.totalMillis() / 1000.0));
    b.append(
        String.format(Locale.ROOT, "%-18s %12s %12s %10s%n", "table", "read", "kept", "dropped"));
    long read = 0;
    long kept = 0;
    for (Map.Entry<String, TableRows> e : r.tables().entrySet()) {
      TableRows t = e.getValue();
      read += t.read();
      kept += t.kept();
      b.append(
          String.format(
              Locale.ROOT,
              "%-18s %,12d %,12d %,10d%n",
              e.getKey(),
              t.read(),
              t.kept(),
              t.dropped()));
    }
    b.append(
        String.format(
            Locale.ROOT, "%-18s %,12d %,12d %,10d%n", "all tables", read, kept, read - kept));
    b.append(
        String.format(
            Locale.ROOT,
            "people: %,d adults scored (eFI), %,d registered (utilisation)%n",
            r.peopleScored(),
            r.peopleRegistered()));
    b.append("rules applied: ").append(String.join(", ", r.rulesApplied())).append('\n');
    b.append("rules not applied (rows kept): ")
        .append(String.join(", ", r.rulesNotApplied()))
        .append('\n');
    return b.toString();
  }

  /** Writes a table or a parenthesised query to a Parquet file, replacing it. */
  private static void copy(Statement s, String tableOrQuery, Path file)
      throws SQLException, IOException {
    Files.deleteIfExists(file);
    String source = tableOrQuery.startsWith("(") ? tableOrQuery : ident(tableOrQuery);
    s.execute("COPY " + source + " TO " + str(file.toString()) + " (FORMAT parquet)");
  }

  /** A small CSV file (a codelist) as a relation of text columns. */
  private static String smallCsv(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException(file + " does not exist (a codelist the peer needs)");
    }
    return "read_csv("
        + str(file.toString())
        + ", header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')";
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String text(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The column holding a column's trimmed text (before typing). */
  private static String textOf(String column) {
    return ident("_t_" + column);
  }

  private static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static String str(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String dateLit(LocalDate d) {
    return "DATE '" + d + "'";
  }

  private static String inList(java.util.Collection<String> values) {
    return values.stream().map(DuckDbPeer::str).collect(Collectors.joining(", ", "(", ")"));
  }

  private static long millis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    } catch (IOException e) {
      // best effort: a spill folder in the temporary area
    }
  }
}

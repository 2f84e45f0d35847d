package io.proactivecare.npc.testing;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.proactivecare.npc.config.IngestSettings;
import io.proactivecare.npc.ingest.ColumnMapping;
import io.proactivecare.npc.ingest.MappingLoader;
import io.proactivecare.npc.ingest.RowValidator;
import io.proactivecare.npc.ingest.SourceMapping;
import io.proactivecare.npc.ingest.SourceReader;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.TableContract;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.function.Executable;

/**
 * Runs {@link RowValidator#map} and {@link RowValidator#validate} on an in-memory raw table with
 * the canonical mapping ({@code conf/sources/canonical.yaml}), as ingest does, and reports per row
 * number the reasons in quarantine form ({@code "DATE_ORDER:discharge_date"}, or the bare code when
 * the reason names no column), plus the accepted typed rows.
 *
 * <p>Defaults: extract date {@link #EXTRACT_DATE} (2025-03-31), every reference check on, earliest
 * date 1900-01-01, no references (so no reference check runs), dates yyyy-MM-dd.
 */
public final class RuleCheck {
  public static final LocalDate EXTRACT_DATE = LocalDate.of(2025, 3, 31);
  public static final IngestSettings SETTINGS =
      new IngestSettings(true, true, LocalDate.of(1900, 1, 1), 3, List.of(), 2, "auto");

  /** The defaults with check_person_references off. */
  public static final IngestSettings NO_PERSON_CHECK =
      new IngestSettings(false, true, LocalDate.of(1900, 1, 1), 3, List.of(), 2, "auto");

  /** The defaults with check_practice_references off (practices and PCNs). */
  public static final IngestSettings NO_PRACTICE_CHECK =
      new IngestSettings(true, false, LocalDate.of(1900, 1, 1), 3, List.of(), 2, "auto");

  private static SourceMapping canonical;

  private final TableContract contract;
  private final LocalDate extractDate;
  private final IngestSettings settings;
  private final RowValidator.References refs;
  private final Map<String, String> dateFormatOverrides;

  private RuleCheck(
      TableContract contract,
      LocalDate extractDate,
      IngestSettings settings,
      RowValidator.References refs,
      Map<String, String> dateFormatOverrides) {
    this.contract = contract;
    this.extractDate = extractDate;
    this.settings = settings;
    this.refs = refs;
    this.dateFormatOverrides = Map.copyOf(dateFormatOverrides);
  }

  /** The checks of one table with the defaults. */
  public static RuleCheck of(TableContract contract) {
    return new RuleCheck(
        contract, EXTRACT_DATE, SETTINGS, RowValidator.References.none(), Map.of());
  }

  public RuleCheck settings(IngestSettings s) {
    return new RuleCheck(contract, extractDate, s, refs, dateFormatOverrides);
  }

  /** As if the extract's accepted gp_registrations held exactly these persons. */
  public RuleCheck withPersons(String... ids) {
    RowValidator.References r =
        new RowValidator.References(
            Optional.of(keys(Cols.PERSON_ID, ids)), refs.practices(), refs.pcns());
    return new RuleCheck(contract, extractDate, settings, r, dateFormatOverrides);
  }

  /** As if the extract's practice_pcn held exactly these practices. */
  public RuleCheck withPractices(String... codes) {
    RowValidator.References r =
        new RowValidator.References(
            refs.persons(), Optional.of(keys(Cols.PRACTICE_CODE, codes)), refs.pcns());
    return new RuleCheck(contract, extractDate, settings, r, dateFormatOverrides);
  }

  /** As if the extract's practice_pcn held exactly these PCNs. */
  public RuleCheck withPcns(String... codes) {
    RowValidator.References r =
        new RowValidator.References(
            refs.persons(), refs.practices(), Optional.of(keys(Cols.PCN_CODE, codes)));
    return new RuleCheck(contract, extractDate, settings, r, dateFormatOverrides);
  }

  /** Reads {@code column} in {@code pattern} instead of the mapping's yyyy-MM-dd. */
  public RuleCheck dateFormat(String column, String pattern) {
    Map<String, String> m = new LinkedHashMap<>(dateFormatOverrides);
    m.put(column, pattern);
    return new RuleCheck(contract, extractDate, settings, refs, m);
  }

  /** The canonical mapping, read once from the repository's conf/sources. */
  public static synchronized SourceMapping canonical() {
    if (canonical == null) {
      canonical = MappingLoader.load(Npc.HOME.resolve("conf/sources"), "canonical");
    }
    return canonical;
  }

  /** Date pattern per canonical column, as ingest builds it from the mapping. */
  public Map<String, String> dateFormats() {
    Map<String, String> formats = new LinkedHashMap<>();
    SourceMapping m = canonical();
    for (Map.Entry<String, ColumnMapping> e : m.table(contract.name()).orElseThrow().entrySet()) {
      formats.put(e.getKey(), m.dateFormatOf(e.getValue()));
    }
    formats.putAll(dateFormatOverrides);
    return formats;
  }

  /** map then validate, as ingest does. */
  public Dataset<Row> validated(Dataset<Row> raw) {
    Dataset<Row> mapped = RowValidator.map(raw, contract, canonical());
    return RowValidator.validate(mapped, contract, dateFormats(), extractDate, settings, refs);
  }

  /** The quarantined rows of validated rows, as ingest writes them. */
  public Dataset<Row> quarantine(Dataset<Row> validated) {
    return RowValidator.quarantine(validated, contract, canonical());
  }

  /** Validates a CSV header and lines (see {@link RawRows}). */
  public Outcome run(String header, String... lines) {
    return run(RawRows.of(header, lines));
  }

  /** Validates a raw table shaped as {@link RawRows} makes it. */
  public Outcome run(Dataset<Row> raw) {
    Dataset<Row> validated = validated(raw);
    List<Row> accepted = RowValidator.accepted(validated, contract, dateFormats()).collectAsList();
    return new Outcome(validated, reasons(validated), accepted);
  }

  /** Only the reasons per row number (one Spark job fewer than {@link #run}). */
  public Map<Long, List<String>> reasons(String header, String... lines) {
    return reasons(validated(RawRows.of(header, lines)));
  }

  private static Map<Long, List<String>> reasons(Dataset<Row> validated) {
    Map<Long, List<String>> reasons = new TreeMap<>();
    for (Row r :
        validated.select(col(SourceReader.ROW), col(RowValidator.REASONS)).collectAsList()) {
      List<String> codes = new ArrayList<>();
      for (Row reason : r.isNullAt(1) ? List.<Row>of() : r.<Row>getList(1)) {
        String column = reason.getAs("column");
        codes.add(column == null ? reason.getAs("code") : reason.getAs("code") + ":" + column);
      }
      reasons.put(r.getLong(0), List.copyOf(codes));
    }
    return reasons;
  }

  /**
   * Validates the cases' lines as one table (row n = the n-th case) and asserts each row's reasons,
   * in rule order. Every failing row is reported, with its line.
   */
  public Outcome expect(String header, Case... cases) {
    Outcome o = run(header, Arrays.stream(cases).map(Case::line).toArray(String[]::new));
    List<Executable> checks = new ArrayList<>();
    for (int i = 0; i < cases.length; i++) {
      long row = i + 1;
      Case c = cases[i];
      checks.add(
          () -> assertEquals(c.reasons(), o.reasons(row), "row " + row + " '" + c.line() + "'"));
    }
    assertAll(contract.name(), checks);
    assertEquals(cases.length, o.reasons().size(), "validated rows");
    long acceptedCases = Arrays.stream(cases).filter(c -> c.reasons().isEmpty()).count();
    assertEquals(acceptedCases, o.accepted().size(), "accepted rows");
    return o;
  }

  /** One fixture line and the reasons it must get (none: accepted). */
  public record Case(String line, List<String> reasons) {}

  /** A line that is accepted. */
  public static Case accepted(String line) {
    return new Case(line, List.of());
  }

  /** A line that is quarantined for exactly these reasons, in this order. */
  public static Case refused(String line, String... reasons) {
    return new Case(line, List.of(reasons));
  }

  /** What validation did: per row number its reasons, and the accepted typed rows. */
  public record Outcome(
      Dataset<Row> validated, Map<Long, List<String>> reasons, List<Row> accepted) {
    public List<String> reasons(long row) {
      List<String> r = reasons.get(row);
      if (r == null) {
        throw new AssertionError(
            "no row " + row + " in the validated table (rows " + reasons.keySet() + ")");
      }
      return r;
    }

    /** The one accepted row whose {@code column} is {@code value}. */
    public Row acceptedWhere(String column, String value) {
      List<Row> hits = accepted.stream().filter(r -> value.equals(r.getAs(column))).toList();
      assertEquals(1, hits.size(), "accepted rows with " + column + " = " + value);
      return hits.get(0);
    }
  }

  /** The value of a date column of a collected row. */
  public static LocalDate date(Row r, String column) {
    java.sql.Date d = r.getAs(column);
    return d == null ? null : d.toLocalDate();
  }

  private static Dataset<Row> keys(String column, String... values) {
    return SparkTestSession.get()
        .createDataset(Arrays.asList(values), Encoders.STRING())
        .toDF(column);
  }

  /** The schema names and Spark types of a table, as text, e.g. {@code [a:string, b:date]}. */
  public static String describe(StructType t) {
    return Arrays.stream(t.fields())
        .map(f -> f.name() + ":" + f.dataType().simpleString())
        .toList()
        .toString();
  }

  /**
   * The UNKNOWN_PERSON rule of a person-keyed table: with the register holding only P1, the line of
   * P1 is accepted and the other line refused; without a register, or with the check off, both
   * pass.
   *
   * @param knownLine a valid line for person P1
   * @param unknownLine a valid line for a person not in the register
   */
  public void assertPersonReferenceRule(String header, String knownLine, String unknownLine) {
    RuleCheck withRegister = withPersons("P1");
    assertEquals(
        Map.of(1L, List.of(), 2L, List.of("UNKNOWN_PERSON:person_id")),
        withRegister.reasons(header, knownLine, unknownLine));
    assertEquals(
        Map.of(1L, List.of(), 2L, List.of()),
        reasons(header, knownLine, unknownLine),
        "no register: not checked");
    assertEquals(
        Map.of(1L, List.of(), 2L, List.of()),
        withRegister.settings(NO_PERSON_CHECK).reasons(header, knownLine, unknownLine),
        "check_person_references off: not checked");
  }
}

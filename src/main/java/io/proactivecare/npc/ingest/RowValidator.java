package io.proactivecare.npc.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.btrim;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.apache.spark.sql.functions.year;

import io.proactivecare.npc.config.IngestSettings;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.ColumnSpec;
import io.proactivecare.npc.schema.ColumnType;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.TableContract;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Row validation of one input table, as pure functions from Datasets to a Dataset.
 *
 * <ol>
 *   <li>{@link #map}: provider columns to canonical text columns, plus {@value #SOURCE} (what gives
 *       back the original fields) and the row's place;
 *   <li>{@link #validate}: adds {@value #REASONS}, every failed rule of the row in rule order;
 *   <li>{@link #accepted} and {@link #quarantine}: the two disjoint outputs.
 * </ol>
 */
public final class RowValidator {
  /**
   * array of struct(code, column, detail): every rule the row fails, in rule order; null when it
   * fails none (an accepted row, most rows), so an accepted row builds and holds no array.
   */
  public static final String REASONS = "_reasons";

  /**
   * struct of the provider's fields, each null where the canonical column copied from it holds it
   * unchanged ({@link #record} gives the original fields back).
   */
  public static final String SOURCE = "_source";

  /**
   * array of struct(code, column): what was noted about an accepted row without refusing it (a
   * {@link RowFlag}); counted into the run's notes. Null when nothing was noted.
   */
  public static final String FLAGS = "_flags";

  /**
   * Prefix of the typed value of each date and number column, parsed once in {@link #check} and
   * read from there by every rule, reference and {@link #accepted}: held with the checked rows, so
   * the write reads a number where it parsed the text again.
   */
  static final String TYPED = "_typed_";

  private static final String KEY_HASH = "_key_hash";
  private static final String DUPLICATE_AT = "_duplicate_at";

  /**
   * What {@link #clean} trims: Spark's trim() alone removes only spaces, and HES pads some '&' with
   * tabs.
   */
  private static final String BLANKS = " \t\r\n";

  private static final String REF = "_ref";
  private static final String REF_HIT = "_ref_hit";
  private static final String REF_DEATH = "_ref_death";

  private static final DataType REASON_TYPE =
      DataTypes.createArrayType(
          new StructType()
              .add("code", DataTypes.StringType, true)
              .add("column", DataTypes.StringType, true)
              .add("detail", DataTypes.StringType, true),
          true);

  private static final DataType FLAG_TYPE =
      DataTypes.createArrayType(
          new StructType()
              .add("code", DataTypes.StringType, true)
              .add("column", DataTypes.StringType, true),
          true);

  private RowValidator() {}

  /**
   * Accepted keys of the reference tables, read from the same extract; empty when the extract does
   * not hold that table (the check is then skipped and the manifest says so).
   */
  public record References(
      Optional<Dataset<Row>> persons,
      Optional<Dataset<Row>> practices,
      Optional<Dataset<Row>> pcns) {
    public static References none() {
      return new References(Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /**
   * Provider columns to canonical text columns (trimmed; the mapping's null values become null),
   * plus {@value #SOURCE}: what is needed to give a quarantined row its original fields ({@link
   * #record}).
   */
  public static Dataset<Row> map(Dataset<Row> raw, TableContract contract, SourceMapping mapping) {
    Map<String, ColumnMapping> columns = mapping.table(contract.name()).orElseThrow();
    Set<String> providerColumns = providerColumns(columns);
    List<Column> out = new ArrayList<>();
    for (ColumnSpec spec : contract.columns()) {
      ColumnMapping m = columns.get(spec.name());
      out.add(
          (m == null ? lit(null).cast(DataTypes.StringType) : expression(m, mapping))
              .as(spec.name()));
    }
    out.add(
        struct(providerColumns.stream().map(c -> col(quote(c)).as(c)).toArray(Column[]::new))
            .as(SOURCE));
    out.add(col(SourceReader.CORRUPT));
    out.add(col(SourceReader.ROW));
    out.add(col(SourceReader.FILE));
    out.add(col(SourceReader.POSITION));
    // Each provider field is then kept only where the canonical column copied from it differs (a
    // value trimmed, translated or made empty); where they are equal, the canonical column gives it
    // back. Most fields of most rows are equal, so the rows carried through validation stay narrow.
    List<Column> kept = new ArrayList<>();
    for (String c : providerColumns) {
      Column value = col(SOURCE).getField(c);
      Optional<String> copy = copiedInto(c, columns, contract);
      kept.add(
          (copy.isEmpty()
                  ? value
                  : when(value.eqNullSafe(col(copy.get())), lit(null).cast(DataTypes.StringType))
                      .otherwise(value))
              .as(c));
    }
    // Where every field is kept as null (the canonical columns give them all back), the struct
    // itself is null: in the cache of checked rows a null is a position, where a struct of nulls
    // is some 60 bytes a row, most of a GP event's cached row besides its own text.
    Column allGivenBack = kept.stream().map(Column::isNull).reduce(Column::and).orElse(lit(true));
    return raw.select(out.toArray(Column[]::new))
        .withColumn(SOURCE, when(not(allGivenBack), struct(kept.toArray(Column[]::new))));
  }

  /** The provider columns a table's mapping reads, in mapping order. */
  private static Set<String> providerColumns(Map<String, ColumnMapping> columns) {
    Set<String> out = new LinkedHashSet<>();
    columns.values().forEach(c -> out.addAll(c.sourceColumns()));
    return out;
  }

  /**
   * The canonical column that holds provider column {@code c} as a copy that validation never
   * changes: one mapped {@code from} it, not a lenient coded column (whose bad codes become its
   * unknown code).
   */
  private static Optional<String> copiedInto(
      String c, Map<String, ColumnMapping> columns, TableContract contract) {
    for (Map.Entry<String, ColumnMapping> e : columns.entrySet()) {
      ColumnMapping m = e.getValue();
      if (m.from().isPresent()
          && m.from().get().equals(c)
          && contract.columnNames().contains(e.getKey())
          && contract.column(e.getKey()).unknownCode().isEmpty()) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  /**
   * A row's original provider fields as JSON text (the quarantine's {@code record}): the raw line
   * of a row that could not be split, else each field from {@value #SOURCE}, or from the canonical
   * column it was copied into unchanged. Absent (null) fields are left out.
   */
  static Column record(TableContract contract, SourceMapping mapping) {
    Map<String, ColumnMapping> columns = mapping.table(contract.name()).orElseThrow();
    Set<String> providerColumns = providerColumns(columns);
    List<Column> fields = new ArrayList<>();
    for (String c : providerColumns) {
      Column kept = col(SOURCE).getField(c);
      Optional<String> copy = copiedInto(c, columns, contract);
      fields.add((copy.isEmpty() ? kept : coalesce(kept, col(copy.get()))).as(c));
    }
    return when(col(SourceReader.CORRUPT).isNotNull(), col(SourceReader.CORRUPT))
        .otherwise(to_json(struct(fields.toArray(Column[]::new))));
  }

  private static Column expression(ColumnMapping m, SourceMapping mapping) {
    if (m.constant().isPresent()) {
      return lit(m.constant().get());
    }
    if (!m.join().isEmpty()) {
      List<Column> parts = new ArrayList<>();
      for (String source : m.join()) {
        Column v = clean(col(quote(source)), mapping.nullValues());
        for (String s : m.skip()) {
          v = when(v.equalTo(lit(s)), lit(null).cast(DataTypes.StringType)).otherwise(v);
        }
        parts.add(v);
      }
      Column joined = concat_ws(IngestColumns.LIST_SEPARATOR, parts.toArray(Column[]::new));
      return when(joined.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(joined);
    }
    Column v = clean(col(quote(m.from().orElseThrow())), mapping.nullValues());
    if (m.values().isEmpty()) {
      return v;
    }
    // One CASE on the provider's value, so translations never chain: with {2: 4, 3: 2} a '3'
    // becomes '2', not '4'.
    Column translated = null;
    for (Map.Entry<String, String> e : new TreeMap<>(m.values()).entrySet()) {
      Column hit = v.equalTo(lit(e.getKey()));
      // A translation to "" means "not recorded": the value becomes empty, like a null value.
      Column to = e.getValue().isEmpty() ? lit(null).cast(DataTypes.StringType) : lit(e.getValue());
      translated = translated == null ? when(hit, to) : translated.when(hit, to);
    }
    return translated.otherwise(v);
  }

  /**
   * {@code c} without surrounding {@link #BLANKS}. Spark's trim of given characters walks the whole
   * value and allocates for each one (about 95 ns a value): that was a tenth of the ingest's CPU.
   * Nearly every value neither starts nor ends with a blank and is its own trim; only the others
   * are trimmed, each end tested by comparing one byte.
   */
  static Column trimBlanks(Column c) {
    Column padded = null;
    for (char b : BLANKS.toCharArray()) {
      Column atEnd = c.startsWith(String.valueOf(b)).or(c.endsWith(String.valueOf(b)));
      padded = padded == null ? atEnd : padded.or(atEnd);
    }
    return when(padded, btrim(c, lit(BLANKS))).otherwise(c);
  }

  /**
   * Provider text: surrounding blanks (spaces, tabs, line ends) removed; empty and null values
   * become null.
   */
  private static Column clean(Column c, List<String> nullValues) {
    Column t = trimBlanks(c);
    Column isNull = t.isNull().or(t.equalTo(""));
    if (!nullValues.isEmpty()) {
      isNull = isNull.or(t.isin(nullValues.toArray()));
    }
    return when(isNull, lit(null).cast(DataTypes.StringType)).otherwise(t);
  }

  /**
   * Adds {@value #REASONS}: the row rules of the contract, then references, then duplicates among
   * otherwise valid rows (the first row of a key is kept). The same as {@link #markDuplicates} of
   * {@link #check}; the ingest step caches the checked rows in between.
   */
  public static Dataset<Row> validate(
      Dataset<Row> mapped,
      TableContract contract,
      Map<String, String> dateFormats,
      LocalDate extractDate,
      IngestSettings settings,
      References refs) {
    Dataset<Row> checked = check(mapped, contract, dateFormats, extractDate, settings, refs);
    return markDuplicates(checked, laterDuplicates(checked, contract), contract);
  }

  /**
   * Adds {@value #REASONS} and {@value #FLAGS}: the row rules of the contract, then references. Row
   * by row, with the references broadcast: nothing is shuffled. Also adds each date and number's
   * typed value ({@value #TYPED} + its name), which the rules, the references and {@link #accepted}
   * read; no output carries it.
   */
  public static Dataset<Row> check(
      Dataset<Row> mapped,
      TableContract contract,
      Map<String, String> dateFormats,
      LocalDate extractDate,
      IngestSettings settings,
      References refs) {
    // Each date and number parsed once, for every rule below and for the write.
    Map<String, Column> typedValues = new java.util.LinkedHashMap<>();
    for (ColumnSpec spec : contract.columns()) {
      if (parsedOnce(spec)) {
        typedValues.put(TYPED + spec.name(), parse(spec, dateFormatOf(spec, dateFormats)));
      }
    }
    Dataset<Row> parsed = mapped.withColumns(typedValues);
    List<Rule> rules = new ArrayList<>();
    rules.add(
        reason(
            col(SourceReader.CORRUPT).isNotNull(),
            ReasonCode.MALFORMED_ROW,
            null,
            lit("the row could not be split into the header's fields")));
    for (ColumnSpec spec : contract.columns()) {
      rules.addAll(columnRules(spec, dateFormatOf(spec, dateFormats), settings));
    }
    for (List<String> pair : contract.dateOrder()) {
      Column a = typed(contract.column(pair.get(0)), dateFormats);
      Column b = typed(contract.column(pair.get(1)), dateFormats);
      rules.add(
          reason(
              a.isNotNull().and(b.isNotNull()).and(a.gt(b)),
              ReasonCode.DATE_ORDER,
              pair.get(1),
              concat(
                  lit(pair.get(1) + " "),
                  col(pair.get(1)),
                  lit(" is before " + pair.get(0) + " "),
                  col(pair.get(0)))));
    }
    for (String c : contract.notAfterExtract()) {
      Column d = typed(contract.column(c), dateFormats);
      Column future = d.isNotNull().and(d.gt(lit(java.sql.Date.valueOf(extractDate))));
      if (contract.futureExemption().isPresent()) {
        List<String> e = contract.futureExemption().get();
        future = future.and(col(e.get(0)).eqNullSafe(lit(e.get(1))).equalTo(false));
      }
      rules.add(
          reason(
              future,
              ReasonCode.FUTURE_DATE,
              c,
              concat(lit(c + " "), col(c), lit(" is after the extract date " + extractDate))));
    }
    if (contract.columnNames().contains(Cols.YEAR_OF_BIRTH)) {
      // A person cannot be born after the extract, nor register (or die) before being born.
      Column born = typed(contract.column(Cols.YEAR_OF_BIRTH), dateFormats);
      rules.add(
          reason(
              born.gt(lit(extractDate.getYear())),
              ReasonCode.FUTURE_DATE,
              Cols.YEAR_OF_BIRTH,
              concat(
                  lit("year_of_birth "),
                  col(Cols.YEAR_OF_BIRTH),
                  lit(" is after the extract year " + extractDate.getYear()))));
      Column start = typed(contract.column(Cols.REGISTRATION_START), dateFormats);
      rules.add(
          reason(
              born.isNotNull().and(start.isNotNull()).and(year(start).lt(born)),
              ReasonCode.DATE_ORDER,
              Cols.REGISTRATION_START,
              concat(
                  lit("registration_start "),
                  col(Cols.REGISTRATION_START),
                  lit(" is before year_of_birth "),
                  col(Cols.YEAR_OF_BIRTH))));
    }
    List<Rule> flags = new ArrayList<>();
    for (ColumnSpec spec : contract.columns()) {
      if (spec.unknownCode().isPresent()) {
        flags.add(flag(badCode(spec), RowFlag.SET_TO_UNKNOWN, spec.name()));
      }
    }
    Dataset<Row> checked =
        parsed.withColumns(
            Map.of(REASONS, held(rules, REASON_TYPE), FLAGS, held(flags, FLAG_TYPE)));
    // An invalid code of a lenient column becomes its unknown code (the record keeps the original).
    for (ColumnSpec spec : contract.columns()) {
      if (spec.unknownCode().isPresent()) {
        checked =
            checked.withColumn(
                spec.name(),
                when(badCode(spec), lit(spec.unknownCode().get())).otherwise(col(spec.name())));
      }
    }

    for (Reference ref : references(contract, settings, refs)) {
      checked = checkReference(checked, ref, contract, dateFormats);
    }

    return checked;
  }

  /**
   * The {@value SourceReader#POSITION} of each duplicate: among rows that pass every other rule
   * (references included), every row of a key but the first in file order (parts in name order,
   * then row number), so a refused row never makes a later valid one a duplicate.
   *
   * <p>Worked without moving whole rows: the valid rows' keys are hashed (64 bits), the hashes that
   * repeat found ({@link #repeatedHashes}), and only the rows whose hash occurs more than once, few
   * in any extract, are compared on the key itself, so a hash shared by two different keys makes
   * neither a duplicate.
   */
  public static Dataset<Row> laterDuplicates(Dataset<Row> checked, TableContract contract) {
    Column[] key = contract.keyOrAllColumns().stream().map(k -> col(k)).toArray(Column[]::new);
    Dataset<Row> valid = checked.filter(col(REASONS).isNull()).withColumn(KEY_HASH, xxhash64(key));
    Dataset<Row> repeated = repeatedHashes(valid);
    return valid
        .join(broadcast(repeated), KEY_HASH)
        .withColumn(
            "_rank",
            row_number()
                .over(
                    Window.partitionBy(key).orderBy(col(SourceReader.FILE), col(SourceReader.ROW))))
        .filter(col("_rank").gt(1))
        .select(col(SourceReader.POSITION).as(DUPLICATE_AT));
  }

  /**
   * The {@value #KEY_HASH} values that occur more than once, each once: the hashes are shuffled by
   * value, sorted, and read in order. (Counting them by value built a map of every hash twice,
   * before and after the shuffle, nearly every one of them seen once: for 2.2 million GP events on
   * one core 3.4-3.7 s against 2.3-2.6 s.)
   */
  static Dataset<Row> repeatedHashes(Dataset<Row> valid) {
    return valid
        .select(col(KEY_HASH))
        .repartition(col(KEY_HASH))
        .sortWithinPartitions(KEY_HASH)
        .as(Encoders.LONG())
        .mapPartitions((MapPartitionsFunction<Long, Long>) RepeatsInOrder::new, Encoders.LONG())
        .toDF(KEY_HASH);
  }

  /** Of values in order, each value that comes more than once, once. */
  static final class RepeatsInOrder implements Iterator<Long> {
    private final Iterator<Long> sorted;
    private Long pending;
    private Long next;

    RepeatsInOrder(Iterator<Long> sorted) {
      this.sorted = sorted;
      this.pending = sorted.hasNext() ? sorted.next() : null;
      this.next = advance();
    }

    private Long advance() {
      while (pending != null) {
        Long value = pending;
        int seen = 1;
        pending = null;
        while (sorted.hasNext()) {
          Long v = sorted.next();
          if (!v.equals(value)) {
            pending = v;
            break;
          }
          seen++;
        }
        if (seen > 1) {
          return value;
        }
      }
      return null;
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Long next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Long out = next;
      next = advance();
      return out;
    }
  }

  /**
   * Adds the {@link ReasonCode#DUPLICATE} reason to the checked rows at the positions {@link
   * #laterDuplicates} gives (broadcast: a lookup per row, nothing shuffled).
   */
  public static Dataset<Row> markDuplicates(
      Dataset<Row> checked, Dataset<Row> later, TableContract contract) {
    String problem =
        contract.key().isEmpty()
            ? "repeats an earlier identical row"
            : "repeats an earlier row with the same " + String.join(", ", contract.key());
    return checked
        .join(broadcast(later), col(SourceReader.POSITION).equalTo(col(DUPLICATE_AT)), "left")
        .withColumn(
            REASONS,
            appended(
                REASONS,
                reason(
                    col(DUPLICATE_AT).isNotNull(),
                    ReasonCode.DUPLICATE,
                    contract.key().isEmpty() ? null : contract.key().get(0),
                    lit(problem))))
        .drop(DUPLICATE_AT);
  }

  /**
   * One reference check: rows' {@code column} must be among the reference's {@code keyColumn}. The
   * person reference also carries {@value Cols#DATE_OF_DEATH} when it holds that column: rows whose
   * activity date is after it are flagged {@link RowFlag#AFTER_DEATH}.
   */
  private record Reference(
      Dataset<Row> keys, String keyColumn, String column, ReasonCode code, String problem) {}

  /** The reference checks that apply: the contract asks, the setting allows, the extract has it. */
  private static List<Reference> references(
      TableContract contract, IngestSettings settings, References refs) {
    List<Reference> out = new ArrayList<>();
    if (contract.personReference()
        && settings.checkPersonReferences()
        && refs.persons().isPresent()) {
      out.add(
          new Reference(
              refs.persons().get(),
              Cols.PERSON_ID,
              Cols.PERSON_ID,
              ReasonCode.UNKNOWN_PERSON,
              "is not in the accepted gp_registrations"));
    }
    if (settings.checkPracticeReferences()) {
      if (contract.practiceReference().isPresent() && refs.practices().isPresent()) {
        out.add(
            new Reference(
                refs.practices().get(),
                Cols.PRACTICE_CODE,
                contract.practiceReference().get(),
                ReasonCode.UNKNOWN_PRACTICE,
                "is not in the practice_pcn reference"));
      }
      if (contract.pcnReference().isPresent() && refs.pcns().isPresent()) {
        out.add(
            new Reference(
                refs.pcns().get(),
                Cols.PCN_CODE,
                contract.pcnReference().get(),
                ReasonCode.UNKNOWN_PCN,
                "is not in the practice_pcn reference"));
      }
    }
    return out;
  }

  private static Dataset<Row> checkReference(
      Dataset<Row> rows, Reference ref, TableContract contract, Map<String, String> dateFormats) {
    String column = ref.column();
    Dataset<Row> reference = ref.keys();
    boolean deaths =
        ref.code() == ReasonCode.UNKNOWN_PERSON
            && contract.activityDate().isPresent()
            && List.of(reference.columns()).contains(Cols.DATE_OF_DEATH);
    // One row per key; for persons, with the latest recorded death of their registrations.
    Dataset<Row> keys =
        deaths
            ? reference
                .groupBy(col(ref.keyColumn()).as(REF))
                .agg(max(col(Cols.DATE_OF_DEATH)).as(REF_DEATH))
            : reference.select(col(ref.keyColumn()).as(REF)).distinct();
    keys = keys.withColumn(REF_HIT, lit(true));
    Dataset<Row> joined = rows.join(broadcast(keys), col(column).equalTo(col(REF)), "left");
    Column missing = col(column).isNotNull().and(col(REF_HIT).isNull());
    Dataset<Row> out =
        joined.withColumn(
            REASONS,
            appended(
                REASONS,
                reason(
                    missing,
                    ref.code(),
                    column,
                    concat(lit(column + " "), col(column), lit(" " + ref.problem())))));
    if (deaths) {
      Column activity = typed(contract.column(contract.activityDate().get()), dateFormats);
      Column afterDeath = col(REF_DEATH).isNotNull().and(activity.gt(col(REF_DEATH)));
      out =
          out.withColumn(
              FLAGS,
              appended(
                  FLAGS, flag(afterDeath, RowFlag.AFTER_DEATH, contract.activityDate().get())));
    }
    return out.drop(REF, REF_HIT, REF_DEATH);
  }

  private static List<Rule> columnRules(
      ColumnSpec spec, String dateFormat, IngestSettings settings) {
    List<Rule> rules = new ArrayList<>();
    String name = spec.name();
    Column v = col(name);
    if (spec.required()) {
      rules.add(reason(v.isNull(), ReasonCode.MISSING, name, lit(name + " is required but empty")));
    }
    if (spec.maxLength().isPresent()) {
      int most = spec.maxLength().get();
      // The detail gives the length, not the (possibly huge) value; the record keeps the value.
      rules.add(
          reason(
              length(v).gt(most),
              ReasonCode.TOO_LONG,
              name,
              concat(
                  lit(name + " is "),
                  length(v).cast(DataTypes.StringType),
                  lit(" characters long (at most " + most + ")"))));
    }
    switch (spec.type()) {
      case DATE -> {
        Column d = parsedValue(spec, dateFormat);
        rules.add(
            reason(
                v.isNotNull().and(d.isNull()),
                ReasonCode.BAD_DATE,
                name,
                concat(lit(name + " '"), v, lit("' is not a date (expected " + dateFormat + ")"))));
        rules.add(
            reason(
                d.lt(lit(java.sql.Date.valueOf(settings.earliestDate()))),
                ReasonCode.OUT_OF_RANGE,
                name,
                concat(
                    lit(name + " "),
                    v,
                    lit(" is before " + settings.earliestDate() + " (ingest.earliest_date)"))));
      }
      case INTEGER, DOUBLE -> {
        Column n = parsedValue(spec, dateFormat);
        rules.add(
            reason(
                v.isNotNull().and(n.isNull()),
                ReasonCode.BAD_NUMBER,
                name,
                concat(
                    lit(name + " '"),
                    v,
                    lit(
                        "' is not a "
                            + (spec.type() == ColumnType.INTEGER ? "whole number" : "number")))));
        Column outside = lit(false);
        String range = "";
        if (spec.min().isPresent()) {
          outside = outside.or(n.lt(lit(spec.min().get())));
          range = "at least " + fmt(spec.min().get());
        }
        if (spec.max().isPresent()) {
          outside = outside.or(n.gt(lit(spec.max().get())));
          range =
              spec.min().isPresent()
                  ? "from " + fmt(spec.min().get()) + " to " + fmt(spec.max().get())
                  : "at most " + fmt(spec.max().get());
        }
        if (!range.isEmpty()) {
          rules.add(
              reason(
                  n.isNotNull().and(outside),
                  ReasonCode.OUT_OF_RANGE,
                  name,
                  concat(lit(name + " "), v, lit(" is out of range (expected " + range + ")"))));
        }
      }
      case STRING_LIST -> {
        if (spec.pattern().isPresent()) {
          String p = spec.pattern().get();
          Column items = IngestColumns.parseList(v);
          rules.add(
              reason(
                  v.isNotNull().and(exists(items, x -> matches(x, p).equalTo(false))),
                  ReasonCode.BAD_FORMAT,
                  name,
                  concat(
                      lit(name + " element '"),
                      element_at(filter(items, x -> matches(x, p).equalTo(false)), 1),
                      lit("' does not match " + p))));
        }
      }
      case STRING -> {
        // A lenient column's bad code is a flag, not a reason (see validate).
        if (!spec.codes().isEmpty() && spec.unknownCode().isEmpty()) {
          rules.add(
              reason(
                  badCode(spec),
                  ReasonCode.BAD_CODE,
                  name,
                  concat(lit(name + " '"), v, lit("' is not a valid code"))));
        }
        if (spec.pattern().isPresent()) {
          rules.add(
              reason(
                  v.isNotNull().and(matches(v, spec.pattern().get()).equalTo(false)),
                  ReasonCode.BAD_FORMAT,
                  name,
                  concat(lit(name + " '"), v, lit("' does not match " + spec.pattern().get()))));
        }
        if (spec.patternByColumn().isPresent()) {
          Column by = col(spec.patternByColumn().get());
          Column wrong = lit(false);
          for (Map.Entry<String, String> e : spec.patternBy().entrySet()) {
            wrong =
                when(by.equalTo(lit(e.getKey())), matches(v, e.getValue()).equalTo(false))
                    .otherwise(wrong);
          }
          rules.add(
              reason(
                  v.isNotNull().and(wrong),
                  ReasonCode.BAD_FORMAT,
                  name,
                  concat(lit(name + " '"), v, lit("' is not a valid "), by, lit(" code"))));
        }
      }
      default -> throw new IllegalStateException("unhandled type " + spec.type());
    }
    return rules;
  }

  /**
   * Whether the whole value matches a contract pattern ({@link CodePattern}: no regular expression
   * engine, and the whole value, so "B86001\n", a quoted CSV field that trimming left with its line
   * break, does not pass {@code ^[A-Z][0-9]{5}$} as it would with Java's {@code $}).
   */
  private static Column matches(Column value, String pattern) {
    return CodePattern.compile(pattern).matches(value);
  }

  /**
   * A rule of a row: where it holds ({@code true}; false or null elsewhere) and the one-entry array
   * it adds to the row's {@value #REASONS} or {@value #FLAGS} there.
   */
  private record Rule(Column holds, Column entry, DataType type) {}

  /** A rule that refuses the row where {@code failed} is true (null counts as false). */
  private static Rule reason(Column failed, ReasonCode code, String column, Column detail) {
    return new Rule(
        failed.equalTo(true),
        array(
                struct(
                    lit(code.name()).as("code"),
                    lit(column).cast(DataTypes.StringType).as("column"),
                    detail.cast(DataTypes.StringType).as("detail")))
            .cast(REASON_TYPE),
        REASON_TYPE);
  }

  /**
   * A rule that notes {@code code} on the row where {@code noted} is true (see {@link #reason}).
   */
  private static Rule flag(Column noted, RowFlag code, String column) {
    return new Rule(
        noted.equalTo(true),
        array(
                struct(
                    lit(code.name()).as("code"),
                    lit(column).cast(DataTypes.StringType).as("column")))
            .cast(FLAG_TYPE),
        FLAG_TYPE);
  }

  /**
   * The entries of the rules that hold, in rule order, as an array of {@code type}; null where none
   * holds. A row that passes every rule, nearly every row, evaluates the rules' conditions and
   * builds no array; one that fails builds the {@code concat} of each rule's entry or an empty
   * array. (Not {@code filter(array(...), x -> x is not null)}: a higher-order function is
   * evaluated without code generation, and so then is every rule inside it, which made validation
   * several times slower.)
   */
  private static Column held(List<Rule> rules, DataType type) {
    if (rules.isEmpty()) {
      return lit(null).cast(type);
    }
    Column any = null;
    List<Column> entries = new ArrayList<>();
    for (Rule r : rules) {
      any = any == null ? r.holds() : any.or(r.holds());
      entries.add(when(r.holds(), r.entry()).otherwise(array().cast(r.type())));
    }
    return when(any, concat(entries.toArray(Column[]::new)));
  }

  /** Column {@code name} (an array, null when empty) with the rule's entry added where it holds. */
  private static Column appended(String name, Rule rule) {
    Column empty = array().cast(rule.type());
    return when(rule.holds(), concat(coalesce(col(name), empty), rule.entry()))
        .otherwise(col(name));
  }

  /** A present value of a coded column that is not one of its codes. */
  private static Column badCode(ColumnSpec spec) {
    Column v = col(spec.name());
    return v.isNotNull().and(v.isin(spec.codes().toArray()).equalTo(false));
  }

  /**
   * Whether {@link #check} parses the column once into {@value #TYPED} + its name: a date or
   * number, unless lenient (its bad values are rewritten to its unknown code after the rules, and
   * the write must type the rewritten text).
   */
  private static boolean parsedOnce(ColumnSpec spec) {
    return (spec.type() == ColumnType.DATE
            || spec.type() == ColumnType.INTEGER
            || spec.type() == ColumnType.DOUBLE)
        && spec.unknownCode().isEmpty();
  }

  /** A date or number column's typed value: parsed once by {@link #check}, else parsed here. */
  private static Column parsedValue(ColumnSpec spec, String dateFormat) {
    return parsedOnce(spec) ? col(TYPED + spec.name()) : parse(spec, dateFormat);
  }

  /** A date or number column's text parsed to its type; null where it is not of that type. */
  private static Column parse(ColumnSpec spec, String dateFormat) {
    Column v = col(spec.name());
    return switch (spec.type()) {
      case DATE -> IngestColumns.parseDate(v, dateFormat);
      case INTEGER -> IngestColumns.parseInteger(v);
      case DOUBLE -> IngestColumns.parseDouble(v);
      default -> throw new IllegalArgumentException(spec.name() + " is not parsed once");
    };
  }

  /** The date format of a column's text: its mapping's, else ISO (unused for other types). */
  private static String dateFormatOf(ColumnSpec spec, Map<String, String> dateFormats) {
    return dateFormats.getOrDefault(spec.name(), IngestColumns.ISO_DATE);
  }

  /**
   * The typed value of a canonical column of rows {@link #check} gave, as written to the conformed
   * table: a date or number as it parsed it, a list split.
   */
  static Column typed(ColumnSpec spec, Map<String, String> dateFormats) {
    Column v = col(spec.name());
    return switch (spec.type()) {
      case STRING -> v;
      case DATE, INTEGER, DOUBLE -> parsedValue(spec, dateFormatOf(spec, dateFormats));
      case STRING_LIST ->
          when(v.isNull(), array().cast(spec.type().sparkType()))
              .otherwise(IngestColumns.parseList(v));
    };
  }

  /** The accepted rows of rows {@link #check} gave, typed to the contract's schema. */
  public static Dataset<Row> accepted(
      Dataset<Row> validated, TableContract contract, Map<String, String> dateFormats) {
    return validated
        .filter(col(REASONS).isNull())
        .select(
            contract.columns().stream()
                .map(c -> typed(c, dateFormats).cast(c.type().sparkType()).as(c.name()))
                .toArray(Column[]::new));
  }

  /**
   * The quarantined rows in the quarantine schema (without the table column, which is the
   * partition).
   */
  public static Dataset<Row> quarantine(
      Dataset<Row> validated, TableContract contract, SourceMapping mapping) {
    Column first = element_at(col(REASONS), 1);
    return validated
        .filter(col(REASONS).isNotNull())
        .select(
            col(SourceReader.FILE).as(Cols.SOURCE_FILE),
            col(SourceReader.ROW).as(Cols.ROW_NUMBER),
            first.getField("code").as(Cols.REASON_CODE),
            first.getField("column").as(Cols.REASON_COLUMN),
            first.getField("detail").as(Cols.REASON_DETAIL),
            transform(
                    col(REASONS),
                    r ->
                        when(r.getField("column").isNull(), r.getField("code"))
                            .otherwise(concat(r.getField("code"), lit(":"), r.getField("column"))))
                .as(Cols.REASONS),
            record(contract, mapping).as(Cols.RECORD));
  }

  /**
   * The columns {@link #quarantine} gives: the {@code quarantine} output's declared columns but its
   * partition column, {@code table}, which the folder name holds.
   */
  public static StructType quarantineSchema() {
    StructType declared = io.proactivecare.npc.schema.Outputs.QUARANTINE.schema();
    return new StructType(
        java.util.Arrays.stream(declared.fields())
            .filter(f -> !f.name().equals(Cols.TABLE))
            .toArray(org.apache.spark.sql.types.StructField[]::new));
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** The schema the conformed output of {@code table} must have. */
  public static org.apache.spark.sql.types.StructType conformedSchema(String table) {
    return Contracts.byName(table).orElseThrow().schema();
  }
}

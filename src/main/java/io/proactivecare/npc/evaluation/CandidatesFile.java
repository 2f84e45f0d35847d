package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.disclosure.AggregateCsv;
import io.proactivecare.npc.risk.Encoder;
import io.proactivecare.npc.schema.Cols;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code npc evaluate --candidates FILE} (docs/evaluation.md, "Your own candidates table"): the
 * evaluation's method ({@link MatchedAnalysis}) on a table the evaluation team prepared, one row
 * per person (and index date), with no warehouse. Every problem with the table is a one-line error
 * naming the file, the data row and the column.
 */
public final class CandidatesFile {
  private CandidatesFile() {}

  /** The index date of everyone in a table that has none: one block. */
  public static final java.sql.Date NO_INDEX_DATE = java.sql.Date.valueOf("1970-01-01");

  /** The file that marks a folder as this command's output, so it may be replaced. */
  public static final String MARKER = "npc-evaluation.txt";

  private static final String ROW = "_row";

  /** Names the engine's own columns take; a covariate, outcome or breakdown may not. */
  private static final Set<String> RESERVED =
      Set.of(
          Cols.PERSON_ID,
          Cols.INDEX_DATE,
          Cols.ROLE,
          Cols.PROPENSITY,
          Cols.PROPENSITY_LOGIT,
          Cols.MATCHED_SET,
          Cols.MATCH_ROUND,
          Cols.MATCH_DISTANCE,
          Cols.MATCH_WEIGHT,
          Cols.UNMATCHED_REASON);

  /**
   * The table made ready for the method.
   *
   * @param source the checked rows, cached while the method reads them
   */
  public record Prepared(
      Dataset<Row> source,
      Dataset<Row> candidates,
      Dataset<Row> outcomes,
      MatchedAnalysis.Design design,
      long treated,
      long candidateRows) {}

  /**
   * Runs the method on the file and writes its outputs to {@code out}: Parquet tables and CSV
   * aggregates, first into a new folder beside it that replaces {@code out} only when complete, so
   * a failed run leaves an earlier output as it was.
   */
  public static MatchedAnalysis.Result run(
      SparkSession spark,
      CandidatesSpec spec,
      EvaluationSettings s,
      Path out,
      Consumer<String> notes) {
    Path target = out.toAbsolutePath().normalize();
    refuseForeignFolder(target);
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    Prepared p = null;
    try {
      Files.createDirectories(tmp);
      p = prepare(spark, spec, s);
      Prepared ready = p;
      MatchedAnalysis.Result result =
          MatchedAnalysis.run(
              p.candidates(), c -> ready.outcomes(), p.design(), s, sink(spark, tmp, notes));
      Files.writeString(
          tmp.resolve(MARKER),
          "npc evaluate --candidates "
              + spec.file()
              + "\n"
              + spec
              + "\ntreated rows: "
              + p.treated()
              + ", candidate rows: "
              + p.candidateRows()
              + ", matched treated: "
              + result.matchedTreated()
              + ", matched controls: "
              + result.matchedControls()
              + "\n");
      replace(tmp, target);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    } finally {
      if (p != null) {
        p.source().unpersist();
      }
      delete(tmp);
    }
  }

  private static void refuseForeignFolder(Path target) {
    if (Files.isDirectory(target) && !Files.exists(target.resolve(MARKER))) {
      try (Stream<Path> entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw Errors.usage(
              "The output folder " + target + " holds files npc evaluate did not write",
              "name a new folder with --out, or empty this one");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + target, e);
      }
    } else if (Files.exists(target) && !Files.isDirectory(target)) {
      throw Errors.usage("The output " + target + " is a file", "name a folder with --out");
    }
  }

  /** Moves the finished {@code tmp} to {@code target}, replacing an earlier output. */
  private static void replace(Path tmp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      delete(old);
    }
  }

  private static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /**
   * Tables as Parquet folders in {@code dir}, named without the "evaluation/" prefix; aggregates
   * also as CSV there.
   */
  static MatchedAnalysis.Sink sink(SparkSession spark, Path dir, Consumer<String> notes) {
    return new MatchedAnalysis.Sink() {
      @Override
      public Dataset<Row> write(String name, Dataset<Row> data) {
        String path = dir.resolve(AggregateCsv.shortName(name)).toString();
        data.write().parquet(path);
        return spark.read().parquet(path);
      }

      @Override
      public void aggregate(String name, StructType schema, List<Row> rows) {
        spark
            .createDataFrame(rows, schema)
            .coalesce(1)
            .write()
            .parquet(dir.resolve(AggregateCsv.shortName(name)).toString());
        EvaluationStep.writeCsv(dir, name, schema, rows, (r, i) -> false);
      }

      @Override
      public void note(String note) {
        notes.accept(note);
      }
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Reading and checking the table

  /** Reads and checks the file and makes the candidates, the outcomes and the design. */
  public static Prepared prepare(SparkSession spark, CandidatesSpec spec, EvaluationSettings s) {
    Path file = spec.file();
    Dataset<Row> raw = read(spark, file);
    Set<String> have = Set.of(raw.columns());
    List<String> exact = exactColumns(spec, s, have);
    checkNames(spec, exact);
    for (String c : spec.columns(exact)) {
      if (!have.contains(c)) {
        throw Errors.refused(
            file,
            "no column '" + c + "' (columns: " + String.join(", ", raw.columns()) + ")",
            "name the right column with the option or in the --columns YAML, or add it");
      }
    }
    List<String> used = spec.columns(exact).stream().distinct().toList();
    Dataset<Row> numbered =
        numbered(spark, raw.select(used.stream().map(c -> col(c)).toArray(Column[]::new)))
            .persist(StorageLevel.MEMORY_AND_DISK());
    StructType schema = numbered.schema();

    // Checks, all in one pass: the first data row each fails on.
    Map<String, Check> checks = new LinkedHashMap<>();
    checks.put(
        "id", new Check(spec.id(), empty(text(spec.id())), "is empty", "every row needs an id"));
    checks.put(
        "treated",
        new Check(
            spec.treated(),
            treatedFlag(spec.treated(), schema).isNull(),
            "is not a treated flag",
            "write 1 or 0 (or true or false)"));
    if (spec.indexDate() != null) {
      checks.put(
          "index_date",
          new Check(
              spec.indexDate(),
              date(spec.indexDate(), schema).isNull(),
              "is not a date",
              "write yyyy-MM-dd, e.g. 2024-02-01"));
    }
    for (String c : spec.covariates()) {
      checks.put(
          "covariate " + c,
          new Check(
              c,
              notNumber(c, schema, true),
              "is not a number",
              "covariates are numbers, 0/1 or true/false, with none missing; list text columns"
                  + " with --categorical"));
    }
    for (String c : spec.categorical()) {
      checks.put(
          "categorical " + c,
          new Check(c, empty(text(c)), "is empty", "fill it in (missing may be its own level)"));
    }
    for (CandidatesSpec.Outcome o : spec.outcomes()) {
      for (String c : o.columns()) {
        checks.put(
            "outcome " + c,
            new Check(
                c,
                notNumber(c, schema, false),
                "is not a number",
                "outcome values are numbers, or empty where unknown"));
      }
      for (String c : new String[] {o.years(), o.preYears()}) {
        if (c != null) {
          checks.put(
              "years " + c,
              new Check(
                  c, number(c, schema).lt(0), "is negative", "years of follow-up are 0 or more"));
        }
      }
    }
    List<Column> aggs = new ArrayList<>();
    for (Check c : checks.values()) {
      aggs.add(min(when(c.bad(), col(ROW))));
    }
    Row found =
        numbered.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    int k = 0;
    for (Check c : checks.values()) {
      if (!found.isNullAt(k)) {
        long row = found.getLong(k);
        Row v = numbered.where(col(ROW).equalTo(row)).select(text(c.column())).first();
        String shown = v.isNullAt(0) ? "" : " ('" + v.getString(0) + "')";
        throw Errors.inputRow(
            file, row, c.column(), "the value" + shown + " " + c.problem(), c.fix());
      }
      k++;
    }
    duplicates(numbered, spec);

    // The table made ready: engine names for the id, index date and role; covariates typed.
    Column treated = treatedFlag(spec.treated(), schema);
    List<Column> stats = new ArrayList<>();
    stats.add(sum(when(treated, 1L).otherwise(0L)));
    stats.add(count(lit(1)));
    for (String c : spec.covariates()) {
      Column x = number(c, schema);
      stats.add(min(when(x.isin(0.0, 1.0), 1).otherwise(0)));
    }
    Row st =
        numbered.agg(stats.get(0), stats.subList(1, stats.size()).toArray(Column[]::new)).first();
    long nTreated = st.getLong(0);
    long n = st.getLong(1);
    if (nTreated == 0 || nTreated == n) {
      throw Errors.refused(
          file,
          (nTreated == 0 ? "no row is treated" : "every row is treated")
              + " (column "
              + spec.treated()
              + ", "
              + n
              + " rows)",
          "the method compares treated rows (1) with candidates (0): the table needs both");
    }
    List<Column> select = new ArrayList<>();
    select.add(trim(text(spec.id())).as(Cols.PERSON_ID));
    select.add(
        (spec.indexDate() == null ? lit(NO_INDEX_DATE) : date(spec.indexDate(), schema))
            .as(Cols.INDEX_DATE));
    select.add(when(treated, RiskSets.TREATED).otherwise(RiskSets.CANDIDATE).as(Cols.ROLE));
    List<String> numeric = new ArrayList<>();
    for (int j = 0; j < spec.covariates().size(); j++) {
      String c = spec.covariates().get(j);
      // A column of only 0 and 1 is a flag (binary in the balance table); a constant one gets
      // coefficient 0, as in the engine.
      boolean binary = st.getInt(2 + j) == 1;
      Column x = number(c, schema);
      select.add((binary ? x.equalTo(1.0) : x).as(c));
      numeric.add(c);
    }
    List<Encoder.Category> categories = new ArrayList<>();
    for (String c : spec.categorical()) {
      select.add(trim(text(c)).as(c));
      List<String> levels =
          numbered.select(trim(text(c))).distinct().collectAsList().stream()
              .map(r -> r.getString(0))
              .sorted()
              .toList();
      // The first level is the reference, as R's treatment contrasts: no redundant column.
      categories.add(new Encoder.Category(c, levels.subList(1, levels.size())));
    }
    Set<String> selected = new java.util.HashSet<>(spec.covariates());
    selected.addAll(spec.categorical());
    List<String> extra = new ArrayList<>(exact);
    extra.addAll(spec.breakdowns());
    for (String c : extra) {
      if (selected.add(c)) {
        select.add(text(c).as(c));
      }
    }
    Dataset<Row> candidates = numbered.select(select.toArray(Column[]::new));

    List<Column> outSelect =
        new ArrayList<>(List.of(col(Cols.PERSON_ID), col(Cols.INDEX_DATE), col(Cols.ROLE)));
    List<MatchedAnalysis.Measure> measures = new ArrayList<>();
    Dataset<Row> outcomeSource =
        numbered
            .withColumn(Cols.PERSON_ID, trim(text(spec.id())))
            .withColumn(
                Cols.INDEX_DATE,
                spec.indexDate() == null ? lit(NO_INDEX_DATE) : date(spec.indexDate(), schema))
            .withColumn(Cols.ROLE, when(treated, RiskSets.TREATED).otherwise(RiskSets.CANDIDATE));
    for (CandidatesSpec.Outcome o : spec.outcomes()) {
      String post = o.name() + "_post";
      outSelect.add(number(o.post(), schema).as(post));
      Column years = lit(1.0);
      if (o.years() != null) {
        outSelect.add(number(o.years(), schema).as(o.name() + "_years_post"));
        years = col(o.name() + "_years_post");
      }
      Column pre = null;
      Column preYears = null;
      if (o.pre() != null) {
        outSelect.add(number(o.pre(), schema).as(o.name() + "_pre"));
        pre = col(o.name() + "_pre");
        preYears = lit(1.0);
        if (o.preYears() != null) {
          outSelect.add(number(o.preYears(), schema).as(o.name() + "_years_pre"));
          preYears = col(o.name() + "_years_pre");
        }
      }
      measures.add(
          new MatchedAnalysis.Measure(
              o.name(),
              o.years() != null ? EvaluationStep.PER_PERSON_YEAR : "mean",
              col(post),
              years,
              pre,
              preYears,
              true));
    }
    Dataset<Row> outcomes = outcomeSource.select(outSelect.toArray(Column[]::new));
    Map<String, String> breakdowns = new LinkedHashMap<>();
    spec.breakdowns().forEach(b -> breakdowns.put(b, b));
    MatchedAnalysis.Design design =
        new MatchedAnalysis.Design(
            new Encoder(numeric, categories, List.of()),
            exact.stream().map(c -> col(c)).toList(),
            breakdowns,
            measures,
            List.of(new MatchedAnalysis.Count("treated", nTreated)),
            "candidate rows",
            controls -> List.of());
    return new Prepared(numbered, candidates, outcomes, design, nTreated, n - nTreated);
  }

  /** A check of one column: the rows where {@code bad} holds are refused. */
  private record Check(String column, Column bad, String problem, String fix) {}

  /** The file as a table: CSV (every column as text) or Parquet, by its name. */
  private static Dataset<Row> read(SparkSession spark, Path file) {
    if (!Files.exists(file)) {
      throw Errors.refused(file, "no such file", "check the path given to --candidates");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
        return spark
            .read()
            .option("header", "true")
            .option("inferSchema", "false")
            .option("mode", "PERMISSIVE")
            .csv(file.toString());
      }
      if (name.endsWith(".parquet") || Files.isDirectory(file)) {
        return spark.read().parquet(file.toString());
      }
    } catch (RuntimeException e) {
      if (e instanceof NpcException) {
        throw e;
      }
      throw Errors.refused(
          file, "cannot be read (" + Errors.firstLine(e.getMessage()) + ")", "check the file");
    }
    throw Errors.refused(
        file,
        "is neither CSV (.csv, .csv.gz) nor Parquet (.parquet or a folder of them)",
        "write the table as CSV with a header row, or as Parquet");
  }

  /** The rows with their 1-based position in the file ({@code _row}). */
  private static Dataset<Row> numbered(SparkSession spark, Dataset<Row> data) {
    StructType schema = data.schema().add(ROW, DataTypes.LongType, false);
    return spark.createDataFrame(data.javaRDD().zipWithIndex().map(new Numbered()), schema);
  }

  /** A row with its position (from 1) appended. */
  static final class Numbered implements Function<Tuple2<Row, Long>, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Row call(Tuple2<Row, Long> t) {
      Object[] values = new Object[t._1().length() + 1];
      for (int i = 0; i < t._1().length(); i++) {
        values[i] = t._1().get(i);
      }
      values[values.length - 1] = t._2() + 1;
      return RowFactory.create(values);
    }
  }

  /** The exact columns: as named, else {@code evaluation.exact}'s strata as columns. */
  private static List<String> exactColumns(
      CandidatesSpec spec, EvaluationSettings s, Set<String> have) {
    if (spec.exact() != null) {
      return spec.exact();
    }
    for (String x : s.exact()) {
      if (!have.contains(x)) {
        throw Errors.refused(
            spec.file(),
            "no column '" + x + "', which evaluation.exact names (matched exactly)",
            "add it, name the exact columns with --exact (--exact= for none) or exact: in the"
                + " --columns YAML");
      }
    }
    return s.exact();
  }

  /** Refuses names that would clash with the engine's columns or with each other. */
  private static void checkNames(CandidatesSpec spec, List<String> exact) {
    List<String> named = new ArrayList<>(spec.covariates());
    named.addAll(spec.categorical());
    named.addAll(exact);
    named.addAll(spec.breakdowns());
    Set<String> candidates = new java.util.HashSet<>(named);
    for (String c : named) {
      if (RESERVED.contains(c) || c.startsWith("_")) {
        throw Errors.usage(
            spec.file() + ": column '" + c + "' has a name the engine uses itself",
            "rename the column (names the engine uses: " + String.join(", ", RESERVED) + ")");
      }
      if (c.equals(spec.id()) || c.equals(spec.treated()) || c.equals(spec.indexDate())) {
        throw Errors.usage(
            spec.file() + ": column '" + c + "' is the id, treated flag or index date",
            "it cannot also be a covariate, exact or breakdown column");
      }
    }
    for (String c : spec.covariates()) {
      if (spec.categorical().contains(c)) {
        throw Errors.usage(
            spec.file() + ": column '" + c + "' is named as both numeric and categorical",
            "name it once: --covariates for numbers, --categorical for text");
      }
    }
    for (CandidatesSpec.Outcome o : spec.outcomes()) {
      for (String derived :
          List.of(o.name() + "_post", o.name() + "_pre", o.name() + "_years_post")) {
        if (candidates.contains(derived) || RESERVED.contains(derived)) {
          throw Errors.usage(
              spec.file()
                  + ": outcome '"
                  + o.name()
                  + "' makes the column "
                  + derived
                  + ", which is also a covariate, exact or breakdown column",
              "give the outcome another name");
        }
      }
    }
  }

  /** Refuses a second row with the same id (and index date), naming both rows. */
  private static void duplicates(Dataset<Row> numbered, CandidatesSpec spec) {
    List<Column> key = new ArrayList<>();
    key.add(trim(text(spec.id())).as("_id"));
    if (spec.indexDate() != null) {
      key.add(date(spec.indexDate(), numbered.schema()).as("_date"));
    }
    Dataset<Row> firsts =
        numbered.groupBy(key.toArray(Column[]::new)).agg(min(col(ROW)).as("_first"));
    List<String> keyNames = spec.indexDate() == null ? List.of("_id") : List.of("_id", "_date");
    List<Column> keyedColumns = new ArrayList<>(key);
    keyedColumns.add(col(ROW));
    Dataset<Row> keyed = numbered.select(keyedColumns.toArray(Column[]::new));
    Row second =
        keyed
            .join(firsts, keyNames.toArray(String[]::new))
            .where(col(ROW).gt(col("_first")))
            .agg(min(col(ROW)), min(col("_first")))
            .first();
    if (!second.isNullAt(0)) {
      throw Errors.inputRow(
          spec.file(),
          second.getLong(0),
          spec.id(),
          "the same id"
              + (spec.indexDate() == null ? "" : " and index date")
              + " as an earlier data row",
          "each person"
              + (spec.indexDate() == null ? "" : " (at each index date)")
              + " must be on one row only");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Column readers: text, numbers, flags and dates from CSV text or Parquet types

  private static Column text(String c) {
    return col(c).cast("string");
  }

  private static Column empty(Column text) {
    return text.isNull().or(trim(text).equalTo(""));
  }

  /** A number (double) from a numeric, boolean or text column; null when empty or not one. */
  private static Column number(String c, StructType schema) {
    org.apache.spark.sql.types.DataType t = schema.apply(c).dataType();
    if (t instanceof NumericType || t instanceof BooleanType) {
      return col(c).cast("double");
    }
    Column v = lower(trim(text(c)));
    Column x =
        when(v.equalTo("true"), 1.0).when(v.equalTo("false"), 0.0).otherwise(v.try_cast("double"));
    return when(isnan(x).or(x.isin(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)), null)
        .otherwise(x);
  }

  /** Where a value is present but not a number; with {@code required}, also where it is empty. */
  private static Column notNumber(String c, StructType schema, boolean required) {
    Column present = empty(text(c)).unary_$bang();
    Column notOne = present.and(number(c, schema).isNull());
    return required ? notOne.or(empty(text(c))) : notOne;
  }

  /** The treated flag: true for 1 or true, false for 0 or false, else null. */
  private static Column treatedFlag(String c, StructType schema) {
    Column x = number(c, schema);
    return when(x.equalTo(1.0), true).when(x.equalTo(0.0), false);
  }

  /** A date from a date, timestamp or yyyy-MM-dd text column; null when not one. */
  private static Column date(String c, StructType schema) {
    org.apache.spark.sql.types.DataType t = schema.apply(c).dataType();
    if (t instanceof DateType) {
      return col(c);
    }
    if (t instanceof TimestampType) {
      return col(c).cast("date");
    }
    return org.apache.spark.sql.functions.try_to_date(trim(text(c)), "yyyy-MM-dd");
  }
}

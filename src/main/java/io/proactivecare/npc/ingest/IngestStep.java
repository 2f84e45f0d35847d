package io.proactivecare.npc.ingest;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.IngestSettings;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.config.QualitySettings;
import io.proactivecare.npc.config.YamlNode;
import io.proactivecare.npc.io.Checksums;
import io.proactivecare.npc.io.ContentChecksum;
import io.proactivecare.npc.io.ParquetRows;
import io.proactivecare.npc.jobs.Concurrently;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.ColumnSpec;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.Outputs;
import io.proactivecare.npc.schema.Schemas;
import io.proactivecare.npc.schema.TableContract;
import io.proactivecare.npc.warehouse.RunManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The ingest stage. For each table of the extract, in contract order: read with the mapping, refuse
 * identifiable data, validate every row, write accepted rows to {@code conformed/<table>} and
 * rejected rows to {@code quarantine} (partition {@code table=<table>}), reconcile {@code read =
 * accepted + quarantined} from the written files, then apply the quality gate.
 *
 * <p>Outputs (version key: the extract date): {@code conformed/<table>} with the contract's schema;
 * {@code quarantine} with {@link Outputs#QUARANTINE}'s columns.
 */
public final class IngestStep implements Step {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestStep.class);
  public static final String KIND = "ingest";
  public static final String QUARANTINE = "quarantine";

  private final Optional<Path> extractDir;
  private final List<RunManifest.ReasonCount> reasons = new ArrayList<>();

  public IngestStep(Optional<Path> extractDir) {
    this.extractDir = extractDir;
  }

  /** The output name of a conformed table. */
  public static String conformed(String table) {
    return "conformed/" + table;
  }

  /**
   * The extract folder this step reads: its own option (a relative one inside the installation),
   * else the configured one.
   */
  public Path extractDir(NpcConfig config) {
    return extractDir.map(io.proactivecare.npc.config.Install::resolve).orElse(config.extract());
  }

  /** The {@code run: ingest} step kind; option {@code extract}: the extract folder. */
  public static final class Kind implements StepKind {
    @Override
    public String name() {
      return KIND;
    }

    @Override
    public String description() {
      return "validate an extract and write conformed tables and a quarantine table";
    }

    @Override
    public Set<String> options() {
      return Set.of("extract");
    }

    @Override
    public Step create(YamlNode with) {
      return new IngestStep(with.optionalString("extract").map(Path::of));
    }
  }

  @Override
  public void run(StepContext ctx) {
    reasons.clear();
    NpcConfig config = ctx.config();
    Extract extract = ExtractLoader.load(extractDir(config), config, ctx.extractDateOverride());
    String key = extract.extractDate().toString();
    SparkSession spark = ctx.spark();
    Set<String> present = new LinkedHashSet<>();
    extract.files().forEach(f -> present.add(f.table()));
    if (!present.contains(Contracts.GP_REGISTRATIONS.name())
        && config.ingest().checkPersonReferences()) {
      ctx.note("person references not checked: the extract has no gp_registrations");
    }
    if (!present.contains(Contracts.PRACTICE_PCN.name())
        && config.ingest().checkPracticeReferences()) {
      ctx.note("practice and PCN references not checked: the extract has no practice_pcn");
    }
    // Every file-level check of every file comes first, so a refused input (exit 3) is refused
    // before anything is written, and a missing file before any is checksummed.
    Map<Extract.SourceFile, List<String>> columnsOf = new LinkedHashMap<>();
    extract.files().forEach(f -> columnsOf.put(f, SourceReader.check(spark, f)));
    for (Extract.SourceFile f : extract.files()) {
      ctx.input(
          new RunManifest.Input(
              f.table(),
              f.path().toString(),
              f.mapping().name(),
              Checksums.size(f.path()),
              Checksums.sha256(f.path()),
              key));
    }
    // How each table's checked rows are held between its passes (hold): decided for all before
    // any is read, and said in the log (--verbose).
    Map<Extract.SourceFile, Boolean> asRows =
        heldAsRows(
            extract.files(),
            config.ingest().cache(),
            rowsBudget(spark, config.ingest().concurrentTables()));
    // The tables others are checked against come first, one at a time, in the extract's order;
    // the rest only read those references, so they are ingested several at once. Their results
    // are recorded in the extract's order whatever order they finish in. Each table takes its
    // share of the concurrent_tables slots by the cores its read keeps busy (tableSlots): a single
    // CSV file leaves cores to others, a folder of as many parts as cores runs alone, with only
    // its own checked rows in memory.
    RowValidator.References refs = RowValidator.References.none();
    List<RunManifest.TableCount> counts = new ArrayList<>();
    List<Extract.SourceFile> rest = new ArrayList<>(extract.files());
    while (!rest.isEmpty() && rest.stream().anyMatch(IngestStep::isReference)) {
      Extract.SourceFile f = rest.remove(0);
      TableContract contract = Contracts.byName(f.table()).orElseThrow();
      counts.add(
          record(
              ctx,
              ingestTable(
                  ctx, spark, f, columnsOf.get(f), contract, extract, refs, asRows.get(f))));
      refs = updateReferences(spark, ctx, contract, refs);
    }
    RowValidator.References references = refs;
    int cores = spark.sparkContext().defaultParallelism();
    long splitBytes =
        org.apache.spark.network.util.JavaUtils.byteStringAsBytes(
            spark.conf().get("spark.sql.files.maxPartitionBytes"));
    List<TableResult> results =
        Concurrently.map(
            rest,
            config.ingest().concurrentTables(),
            f -> tableSlots(f, config.ingest().concurrentTables(), cores, splitBytes),
            f ->
                ingestTable(
                    ctx,
                    spark,
                    f,
                    columnsOf.get(f),
                    Contracts.byName(f.table()).orElseThrow(),
                    extract,
                    references,
                    asRows.get(f)));
    results.forEach(r -> counts.add(record(ctx, r)));
    writeQuarantine(ctx, spark, key);
    for (RunManifest.TableCount c : counts) {
      if (!c.gatePassed()) {
        Extract.SourceFile f =
            extract.files().stream()
                .filter(x -> x.table().equals(c.table()))
                .findFirst()
                .orElseThrow();
        throw gateFailure(ctx, f, c, counts);
      }
    }
  }

  /**
   * The {@code ingest.concurrent_tables} slots a table takes while it is ingested: its share of the
   * cores, by the tasks its read runs in (a CSV file or part is read whole by one task, a Parquet
   * file in one task per {@code splitBytes}, Spark's {@code spark.sql.files.maxPartitionBytes}, 128
   * MB unless set), at least 1 and at most all of them. With 2 slots on 2 cores, a single CSV file
   * takes 1 and a folder of 2 or more parts takes both; on 16 cores a folder of 4 parts takes 1.
   */
  static int tableSlots(Extract.SourceFile f, int slots, int cores, long splitBytes) {
    boolean parquet = f.isParquet();
    long tasks = 0;
    for (Path part : f.parts()) {
      tasks += parquet ? Math.max(1, ceilDiv(Checksums.size(part), splitBytes)) : 1;
    }
    long share = ceilDiv(tasks * slots, Math.max(1, cores));
    return (int) Math.max(1, Math.min(slots, share));
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /** Whether other tables are checked against this one's accepted rows. */
  private static boolean isReference(Extract.SourceFile f) {
    return f.table().equals(Contracts.PRACTICE_PCN.name())
        || f.table().equals(Contracts.GP_REGISTRATIONS.name());
  }

  /**
   * What ingesting one table decided, kept apart from the run's record so tables can be ingested at
   * once and recorded in order.
   */
  private record TableResult(
      RunManifest.TableCount count,
      List<RunManifest.ReasonCount> reasons,
      List<String> notes,
      String versionKey,
      Optional<String> checksum) {}

  private RunManifest.TableCount record(StepContext ctx, TableResult r) {
    for (RunManifest.ReasonCount reason : r.reasons()) {
      reasons.add(reason);
      ctx.quarantined(reason);
    }
    r.notes().forEach(ctx::note);
    ctx.produced(conformed(r.count().table()), r.versionKey(), r.count().accepted(), r.checksum());
    ctx.reconciled(r.count());
    return r.count();
  }

  private static TableResult ingestTable(
      StepContext ctx,
      SparkSession spark,
      Extract.SourceFile f,
      List<String> fileColumns,
      TableContract contract,
      Extract extract,
      RowValidator.References refs,
      boolean asRows) {
    Map<String, String> dateFormats = dateFormats(f);
    // The checked rows are held: the duplicate check, the tally and both writes read them.
    Dataset<Row> cached =
        hold(
            checkedRows(
                spark, f, fileColumns, contract, dateFormats, extract, ctx.config().ingest(), refs),
            asRows);
    Dataset<Row> later = null;
    try {
      Dataset<Row> checked = SourceReader.withPlace(cached, f);
      later =
          RowValidator.laterDuplicates(checked, contract).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> validated = RowValidator.markDuplicates(checked, later, contract);
      // One pass over the validated rows tells everything needed before and after writing: the
      // rows read, what validation decided, what it flagged, and the NHS-number-shaped values of
      // the identifier columns, which refuse the file before anything is written.
      Tally tally = Tally.of(validated, contract);
      Optional<Identifiable> hit = tally.identifiable(contract);
      if (hit.isPresent()) {
        throw identifiable(f, hit.get());
      }
      Path conformedDir = ctx.outputDir(conformed(f.table()));
      Path quarantineDir = quarantineDir(ctx, f.table());
      Dataset<Row> accepted = RowValidator.accepted(validated, contract, dateFormats);
      Schemas.requireSameColumns(accepted.schema(), contract.schema(), conformed(f.table()));
      // Summed as it is written: the manifest's checksum without reading the table back.
      ContentChecksum.Watched watched = ContentChecksum.watch(accepted);
      watched.data().write().mode(SaveMode.ErrorIfExists).parquet(conformedDir.toString());
      Dataset<Row> quarantined = RowValidator.quarantine(validated, contract, f.mapping());
      Schemas.requireSameColumns(
          quarantined.schema(), RowValidator.quarantineSchema(), QUARANTINE + " of " + f.table());
      quarantined.write().mode(SaveMode.ErrorIfExists).parquet(quarantineDir.toString());
      List<RunManifest.ReasonCount> tableReasons = tally.reasons(f.table());
      // What the files hold, counted back from their footers: nothing may be lost between what
      // validation decided and what was written.
      long read = tally.read();
      long acceptedRows = ParquetRows.count(conformedDir);
      long quarantinedRows = ParquetRows.count(quarantineDir);
      long decidedQuarantined =
          tableReasons.stream().mapToLong(RunManifest.ReasonCount::rows).sum();
      if (read != acceptedRows + quarantinedRows
          || acceptedRows != tally.accepted()
          || quarantinedRows != decidedQuarantined) {
        throw new IllegalStateException(
            String.format(
                "%s: rows read %d, accepted %d (decided %d), quarantined %d (decided %d)",
                f.table(),
                read,
                acceptedRows,
                tally.accepted(),
                quarantinedRows,
                decidedQuarantined));
      }
      double share = read == 0 ? 0 : (double) quarantinedRows / read;
      QualitySettings quality = ctx.config().quality();
      return new TableResult(
          new RunManifest.TableCount(
              f.table(),
              read,
              acceptedRows,
              quarantinedRows,
              share,
              quality.limitFor(f.table()),
              quality.passes(f.table(), read, quarantinedRows)),
          tableReasons,
          tally.flagNotes(contract),
          extract.extractDate().toString(),
          watched.checksum());
    } finally {
      if (later != null) {
        later.unpersist();
      }
      release(cached, asRows);
    }
  }

  /**
   * A table's checked rows held for the passes that follow: as Spark's rows ({@code
   * localCheckpoint}: each row kept as Spark made it, so filling is a copy and reading it again
   * costs nothing to decode; Spark works out the plan's shuffles and broadcasts as it is called,
   * and the rows at the first pass) or in Spark's columnar cache (compact, about half the memory,
   * but each value is written to and read from its column). Both keep to memory while it lasts and
   * go to disk beyond it. Rows, like the engine's other local checkpoints, are lost with an
   * executor that holds them, where the columnar cache would be recomputed.
   */
  static Dataset<Row> hold(Dataset<Row> checked, boolean asRows) {
    return asRows
        ? checked.localCheckpoint(false)
        : checked.persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Frees what {@link #hold} kept, held as it was. */
  static void release(Dataset<Row> held, boolean asRows) {
    if (!asRows) {
      held.unpersist();
    } else if (held.queryExecution().logical()
        instanceof org.apache.spark.sql.execution.LogicalRDD checkpointed) {
      checkpointed.rdd().unpersist(false);
    } else {
      throw new IllegalStateException("rows held by a local checkpoint are not its plan");
    }
  }

  /**
   * Rough bytes a table's checked rows take held as rows, from its files' size on disk: about 50
   * times a gzip CSV file, 6 times a plain one and 80 times a Parquet file (measured on generated
   * extracts: 16-46, 4.5-6.3 and 46-80 times, by table). Only the choice of {@link #hold} rests on
   * it.
   */
  static long rowsEstimate(Extract.SourceFile f) {
    // Once, not per part: for a folder it lists the folder.
    boolean parquet = f.isParquet();
    long bytes = 0;
    for (Path part : f.parts()) {
      boolean gzip =
          part.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
      bytes += (parquet ? 80 : gzip ? 50 : 6) * Checksums.size(part);
    }
    return bytes;
  }

  /** Per table, whether its checked rows are held as rows ({@link #holdsRows}); each logged. */
  static Map<Extract.SourceFile, Boolean> heldAsRows(
      List<Extract.SourceFile> files, String cache, long budget) {
    Map<Extract.SourceFile, Boolean> out = new LinkedHashMap<>();
    for (Extract.SourceFile f : files) {
      long estimate = rowsEstimate(f);
      boolean rows = holdsRows(cache, estimate, budget);
      out.put(f, rows);
      LOG.info(
          "{}: checked rows held as {} (ingest.cache {}: about {} MB as rows, budget {} MB)",
          f.table(),
          rows ? "rows" : "columns",
          cache,
          estimate >> 20,
          budget >> 20);
    }
    return out;
  }

  /**
   * Whether a table's checked rows are held as rows ({@link #hold}): by {@code ingest.cache}, and
   * in {@code auto} when their estimate is within {@code budget}.
   */
  static boolean holdsRows(String cache, long estimate, long budget) {
    return switch (cache) {
      case IngestSettings.ROWS -> true;
      case IngestSettings.COLUMNS -> false;
      default -> estimate <= budget;
    };
  }

  /**
   * The estimate of rows {@code auto} holds as rows: half of the memory for storage of the one
   * place a table's rows may all land, shared among the tables ingested at once ({@link
   * #storagePerPlace}).
   */
  static long rowsBudget(SparkSession spark, int concurrentTables) {
    org.apache.spark.SparkContext sc = spark.sparkContext();
    Map<String, Long> maxByPlace = new LinkedHashMap<>();
    scala.jdk.javaapi.CollectionConverters.asJava(sc.getExecutorMemoryStatus())
        .forEach((place, memory) -> maxByPlace.put(place, (Long) memory._1()));
    String driver = sc.env().blockManager().blockManagerId().hostPort();
    return storagePerPlace(sc.isLocal(), driver, maxByPlace) / (2L * concurrentTables);
  }

  /**
   * Spark's memory for storage where one table's rows may all be held: in local mode the driver's
   * (it is the one executor); on a cluster the smallest executor's, not the driver's (it holds no
   * table's rows) nor all executors' together (a CSV file is read by one task, and nothing in the
   * ingest moves its rows, so they stay where they were read); 0 while no executor has registered,
   * so every table is held in columns.
   *
   * @param maxByPlace each block manager's most memory for storage, by its host and port
   */
  static long storagePerPlace(boolean local, String driver, Map<String, Long> maxByPlace) {
    if (local) {
      return maxByPlace.values().stream().mapToLong(Long::longValue).sum();
    }
    return maxByPlace.entrySet().stream()
        .filter(e -> !e.getKey().equals(driver))
        .mapToLong(Map.Entry::getValue)
        .min()
        .orElse(0);
  }

  /** Each canonical column's date format in the file's mapping. */
  static Map<String, String> dateFormats(Extract.SourceFile f) {
    Map<String, String> out = new LinkedHashMap<>();
    f.mapping()
        .table(f.table())
        .orElseThrow()
        .forEach((target, m) -> out.put(target, f.mapping().dateFormatOf(m)));
    return out;
  }

  /**
   * A file's rows read, mapped and checked against the contract's rules and {@code refs}, before
   * duplicates: each row's part and row number held as the one number {@link
   * SourceReader#withPlace} gives back, so the rows kept between passes are narrower.
   */
  static Dataset<Row> checkedRows(
      SparkSession spark,
      Extract.SourceFile f,
      List<String> fileColumns,
      TableContract contract,
      Map<String, String> dateFormats,
      Extract extract,
      io.proactivecare.npc.config.IngestSettings settings,
      RowValidator.References refs) {
    return SourceReader.withoutPlace(
        RowValidator.check(
            RowValidator.map(SourceReader.read(spark, f, fileColumns), contract, f.mapping()),
            contract,
            dateFormats,
            extract.extractDate(),
            settings,
            refs));
  }

  /**
   * What one pass over a table's validated rows found: per decision (accepted, or the first
   * reason's code and column) the rows, and on them the NHS-number facts of each identifier column
   * that may refuse the file and the flags of each kind the contract can raise.
   *
   * <p>The pass over every row counts only, so Spark aggregates it by hash; where a valid NHS
   * number was seen (rare: it refuses the file), a second pass over those rows finds the first.
   *
   * @param groups one row per decision: code (null = accepted), column, rows, then two counts per
   *     identifier column (NHS-number-shaped, valid), then one count per flag
   * @param firstValid per identifier column, the part and row of its first valid NHS number
   */
  record Tally(
      List<Row> groups,
      List<String> identifiers,
      List<List<String>> flags,
      List<Optional<Identifiable.Place>> firstValid) {
    static Tally of(Dataset<Row> validated, TableContract contract) {
      Column first = try_element_at(col(RowValidator.REASONS), lit(1));
      List<ColumnSpec> ids = contract.identifiers();
      List<Column> aggs = new ArrayList<>();
      for (ColumnSpec id : ids) {
        Column v = col(id.name());
        Column valid = NhsNumber.looksLikeNhsNumber(v);
        aggs.add(count(when(NhsNumber.hasShape(v), lit(1))));
        aggs.add(count(when(valid, lit(1))));
      }
      // Every flag the contract can raise, counted by kind and column without exploding rows.
      List<List<String>> flags = new ArrayList<>();
      for (ColumnSpec c : contract.columns()) {
        if (c.unknownCode().isPresent()) {
          flags.add(List.of(RowFlag.SET_TO_UNKNOWN.name(), c.name()));
        }
      }
      contract.activityDate().ifPresent(d -> flags.add(List.of(RowFlag.AFTER_DEATH.name(), d)));
      for (List<String> f : flags) {
        aggs.add(
            count(
                when(
                    array_contains(
                        col(RowValidator.FLAGS),
                        struct(lit(f.get(0)).as("code"), lit(f.get(1)).as("column"))),
                    lit(1))));
      }
      List<Row> groups =
          validated
              .groupBy(first.getField("code").as("code"), first.getField("column").as("column"))
              .agg(count(lit(1)), aggs.toArray(Column[]::new))
              .collectAsList();
      // The identifier columns holding a valid NHS number (its count, after the decision's code,
      // column and rows and each earlier column's two counts), and where each first holds one.
      List<Optional<Identifiable.Place>> firstValid = new ArrayList<>();
      List<Integer> withValid = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        firstValid.add(Optional.empty());
        int at = 4 + 2 * i;
        if (groups.stream().anyMatch(r -> r.getLong(at) > 0)) {
          withValid.add(i);
        }
      }
      if (!withValid.isEmpty()) {
        Column[] firsts =
            withValid.stream()
                .map(
                    i ->
                        min(
                            when(
                                NhsNumber.looksLikeNhsNumber(col(ids.get(i).name())),
                                struct(col(SourceReader.FILE), col(SourceReader.ROW)))))
                .toArray(Column[]::new);
        Row places =
            validated
                .agg(firsts[0], java.util.Arrays.copyOfRange(firsts, 1, firsts.length))
                .first();
        for (int k = 0; k < withValid.size(); k++) {
          Row place = places.getStruct(k);
          firstValid.set(
              withValid.get(k),
              Optional.of(new Identifiable.Place(place.getString(0), place.getLong(1))));
        }
      }
      return new Tally(groups, ids.stream().map(ColumnSpec::name).toList(), flags, firstValid);
    }

    /** Rows read: every row has exactly one decision. */
    long read() {
      return groups.stream().mapToLong(r -> r.getLong(2)).sum();
    }

    /** Rows validation accepted. */
    long accepted() {
      return groups.stream().filter(r -> r.isNullAt(0)).mapToLong(r -> r.getLong(2)).sum();
    }

    /** Quarantined rows by first reason, most rows first. */
    List<RunManifest.ReasonCount> reasons(String table) {
      List<RunManifest.ReasonCount> out = new ArrayList<>();
      for (Row r : groups) {
        if (!r.isNullAt(0)) {
          out.add(
              new RunManifest.ReasonCount(
                  table, r.getString(0), r.isNullAt(1) ? "" : r.getString(1), r.getLong(2)));
        }
      }
      out.sort(
          Comparator.comparingLong(RunManifest.ReasonCount::rows)
              .reversed()
              .thenComparing(RunManifest.ReasonCount::reasonCode)
              .thenComparing(RunManifest.ReasonCount::column));
      return out;
    }

    /**
     * The identifier column whose values refuse the file, the one with the earliest valid NHS
     * number when several do.
     */
    Optional<Identifiable> identifiable(TableContract contract) {
      Optional<Identifiable> hit = Optional.empty();
      for (int i = 0; i < identifiers.size(); i++) {
        int at = 3 + 2 * i;
        long shaped = 0;
        long valid = 0;
        for (Row r : groups) {
          shaped += r.getLong(at);
          valid += r.getLong(at + 1);
        }
        Optional<Identifiable.Place> firstPlace = firstValid.get(i);
        Identifiable candidate =
            new Identifiable(
                identifiers.get(i),
                shaped,
                valid,
                firstPlace.map(Identifiable.Place::file),
                firstPlace.map(Identifiable.Place::row).orElse(Long.MAX_VALUE));
        if (candidate.refuses()
            && (hit.isEmpty() || candidate.place().compareTo(hit.get().place()) < 0)) {
          hit = Optional.of(candidate);
        }
      }
      return hit;
    }

    /** What was flagged on accepted rows ({@link RowFlag}), one note per kind and column. */
    List<String> flagNotes(TableContract contract) {
      List<String> notes = new ArrayList<>();
      int at = 3 + 2 * identifiers.size();
      for (int f = 0; f < flags.size(); f++) {
        long rows = 0;
        for (Row r : groups) {
          if (r.isNullAt(0)) {
            rows += r.getLong(at + f);
          }
        }
        if (rows > 0) {
          String column = flags.get(f).get(1);
          notes.add(
              RowFlag.valueOf(flags.get(f).get(0))
                  .note(
                      contract.name(),
                      column,
                      contract.column(column).unknownCode().orElse(""),
                      rows));
        }
      }
      notes.sort(Comparator.naturalOrder());
      return notes;
    }
  }

  private static Path quarantineDir(StepContext ctx, String table) {
    return ctx.outputDir(QUARANTINE).resolve(Cols.TABLE + "=" + table);
  }

  /** The quarantine output holds every table's partition; written even when empty. */
  private static void writeQuarantine(StepContext ctx, SparkSession spark, String key) {
    Path dir = ctx.outputDir(QUARANTINE);
    long rows = 0;
    if (java.nio.file.Files.isDirectory(dir)) {
      rows = ParquetRows.count(dir);
    } else {
      spark
          .createDataFrame(List.of(), Outputs.QUARANTINE.schema())
          .write()
          .partitionBy(Cols.TABLE)
          .parquet(dir.toString());
    }
    ctx.produced(QUARANTINE, key, rows);
  }

  /**
   * What one identifier column of a file holds: NHS-number-shaped values, how many of them are
   * valid NHS numbers, and the part (when the table is a folder of parts) and data row of the first
   * valid one.
   */
  public record Identifiable(
      String column, long shaped, long valid, Optional<String> firstFile, long firstRow) {
    /** Whether these values refuse the file ({@link NhsNumber#identifiable}). */
    public boolean refuses() {
      return NhsNumber.identifiable(column.equals(Cols.PERSON_ID), shaped, valid);
    }

    Place place() {
      return new Place(firstFile.orElse(""), firstRow);
    }

    /** A row of a table: its part, then its row in the part. */
    record Place(String file, long row) implements Comparable<Place> {
      @Override
      public int compareTo(Place o) {
        int c = file.compareTo(o.file);
        return c != 0 ? c : Long.compare(row, o.row);
      }
    }
  }

  /** The refusal of a file with identifiable data: names the provider's column, never a value. */
  public static RuntimeException identifiable(Extract.SourceFile f, Identifiable id) {
    String column = id.column();
    List<String> sources = f.mapping().table(f.table()).orElseThrow().get(column).sourceColumns();
    String what =
        column.equals(Cols.PERSON_ID)
            ? "the person key is a valid NHS number"
            : String.format(
                "the identifier %s holds valid NHS numbers (%,d of its %,d ten-digit values)",
                column, id.valid(), id.shaped());
    return Errors.inputRow(
        id.firstFile().map(Path::of).orElse(f.path()),
        id.firstRow(),
        sources.isEmpty() ? column : sources.get(0),
        what + ", so the file holds identifiable data and is refused whole",
        "ask the data platform for the pseudonymised extract; nothing from this file was stored");
  }

  private static RowValidator.References updateReferences(
      SparkSession spark, StepContext ctx, TableContract contract, RowValidator.References refs) {
    Path dir = ctx.outputDir(conformed(contract.name()));
    if (contract == Contracts.GP_REGISTRATIONS) {
      return new RowValidator.References(
          Optional.of(ParquetRows.read(spark, dir).select(Cols.PERSON_ID, Cols.DATE_OF_DEATH)),
          refs.practices(),
          refs.pcns());
    }
    if (contract == Contracts.PRACTICE_PCN) {
      Dataset<Row> ref = ParquetRows.read(spark, dir);
      return new RowValidator.References(
          refs.persons(),
          Optional.of(ref.select(Cols.PRACTICE_CODE)),
          Optional.of(ref.select(Cols.PCN_CODE)));
    }
    return refs;
  }

  /**
   * The quality-gate failure of one table: what failed, and hints that work as printed (the run to
   * inspect with the warehouse used, the configuration file actually read, the mapping when every
   * row fails one rule).
   */
  private RuntimeException gateFailure(
      StepContext ctx,
      Extract.SourceFile f,
      RunManifest.TableCount c,
      List<RunManifest.TableCount> all) {
    long failing = all.stream().filter(t -> !t.gatePassed()).count();
    String more = failing > 1 ? " (and " + (failing - 1) + " more table(s))" : "";
    String inspect =
        "nothing was published; inspect the quarantine of run "
            + ctx.runId()
            + " (bin/npc runs show "
            + ctx.runId()
            + " --warehouse "
            + ctx.config().warehouse()
            + ")";
    Optional<java.nio.file.Path> configFile = ctx.config().file();
    if (c.read() == 0) {
      return Errors.qualityGate(
          "Quality gate failed for "
              + c.table()
              + ": "
              + f.path()
              + " has no data rows, and publishing it would replace the table with an empty one"
              + more,
          "nothing was published; re-export the file, or list "
              + c.table()
              + " in quality.allow_empty"
              + configFile
                  .map(p -> " in " + p)
                  .orElse(" (--set quality.allow_empty=[" + c.table() + "])")
              + " to publish it empty");
    }
    Optional<RunManifest.ReasonCount> top =
        reasons.stream().filter(r -> r.table().equals(c.table())).findFirst();
    String[] shares = percents(c.quarantineShare(), c.limit());
    String problem =
        String.format(
            "Quality gate failed for %s: %s of rows quarantined (%,d of %,d), above the limit of %s",
            c.table(), shares[0], c.quarantined(), c.read(), shares[1]);
    if (top.isPresent() && top.get().rows() == c.read()) {
      // One rule refused every row: a wrong mapping (column, date pattern, translation) is likelier
      // than a bad extract, and raising the limit would publish an empty table.
      RunManifest.ReasonCount r = top.get();
      return Errors.qualityGate(
          problem + "; every row failed " + r.reasonCode() + on(r) + more,
          inspect
              + ", and check how the mapping fills "
              + (r.column().isEmpty() ? "the table" : r.column())
              + " in "
              + f.mapping().file()
              + " (source column, date_format, values)");
    }
    String commonest =
        top.map(
                r ->
                    "; most often "
                        + r.reasonCode()
                        + on(r)
                        + String.format(" (%,d %s)", r.rows(), r.rows() == 1 ? "row" : "rows"))
            .orElse("");
    String key = "quality.per_table." + c.table();
    return Errors.qualityGate(
        problem + commonest + more,
        inspect
            + ", fix the extract, or raise "
            + key
            + configFile.map(p -> " in " + p).orElse(" (--set " + key + "=SHARE)"));
  }

  private static String on(RunManifest.ReasonCount r) {
    return r.column().isEmpty() ? "" : " on " + r.column();
  }

  /**
   * A share and the limit it exceeds as percentages, with the fewest decimals (at least one) that
   * show them differ: 0.000999 against 0.0009 is "0.10%" against "0.09%", not "0.1%" against
   * "0.1%".
   */
  static String[] percents(double share, double limit) {
    for (int decimals = 1; ; decimals++) {
      String a = String.format("%." + decimals + "f%%", 100 * share);
      String b = String.format("%." + decimals + "f%%", 100 * limit);
      if (!a.equals(b) || decimals == 6) {
        return new String[] {a, b};
      }
    }
  }
}

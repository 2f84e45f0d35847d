package io.proactivecare.npc.ingest;

import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.io.ParquetRows;
import io.proactivecare.npc.jobs.StepContext;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The conformed tables as a later step reads them: this run's if an earlier step ingested them,
 * else the newest published. A table whose extract is dated before the as-of date is refused:
 * nothing after an extract is known.
 */
public final class Conformed {
  private final StepContext ctx;

  private Conformed(StepContext ctx) {
    this.ctx = ctx;
  }

  public static Conformed of(StepContext ctx) {
    return new Conformed(ctx);
  }

  /** The table, which must exist; its version is noted in the manifest. */
  public Dataset<Row> required(String table) {
    return read(ctx.input(IngestStep.conformed(table)));
  }

  /** The table if the warehouse has it. */
  public Optional<Dataset<Row>> optional(String table) {
    Optional<StepContext.InputTable> t = ctx.optionalInput(IngestStep.conformed(table));
    if (t.isEmpty()) {
      ctx.note("no " + table + " in the warehouse");
      return Optional.empty();
    }
    ctx.read(t.get());
    return Optional.of(read(t.get()));
  }

  /** The extract date of the version of {@code table} that is read. */
  public String versionKey(String table) {
    return ctx.optionalInput(IngestStep.conformed(table))
        .orElseThrow(() -> new IllegalStateException(table + " was not read"))
        .versionKey();
  }

  private Dataset<Row> read(StepContext.InputTable t) {
    LocalDate asOf = ctx.asOf();
    if (LocalDate.parse(t.versionKey()).isBefore(asOf)) {
      throw Errors.usage(
          "As-of date "
              + asOf
              + " is after the extract date "
              + t.versionKey()
              + " of "
              + t.name()
              + ": nothing after an extract is known",
          "pass --as-of " + t.versionKey() + " or earlier, or ingest a newer extract");
    }
    return ParquetRows.read(ctx.spark(), t.path());
  }
}

package io.proactivecare.npc.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table's content checksum for the run manifest (docs/warehouse.md, "Content checksums"): it
 * depends on the rows and on the schema (the columns' names, types and order) and on nothing else:
 * not on how the rows are split into files or partitions, their order, compression or Parquet's
 * metadata, so two runs that wrote the same table have the same checksum however Spark laid it out.
 *
 * <p>The form is {@code SCHEMA-ROWS-CONTENT}: the first 8 hex digits of the SHA-256 of the schema
 * (Spark's {@code simpleString}, e.g. {@code struct<person_id:string,efi:double>}; nullability left
 * out), the row count, and 16 hex digits of the sum, modulo 2^64, of every row's 64-bit xxHash.
 * Each part says what differs when two checksums do. A sum rather than an exclusive or, so that a
 * row written twice counts (two equal rows cancel under an exclusive or); order-independent because
 * addition is. Collisions: two tables with different rows have the same sum with probability about
 * 2^-64 for one comparison (the hash's values are close to uniform), which is ample to tell runs
 * apart by accident; it is no defence against someone forging a table to match, which a manifest in
 * the warehouse does not need.
 */
public final class ContentChecksum {
  private ContentChecksum() {}

  /** The hash is summed in four 16-bit lanes (see {@link #ofAll}). */
  private static final int LANES = 4;

  /** The schema part: the first 8 hex digits of the SHA-256 of the schema's simple string. */
  static String schemaHash(StructType schema) {
    return Checksums.sha256Text(schema.simpleString()).substring(0, 8);
  }

  /**
   * Each row's 64-bit hash, over every column in order. Spark's {@code xxhash64} skips nulls, so a
   * null in one column and the same value in the next would hash alike: each column is preceded by
   * whether it is null. Arrays, structs and maps are hashed as their JSON text, which spells out
   * their nulls and order (Spark's hash of an array skips null elements, and maps it refuses).
   */
  static Column rowHash(StructType schema) {
    List<Column> parts = new ArrayList<>();
    for (StructField f : schema.fields()) {
      Column c = col("`" + f.name().replace("`", "``") + "`");
      parts.add(c.isNull());
      boolean nested =
          f.dataType() instanceof ArrayType
              || f.dataType() instanceof StructType
              || f.dataType() instanceof MapType;
      parts.add(nested ? to_json(c, Map.of("ignoreNullFields", "false")) : c);
    }
    // A table of no columns: every row hashes alike, and the count tells the rows apart.
    return parts.isEmpty() ? xxhash64(lit(0)) : xxhash64(parts.toArray(Column[]::new));
  }

  /**
   * {@code data} watched: the same checksum as {@link #of} of what it holds, summed as the rows go
   * by in whatever action runs over {@link Watched#data} (a write), so the written files need not
   * be read back to be summed. The rows hash alike in memory and read back from Parquet (the same
   * values, names and types).
   */
  public static Watched watch(Dataset<Row> data) {
    Observation seen = new Observation("npc_checksum_" + WATCHES.incrementAndGet());
    return new Watched(
        data.observe(seen, count(lit(1)).as("rows"), lanes(rowHash(data.schema()))),
        seen,
        schemaHash(data.schema()));
  }

  private static final java.util.concurrent.atomic.AtomicLong WATCHES =
      new java.util.concurrent.atomic.AtomicLong();

  /** A table being summed as an action reads it ({@link #watch}). */
  public record Watched(Dataset<Row> data, Observation seen, String schema) {
    /**
     * The checksum, once an action over {@link #data} has finished; empty if Spark did not report
     * it within a few seconds (the caller then sums the written files instead).
     */
    public java.util.Optional<String> checksum() {
      Row r;
      try {
        r =
            scala.concurrent.Await.result(
                seen.future(), scala.concurrent.duration.Duration.create(10, "s"));
      } catch (java.util.concurrent.TimeoutException e) {
        return java.util.Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(format(schema, r.getLong(0), total(r, 1)));
    }
  }

  /** The checksum of {@code data} as it stands (one Spark job). */
  public static String of(Dataset<Row> data) {
    return ofAll(List.of(data)).get(0);
  }

  /**
   * The checksums of several tables in one Spark job: each table's row hashes, tagged with its
   * index, unioned and summed per index.
   */
  static List<String> ofAll(List<Dataset<Row>> tables) {
    if (tables.isEmpty()) {
      return List.of();
    }
    Dataset<Row> hashes = null;
    for (int i = 0; i < tables.size(); i++) {
      Dataset<Row> t = tables.get(i);
      Dataset<Row> h = t.select(lit(i).as("table"), rowHash(t.schema()).as("hash"));
      hashes = hashes == null ? h : hashes.unionAll(h);
    }
    Map<Integer, Row> sums = new LinkedHashMap<>();
    Column[] lanes = lanes(col("hash"));
    for (Row r : hashes.groupBy("table").agg(count(lit(1)), lanes).collectAsList()) {
      sums.put(r.getInt(0), r);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < tables.size(); i++) {
      Row r = sums.get(i);
      long rows = r == null ? 0 : r.getLong(1);
      out.add(format(schemaHash(tables.get(i).schema()), rows, r == null ? 0 : total(r, 2)));
    }
    return out;
  }

  /**
   * The sum modulo 2^64 of {@code hash} as four sums of its 16-bit lanes (unsigned): each stays
   * exact in a long up to 2^47 rows (ANSI mode would fail a sum that overflowed), and Spark adds
   * longs in its fast hash map where it adds decimals row by row in a generic one.
   */
  private static Column[] lanes(Column hash) {
    Column[] lanes = new Column[LANES];
    for (int k = 0; k < LANES; k++) {
      lanes[k] = sum(shiftrightunsigned(hash, 16 * k).bitwiseAND(lit(0xFFFFL))).as("lane" + k);
    }
    return lanes;
  }

  /**
   * The lanes' sums in {@code r} from field {@code from}, shifted back and added with Java's
   * wrapping arithmetic: the sum of the hashes modulo 2^64, as unsigned or as signed values alike.
   * A lane summed over no rows is null.
   */
  private static long total(Row r, int from) {
    long total = 0;
    for (int k = 0; k < LANES; k++) {
      total += r.isNullAt(from + k) ? 0 : r.getLong(from + k) << (16 * k);
    }
    return total;
  }

  /** {@code SCHEMA-ROWS-CONTENT}, the content the sum of the row hashes modulo 2^64. */
  static String format(String schema, long rows, long sum) {
    return schema + "-" + rows + "-" + String.format(Locale.ROOT, "%016x", sum);
  }

  /**
   * The checksums of the Parquet tables in {@code folders} (name to folder), in one Spark job; a
   * folder that is not a Parquet table (no Parquet data file, or other files beside them, such as a
   * model's folder or the report's page) has none. Spark starts only if one has.
   */
  public static Map<String, String> ofFolders(
      java.util.function.Supplier<SparkSession> spark, Map<String, Path> folders) {
    List<String> names = new ArrayList<>();
    List<Dataset<Row>> tables = new ArrayList<>();
    for (Map.Entry<String, Path> e : folders.entrySet()) {
      if (ParquetRows.isTable(e.getValue())) {
        names.add(e.getKey());
        tables.add(ParquetRows.read(spark.get(), e.getValue()));
      }
    }
    List<String> sums = ofAll(tables);
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), sums.get(i));
    }
    return out;
  }

  /**
   * The short form {@code npc runs show} prints: the schema part and the first 8 digits of the
   * content part (the rows are beside it); "-" for none.
   */
  public static String shortForm(String checksum) {
    if (checksum == null || checksum.isEmpty()) {
      return "-";
    }
    String[] p = checksum.split("-");
    return p.length == 3 ? p[0] + "-" + p[2].substring(0, Math.min(8, p[2].length())) : checksum;
  }
}

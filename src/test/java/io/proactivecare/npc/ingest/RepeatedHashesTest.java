package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.proactivecare.npc.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** {@link RowValidator#repeatedHashes}: the key hashes that occur more than once, each once. */
class RepeatedHashesTest {
  private static List<Long> repeats(Long... sorted) {
    List<Long> out = new ArrayList<>();
    new RowValidator.RepeatsInOrder(List.of(sorted).iterator()).forEachRemaining(out::add);
    return out;
  }

  @Test
  void eachValueThatComesMoreThanOnceComesOnce() {
    assertEquals(List.of(), repeats());
    assertEquals(List.of(), repeats(5L));
    assertEquals(List.of(), repeats(1L, 2L, 3L));
    assertEquals(List.of(7L), repeats(7L, 7L));
    assertEquals(List.of(1L, 3L), repeats(1L, 1L, 2L, 3L, 3L, 3L, 4L));
    // Repeats at the end, and the extremes of the hash's range, negative ones included.
    assertEquals(
        List.of(Long.MIN_VALUE, -1L, Long.MAX_VALUE),
        repeats(Long.MIN_VALUE, Long.MIN_VALUE, -1L, -1L, 0L, Long.MAX_VALUE, Long.MAX_VALUE));
    Iterator<Long> none = new RowValidator.RepeatsInOrder(List.of(1L, 2L).iterator());
    assertFalse(none.hasNext());
    assertThrows(NoSuchElementException.class, none::next);
  }

  @Test
  void theHashesThatRepeatAcrossPartitionsAreFoundWhateverTheirOrder() {
    // 10,000 hashes in 7 partitions; every multiple of 97 twice more, every multiple of 1,000 once
    // more, so some repeat within a partition and some across partitions.
    List<Long> values = new ArrayList<>();
    for (long v = 0; v < 10_000; v++) {
      long h = (v * 0x9E3779B97F4A7C15L) ^ (v >>> 3);
      values.add(h);
      if (v % 97 == 0) {
        values.add(h);
        values.add(h);
      }
      if (v % 1_000 == 0) {
        values.add(h);
      }
    }
    java.util.Collections.shuffle(values, new java.util.Random(3));
    Dataset<Row> valid =
        SparkTestSession.get()
            .createDataset(values, Encoders.LONG())
            .repartition(7)
            .toDF("_key_hash");
    List<Long> found =
        RowValidator.repeatedHashes(valid).as(Encoders.LONG()).collectAsList().stream()
            .sorted()
            .toList();
    List<Long> expected = new ArrayList<>();
    for (long v = 0; v < 10_000; v++) {
      if (v % 97 == 0 || v % 1_000 == 0) {
        expected.add((v * 0x9E3779B97F4A7C15L) ^ (v >>> 3));
      }
    }
    expected.sort(null);
    assertEquals(expected, found);
  }
}

package io.proactivecare.npc.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The most heap in use during a span, from the collections' reports. */
class HeapPeakTest {
  private static final int MB = 1 << 20;

  /**
   * 256 MB held and let go between two readings: neither reading sees it, only the collection that
   * frees it, whose report names what it found before freeing.
   */
  @Test
  void aHighBetweenTheReadingsIsSeenByTheCollectionThatEndsIt() throws InterruptedException {
    System.gc();
    long atStart;
    long held;
    try (HeapPeak peak = HeapPeak.start()) {
      atStart = heapInUse();
      byte[] block = new byte[256 * MB];
      block[block.length - 1] = 1;
      held = block[block.length - 1];
      block = null;
      System.gc();
      long after = heapInUse();
      // Collections are reported on their own thread: wait for the report, a few seconds at most.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (peak.bytes() < Math.max(atStart, after) + 200L * MB && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(
          peak.bytes() >= Math.max(atStart, after) + 200L * MB,
          "peak "
              + peak.bytes() / MB
              + " MB against "
              + atStart / MB
              + " MB at the start and "
              + after / MB
              + " MB after");
      assertEquals((peak.bytes() + MB - 1) / MB, peak.mebibytes());
      // A collection ran, and what it left is no more than what it found.
      assertTrue(peak.afterCollectionBytes().isPresent());
      assertTrue(peak.afterCollectionBytes().getAsLong() > 0);
      assertTrue(peak.afterCollectionBytes().getAsLong() <= peak.bytes());
    }
    assertEquals(1, held);
  }

  /** Once closed, later collections change nothing: 256 MB held through one is not seen. */
  @Test
  void aClosedWatchHearsNoMore() throws InterruptedException {
    System.gc();
    HeapPeak peak = HeapPeak.start();
    System.gc();
    peak.close();
    long seen = peak.afterCollectionBytes().orElse(-1);
    byte[] block = new byte[256 * MB];
    block[block.length - 1] = 1;
    System.gc();
    Thread.sleep(300);
    assertEquals(1, block[block.length - 1]);
    assertEquals(seen, peak.afterCollectionBytes().orElse(-1));
    assertTrue(seen < 256L * MB, "after the first collection " + seen / MB + " MB");
  }

  /** With no collection during the watch there is no figure after one (not a 0). */
  @Test
  void noCollectionNoFigureAfterOne() {
    long before = collections();
    try (HeapPeak peak = HeapPeak.start()) {
      java.util.OptionalLong after = peak.afterCollectionBytes();
      // Tests run beside others: judge only when no collection ran meanwhile.
      if (collections() == before) {
        assertTrue(after.isEmpty(), String.valueOf(after));
        assertEquals(null, peak.afterCollectionMebibytes());
      }
    }
  }

  private static long collections() {
    long n = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        ManagementFactory.getGarbageCollectorMXBeans()) {
      n += gc.getCollectionCount();
    }
    return n;
  }

  @Test
  void onlyTheHeapPoolsOfAReportAreAdded() {
    Map<String, MemoryUsage> report = new HashMap<>();
    long heap = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      long used = p.getType() == MemoryType.HEAP ? 10L * MB : 1L * MB;
      report.put(p.getName(), new MemoryUsage(0, used, used, -1));
      heap += p.getType() == MemoryType.HEAP ? used : 0;
    }
    try (HeapPeak peak = HeapPeak.start()) {
      assertTrue(heap > 0);
      assertEquals(heap, peak.used(report));
    }
  }

  private static long heapInUse() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

package io.proactivecare.npc.jobs;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The most Java heap this JVM held while a step ran: the driver's and, in Spark's local mode, the
 * executors' too (they share the JVM); on a cluster the executors' heaps are their own and not in
 * it.
 *
 * <p>Heap in use only grows between collections, so its highs are the moments just before each one:
 * every collection reports the heap it found and the heap it left ({@link
 * GarbageCollectionNotificationInfo}), and the heap in use is read at the start and at the end as
 * well. Nothing is sampled, so no high is missed between samples and nothing runs while no
 * collection does.
 *
 * <p>Two figures: the most heap in use (what the JVM took, garbage not yet collected included: with
 * room to spare it collects late, so this follows the heap's size as much as the step's needs, and
 * in a step during which nothing was collected it holds what earlier steps left), and the most left
 * in use after a collection (the data the step held, with what a partial collection left for later:
 * nearer what the step needed, and above it; none when nothing was collected during the step).
 *
 * <p>Collections are reported on a thread of their own, shortly after they end: one that began
 * before the watch started is not counted, and closing the watch waits briefly for the reports of
 * collections that have ended.
 */
public final class HeapPeak implements AutoCloseable {
  /** How long a reading waits for reports of collections that have already run. */
  private static final long REPORT_WAIT_MS = 500;

  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong afterCollection = new AtomicLong(-1);
  private final AtomicLong reported = new AtomicLong();
  private final long startedAt;
  private final long collectionsAtStart;
  private final Set<String> heapPools;
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::collected;

  private HeapPeak() {
    heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    startedAt = ManagementFactory.getRuntimeMXBean().getUptime();
    collectionsAtStart = collections();
    seen(heapInUse());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter e) {
        e.addNotificationListener(listener, null, null);
        emitters.add(e);
      }
    }
  }

  /** Starts watching: the heap in use now is the first high. */
  public static HeapPeak start() {
    return new HeapPeak();
  }

  /**
   * The highest heap in use seen so far, with the heap in use now, in bytes. Final once {@link
   * #close closed}: read the figures of a step after closing its watch.
   */
  public long bytes() {
    seen(heapInUse());
    return peak.get();
  }

  /** {@link #bytes()} in whole MiB, rounded up. */
  public long mebibytes() {
    return mib(bytes());
  }

  /** The most heap left in use after a collection, in bytes; empty when none was reported. */
  public java.util.OptionalLong afterCollectionBytes() {
    long after = afterCollection.get();
    return after < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(after);
  }

  /** {@link #afterCollectionBytes()} in whole MiB, rounded up; null when none was reported. */
  public Long afterCollectionMebibytes() {
    java.util.OptionalLong after = afterCollectionBytes();
    return after.isPresent() ? mib(after.getAsLong()) : null;
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  /** Waits for the reports of the collections already run (once), then stops listening. */
  @Override
  public void close() {
    awaitReports();
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException ignored) {
        // Already gone: nothing to remove.
      }
    }
    emitters.clear();
  }

  /**
   * Waits, briefly, until every collection run since the start has been reported (a report that
   * began before the start is not counted, so the wait is for at most as many as ran).
   */
  private void awaitReports() {
    if (emitters.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + REPORT_WAIT_MS * 1_000_000;
    while (reported.get() < collections() - collectionsAtStart && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private void collected(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    com.sun.management.GcInfo gc =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
    // A collection that began before the watch started belongs to what came before.
    if (gc.getStartTime() >= startedAt) {
      afterCollection.accumulateAndGet(used(gc.getMemoryUsageAfterGc()), Math::max);
      seen(used(gc.getMemoryUsageBeforeGc()));
    }
    reported.incrementAndGet();
  }

  /** The heap pools' use in a collection's report. */
  long used(Map<String, MemoryUsage> pools) {
    long sum = 0;
    for (Map.Entry<String, MemoryUsage> p : pools.entrySet()) {
      if (heapPools.contains(p.getKey())) {
        sum += p.getValue().getUsed();
      }
    }
    return sum;
  }

  private static long heapInUse() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private void seen(long bytes) {
    peak.accumulateAndGet(bytes, Math::max);
  }
}

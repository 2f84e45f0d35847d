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
 * room to spare it collects late, so this follows the heap's size as much as the step's needs), and
 * the most left in use after a collection (the data the step held, with what a partial collection
 * left for later: nearer what the step needed, and above it).
 */
public final class HeapPeak implements AutoCloseable {
  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong afterCollection = new AtomicLong();
  private final Set<String> heapPools;
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::collected;

  private HeapPeak() {
    heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
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

  /** The highest heap in use seen so far, with the heap in use now, in bytes. */
  public long bytes() {
    seen(heapInUse());
    return peak.get();
  }

  /** {@link #bytes()} in whole MiB, rounded up. */
  public long mebibytes() {
    return mib(bytes());
  }

  /** The most heap left in use after a collection, in bytes; 0 when none ran. */
  public long afterCollectionBytes() {
    return afterCollection.get();
  }

  /** {@link #afterCollectionBytes()} in whole MiB, rounded up. */
  public long afterCollectionMebibytes() {
    return mib(afterCollectionBytes());
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException ignored) {
        // Already gone: nothing to remove.
      }
    }
    emitters.clear();
  }

  private void collected(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    com.sun.management.GcInfo gc =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
    seen(used(gc.getMemoryUsageBeforeGc()));
    afterCollection.accumulateAndGet(used(gc.getMemoryUsageAfterGc()), Math::max);
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

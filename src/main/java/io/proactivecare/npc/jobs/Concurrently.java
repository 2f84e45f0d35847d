package io.proactivecare.npc.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Work on several items at once, as a step does when its parts are independent Spark jobs (the
 * ingest of tables that only read the references). Every item is finished before it returns, so
 * nothing is still writing when a step fails; the results, and the failure reported, follow the
 * items' order, not the order they finished in.
 */
public final class Concurrently {
  private Concurrently() {}

  /**
   * {@code work} applied to each item, at most {@code threads} at a time (1: one after another on
   * the calling thread). When any fails, the failure of the first failing item is thrown once all
   * have finished.
   */
  public static <T, R> List<R> map(List<T> items, int threads, Function<T, R> work) {
    return map(items, threads, item -> 1, work);
  }

  /**
   * {@code work} applied to each item, each taking {@code slots(item)} of {@code threads} slots (at
   * least 1, at most all) while it runs, and started in the items' order as slots come free: an
   * item that keeps every core busy on its own (a table in many parts) runs alone, small ones run
   * together. Every item's slots are worked out before any starts. Failures as in {@link #map(List,
   * int, Function)}.
   */
  public static <T, R> List<R> map(
      List<T> items, int threads, ToIntFunction<T> slots, Function<T, R> work) {
    if (threads <= 1 || items.size() <= 1) {
      return items.stream().map(work).toList();
    }
    int[] taken =
        items.stream().mapToInt(i -> Math.max(1, Math.min(threads, slots.applyAsInt(i)))).toArray();
    // Taken on this thread, item after item, so items start in order; each gives its slots back
    // when it ends, failed or not.
    Semaphore free = new Semaphore(threads);
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(threads, items.size()),
            r -> {
              Thread t = new Thread(r, "npc-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        T item = items.get(i);
        int k = taken[i];
        free.acquireUninterruptibly(k);
        futures.add(
            pool.submit(
                () -> {
                  try {
                    return work.apply(item);
                  } finally {
                    free.release(k);
                  }
                }));
      }
      List<R> out = new ArrayList<>();
      RuntimeException first = null;
      Error firstError = null;
      for (Future<R> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (first == null && firstError == null) {
            if (cause instanceof Error err) {
              firstError = err;
            } else if (cause instanceof RuntimeException re) {
              first = re;
            } else {
              first = new IllegalStateException(cause);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          pool.shutdownNow();
          throw new IllegalStateException("interrupted while waiting for concurrent work", e);
        }
      }
      if (firstError != null) {
        throw firstError;
      }
      if (first != null) {
        throw first;
      }
      return out;
    } finally {
      pool.shutdown();
    }
  }
}

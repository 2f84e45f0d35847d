package io.proactivecare.npc.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrentlyTest {
  @Test
  void resultsFollowTheItemsOrderWhateverOrderTheyFinishIn() {
    // The first item waits until the last has finished, so they cannot finish in order.
    CountDownLatch lastDone = new CountDownLatch(1);
    List<Integer> out =
        Concurrently.map(
            List.of(1, 2, 3),
            3,
            i -> {
              if (i == 1) {
                await(lastDone);
              }
              if (i == 3) {
                lastDone.countDown();
              }
              return i * 10;
            });
    assertEquals(List.of(10, 20, 30), out);
  }

  @Test
  void runsAtMostTheGivenNumberAtOnce() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Concurrently.map(
        List.of(1, 2, 3, 4, 5, 6),
        2,
        i -> {
          threads.add(Thread.currentThread().getName());
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          sleep(30);
          running.decrementAndGet();
          return i;
        });
    assertEquals(2, most.get());
    assertEquals(2, threads.size());
  }

  @Test
  void oneThreadRunsOnTheCallersThreadInOrder() {
    String caller = Thread.currentThread().getName();
    assertEquals(
        List.of(caller, caller),
        Concurrently.map(List.of(1, 2), 1, i -> Thread.currentThread().getName()));
  }

  @Test
  void theFirstFailureInItemOrderIsThrownOnceEveryItemHasFinished() {
    // Item 3 fails at once; item 2 fails later; item 4 is slow and must still finish.
    AtomicInteger finished = new AtomicInteger();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Concurrently.map(
                    List.of(1, 2, 3, 4),
                    4,
                    i -> {
                      if (i == 2) {
                        sleep(100);
                        throw new IllegalArgumentException("item 2");
                      }
                      if (i == 3) {
                        throw new IllegalArgumentException("item 3");
                      }
                      if (i == 4) {
                        sleep(200);
                      }
                      finished.incrementAndGet();
                      return i;
                    }));
    assertEquals("item 2", e.getMessage());
    assertEquals(2, finished.get(), "items 1 and 4 finished before the failure was thrown");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the last item never finished");
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}

package io.proactivecare.npc.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                awaitOrFail(lastDone, "the last item never finished");
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

  /**
   * Items taking every slot run alone, the others together, in the items' order: with 2 slots, the
   * small items 1 and 2 run together (each waits until the other has started), the large item 3
   * starts alone once both have ended, and the small items 4 and 5 once it has.
   */
  @Test
  void anItemTakingEverySlotRunsAlone() {
    AtomicInteger running = new AtomicInteger();
    List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    CountDownLatch smallTogether = new CountDownLatch(2);
    Concurrently.map(
        List.of(1, 2, 3, 4, 5),
        2,
        i -> i == 3 ? 20 : 1,
        i -> {
          log.add("start " + i + " with " + running.incrementAndGet());
          if (i <= 2) {
            smallTogether.countDown();
            awaitOrFail(smallTogether, "items 1 and 2 never ran together: " + log);
          }
          if (i == 3) {
            sleep(50); // long enough for a small item to start beside it, were that allowed
          }
          log.add("end " + i);
          running.decrementAndGet();
          return i;
        });
    int start3 = log.indexOf("start 3 with 1");
    assertTrue(start3 > log.indexOf("end 1") && start3 > log.indexOf("end 2"), log.toString());
    int end3 = log.indexOf("end 3");
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith("start 4") || log.get(i).startsWith("start 5")) {
        assertTrue(i > end3, log.toString());
      }
    }
  }

  /** A slots function that fails, fails the call before any item has started. */
  @Test
  void everyItemsSlotsAreWorkedOutBeforeAnyStarts() {
    AtomicInteger started = new AtomicInteger();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Concurrently.map(
                    List.of(1, 2, 3),
                    2,
                    i -> {
                      if (i == 3) {
                        throw new IllegalStateException("slots of 3");
                      }
                      return 1;
                    },
                    i -> started.incrementAndGet()));
    assertEquals("slots of 3", e.getMessage());
    assertEquals(0, started.get());
  }

  private static void awaitOrFail(CountDownLatch latch, String message) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError(message);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(message, e);
    }
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

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}

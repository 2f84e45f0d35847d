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

  /**
   * Items taking every slot run alone, the others together, in the items' order: with 2 slots, the
   * two small items 1 and 2 overlap, the large item 3 starts only once both have finished, and the
   * small items 4 and 5 only once it has.
   */
  @Test
  void anItemTakingEverySlotRunsAlone() {
    AtomicInteger running = new AtomicInteger();
    List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    AtomicInteger mostWithSmall = new AtomicInteger();
    Concurrently.map(
        List.of(1, 2, 3, 4, 5),
        2,
        i -> i == 3 ? 20 : 1,
        i -> {
          int now = running.incrementAndGet();
          log.add("start " + i + " with " + now);
          if (i != 3) {
            mostWithSmall.accumulateAndGet(now, Math::max);
          }
          sleep(i == 3 ? 60 : 40);
          running.decrementAndGet();
          log.add("end " + i);
          return i;
        });
    assertEquals(2, mostWithSmall.get(), log.toString());
    assertEquals(
        true, log.contains("start 3 with 1"), "the large item ran alone: " + log.toString());
    int start3 = log.indexOf("start 3 with 1");
    assertEquals(
        true, log.indexOf("end 1") < start3 && log.indexOf("end 2") < start3, log.toString());
    int end3 = log.indexOf("end 3");
    for (String s : log) {
      if (s.startsWith("start 4") || s.startsWith("start 5")) {
        assertEquals(true, log.indexOf(s) > end3, log.toString());
      }
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

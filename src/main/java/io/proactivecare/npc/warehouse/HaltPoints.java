package io.proactivecare.npc.warehouse;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test hook for kill tests of publishing (docs/warehouse.md, "The publish area"). Every file
 * operation of a delivery and a catalog publish that changes what is on disk first passes a named
 * point. Started with {@code -Dnpc.test.halt-at=N}, the process halts at the Nth point it reaches,
 * with {@link Runtime#halt}: no finally blocks, no shutdown hooks, open files left as they are, as
 * abrupt for the file system as SIGKILL. Without the property a point costs one comparison.
 */
final class HaltPoints {
  static final String PROPERTY = "npc.test.halt-at";

  /** The exit status of a halted process, as of one killed by SIGKILL (128 + 9). */
  static final int STATUS = 137;

  private static final int AT = Integer.getInteger(PROPERTY, 0);
  private static final AtomicInteger REACHED = new AtomicInteger();

  private HaltPoints() {}

  /** Halts the process here if this is the point the test chose. */
  static void reached(String name) {
    if (AT > 0 && REACHED.incrementAndGet() == AT) {
      // The test reads which point it killed from the child's standard error.
      System.err.println("npc.test: halted at point " + AT + ": " + name);
      System.err.flush();
      Runtime.getRuntime().halt(STATUS);
    }
  }
}

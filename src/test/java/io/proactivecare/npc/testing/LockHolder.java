package io.proactivecare.npc.testing;

import io.proactivecare.npc.jobs.JobLock;
import java.nio.file.Path;

/**
 * Takes a job's lock in its own JVM and holds it until killed, for tests of a lock left by a dead
 * process. Arguments: WAREHOUSE JOB. Prints "locked" once it holds the lock.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws InterruptedException {
    JobLock.acquire(Path.of(args[0]), args[1], "a test holding the lock", said -> {});
    System.out.println("locked");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

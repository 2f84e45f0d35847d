package io.proactivecare.npc.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/npc-cluster start's wait for a daemon, with stand-ins for the daemons (issue 15 item 22): the
 * launched process is not yet the daemon for a moment (the background shell has not exec'ed java),
 * which once made start report "the master exited" with an empty log.
 */
class ClusterStartTest {
  /**
   * A daemon whose process takes a second to become the master (to exec a command line naming
   * org.apache.spark.deploy.master.Master), then logs that it leads: start waits for it.
   */
  @Test
  void waitsForADaemonThatIsStillStarting(@TempDir Path dir) throws Exception {
    Result r =
        wait(
            dir,
            "sleep 1; exec bash -c 'echo I have been elected leader >&2; while :; do sleep 0.2; done'"
                + " \"org.apache.spark.deploy.$0.Master\"");
    assertEquals(0, r.code, r.out);
    assertTrue(r.out.contains("recognised as the master"), r.out);
  }

  /** A daemon that dies is reported at once, with its log. */
  @Test
  void reportsADaemonThatExits(@TempDir Path dir) throws Exception {
    Result r = wait(dir, "echo 'Address already in use' >&2; exit 1");
    assertEquals(1, r.code, r.out);
    assertTrue(r.out.contains("npc-cluster: the master exited"), r.out);
    assertTrue(r.out.contains("Address already in use"), r.out);
  }

  private record Result(int code, String out) {}

  /** Sources bin/npc-cluster, launches SCRIPT as the master and waits for its leader line. */
  private static Result wait(Path dir, String script) throws Exception {
    String bash =
        """
        source "$1"; run_dir="$2"; start_timeout=20
        launch_command master bash -c "$3" master
        rc=0; wait_for_line master "elected leader" || rc=$?
        pid_of master >/dev/null && echo "recognised as the master"
        kill "$(cat "$run_dir/master.pid")" 2>/dev/null || true
        exit $rc
        """;
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                bash,
                "bash",
                Npc.HOME.resolve("bin/npc-cluster").toString(),
                dir.toString(),
                script)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    return new Result(p.exitValue(), out);
  }
}

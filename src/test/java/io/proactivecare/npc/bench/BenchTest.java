package io.proactivecare.npc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's verdict on a run: which commands failed, so that it exits 1 and says so. */
class BenchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyCommandThatDidNotExitZeroIsNamedWithItsLog() throws Exception {
    JsonNode results =
        JSON.readTree(
            """
            {"sizes": [
              {"people": 1000,
               "jobs": [{"job": "nightly", "exit_code": 0, "log": "n.log"},
                        {"job": "evaluation", "exit_code": 4, "log": "e.log"}],
               "engine_as_peer": [{"job": "frailty", "exit_code": 0, "log": "f.log"}],
               "peer": {"exit_code": 1, "log": "p.log"}},
              {"people": 2000,
               "jobs": [{"job": "nightly", "exit_code": 0, "log": "n2.log"}]}
            ]}
            """);
    assertEquals(
        List.of(
            "1,000 people, evaluation: exit 4 (log e.log)",
            "1,000 people, DuckDB peer: exit 1 (log p.log)"),
        Bench.failures(results));
  }

  @Test
  void aRunWhoseCommandsAllRanHasNoFailures() throws Exception {
    JsonNode results =
        JSON.readTree(
            """
            {"sizes": [{"people": 1000,
              "jobs": [{"job": "nightly", "exit_code": 0}],
              "engine_as_peer": [{"job": "features", "exit_code": 0}],
              "peer": {"exit_code": 0}}]}
            """);
    assertEquals(List.of(), Bench.failures(results));
  }
}

package io.proactivecare.npc.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** At run time a step reads only its declared inputs, and nothing a step it does not need wrote. */
class StepReadsTest {
  private final StepContext.Reads cohort =
      new StepContext.Reads(
          "cohort",
          List.of("risk/scores", "conformed/*"),
          Map.of("frailty/efi", "frailty", "risk/scores", "risk"));

  @Test
  void declaredInputsAreRead() {
    cohort.check("conformed/gp_events");
  }

  @Test
  void anUndeclaredTableIsRefusedNamingTheStepAndItsInputs() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> cohort.check("frailty/efi"));
    assertEquals(
        "step 'cohort' read table 'frailty/efi', which is not among its declared inputs"
            + " (risk/scores, conformed/*): a step reads only what its kind declares (Step.inputs)",
        e.getMessage());
    // '*' stands for one whole segment.
    assertThrows(IllegalStateException.class, () -> cohort.check("conformed/gp_events/x"));
  }

  @Test
  void aTableAStepNotNeededWroteIsRefused() {
    NpcException e = assertThrows(NpcException.class, () -> cohort.check("risk/scores"));
    assertEquals(ExitCode.USAGE, e.exitCode());
    assertTrue(
        e.getMessage().contains("which step 'risk' of this run wrote, but it does not need 'risk'"),
        e.getMessage());
  }
}

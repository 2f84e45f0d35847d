package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.QualitySettings;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The quality gate's decision and its numbers, without Spark (issue 15 items 9 and 14). */
class QualityGateTest {
  @Test
  void anEmptyTablePassesOnlyWhenAllowed() {
    QualitySettings q = new QualitySettings(0.05, Map.of("gp_events", 0.5), Set.of("enrolments"));
    assertFalse(q.passes("gp_events", 0, 0));
    assertTrue(q.passes("enrolments", 0, 0));
    assertTrue(q.passes("gp_events", 2, 1), "1 of 2 is within gp_events' 50%");
    assertFalse(q.passes("apc_spells", 20, 2), "2 of 20 = 10% is above 5%");
    assertTrue(q.passes("apc_spells", 20, 1), "1 of 20 = 5% is the limit itself");
  }

  @Test
  void sharesShowEnoughDecimalsToDifferFromTheLimit() {
    assertArrayEquals(new String[] {"50.0%", "5.0%"}, IngestStep.percents(0.5, 0.05));
    assertArrayEquals(new String[] {"0.10%", "0.09%"}, IngestStep.percents(1 / 1001.0, 0.0009));
    assertArrayEquals(new String[] {"0.1001%", "0.1000%"}, IngestStep.percents(0.001001, 0.001));
  }
}

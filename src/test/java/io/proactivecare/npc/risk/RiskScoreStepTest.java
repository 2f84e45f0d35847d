package io.proactivecare.npc.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which published scores name the model that was current at a backfilled date. */
class RiskScoreStepTest {
  private static final LocalDate JAN = LocalDate.of(2025, 1, 31);
  private static final LocalDate FEB = LocalDate.of(2025, 2, 28);
  private static final LocalDate MAR = LocalDate.of(2025, 3, 31);
  private static final List<LocalDate> SCORED = List.of(MAR, JAN, FEB);

  @Test
  void aDateBeforeTheNewestScoresTakesTheModelOfTheNewestScoresOnOrBeforeIt() {
    assertEquals(Optional.of(FEB), RiskScoreStep.backfillOf(LocalDate.of(2025, 3, 15), SCORED));
    assertEquals(Optional.of(FEB), RiskScoreStep.backfillOf(FEB, SCORED), "a scored date again");
    assertEquals(Optional.of(JAN), RiskScoreStep.backfillOf(LocalDate.of(2025, 2, 27), SCORED));
  }

  @Test
  void theNewestScoredDateOrALaterOneIsNoBackfill() {
    assertEquals(Optional.empty(), RiskScoreStep.backfillOf(MAR, SCORED), "today again");
    assertEquals(Optional.empty(), RiskScoreStep.backfillOf(LocalDate.of(2025, 4, 1), SCORED));
    assertEquals(Optional.empty(), RiskScoreStep.backfillOf(MAR, List.of()), "nothing scored");
  }

  @Test
  void beforeTheFirstScoresNoModelWasCurrent() {
    assertEquals(Optional.empty(), RiskScoreStep.backfillOf(LocalDate.of(2025, 1, 30), SCORED));
  }
}

package io.proactivecare.npc.config;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * How the proactive-care cohort is selected and compared with the previous run (docs/cohort.md).
 *
 * @param share the highest-risk share of the eligible population selected (0.05: the top 5%)
 * @param scope {@code area} (one ranking across the whole area) or {@code pcn} (each PCN selects
 *     its own share)
 * @param minAge people younger than this at the as-of date are not eligible
 * @param exclude the exclusions applied: {@code care_home}, {@code palliative_care}
 * @param palliativeCodelist the palliative care codelist (PALCARE_COD and PALCARENI_COD)
 * @param palliativeSince palliative care codes dated before this do not place a person on the
 *     register (the QOF date threshold)
 * @param stayShare stickiness: a member of the previous cohort stays while still eligible and
 *     ranked within this wider share; 0 turns stickiness off
 * @param risingPoints rising risk: the risk percentile rose by at least this many points since the
 *     previous run
 * @param ageBands lower bounds of the age bands the cohort's make-up is reported by
 * @param reidentification this installation's re-identification route, added under "Finding the
 *     people" on every PCN list (README and workbook); empty for the general text alone
 */
public record CohortSettings(
    double share,
    String scope,
    int minAge,
    Set<String> exclude,
    Path palliativeCodelist,
    LocalDate palliativeSince,
    double stayShare,
    double risingPoints,
    List<Integer> ageBands,
    String reidentification) {
  public static final String AREA = "area";
  public static final String PCN = "pcn";
  public static final String CARE_HOME = "care_home";
  public static final String PALLIATIVE_CARE = "palliative_care";
  public static final Set<String> EXCLUSIONS = Set.of(CARE_HOME, PALLIATIVE_CARE);

  public CohortSettings {
    exclude = Set.copyOf(exclude);
    ageBands = List.copyOf(ageBands);
  }

  /** Whether stickiness is on: members stay until they fall outside {@link #stayShare}. */
  public boolean sticky() {
    return stayShare > share;
  }
}

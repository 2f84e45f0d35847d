package io.proactivecare.npc.config;

import java.util.List;
import java.util.Map;

/**
 * Counting rules of the person features (docs/features.md), each a configuration key.
 *
 * @param windowDays "in the last 12 months": events dated from the date minus this many days plus
 *     one, up to the date (365: exactly 365 days including the date)
 * @param longWindowDays the longer window, for emergency admissions in 36 months (1095)
 * @param recentWindowDays the short window of recent emergency admissions, ending on the date (90)
 * @param recencyCapDays "days since last ..." when there is none this many days back: this value
 * @param imdVintage which deprivation index to use (IMD2019 or IoD2025)
 * @param aeDepartmentTypes A&E department types that count as attendances (01-04)
 * @param aeCategories A&E attendance categories that count (1-3, unplanned)
 * @param opAttendedStatuses outpatient attendance statuses that are attendances (5, 6)
 * @param opDnaStatuses outpatient attendance statuses that are did-not-attends (3; 7 optionally)
 * @param longTermConditions the eFI deficits counted as long-term conditions
 * @param costFrequencies social care cost frequency to weeks' fraction (Weekly 1, Monthly 12/52);
 *     any other frequency multiplies the unit cost by the planned units per week
 */
public record FeatureSettings(
    int windowDays,
    int longWindowDays,
    int recentWindowDays,
    int recencyCapDays,
    String imdVintage,
    List<String> aeDepartmentTypes,
    List<String> aeCategories,
    List<String> opAttendedStatuses,
    List<String> opDnaStatuses,
    List<String> longTermConditions,
    Map<String, Double> costFrequencies) {
  public FeatureSettings {
    aeDepartmentTypes = List.copyOf(aeDepartmentTypes);
    aeCategories = List.copyOf(aeCategories);
    opAttendedStatuses = List.copyOf(opAttendedStatuses);
    opDnaStatuses = List.copyOf(opDnaStatuses);
    longTermConditions = List.copyOf(longTermConditions);
    costFrequencies = Map.copyOf(costFrequencies);
  }
}

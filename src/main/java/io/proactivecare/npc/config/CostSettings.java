package io.proactivecare.npc.config;

/**
 * Unit costs in whole pounds for the cost of care (docs/cohort.md). Social care is costed from each
 * package's own weekly cost. The defaults are illustrative: set them from the local tariff or the
 * National Cost Collection.
 *
 * @param emergencyBedDay per unplanned (emergency) bed day
 * @param electiveAdmission per elective ordinary admission
 * @param dayCase per day case
 * @param aeAttendance per A&E attendance
 * @param outpatientAttendance per attended outpatient appointment
 */
public record CostSettings(
    double emergencyBedDay,
    double electiveAdmission,
    double dayCase,
    double aeAttendance,
    double outpatientAttendance) {}

package io.proactivecare.npc.config;

import java.time.MonthDay;

/**
 * How the registered population at a date is taken (docs/population.md).
 *
 * @param assumedBirthday extracts carry only the year of birth; ages are whole years at the date,
 *     taking this day of that year as the birthday
 */
public record PopulationSettings(MonthDay assumedBirthday) {}

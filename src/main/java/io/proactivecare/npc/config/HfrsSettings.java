package io.proactivecare.npc.config;

import java.nio.file.Path;

/**
 * Options of the Hospital Frailty Risk Score (docs/frailty.md).
 *
 * @param codelist the ICD-10 three-character codes and their points
 * @param lookbackDays spells admitted this many days before the date, up to the date, count
 * @param requireDischarge count only spells discharged on or before the date (their diagnoses are
 *     coded at discharge, so an open spell's are not known yet)
 */
public record HfrsSettings(Path codelist, int lookbackDays, boolean requireDischarge) {}

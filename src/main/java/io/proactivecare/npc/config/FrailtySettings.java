package io.proactivecare.npc.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Options of the Electronic Frailty Index (docs/frailty.md).
 *
 * @param deficits the 36 deficits: number and name (the codelists and value rules name these)
 * @param codelists per coding system of gp_events (SNOMED, CTV3, READ2), its deficit codelist
 * @param valueRules numeric rules that mark a deficit present (e.g. eGFR below 60)
 * @param polypharmacy how the polypharmacy deficit is decided
 * @param minAge people younger than this at the date get no eFI
 * @param validatedMinAge youngest age the eFI is validated for; younger people are flagged
 * @param validatedMaxAge oldest age the eFI is validated for; older people are flagged
 * @param trajectoryQuarters how many quarter ends a trajectory spans, ending at the as-of date
 */
public record FrailtySettings(
    Path deficits,
    Map<String, Path> codelists,
    Path valueRules,
    Polypharmacy polypharmacy,
    int minAge,
    int validatedMinAge,
    int validatedMaxAge,
    int trajectoryQuarters) {
  public FrailtySettings {
    codelists = Map.copyOf(codelists);
  }

  /**
   * The polypharmacy rule: at least {@code minMedicines} distinct medicines, counted by {@code
   * countBy}, issued in the {@code lookbackDays} days up to the date (both ends included).
   *
   * @param countBy {@code substance} (BNF chemical substance, the first 9 characters of the BNF
   *     code; the dm+d code when there is no BNF code) or {@code medicine_code} (dm+d code)
   */
  public record Polypharmacy(String countBy, int minMedicines, int lookbackDays) {
    public static final String SUBSTANCE = "substance";
    public static final String MEDICINE_CODE = "medicine_code";
  }
}

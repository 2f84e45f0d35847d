package io.proactivecare.npc.synth;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Injects data faults into one person's rows at the configured rate, from the person's own random
 * stream, and records each fault as a truth row (table, fault, reason, person).
 */
final class FaultInjector {
  private final SynthParams params;

  FaultInjector(SynthParams params) {
    this.params = params;
  }

  /**
   * Applies faults to the person's rows, table by table in {@link ExtractWriter#PERSON_TABLES}
   * order, and returns the truth rows of the faults injected.
   */
  List<String> inject(long index, String personId, Map<String, List<String>> rows) {
    List<String> truth = new ArrayList<>();
    if (params.faultRate() <= 0) {
      return truth;
    }
    SplittableRandom r = Seeds.stream(params.seed(), Seeds.Aspect.FAULTS, index);
    for (Map.Entry<String, List<String>> table : rows.entrySet()) {
      List<Fault> kinds = new ArrayList<>();
      for (Fault f : Fault.values()) {
        if (f.table().equals(table.getKey())) {
          kinds.add(f);
        }
      }
      if (kinds.isEmpty()) {
        continue;
      }
      List<String> lines = table.getValue();
      int clean = lines.size();
      // At most one fault a row, so each faulty row fails exactly one rule.
      for (int i = 0; i < lines.size(); i++) {
        if (r.nextDouble() >= params.faultRate()) {
          continue;
        }
        Fault fault = kinds.get(r.nextInt(kinds.size()));
        // A person keeps at least one clean registration, or every other row would be unknown too.
        if (fault == Fault.UNKNOWN_PRACTICE && clean < 2) {
          continue;
        }
        String[] f = lines.get(i).split(",", -1);
        switch (fault) {
          case MALFORMED_DATE -> f[1] = "2024-02-30";
          case FUTURE_DATE -> f[1] = params.asOf().plusDays(1 + r.nextInt(400)).toString();
          case WRONG_FORM_CODE -> f[2] = "0" + f[2];
          case PERSON_NOT_REGISTERED ->
              f[0] = Seeds.personId(params.seed(), params.people() + index);
          case DISCHARGE_BEFORE_ADMISSION -> {
            if (f[3].isEmpty()) {
              continue;
            }
            f[3] = LocalDate.parse(f[2]).minusDays(1 + r.nextInt(5)).toString();
          }
          case MALFORMED_ARRIVAL -> {
            LocalDate d = LocalDate.parse(f[2]);
            f[2] =
                String.format("%02d/%02d/%04d", d.getDayOfMonth(), d.getMonthValue(), d.getYear());
          }
          case UNKNOWN_PRACTICE -> f[1] = "B99999";
          case NEGATIVE_COST -> f[6] = "-" + f[6];
          case DUPLICATE_ISSUE, DUPLICATE_APPOINTMENT -> {
            lines.add(i + 1, lines.get(i));
            truth.add(String.join(",", fault.table(), fault.name(), fault.reason(), personId));
            i++; // the copy is the faulty row; never fault it again
            continue;
          }
          default -> throw new IllegalStateException("unhandled fault " + fault);
        }
        lines.set(i, String.join(",", f));
        clean--;
        truth.add(String.join(",", fault.table(), fault.name(), fault.reason(), personId));
      }
    }
    return truth;
  }
}

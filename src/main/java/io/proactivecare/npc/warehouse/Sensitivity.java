package io.proactivecare.npc.warehouse;

import com.fasterxml.jackson.annotation.JsonValue;

/** How far an output may travel (docs/cli.md, "patient_level" and "aggregate" outputs). */
public enum Sensitivity {
  /** Person-level rows: stay in the warehouse; per-PCN lists go only to that PCN. */
  PATIENT_LEVEL("patient_level"),
  /** Aggregates: may be shared, after disclosure control. */
  AGGREGATE("aggregate");

  private final String label;

  Sensitivity(String label) {
    this.label = label;
  }

  @JsonValue
  public String label() {
    return label;
  }

  public static java.util.Optional<Sensitivity> ofLabel(String label) {
    for (Sensitivity s : values()) {
      if (s.label.equals(label)) {
        return java.util.Optional.of(s);
      }
    }
    return java.util.Optional.empty();
  }
}

package io.proactivecare.npc.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The step kinds a job may name. */
public final class StepRegistry {
  private final Map<String, StepKind> kinds = new LinkedHashMap<>();

  public StepRegistry register(StepKind kind) {
    if (kinds.putIfAbsent(kind.name(), kind) != null) {
      throw new IllegalArgumentException("step kind registered twice: " + kind.name());
    }
    return this;
  }

  public Optional<StepKind> kind(String name) {
    return Optional.ofNullable(kinds.get(name));
  }

  public List<String> names() {
    return List.copyOf(kinds.keySet());
  }
}

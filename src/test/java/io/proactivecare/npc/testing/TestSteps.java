package io.proactivecare.npc.testing;

import io.proactivecare.npc.config.YamlNode;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepKind;
import java.util.Set;

/** Step kinds made up by tests. */
public final class TestSteps {
  private TestSteps() {}

  /** A test-only step kind with no options, running the given step. */
  public static StepKind kind(String name, Step step) {
    return new StepKind() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return "test step " + name;
      }

      @Override
      public Set<String> options() {
        return Set.of();
      }

      @Override
      public Step create(YamlNode with) {
        return step;
      }
    };
  }
}

package io.proactivecare.npc.jobs;

import io.proactivecare.npc.config.YamlNode;
import java.util.Set;
import java.util.function.Function;

/**
 * A step kind given by its parts: name, one-line description, the options it takes under {@code
 * with:}, and how it builds a step from them.
 */
public record SimpleKind(
    String name, String description, Set<String> options, Function<YamlNode, Step> factory)
    implements StepKind {
  public SimpleKind {
    options = Set.copyOf(options);
  }

  @Override
  public Step create(YamlNode with) {
    return factory.apply(with);
  }
}

package io.proactivecare.npc.jobs;

import io.proactivecare.npc.config.YamlNode;
import java.util.Set;

/**
 * A kind of step a job may run ({@code run: ingest}), with the options it takes under {@code
 * with:}.
 */
public interface StepKind {
  String name();

  /** One line for {@code npc validate} and docs. */
  String description();

  /** The keys allowed under the step's {@code with:}. */
  Set<String> options();

  /** Builds the step from its validated options; refuses bad values naming the key. */
  Step create(YamlNode with);
}

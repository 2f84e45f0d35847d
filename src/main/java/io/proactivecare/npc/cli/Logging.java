package io.proactivecare.npc.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The log levels of one invocation, set before Spark starts. The code logs through SLF4J; the
 * backend is Log4j 2, Spark's own, configured by {@code log4j2.properties}: quiet by default
 * (errors, and npc's own warnings), and with {@code --verbose} npc's INFO lines and Spark's
 * warnings too.
 */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    Configurator.setRootLevel(verbose ? Level.WARN : Level.ERROR);
    Configurator.setLevel("io.proactivecare.npc", verbose ? Level.INFO : Level.WARN);
  }
}

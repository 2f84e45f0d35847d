package io.proactivecare.npc.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The log levels of one invocation, set before Spark starts. The code logs through SLF4J; the
 * backend is Log4j 2, Spark's own, configured by {@code log4j2.properties}: quiet by default (npc's
 * own warnings; an error is npc's one line, so Spark's and Hadoop's own lines, with their stack
 * traces, are off), and with {@code --verbose} npc's INFO lines and Spark's warnings and errors.
 */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    Configurator.setRootLevel(verbose ? Level.WARN : Level.OFF);
    Configurator.setLevel("io.proactivecare.npc", verbose ? Level.INFO : Level.WARN);
  }
}

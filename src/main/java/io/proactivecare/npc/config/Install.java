package io.proactivecare.npc.config;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the installation is: the folder holding {@code conf/}, {@code jobs/} and {@code bin/npc}.
 * The install's own files and every relative path in a configuration file are found from it, never
 * from the folder npc is started in, so a scheduler starting npc in {@code $HOME} gets the same
 * result as a user in the installation.
 *
 * <p>Which folder, first found: the {@code npc.home} system property ({@code bin/npc} sets it),
 * {@code $NPC_HOME}, the folder above the jar's {@code target/} when it holds {@code conf/}, else
 * the current folder.
 */
public final class Install {
  private static final String PROPERTY = "npc.home";

  private Install() {}

  /** The installation folder, absolute. */
  public static Path home() {
    String prop = System.getProperty(PROPERTY);
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    String env = System.getenv("NPC_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath().normalize();
    }
    return fromCode().orElse(Path.of("").toAbsolutePath());
  }

  /** {@code path} if absolute, else inside the installation. */
  public static Path resolve(Path path) {
    return path.isAbsolute() ? path : home().resolve(path).normalize();
  }

  /** {@code path} if absolute, else inside the current folder (a path typed on a command line). */
  public static Path fromCurrentFolder(Path path) {
    return path.toAbsolutePath().normalize();
  }

  /**
   * A job named on the command line: the file as given when it exists, else the same path inside
   * the installation, else {@code jobs/NAME.yaml} there (so {@code npc run nightly} works
   * anywhere). A file that exists nowhere comes back as given, for the job loader to refuse by
   * name.
   */
  public static Path job(Path given) {
    if (Files.exists(given) || given.isAbsolute()) {
      return given;
    }
    Path inHome = home().resolve(given);
    if (Files.exists(inHome)) {
      return inHome;
    }
    Path named = home().resolve("jobs").resolve(given + ".yaml");
    return Files.exists(named) ? named : given;
  }

  /** The folder above {@code target/npc.jar} when it holds {@code conf/}. */
  private static Optional<Path> fromCode() {
    try {
      Path code =
          Path.of(Install.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = code.getParent();
      if (target != null && target.getFileName().toString().equals("target")) {
        Path home = target.getParent();
        if (home != null && Files.isDirectory(home.resolve("conf"))) {
          return Optional.of(home);
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // No code source (an unusual class loader): fall back to the current folder.
    }
    return Optional.empty();
  }
}

package io.proactivecare.npc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installation, not the current folder, decides where the configuration, codelists and jobs
 * are; a relative path in a configuration file is taken from that file's folder, one in the
 * built-in defaults from the installation; a path typed as a flag is the user's. Here the
 * installation is a made-up folder (the tests' current folder is the repository).
 */
class InstallTest {
  @TempDir Path tmp;
  private String before;

  @BeforeEach
  void pointAtAnotherInstallation() throws IOException {
    before = System.getProperty("npc.home");
    Path conf = Files.createDirectories(tmp.resolve("install/conf"));
    Files.writeString(
        conf.resolve("npc.yaml"), "warehouse: site/warehouse\nhfrs:\n  codelist: lists/h.csv\n");
    Files.createDirectories(tmp.resolve("install/jobs"));
    Files.writeString(tmp.resolve("install/jobs/site.yaml"), "job: site\n");
    System.setProperty("npc.home", tmp.resolve("install").toString());
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty("npc.home");
    } else {
      System.setProperty("npc.home", before);
    }
  }

  @Test
  void theConfigurationComesFromTheInstallationAndItsRelativePathsFromItsOwnFolder() {
    Path home = tmp.resolve("install");
    Optional<Path> file = ConfigLoader.locate(null);
    assertEquals(Optional.of(home.resolve("conf/npc.yaml")), file);
    NpcConfig c = ConfigLoader.load(file, Map.of()).config();
    assertEquals(home.resolve("conf/site/warehouse"), c.warehouse());
    assertEquals(home.resolve("conf/lists/h.csv"), c.hfrs().codelist());
    // Keys the file leaves out: the defaults' relative paths, also inside the installation.
    assertEquals(home.resolve("conf/sources"), c.mappings());
    assertEquals(home.resolve("publish"), c.publish());
  }

  /**
   * {@code npc generate} takes its default codelist from the installation (here one without it, so
   * the refusal names the installation's path), and a {@code --codelist} given from the current
   * folder.
   */
  @Test
  void generateFindsItsDefaultCodelistInTheInstallation() {
    Path out = tmp.resolve("extract");
    Npc.Result byDefault = Npc.raw("generate", "--people", "10", "--out", out.toString());
    assertEquals(ExitCode.USAGE.code(), byDefault.exitCode());
    assertEquals(
        "npc: No codelist at "
            + tmp.resolve("install/conf/codelists/efi_snomed.csv")
            + "; pass --codelist FILE (conf/codelists/efi_snomed.csv in the installation)",
        byDefault.err().strip());
    Npc.Result given =
        Npc.raw("generate", "--people", "10", "--out", out.toString(), "--codelist", "none.csv");
    assertEquals(ExitCode.USAGE.code(), given.exitCode());
    assertTrue(
        given.err().contains("No codelist at " + Path.of("").toAbsolutePath().resolve("none.csv")),
        given.err());
  }

  @Test
  void pathsGivenAsFlagsAreTakenFromTheCurrentFolder() {
    NpcConfig c =
        ConfigLoader.load(
                ConfigLoader.locate(null),
                Map.of("warehouse", "mine", "publish", "/abs/publish", "hfrs.codelist", "h.csv"))
            .config();
    Path cwd = Path.of("").toAbsolutePath();
    assertEquals(cwd.resolve("mine"), c.warehouse());
    assertEquals(Path.of("/abs/publish"), c.publish());
    assertEquals(cwd.resolve("h.csv"), c.hfrs().codelist());
  }

  @Test
  void aJobIsFoundAsGivenThenInTheInstallationThenByName() throws IOException {
    Path home = tmp.resolve("install");
    assertEquals(home.resolve("jobs/site.yaml"), Install.job(Path.of("jobs/site.yaml")));
    assertEquals(home.resolve("jobs/site.yaml"), Install.job(Path.of("site")));
    Path own = Files.writeString(tmp.resolve("own.yaml"), "job: own\n");
    assertEquals(own, Install.job(own));
    // Nowhere: as given, for the job loader to refuse naming it.
    assertEquals(Path.of("absent.yaml"), Install.job(Path.of("absent.yaml")));
  }
}

package io.proactivecare.npc.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.testing.Npc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The packaged cluster jar carries the project's licence, the GPL-3.0 text, and a third-party
 * notice naming every library it bundles with that library's licence (docs/licence.md).
 */
class LicenceNoticeIT {
  @Test
  void theClusterJarNamesEveryLibraryItBundlesWithItsLicence() throws IOException {
    try (JarFile jar = new JarFile(Npc.HOME.resolve("target/npc-cluster.jar").toFile())) {
      String notice = text(jar, "THIRD-PARTY.txt");
      assertEquals(Files.readString(Npc.HOME.resolve("LICENSE")), text(jar, "META-INF/LICENSE"));
      assertTrue(text(jar, "META-INF/licences/GPL-3.0.txt").contains("GNU GENERAL PUBLIC LICENSE"));
      // Each bundled library leaves its pom.properties in the shaded jar.
      List<String> bundled = new ArrayList<>();
      for (ZipEntry e : jar.stream().toList()) {
        if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
          Properties p = new Properties();
          try (InputStream in = jar.getInputStream(e)) {
            p.load(in);
          }
          String id =
              p.getProperty("groupId")
                  + ":"
                  + p.getProperty("artifactId")
                  + ":"
                  + p.getProperty("version");
          if (!p.getProperty("groupId").equals("io.proactivecare")) {
            bundled.add(id);
          }
        }
      }
      // The scan finds what the jar bundles: two libraries it must (the configuration's YAML
      // reader and the statistics), so an empty or broken scan cannot pass the check below.
      for (String library :
          List.of(
              "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml:",
              "org.apache.commons:commons-math3:")) {
        assertTrue(
            bundled.stream().anyMatch(id -> id.startsWith(library)),
            library + " not among the bundled: " + bundled);
      }
      for (String id : bundled) {
        // A few jars name an inner module in their pom.properties (ICU4J's says com.ibm.icu:core
        // for the published com.ibm.icu:icu4j): then the group and version on one line will do.
        String[] gav = id.split(":");
        boolean named =
            notice.contains("(" + id + " ")
                || notice
                    .lines()
                    .anyMatch(
                        l -> l.contains("(" + gav[0] + ":") && l.contains(":" + gav[2] + " "));
        assertTrue(named, "THIRD-PARTY.txt does not name " + id);
      }
      assertTrue(
          notice.contains(
              "(GNU General Public License, Version 3) smile-core"
                  + " (com.github.haifengl:smile-core:"),
          notice);
    }
  }

  private static String text(JarFile jar, String name) throws IOException {
    ZipEntry e = jar.getEntry(name);
    assertNotNull(e, "no " + name + " in npc-cluster.jar");
    try (InputStream in = jar.getInputStream(e)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

package io.proactivecare.npc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Folder copies for tests that change a warehouse another test made, without changing it. */
public final class Trees {
  private Trees() {}

  /**
   * Copies the folder {@code from} and everything in it to {@code to} (made if missing), and
   * returns {@code to}. A warehouse's catalog names its tables by paths relative to the warehouse,
   * so a copied warehouse is a working warehouse.
   */
  public static Path copy(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : s.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

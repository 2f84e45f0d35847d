package io.proactivecare.npc.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The publish area: folders of files delivered to people outside the warehouse (docs/cohort.md). A
 * run stages each folder inside its own run folder and delivers it only after the run has
 * published, replacing the folder of the same name whole: a reader sees the old folder or the new
 * one, never a mixture, and a failed run delivers nothing.
 */
public final class PublishArea {
  private final Path root;

  public PublishArea(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /**
   * Delivers {@code staged} (a folder) as {@code relative} under the publish area: copied beside
   * the target, then swapped in by renames.
   *
   * @return how many files were delivered
   */
  public int deliver(Path staged, String relative) {
    Path target = root.resolve(relative).normalize();
    if (!target.startsWith(root.normalize())) {
      throw new IllegalArgumentException("delivery outside the publish area: " + relative);
    }
    try {
      Files.createDirectories(target.getParent());
      try (FileChannel ch =
              FileChannel.open(
                  root.resolve(".deliver.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path incoming = target.resolveSibling("." + target.getFileName() + ".incoming-" + tag);
        int files = copyTree(staged, incoming);
        Path replaced = target.resolveSibling("." + target.getFileName() + ".replaced-" + tag);
        boolean existed = Files.exists(target);
        if (existed) {
          Files.move(target, replaced, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
        if (existed) {
          deleteTree(replaced);
        }
        return files;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot deliver " + relative + " to " + root, e);
    }
  }

  private static int copyTree(Path from, Path to) throws IOException {
    int files = 0;
    List<Path> all;
    try (Stream<Path> s = Files.walk(from)) {
      all = s.sorted().toList();
    }
    for (Path p : all) {
      Path dest = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(dest);
      } else {
        Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        files++;
      }
    }
    return files;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

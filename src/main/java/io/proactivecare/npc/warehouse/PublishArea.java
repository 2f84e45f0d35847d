package io.proactivecare.npc.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The publish area: folders of files delivered to people outside the warehouse (docs/warehouse.md,
 * "The publish area"). A run stages each folder inside its own run folder; a {@link Delivery}
 * copies them beside their targets while readers still see the old folders, swaps them all in by
 * renames, and either keeps the swap (the run published) or undoes it (it did not). A reader sees a
 * folder as it was or as it is now, never a mixture.
 */
public final class PublishArea {
  private static final Pattern ASIDE =
      Pattern.compile("^\\.(.+)\\.(incoming|replaced)-[0-9a-f]{8}$");

  private final Path root;

  public PublishArea(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** Starts a delivery: takes the area's lock and repairs what a killed delivery left. */
  public Delivery begin() {
    try {
      Files.createDirectories(root);
      FileChannel ch =
          FileChannel.open(
              root.resolve(".deliver.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.lock();
      recover();
      return new Delivery(ch, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the publish area " + root, e);
    }
  }

  /**
   * Puts back every folder a killed delivery had moved aside (its target is missing) and removes
   * copies it never swapped in. Runs under the lock, so no other delivery is under way.
   */
  void recover() throws IOException {
    List<Path> aside;
    try (Stream<Path> s = Files.walk(root)) {
      aside = s.filter(p -> ASIDE.matcher(p.getFileName().toString()).matches()).toList();
    }
    for (Path p : aside) {
      Matcher m = ASIDE.matcher(p.getFileName().toString());
      m.matches();
      Path target = p.resolveSibling(m.group(1));
      if (m.group(2).equals("replaced") && !Files.exists(target)) {
        Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
      } else if (Files.exists(p)) {
        deleteTree(p);
      }
    }
  }

  private Path target(String relative) {
    Path target = root.resolve(relative).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new IllegalArgumentException("delivery outside the publish area: " + relative);
    }
    return target;
  }

  private static Path aside(Path target, String kind, String tag) {
    return target.resolveSibling("." + target.getFileName() + "." + kind + "-" + tag);
  }

  /** One delivery, holding the area's lock until it is closed. */
  public final class Delivery implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final List<Path[]> prepared = new ArrayList<>(); // {target, incoming}
    private final List<Path> withdrawn = new ArrayList<>();
    private final List<Path[]> swapped = new ArrayList<>(); // {target, replaced or null}
    private final List<Integer> files = new ArrayList<>();
    private boolean kept;

    private Delivery(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    /** Copies {@code staged} beside its target {@code relative}; nothing readers see changes. */
    public int prepare(Path staged, String relative) {
      Path target = target(relative);
      Path incoming = aside(target, "incoming", tag);
      try {
        Files.createDirectories(target.getParent());
        prepared.add(new Path[] {target, incoming});
        int n = copyTree(staged, incoming);
        files.add(n);
        return n;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy " + staged + " to " + incoming, e);
      }
    }

    /** Marks {@code relative} to be removed by the swap (a folder this run no longer delivers). */
    public void withdraw(String relative) {
      withdrawn.add(target(relative));
    }

    /**
     * Swaps every prepared folder in and moves every withdrawn folder aside. On a failure it puts
     * back what it had changed before it throws.
     */
    public void swap() {
      try {
        for (Path[] p : prepared) {
          Path replaced = aside(p[0], "replaced", tag);
          boolean existed = Files.exists(p[0]);
          if (existed) {
            Files.move(p[0], replaced, StandardCopyOption.ATOMIC_MOVE);
          }
          swapped.add(new Path[] {p[0], existed ? replaced : null});
          Files.move(p[1], p[0], StandardCopyOption.ATOMIC_MOVE);
        }
        for (Path w : withdrawn) {
          if (Files.exists(w)) {
            Path replaced = aside(w, "replaced", tag);
            Files.move(w, replaced, StandardCopyOption.ATOMIC_MOVE);
            swapped.add(new Path[] {null, replaced, w});
          }
        }
      } catch (IOException e) {
        undo();
        throw new UncheckedIOException("cannot swap the delivered folders into " + root, e);
      }
    }

    /** Keeps the swap: the run published. Closing then removes the old folders. */
    public void keep() {
      kept = true;
    }

    private void undo() {
      for (int i = swapped.size() - 1; i >= 0; i--) {
        Path[] s = swapped.get(i);
        try {
          if (s[0] == null) {
            Files.move(s[1], s[2], StandardCopyOption.ATOMIC_MOVE); // a withdrawn folder
          } else {
            if (Files.exists(s[0])) {
              deleteTree(s[0]);
            }
            if (s[1] != null) {
              Files.move(s[1], s[0], StandardCopyOption.ATOMIC_MOVE);
            }
          }
        } catch (IOException e) {
          // Left aside under a recognisable name: the next delivery's recover() puts it back.
        }
      }
      swapped.clear();
    }

    /** How many files each prepared folder held, in order. */
    public List<Integer> files() {
      return List.copyOf(files);
    }

    /**
     * Ends the delivery: keeps the swap when {@link #keep} was called, else undoes it; removes what
     * is left aside; releases the lock.
     */
    @Override
    public void close() {
      try {
        if (!kept) {
          undo();
        }
        for (Path[] s : swapped) {
          if (s[1] != null && Files.exists(s[1])) {
            deleteTree(s[1]);
          }
        }
        for (Path[] p : prepared) {
          if (Files.exists(p[1])) {
            deleteTree(p[1]);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot tidy the publish area " + root, e);
      } finally {
        try {
          lock.release();
          channel.close();
        } catch (IOException e) {
          // Closing the channel releases the lock in any case.
        }
      }
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

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
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The publish area: folders of files delivered to people outside the warehouse (docs/warehouse.md,
 * "The publish area"). A run's delivery and its catalog are one decision, made by the catalog's
 * atomic rename:
 *
 * <ol>
 *   <li>each staged folder is copied beside its target under a hidden name; readers see nothing
 *       new;
 *   <li>a journal ({@code .deliver.journal.json}) records the run and every swap it will make;
 *   <li>the run's catalog is published (one rename): this is the decision;
 *   <li>only then are the folders swapped in (and withdrawn folders moved aside) by renames, the
 *       old folders removed, and the journal removed.
 * </ol>
 *
 * A process killed anywhere leaves a journal, and the next delivery (which always begins by
 * recovering, under the area's lock) asks the catalog whether that run published: if it did, the
 * swaps are completed; if not, the copies are removed and the area was never touched. So no reader
 * ever sees a file of a run the catalog does not publish.
 */
public final class PublishArea {
  static final String JOURNAL = ".deliver.journal.json";
  private static final Pattern ASIDE =
      Pattern.compile("^\\.(.+)\\.(incoming|replaced)-[0-9a-f]{8}$");

  private final Path root;

  public PublishArea(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /**
   * What {@link #publish} did.
   *
   * @param catalogVersion the catalog version the run published
   * @param delivered each delivered folder with its file count, and each withdrawn folder
   */
  public record Published(long catalogVersion, List<String> delivered) {
    public Published {
      delivered = List.copyOf(delivered);
    }
  }

  /**
   * Delivers a run's staged folders ({@code stagedRoot/RELATIVE} to {@code RELATIVE}), withdraws
   * {@code withdrawn}, and publishes its catalog with {@code catalog} (which must publish run
   * {@code runId} in {@code warehouse}): both happen, or neither.
   */
  public Published publish(
      Warehouse warehouse,
      String runId,
      Path stagedRoot,
      List<String> staged,
      List<String> withdrawn,
      LongSupplier catalog) {
    List<String> delivered = new ArrayList<>();
    try (Delivery delivery = begin()) {
      for (String relative : staged) {
        int files = delivery.prepare(stagedRoot.resolve(relative), relative);
        delivered.add(relative + " (" + files + (files == 1 ? " file)" : " files)"));
      }
      for (String w : withdrawn) {
        delivery.withdraw(w);
        delivered.add(w + " (withdrawn)");
      }
      return new Published(delivery.commit(warehouse, runId, catalog), delivered);
    }
  }

  /** Starts a delivery: takes the area's lock and finishes what a killed delivery left. */
  public Delivery begin() {
    try {
      Files.createDirectories(root);
      FileChannel ch =
          FileChannel.open(
              root.resolve(".deliver.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.lock();
      try {
        recover();
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      return new Delivery(ch, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the publish area " + root, e);
    }
  }

  /**
   * The journal of a delivery: the run and every swap it makes once the run's catalog is published.
   * Paths are relative to the publish area.
   *
   * @param runId the run delivering
   * @param warehouse the warehouse (absolute) whose catalog decides
   * @param afterVersion the catalog version before the run published; its version is higher
   * @param swaps the swaps, in order
   */
  record Journal(String runId, String warehouse, long afterVersion, List<Swap> swaps) {
    Journal {
      swaps = List.copyOf(swaps);
    }
  }

  /**
   * One swap: {@code incoming} replaces {@code target}, whose old folder goes {@code aside} until
   * it is removed. A withdrawal has no incoming folder.
   */
  record Swap(String target, String incoming, String aside) {}

  /**
   * Finishes a delivery a killed process left (its journal is here: no live delivery holds the lock
   * we hold), then removes copies of a delivery killed before it wrote its journal.
   */
  void recover() throws IOException {
    Path journal = root.resolve(JOURNAL);
    if (Files.isRegularFile(journal)) {
      finish(Json.read(journal, Journal.class));
    }
    List<Path> leftOver;
    try (Stream<Path> s = Files.walk(root)) {
      leftOver =
          s.filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return ASIDE.matcher(name).matches()
                        || (name.startsWith("." + JOURNAL) && name.endsWith(".tmp"));
                  })
              .toList();
    }
    for (Path p : leftOver) {
      Matcher m = ASIDE.matcher(p.getFileName().toString());
      if (m.matches()
          && m.group(2).equals("replaced")
          && !Files.exists(p.resolveSibling(m.group(1)))) {
        // Left by a version of npc that swapped before publishing; keep what readers had.
        Files.move(p, p.resolveSibling(m.group(1)), StandardCopyOption.ATOMIC_MOVE);
      } else if (Files.exists(p)) {
        deleteTree(p);
      }
    }
  }

  /**
   * Completes the journal's delivery if its run published, else removes its copies (nothing readers
   * see was changed before the catalog published); then removes the journal. Every step can be
   * repeated, so a process killed here leaves work the next recovery finishes.
   *
   * @return the catalog version the run published, if it did
   */
  private Optional<Long> finish(Journal journal) throws IOException {
    Optional<Long> published =
        new Warehouse(Path.of(journal.warehouse()))
            .publishedVersion(journal.runId(), journal.afterVersion());
    if (published.isPresent()) {
      for (Swap s : journal.swaps()) {
        Path target = root.resolve(s.target());
        Path aside = root.resolve(s.aside());
        boolean pending = s.incoming() == null || Files.exists(root.resolve(s.incoming()));
        if (pending && Files.exists(target)) {
          HaltPoints.reached("move aside " + s.target());
          Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        if (s.incoming() != null && Files.exists(root.resolve(s.incoming()))) {
          HaltPoints.reached("move in " + s.target());
          Files.move(root.resolve(s.incoming()), target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      for (Swap s : journal.swaps()) {
        if (Files.exists(root.resolve(s.aside()))) {
          deleteTree(root.resolve(s.aside()));
        }
      }
    } else {
      for (Swap s : journal.swaps()) {
        if (s.incoming() != null && Files.exists(root.resolve(s.incoming()))) {
          deleteTree(root.resolve(s.incoming()));
        }
      }
    }
    HaltPoints.reached("remove the journal");
    Files.delete(root.resolve(JOURNAL));
    return published;
  }

  private Path target(String relative) {
    Path target = root.resolve(relative).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new IllegalArgumentException("delivery outside the publish area: " + relative);
    }
    return target;
  }

  private String aside(Path target, String kind, String tag) {
    return root.relativize(
            target.resolveSibling("." + target.getFileName() + "." + kind + "-" + tag))
        .toString();
  }

  /** One delivery, holding the area's lock until it is closed. */
  public final class Delivery implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final List<Swap> swaps = new ArrayList<>();
    private boolean committed;

    private Delivery(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    /**
     * Copies {@code staged} beside its target {@code relative}, under a hidden name; nothing
     * readers see changes. Returns the number of files copied.
     */
    public int prepare(Path staged, String relative) {
      Path target = target(relative);
      Path incoming = root.resolve(aside(target, "incoming", tag));
      try {
        Files.createDirectories(target.getParent());
        swaps.add(
            new Swap(
                root.relativize(target).toString(),
                root.relativize(incoming).toString(),
                aside(target, "replaced", tag)));
        return copyTree(staged, incoming);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy " + staged + " to " + incoming, e);
      }
    }

    /** Marks {@code relative} to be removed (a folder this run no longer delivers). */
    public void withdraw(String relative) {
      Path target = target(relative);
      swaps.add(new Swap(root.relativize(target).toString(), null, aside(target, "replaced", tag)));
    }

    /**
     * Publishes the run's catalog with {@code catalog} and, if it published, swaps the prepared
     * folders in: the journal written first lets a later recovery finish either way.
     *
     * @return the catalog version {@code catalog} published
     */
    public long commit(Warehouse warehouse, String runId, LongSupplier catalog) {
      Journal journal =
          new Journal(runId, warehouse.root().toString(), warehouse.catalog().version(), swaps);
      Json.writeAtomically(root.resolve(JOURNAL), journal);
      committed = true;
      RuntimeException failure = null;
      try {
        catalog.getAsLong();
      } catch (RuntimeException e) {
        failure = e;
      }
      // The catalog, not what the call returned, says whether the run published.
      Optional<Long> published;
      try {
        published = finish(journal);
      } catch (IOException e) {
        UncheckedIOException x =
            new UncheckedIOException(
                "cannot finish the delivery of run "
                    + runId
                    + " to "
                    + root
                    + " (the next run finishes it)",
                e);
        if (failure != null) {
          x.addSuppressed(failure);
        }
        throw x;
      }
      if (failure != null) {
        throw failure;
      }
      return published.orElseThrow(
          () -> new IllegalStateException("run " + runId + " is not in the catalog it published"));
    }

    /** Ends the delivery: removes the copies of one never committed; releases the lock. */
    @Override
    public void close() {
      try {
        if (!committed) {
          for (Swap s : swaps) {
            if (s.incoming() != null && Files.exists(root.resolve(s.incoming()))) {
              deleteTree(root.resolve(s.incoming()));
            }
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

  /** Copies a folder's tree; returns the number of files. */
  public static int copyTree(Path from, Path to) throws IOException {
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
        HaltPoints.reached("copy " + dest.getFileName());
        Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
        files++;
      }
    }
    return files;
  }

  /** Deletes {@code dir} and everything in it. */
  public static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        HaltPoints.reached("delete " + p.getFileName());
        Files.delete(p);
      }
    }
  }
}

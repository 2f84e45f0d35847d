package io.proactivecare.npc.warehouse;

import io.proactivecare.npc.config.Errors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The warehouse on disk (docs/warehouse.md):
 *
 * <pre>
 * WAREHOUSE/
 *   runs/RUN_ID/manifest.json        one folder per run; outputs are written only here
 *   runs/RUN_ID/tables/OUTPUT/       e.g. tables/conformed/gp_events (Parquet)
 *   catalog/v00000001.json ...       published states; the highest version is current
 *   .publish.lock                    serialises publishers
 * </pre>
 *
 * A run writes only inside its own folder. Publishing writes the next catalog version with one
 * atomic rename, so readers see either the old state or the new one, never a mixture, and a run
 * that fails or is killed before publishing leaves the published outputs untouched.
 */
public final class Warehouse {
  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;

  public Warehouse(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path runsDir() {
    return root.resolve("runs");
  }

  public Path runDir(String runId) {
    return runsDir().resolve(runId);
  }

  /** Where a run writes one output. */
  public Path outputDir(String runId, String output) {
    return runDir(runId).resolve("tables").resolve(output);
  }

  /** An absolute path for a location stored relative to the warehouse root. */
  public Path resolve(String relative) {
    return root.resolve(relative);
  }

  public String relativize(Path p) {
    return root.relativize(p.toAbsolutePath().normalize()).toString();
  }

  /** Creates a new, empty run folder and returns its id. */
  public String newRun(String job, Instant now) {
    String safeJob = job.replaceAll("[^A-Za-z0-9_-]", "_");
    for (int attempt = 0; attempt < 10; attempt++) {
      String id =
          RUN_TIME.format(now)
              + "-"
              + safeJob
              + "-"
              + String.format("%04x", RANDOM.nextInt(0x10000));
      try {
        Files.createDirectories(runsDir());
        Files.createDirectory(runDir(id));
        return id;
      } catch (FileAlreadyExistsException e) {
        // try another suffix
      } catch (IOException e) {
        throw Errors.usage(
            "Cannot create a run folder in warehouse " + root + " (" + e.getMessage() + ")",
            "check the warehouse path in conf/npc.yaml and that it is writable");
      }
    }
    throw new IllegalStateException("could not allocate a run id");
  }

  public void writeManifest(RunManifest manifest) {
    Json.writeAtomically(runDir(manifest.runId()).resolve("manifest.json"), manifest);
  }

  public Optional<RunManifest> manifest(String runId) {
    Path f = runDir(runId).resolve("manifest.json");
    return Files.isRegularFile(f) ? Optional.of(Json.read(f, RunManifest.class)) : Optional.empty();
  }

  /**
   * Every run's manifest, oldest first. Folders without a manifest are skipped. Run ids name the
   * start only to the second, so runs are ordered by their recorded start time, then id.
   */
  public List<RunManifest> runs() {
    if (!Files.isDirectory(runsDir())) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(runsDir())) {
      return s.map(p -> p.getFileName().toString())
          .sorted()
          .map(this::manifest)
          .flatMap(Optional::stream)
          .sorted(
              Comparator.comparing((RunManifest m) -> Instant.parse(m.startedAt()))
                  .thenComparing(RunManifest::runId))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path catalogDir() {
    return root.resolve("catalog");
  }

  /** The current published state; {@link Catalog#empty()} for a new warehouse. */
  public Catalog catalog() {
    return catalogVersion(latestCatalogVersion()).orElse(Catalog.empty());
  }

  /** A past published state, e.g. the one before the current. */
  public Optional<Catalog> catalogVersion(long version) {
    if (version <= 0) {
      return Optional.empty();
    }
    Path f = catalogDir().resolve(catalogFile(version));
    return Files.isRegularFile(f) ? Optional.of(Json.read(f, Catalog.class)) : Optional.empty();
  }

  /**
   * The catalog version that run {@code runId} published, if it published one after version {@code
   * after}: the catalog, not the run's manifest, says whether a run published (a run killed just
   * after its catalog's rename could not record it).
   */
  public Optional<Long> publishedVersion(String runId, long after) {
    for (long v = latestCatalogVersion(); v > after; v--) {
      if (catalogVersion(v).filter(c -> c.runId().equals(runId)).isPresent()) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  private long latestCatalogVersion() {
    if (!Files.isDirectory(catalogDir())) {
      return 0;
    }
    try (Stream<Path> s = Files.list(catalogDir())) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("v[0-9]{8}\\.json"))
          .mapToLong(n -> Long.parseLong(n.substring(1, 9)))
          .max()
          .orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String catalogFile(long version) {
    return String.format("v%08d.json", version);
  }

  /**
   * A condition on publishing, checked under the publish lock against the catalog being replaced:
   * returns the catalog to publish ({@code next}, perhaps amended), or throws to refuse.
   */
  @FunctionalInterface
  public interface PublishCheck {
    PublishCheck NONE = (current, next) -> next;

    Catalog check(Catalog current, Catalog next);

    /** This check, then {@code after} on what it returns. */
    default PublishCheck andThen(PublishCheck after) {
      return (current, next) -> after.check(current, check(current, next));
    }
  }

  /**
   * Publishes a run's outputs unconditionally: {@link #publish(String, List, Instant,
   * PublishCheck)}.
   */
  public long publish(String runId, List<RunManifest.Output> outputs, Instant now) {
    return publish(runId, outputs, now, PublishCheck.NONE);
  }

  /**
   * Publishes a run's outputs: the next catalog version is the current one with these versions
   * added (replacing the same key of the same output), as {@code check} accepts or amends it. One
   * atomic rename makes it current.
   *
   * @return the new catalog version
   */
  public long publish(
      String runId, List<RunManifest.Output> outputs, Instant now, PublishCheck check) {
    return underPublishLock(
        "cannot publish run " + runId + " in " + root,
        () -> {
          // Temporary files of a publisher killed before its rename: we hold the lock, it is gone.
          try (Stream<Path> s = Files.list(catalogDir())) {
            for (Path t :
                s.filter(p -> p.getFileName().toString().matches("\\.publish.*\\.tmp")).toList()) {
              Files.deleteIfExists(t);
            }
          }
          Catalog current = catalog();
          Map<String, Catalog.Entry> next = new HashMap<>(current.outputs());
          for (RunManifest.Output o : outputs) {
            Map<String, Catalog.TableVersion> versions =
                new HashMap<>(
                    Optional.ofNullable(next.get(o.name()))
                        .map(Catalog.Entry::versions)
                        .orElse(Map.of()));
            versions.put(o.versionKey(), new Catalog.TableVersion(runId, o.path(), o.rows()));
            next.put(o.name(), new Catalog.Entry(o.sensitivity(), versions));
          }
          long version = current.version() + 1;
          Catalog catalog =
              check.check(
                  current,
                  new Catalog(version, now.toString(), runId, next, current.currentModel()));
          Path tmp = Files.createTempFile(catalogDir(), ".publish", ".tmp");
          Json.MAPPER.writeValue(tmp.toFile(), catalog);
          HaltPoints.reached("rename the catalog into place");
          // No REPLACE_EXISTING: a version number is never reused.
          Files.move(
              tmp, catalogDir().resolve(catalogFile(version)), StandardCopyOption.ATOMIC_MOVE);
          HaltPoints.reached("catalog published");
          return version;
        });
  }

  /** Work on the published state that may fail with an {@link IOException}. */
  @FunctionalInterface
  public interface LockedWork<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} holding the publish lock, so no catalog is published meanwhile (the model
   * registry's promotion takes it too).
   *
   * @param failure what an {@link IOException} means, for its message
   */
  public <T> T underPublishLock(String failure, LockedWork<T> work) {
    try {
      Files.createDirectories(catalogDir());
      HaltPoints.reached("open .publish.lock");
      try (FileChannel ch =
              FileChannel.open(
                  root.resolve(".publish.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        return work.run();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(failure, e);
    }
  }
}

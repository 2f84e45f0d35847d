package io.proactivecare.npc.ingest;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * One extract to ingest, from its descriptor {@code extract.yaml}.
 *
 * @param dir the extract folder
 * @param extractDate the date the data were extracted; the default as-of date of runs on it
 * @param files the files, one per table present
 */
public record Extract(Path dir, LocalDate extractDate, List<SourceFile> files) {
  public Extract {
    files = List.copyOf(files);
  }

  /**
   * One input file.
   *
   * @param table canonical table it feeds
   * @param path the file (CSV, CSV.gz or Parquet), or a folder of such parts
   * @param mapping the column mapping it is read with
   */
  public record SourceFile(String table, Path path, SourceMapping mapping) {
    /** The provider columns the mapping reads from this file, each once, in mapping order. */
    public List<String> sourceColumns() {
      return mapping.table(table).orElseThrow().values().stream()
          .flatMap(c -> c.sourceColumns().stream())
          .distinct()
          .toList();
    }

    /**
     * Parquet: a file named {@code .parquet}, or a folder whose parts are (a folder with no parts
     * counts as Parquet, and is refused as holding none).
     */
    public boolean isParquet() {
      if (java.nio.file.Files.isDirectory(path)) {
        List<Path> parts = parts();
        return parts.isEmpty() || isParquetName(parts.get(0));
      }
      return isParquetName(path);
    }

    /**
     * The files read for this table in order: the file itself, or the data files of a folder of
     * parts ({@code .csv}, {@code .csv.gz} or {@code .parquet}, in name order, subfolders included,
     * names starting {@code _} or {@code .} skipped). Each part is a whole file with its own
     * header, and quarantined rows name the part and their row in it.
     */
    public List<Path> parts() {
      return partsOf(path);
    }

    /**
     * A table's file, or a folder's CSV, CSV.gz and Parquet parts in name order (names starting
     * {@code _} or {@code .} skipped).
     */
    public static List<Path> partsOf(Path path) {
      if (!java.nio.file.Files.isDirectory(path)) {
        return List.of(path);
      }
      try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(path)) {
        return s.filter(java.nio.file.Files::isRegularFile)
            .filter(p -> !hidden(path, p))
            .filter(p -> isParquetName(p) || isCsvName(p))
            .sorted()
            .toList();
      } catch (java.io.IOException e) {
        throw io.proactivecare.npc.config.Errors.inputFile(
            path, "cannot be listed (" + e.getMessage() + ")", "check the folder's permissions");
      }
    }

    private static boolean hidden(Path dir, Path p) {
      for (Path q = p; q != null && !q.equals(dir); q = q.getParent()) {
        String n = q.getFileName().toString();
        if (n.startsWith("_") || n.startsWith(".")) {
          return true;
        }
      }
      return false;
    }

    static boolean isParquetName(Path p) {
      return p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".parquet");
    }

    static boolean isCsvName(Path p) {
      String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      return n.endsWith(".csv") || n.endsWith(".csv.gz");
    }
  }
}

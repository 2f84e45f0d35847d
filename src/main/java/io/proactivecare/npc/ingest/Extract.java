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
   * @param path the file (CSV, CSV.gz or Parquet file or folder)
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

    public boolean isParquet() {
      String n = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
      return n.endsWith(".parquet") || java.nio.file.Files.isDirectory(path);
    }
  }
}

package io.proactivecare.npc.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.YamlNode;
import io.proactivecare.npc.schema.Contracts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an extract folder's descriptor, {@code extract.yaml}:
 *
 * <pre>
 * extract_date: 2025-03-31      # when the data were extracted (default as-of date)
 * mapping: canonical            # default mapping, conf/sources/canonical.yaml
 * tables:
 *   gp_registrations: gp_registrations.csv.gz
 *   apc_spells: {file: hes_apc.csv, mapping: hes}
 * </pre>
 */
public final class ExtractLoader {
  public static final String DESCRIPTOR = "extract.yaml";

  private ExtractLoader() {}

  /**
   * Loads the extract in {@code dir}.
   *
   * @param extractDateOverride replaces the descriptor's extract date when present
   */
  public static Extract load(Path dir, Path mappingsDir, Optional<LocalDate> extractDateOverride) {
    Path file = dir.resolve(DESCRIPTOR);
    if (!Files.isDirectory(dir)) {
      throw Errors.inputFile(
          dir, "no such extract folder", "set 'extract' in conf/npc.yaml or pass --extract DIR");
    }
    if (!Files.isRegularFile(file)) {
      throw Errors.inputFile(
          file,
          "the extract has no descriptor",
          "add extract.yaml naming the extract date and one file per table (see docs/data-contracts.md)");
    }
    YamlNode n =
        YamlNode.read(file)
            .rejectUnknown(Set.of("extract_date", "mapping", "description", "tables"));
    LocalDate date =
        extractDateOverride.orElseGet(
            () -> {
              if (!n.has("extract_date")) {
                throw Errors.config(
                    file.toString(),
                    "extract_date",
                    "is missing",
                    "add the date the data were extracted, or pass --extract-date");
              }
              return n.date("extract_date");
            });
    String defaultMapping = n.optionalString("mapping").orElse("canonical");
    YamlNode tables = n.child("tables");
    if (tables.keys().isEmpty()) {
      throw Errors.config(
          file.toString(),
          "tables",
          "names no tables",
          "list one file per table: " + String.join(", ", Contracts.names()));
    }
    tables.rejectUnknown(Set.copyOf(Contracts.names()));
    Map<String, SourceMapping> mappings = new HashMap<>();
    List<Extract.SourceFile> files = new ArrayList<>();
    // Keep the contracts' order so references are ingested before the tables that use them.
    for (String table : Contracts.names()) {
      if (!tables.has(table)) {
        continue;
      }
      JsonNode v = tables.value(table).orElseThrow();
      String fileName;
      String mappingName = defaultMapping;
      if (v.isValueNode()) {
        fileName = v.asText();
      } else {
        YamlNode t = tables.childObject(table, v).rejectUnknown(Set.of("file", "mapping"));
        fileName = t.string("file");
        mappingName = t.optionalString("mapping").orElse(defaultMapping);
      }
      SourceMapping mapping =
          mappings.computeIfAbsent(mappingName, m -> MappingLoader.load(mappingsDir, m));
      if (mapping.table(table).isEmpty()) {
        throw Errors.config(
            mapping.file(),
            "tables." + table,
            "is not mapped",
            "add the column mapping for " + table + " or choose another mapping in " + file);
      }
      files.add(new Extract.SourceFile(table, dir.resolve(fileName), mapping));
    }
    return new Extract(dir, date, files);
  }
}

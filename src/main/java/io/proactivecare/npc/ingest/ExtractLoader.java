package io.proactivecare.npc.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.config.YamlNode;
import io.proactivecare.npc.schema.Contracts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
   * Loads the extract in {@code dir} as configured: table files may lie only in the extract folder
   * or under {@code ingest.allowed_roots}, and the extract date may not be later than today (UTC)
   * plus {@code ingest.extract_date_tolerance_days}.
   *
   * @param extractDateOverride replaces the descriptor's extract date when present
   */
  public static Extract load(Path dir, NpcConfig config, Optional<LocalDate> extractDateOverride) {
    Extract extract =
        load(dir, config.mappings(), extractDateOverride, config.ingest().allowedRoots());
    requireNotFuture(
        extract,
        extractDateOverride.isPresent(),
        LocalDate.now(ZoneOffset.UTC),
        config.ingest().extractDateToleranceDays());
    return extract;
  }

  /** Loads the extract in {@code dir}, its files only in the extract folder. */
  public static Extract load(Path dir, Path mappingsDir, Optional<LocalDate> extractDateOverride) {
    return load(dir, mappingsDir, extractDateOverride, List.of());
  }

  /**
   * Refuses an extract dated after {@code today} plus the tolerance: the extract date is the
   * version key of everything published and the limit of the FUTURE_DATE rule, so a date in the
   * future (2999-01-01) would switch that rule off and publish under a key no later extract passes.
   *
   * @param fromFlag the date came from {@code --extract-date} rather than extract.yaml
   */
  static void requireNotFuture(
      Extract extract, boolean fromFlag, LocalDate today, int toleranceDays) {
    LocalDate latest = today.plusDays(toleranceDays);
    if (!extract.extractDate().isAfter(latest)) {
      return;
    }
    String problem =
        "extract date "
            + extract.extractDate()
            + " is in the future (today is "
            + today
            + " UTC, "
            + toleranceDays
            + " day(s) allowed by ingest.extract_date_tolerance_days)";
    if (fromFlag) {
      throw Errors.usage(
          "--extract-date: " + problem, "give the date the data were actually extracted");
    }
    throw Errors.inputFile(
        extract.dir().resolve(DESCRIPTOR),
        "extract_date: " + problem,
        "correct extract_date to the date the data were extracted");
  }

  /**
   * Loads the extract in {@code dir}.
   *
   * @param extractDateOverride replaces the descriptor's extract date when present
   * @param allowedRoots folders outside the extract folder whose files a table may name
   */
  public static Extract load(
      Path dir,
      Path mappingsDir,
      Optional<LocalDate> extractDateOverride,
      List<Path> allowedRoots) {
    Path file = dir.resolve(DESCRIPTOR);
    if (!Files.isDirectory(dir)) {
      throw Errors.inputFile(
          dir, "no such extract folder", "set 'extract' in conf/npc.yaml or pass --extract DIR");
    }
    if (!Files.isRegularFile(file)) {
      throw Errors.inputFile(
          file,
          "the extract has no descriptor",
          "add extract.yaml naming the extract date and one file per table (see docs/ingest.md)");
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
      Path path = dir.resolve(fileName);
      if (!inside(path, dir, allowedRoots)) {
        throw Errors.inputFile(
            file,
            "tables." + table + ": '" + fileName + "' is outside the extract folder " + dir,
            "copy the file into the extract folder, or name its folder in ingest.allowed_roots");
      }
      files.add(new Extract.SourceFile(table, path, mapping));
    }
    return new Extract(dir, date, files);
  }

  /**
   * Whether {@code file} lies in the extract folder or under an allowed root, after resolving
   * {@code ..} and, for paths that exist, symbolic links.
   */
  private static boolean inside(Path file, Path dir, List<Path> allowedRoots) {
    Path f = real(file);
    if (f.startsWith(real(dir))) {
      return true;
    }
    return allowedRoots.stream().anyMatch(root -> f.startsWith(real(root)));
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (java.io.IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}

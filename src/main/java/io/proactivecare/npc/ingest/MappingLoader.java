package io.proactivecare.npc.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.YamlNode;
import io.proactivecare.npc.schema.ColumnSpec;
import io.proactivecare.npc.schema.ColumnType;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.TableContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and validates {@code conf/sources/<name>.yaml} mapping files. */
public final class MappingLoader {
  private static final Set<String> TOP =
      Set.of("description", "delimiter", "date_format", "null_values", "tables");
  private static final Set<String> COLUMN =
      Set.of("from", "join", "skip", "constant", "date_format", "values");

  private MappingLoader() {}

  /** Loads mapping {@code name} from the mappings folder. */
  public static SourceMapping load(Path mappingsDir, String name) {
    Path file = mappingsDir.resolve(name + ".yaml");
    if (!Files.isRegularFile(file)) {
      throw Errors.usage(
          "No mapping named '" + name + "': " + file + " does not exist",
          "mappings are the .yaml files in " + mappingsDir + " (set 'mappings' in conf/npc.yaml)");
    }
    return parse(YamlNode.read(file), name);
  }

  static SourceMapping parse(YamlNode n, String name) {
    n.rejectUnknown(TOP);
    String delimiter = n.optionalString("delimiter").orElse(",");
    if (delimiter.length() != 1 && !delimiter.equals("\\t")) {
      throw n.bad("delimiter", n.raw().get("delimiter"), "one character, e.g. ',' or '|'");
    }
    String dateFormat = n.optionalString("date_format").orElse(IngestColumns.ISO_DATE);
    checkDateFormat(n, "date_format", dateFormat);
    YamlNode tables = n.child("tables");
    tables.rejectUnknown(Set.copyOf(Contracts.names()));
    Map<String, Map<String, ColumnMapping>> out = new LinkedHashMap<>();
    for (String table : tables.keys()) {
      TableContract contract = Contracts.byName(table).orElseThrow();
      YamlNode t = tables.child(table);
      t.rejectUnknown(Set.copyOf(contract.columnNames()));
      Map<String, ColumnMapping> columns = new LinkedHashMap<>();
      for (String target : t.keys()) {
        columns.put(target, column(t, target, contract.column(target)));
      }
      for (ColumnSpec c : contract.columns()) {
        if (c.required() && !columns.containsKey(c.name())) {
          throw Errors.config(
              n.source(),
              t.keyOf(c.name()),
              "required column is not mapped",
              "map it to the provider's column, e.g. '" + c.name() + ": PROVIDER_COLUMN'");
        }
      }
      out.put(table, columns);
    }
    return new SourceMapping(
        name,
        n.source(),
        delimiter.equals("\\t") ? "\t" : delimiter,
        dateFormat,
        n.stringList("null_values"),
        out);
  }

  private static ColumnMapping column(YamlNode table, String target, ColumnSpec spec) {
    JsonNode v =
        table
            .value(target)
            .orElseThrow(
                () ->
                    Errors.config(
                        table.source(), table.keyOf(target), "is empty", "name a provider column"));
    if (v.isValueNode()) {
      return new ColumnMapping(
          target,
          Optional.of(v.asText()),
          List.of(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          Map.of());
    }
    if (!v.isObject()) {
      throw table.bad(target, v, "a provider column name, or a mapping with from/join/constant");
    }
    YamlNode c = table.childObject(target, v).rejectUnknown(COLUMN);
    Optional<String> from = c.optionalString("from");
    List<String> join = c.stringList("join");
    Optional<String> constant = c.optionalString("constant");
    int ways =
        (from.isPresent() ? 1 : 0) + (join.isEmpty() ? 0 : 1) + (constant.isPresent() ? 1 : 0);
    if (ways != 1) {
      throw Errors.config(
          c.source(), c.path(), "needs exactly one of 'from', 'join' or 'constant'", "");
    }
    if (!join.isEmpty() && spec.type() != ColumnType.STRING_LIST) {
      throw Errors.config(
          c.source(),
          c.keyOf("join"),
          "only list columns can be joined",
          target + " is a single value; use 'from'");
    }
    Optional<String> dateFormat = c.optionalString("date_format");
    if (dateFormat.isPresent()) {
      if (spec.type() != ColumnType.DATE) {
        throw Errors.config(
            c.source(),
            c.keyOf("date_format"),
            "applies only to date columns",
            target + " is not a date");
      }
      checkDateFormat(c, "date_format", dateFormat.get());
    }
    // A translation to '' or to ~ (null) means "not recorded": the value becomes empty.
    Map<String, String> values = new LinkedHashMap<>(c.stringMap("values"));
    JsonNode rawValues = c.child("values").raw();
    values.replaceAll((code, to) -> rawValues.get(code).isNull() ? "" : to);
    return new ColumnMapping(
        target, from, join, c.stringList("skip"), constant, dateFormat, values);
  }

  private static void checkDateFormat(YamlNode n, String key, String pattern) {
    try {
      DateTimeFormatter.ofPattern(pattern);
    } catch (IllegalArgumentException e) {
      throw n.bad(key, n.raw().get(key), "a date pattern such as yyyy-MM-dd or ddMMyyyy");
    }
    if (!pattern.matches("[yMd\\-/. ]+")
        || !pattern.contains("y")
        || !pattern.contains("M")
        || !pattern.contains("d")) {
      throw n.bad(
          key,
          n.raw().get(key),
          "a numeric date pattern of y, M and d, e.g. yyyy-MM-dd, dd/MM/yyyy or yyyyMMdd");
    }
  }
}

package io.proactivecare.npc.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A read-only view of one YAML mapping that knows where it came from, so that every error names the
 * file and the dotted key at fault. Used for the configuration, job, mapping and extract files.
 */
public final class YamlNode {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final JsonNode node;
  private final String source;
  private final String path;

  private YamlNode(JsonNode node, String source, String path) {
    this.node = node;
    this.source = source;
    this.path = path;
  }

  /** Reads a YAML file whose top level must be a mapping. */
  public static YamlNode read(Path file) {
    JsonNode tree;
    try {
      tree = YAML.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw Errors.unreadableConfig(file, "no such file", e);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw Errors.unreadableConfig(
          file,
          "not valid YAML"
              + where
              + " ("
              + e.getOriginalMessage().strip().replaceAll("\\s*\\R\\s*", "; ")
              + ")",
          e);
    } catch (IOException e) {
      throw Errors.unreadableConfig(file, e.getMessage(), e);
    }
    return of(tree, file.toString());
  }

  /** Wraps a parsed tree; an empty document is an empty mapping. */
  public static YamlNode of(JsonNode tree, String source) {
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      tree = JsonNodeFactory.instance.objectNode();
    }
    YamlNode n = new YamlNode(tree, source, "");
    if (!tree.isObject()) {
      throw Errors.config(source, "(top level)", "expected a mapping of keys to values", "");
    }
    return n;
  }

  /** Parses one scalar as YAML would (numbers, booleans, strings). */
  public static JsonNode scalar(String text) {
    try {
      JsonNode v = YAML.readTree(text);
      return v == null || v.isMissingNode() ? JsonNodeFactory.instance.nullNode() : v;
    } catch (JsonProcessingException e) {
      return JsonNodeFactory.instance.textNode(text);
    }
  }

  public JsonNode raw() {
    return node;
  }

  public String source() {
    return source;
  }

  /** The dotted key of a child of this node. */
  public String keyOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public String path() {
    return path.isEmpty() ? "(top level)" : path;
  }

  public boolean has(String key) {
    return node.has(key) && !node.get(key).isNull();
  }

  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** Refuses any key not in {@code known}, naming it and listing the known ones. */
  public YamlNode rejectUnknown(Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw Errors.config(
            source,
            keyOf(key),
            "unknown key",
            "known keys here are: " + String.join(", ", new TreeSet<>(known)));
      }
    }
    return this;
  }

  public YamlNode child(String key) {
    JsonNode c = node.get(key);
    if (c == null || c.isNull()) {
      return new YamlNode(JsonNodeFactory.instance.objectNode(), source, keyOf(key));
    }
    if (!c.isObject()) {
      throw bad(key, c, "a mapping of keys to values");
    }
    return new YamlNode(c, source, keyOf(key));
  }

  /** The child at {@code key}, whatever its shape, for values that may be a string or a mapping. */
  public Optional<JsonNode> value(String key) {
    JsonNode c = node.get(key);
    return c == null || c.isNull() ? Optional.empty() : Optional.of(c);
  }

  public YamlNode childObject(String key, JsonNode value) {
    return new YamlNode(value, source, keyOf(key));
  }

  public String string(String key) {
    JsonNode c = require(key);
    if (!c.isValueNode() || c.asText().isBlank()) {
      throw bad(key, c, "a non-empty text value");
    }
    return c.asText();
  }

  /** A text value that may be empty (a site's free text). */
  public String text(String key) {
    JsonNode c = require(key);
    if (!c.isValueNode() || c.isNull()) {
      throw bad(key, c, "a text value (\"\" for none)");
    }
    return c.asText();
  }

  public Optional<String> optionalString(String key) {
    return has(key) ? Optional.of(string(key)) : Optional.empty();
  }

  public int integer(String key, int min, int max) {
    JsonNode c = require(key);
    if (!c.canConvertToInt() || !c.isIntegralNumber() || c.asInt() < min || c.asInt() > max) {
      throw bad(key, c, "a whole number from " + min + " to " + max);
    }
    return c.asInt();
  }

  public double number(String key, double min, double max) {
    JsonNode c = require(key);
    return checkNumber(key, c, min, max);
  }

  private double checkNumber(String key, JsonNode c, double min, double max) {
    if (!c.isNumber() || Double.isNaN(c.asDouble()) || c.asDouble() < min || c.asDouble() > max) {
      throw bad(key, c, "a number from " + min + " to " + max);
    }
    return c.asDouble();
  }

  public boolean bool(String key) {
    JsonNode c = require(key);
    if (!c.isBoolean()) {
      throw bad(key, c, "true or false");
    }
    return c.asBoolean();
  }

  public LocalDate date(String key) {
    JsonNode c = require(key);
    try {
      return LocalDate.parse(c.asText());
    } catch (DateTimeParseException e) {
      throw bad(key, c, "a date as yyyy-MM-dd");
    }
  }

  public Optional<LocalDate> optionalDate(String key) {
    return has(key) ? Optional.of(date(key)) : Optional.empty();
  }

  public List<String> stringList(String key) {
    if (!has(key)) {
      return List.of();
    }
    JsonNode c = node.get(key);
    if (c.isValueNode()) {
      return List.of(c.asText());
    }
    if (!c.isArray()) {
      throw bad(key, c, "a list of text values");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : c) {
      if (!e.isValueNode()) {
        throw bad(key, c, "a list of text values");
      }
      out.add(e.asText());
    }
    return List.copyOf(out);
  }

  public Map<String, String> stringMap(String key) {
    YamlNode m = child(key);
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : m.keys()) {
      JsonNode v = m.node.get(k);
      if (!v.isValueNode()) {
        throw m.bad(k, v, "a text value");
      }
      out.put(k, v.asText());
    }
    return out;
  }

  public Map<String, Double> numberMap(String key, double min, double max) {
    YamlNode m = child(key);
    Map<String, Double> out = new LinkedHashMap<>();
    for (String k : m.keys()) {
      out.put(k, m.checkNumber(k, m.node.get(k), min, max));
    }
    return out;
  }

  private JsonNode require(String key) {
    JsonNode c = node.get(key);
    if (c == null || c.isNull()) {
      throw Errors.config(source, keyOf(key), "is missing", "add it");
    }
    return c;
  }

  /** An error naming this node's key {@code key}, its value and what was expected. */
  public NpcException bad(String key, JsonNode value, String expected) {
    String shown = value.isValueNode() ? "'" + value.asText() + "'" : "a " + value.getNodeType();
    return Errors.config(source, keyOf(key), shown + " is not valid", "expected " + expected);
  }

  /** Deep-merges {@code override} over {@code base}: mappings merge key by key, others replace. */
  public static ObjectNode merge(ObjectNode base, JsonNode override) {
    ObjectNode out = base.deepCopy();
    if (override == null || !override.isObject()) {
      return out;
    }
    override
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode existing = out.get(e.getKey());
              if (existing != null && existing.isObject() && e.getValue().isObject()) {
                out.set(e.getKey(), merge((ObjectNode) existing, e.getValue()));
              } else {
                out.set(e.getKey(), e.getValue());
              }
            });
    return out;
  }
}

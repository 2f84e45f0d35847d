package io.proactivecare.npc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.ExitCode;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.testing.Npc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * README.md, docs/cli.md and docs/configuration.md say what the code does, as
 * docs/data-contracts.md does (ContractsDocTest): the commands, the exit codes and the
 * configuration keys are read from the code and compared with the documents both ways (issue 15
 * item 20).
 */
class DocsInStepTest {
  private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

  /**
   * Maps whose keys are the user's own names (Spark settings, table names, cost frequencies): the
   * map is one configuration key, documented as such.
   */
  private static final Set<String> FREE_FORM =
      Set.of("spark.settings", "quality.per_table", "features.cost_frequencies");

  @Test
  void readmeListsEveryCommandAndOnlyCommands() throws Exception {
    CommandLine npc = Cli.commandLine();
    Map<String, String> entries = readmeCommands();
    Set<String> commands = new TreeSet<>(npc.getSubcommands().keySet());
    assertEquals(
        commands,
        new TreeSet<>(entries.keySet()),
        "README.md's command list (## Commands) against the commands of npc");
    List<String> missing = new ArrayList<>();
    npc.getSubcommands()
        .forEach(
            (name, c) ->
                c.getSubcommands().keySet().stream()
                    .filter(sub -> !words(entries.get(name)).contains(sub))
                    .forEach(sub -> missing.add(name + " " + sub)));
    assertEquals(List.of(), missing, "subcommands README.md's entry of their command leaves out");
  }

  @Test
  void cliDocListsEveryCommandAndOnlyCommands() throws Exception {
    CommandLine npc = Cli.commandLine();
    Set<String> leaves = new TreeSet<>();
    leaves(npc, "", leaves);
    Set<String> documented = new TreeSet<>();
    for (String row : tableRows(read("docs/cli.md"), "| Command |")) {
      Matcher m = TICKED.matcher(cells(row)[1]);
      if (!m.find()) {
        continue;
      }
      List<String> words = words(m.group(1));
      assertEquals("npc", words.get(0), row);
      CommandLine at = npc;
      String path = "";
      for (String w : words.subList(1, words.size())) {
        CommandLine sub = at.getSubcommands().get(w);
        if (sub == null) {
          break;
        }
        at = sub;
        path = (path + " " + w).strip();
      }
      documented.add(path.isEmpty() ? "(not a command) " + m.group(1) : path);
    }
    assertEquals(leaves, documented, "docs/cli.md's command table against the commands of npc");
  }

  @Test
  void exitCodeTablesAreTheExitCodes() throws Exception {
    Map<Integer, String> code = new TreeMap<>();
    for (ExitCode e : ExitCode.values()) {
      code.put(e.code(), e.meaning());
    }
    for (String doc : List.of("README.md", "docs/cli.md")) {
      Map<Integer, String> documented = new TreeMap<>();
      for (String row : tableRows(read(doc), "| Code | Meaning |")) {
        String[] cells = cells(row);
        int n = Integer.parseInt(cells[1].strip());
        String meaning = cells[2].strip();
        // A meaning may go on in brackets or after a semicolon; it starts with ExitCode's words.
        String own = code.get(n);
        documented.put(
            n,
            own != null && (meaning.equals(own) || meaning.startsWith(own + " (")) ? own : meaning);
      }
      assertEquals(code, documented, doc + "'s exit codes against config/ExitCode");
    }
  }

  @Test
  void helpFooterIsTheExitCodes() {
    String help = Cli.commandLine().getUsageMessage();
    for (ExitCode e : ExitCode.values()) {
      assertTrue(
          help.lines().anyMatch(l -> l.equals("  " + e.code() + "  " + e.meaning())),
          "npc --help gives exit code " + e.code() + " as '" + e.meaning() + "':\n" + help);
    }
  }

  @Test
  void configurationDocHasEveryKeyTheCodeReadsAndNoOther() throws Exception {
    JsonNode defaults = defaults();
    Map<String, JsonNode> keys = new TreeMap<>();
    leafKeys(defaults, "", keys);
    Set<String> documented = new TreeSet<>();
    for (String row : tableRows(read("docs/configuration.md"), "| Key | Default |")) {
      Matcher m = TICKED.matcher(cells(row)[1]);
      while (m.find()) {
        documented.add(m.group(1));
      }
    }
    assertEquals(
        keys.keySet(),
        documented,
        "docs/configuration.md's keys against the keys of npc-defaults.yaml (the keys the code"
            + " reads)");
    // And the loader takes each one, given its default as a flag would give it.
    List<String> refused = new ArrayList<>();
    keys.forEach(
        (key, value) -> {
          try {
            ConfigLoader.load(Optional.empty(), Map.of(key, value.toString()));
          } catch (NpcException e) {
            refused.add(key + ": " + e.getMessage());
          }
        });
    assertEquals(List.of(), refused, "keys the loader refuses");
  }

  /** Every defaults file key, and FREE_FORM maps, are checked above; keep FREE_FORM true too. */
  @Test
  void freeFormMapsAreMapsOfTheDefaults() throws Exception {
    JsonNode defaults = defaults();
    for (String key : FREE_FORM) {
      JsonNode at = defaults;
      for (String part : key.split("\\.")) {
        at = at.path(part);
      }
      assertEquals(true, at.isObject(), key + " is a map in npc-defaults.yaml");
    }
  }

  private static JsonNode defaults() throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readTree(
            Files.readString(
                Npc.HOME.resolve("src/main/resources/npc-defaults.yaml"),
                java.nio.charset.StandardCharsets.UTF_8));
  }

  private static void leafKeys(JsonNode node, String prefix, Map<String, JsonNode> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + e.getKey();
      if (e.getValue().isObject() && !FREE_FORM.contains(key)) {
        leafKeys(e.getValue(), key + ".", out);
      } else {
        out.put(key, e.getValue());
      }
    }
  }

  private static void leaves(CommandLine c, String path, Set<String> out) {
    if (c.getSubcommands().isEmpty()) {
      out.add(path.strip());
    }
    c.getSubcommands().forEach((name, sub) -> leaves(sub, path + " " + name, out));
  }

  /** README.md's command list: each entry's text by the command it starts with. */
  private static Map<String, String> readmeCommands() throws Exception {
    String readme = read("README.md");
    int section = readme.indexOf("\n## Commands\n");
    int start = readme.indexOf("```text\n", section) + "```text\n".length();
    int end = readme.indexOf("```", start);
    Map<String, String> entries = new LinkedHashMap<>();
    String current = null;
    for (String line : readme.substring(start, end).lines().toList()) {
      if (line.startsWith("npc ")) {
        current = words(line).get(1);
        entries.merge(current, line, (a, b) -> a + "\n" + b);
      } else if (current != null && !line.isBlank()) {
        entries.merge(current, line, (a, b) -> a + "\n" + b);
      }
    }
    return entries;
  }

  /** The rows of every Markdown table whose header starts with HEADER (separator excluded). */
  private static List<String> tableRows(String doc, String header) {
    List<String> rows = new ArrayList<>();
    boolean in = false;
    for (String line : doc.lines().toList()) {
      if (line.startsWith(header)) {
        in = true;
      } else if (in && line.startsWith("|")) {
        if (!line.startsWith("|---")) {
          rows.add(line);
        }
      } else {
        in = false;
      }
    }
    assertFalse(rows.isEmpty(), "a table headed '" + header + "'");
    return rows;
  }

  /** A table row's cells ("\\|" is a pipe inside a cell). */
  private static String[] cells(String row) {
    return row.split("(?<!\\\\)\\|");
  }

  private static List<String> words(String text) {
    return Arrays.asList(text.strip().split("[\\s|;,:]+"));
  }

  private static String read(String doc) throws Exception {
    return Files.readString(Path.of(Npc.HOME.toString(), doc));
  }
}

package io.proactivecare.npc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's --help reads well in an 80-column terminal: no line is longer, and no paragraph
 * is broken early, leaves one word alone on a line, or splits a dotted name or path (issue 15 item
 * 21).
 */
class HelpTextTest {
  @Test
  void everyHelpFitsEightyColumnsAndWrapsWhole() {
    List<String> faults = new ArrayList<>();
    check(Cli.commandLine(), faults);
    assertEquals("", String.join("\n", faults), "help lines that wrap badly");
  }

  @Test
  void theCheckFindsEachKindOfFault() {
    List<String> faults = new ArrayList<>();
    lines(
        "x",
        String.join(
            "\n",
            "x".repeat(81),
            "",
            "Reads extract.yaml and its files,",
            "then validates every row.",
            "",
            "      --set=KEY=VALUE      Override any configuration key, e.g. --set quality.",
            "                             max_quarantine_share=0.1 (repeatable).",
            "  5  another run of the same job is under way (its lock is held); nothing was",
            "done"),
        faults);
    assertEquals(4, faults.size(), String.join("\n", faults));
  }

  private static void check(CommandLine c, List<String> faults) {
    lines(c.getCommandSpec().qualifiedName(), c.getUsageMessage(), faults);
    c.getSubcommands().values().forEach(sub -> check(sub, faults));
  }

  /**
   * A line continues the one before when it carries on the same text: both at the left margin (a
   * paragraph), or indented under a line that has text in a column (an option's or a command's
   * description), and it does not start a new option, parameter or synopsis element.
   */
  private static void lines(String command, String help, List<String> faults) {
    List<String> lines = help.lines().toList();
    int blockIndent = -1;
    boolean synopsis = false;
    for (int i = 0; i < lines.size(); i++) {
      String b = lines.get(i);
      if (b.length() > Cli.HELP_WIDTH) {
        faults.add(command + ": longer than " + Cli.HELP_WIDTH + ": " + b);
      }
      boolean afterSynopsis = synopsis;
      synopsis = b.startsWith("Usage:") || synopsis && indent(b) > 0;
      if (i == 0 || b.isBlank()) {
        blockIndent = -1;
        continue;
      }
      String a = lines.get(i - 1);
      int ia = indent(a);
      int ib = indent(b);
      String first = b.strip().split(" ")[0];
      // An option, a parameter, a numbered item (the exit codes) or a heading starts anew.
      boolean newItem =
          first.startsWith("-")
              || first.startsWith("[")
              || first.matches("\\d+")
              || b.endsWith(":") && ib == 0;
      boolean continues;
      // picocli never indents the rest of a paragraph at the margin: what is indented under one
      // is an option or parameter.
      if (a.isBlank() || afterSynopsis || newItem || ia == 0 && ib > 0) {
        continues = false;
      } else if (ib == 0) {
        // A paragraph, or a footer item picocli wrapped to the margin.
        continues = true;
      } else if (ib == blockIndent) {
        continues = true;
      } else {
        continues = ib > ia + 1 && a.strip().contains(" ");
      }
      blockIndent = continues ? ib : -1;
      if (!continues) {
        continue;
      }
      // picocli fills a line to one column short of the width.
      if (a.length() + 1 + first.length() < Cli.HELP_WIDTH) {
        faults.add(command + ": broken early before '" + first + "': " + a);
      }
      boolean lastOfBlock =
          i + 1 == lines.size() || lines.get(i + 1).isBlank() || indent(lines.get(i + 1)) != ib;
      if (lastOfBlock && !b.strip().contains(" ")) {
        faults.add(command + ": one word alone on a line: '" + b.strip() + "' after: " + a);
      }
      String[] aw = a.strip().split(" ");
      String last = aw[aw.length - 1];
      if (last.matches(".*[A-Za-z0-9_][./]")
          && !last.matches("\\(?(e\\.g|i\\.e)\\.")
          && first.matches("[a-z_].*")) {
        faults.add(command + ": a name split at '" + last + "' + '" + first + "'");
      }
    }
  }

  private static int indent(String line) {
    int n = 0;
    while (n < line.length() && line.charAt(n) == ' ') {
      n++;
    }
    return n;
  }
}

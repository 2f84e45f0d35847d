package io.proactivecare.npc.disclosure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The README.md of a folder of aggregates in the publish area: what the folder is, each file and
 * what its columns mean, the units, and the disclosure rules every figure has been through (so a
 * reader knows what {@code *} means, that figures are rounded to 5, and why parts need not add up
 * to their total). The rules are written from {@link Disclosure}'s constants, so they cannot drift
 * from what was applied.
 */
public final class AggregateReadme {
  private AggregateReadme() {}

  /**
   * One file of the folder.
   *
   * @param file its name, e.g. {@code funnel.csv}
   * @param what what one row is
   * @param columns each column, in file order, to what it means (with its unit)
   */
  public record File(String file, String what, Map<String, String> columns) {
    /** The same description under another file name. */
    public File named(String name) {
      return new File(name, what, columns);
    }
  }

  /**
   * The folder's {@code measures.csv}: every figure of the folder's other files, and the ones they
   * are derived from, in the one long format every stage shares ({@link Measures#SCHEMA}).
   *
   * @param populations what each population of this stage counts, in words
   */
  public static File measures(String populations) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("measure", "what is counted: `people`, or a sum such as bed days or pounds (see above)");
    m.put("population", "among whom: " + populations);
    m.put(
        "breakdown",
        "the part of the population: `"
            + Measures.OVERALL
            + "` (everyone) or the column it is"
            + " broken down by, e.g. `pcn_code`, `imd_quintile`");
    m.put(
        "level",
        "the group within the breakdown, e.g. a PCN's ODS code or quintile 1 (`"
            + Measures.ALL
            + "` for overall)");
    m.put(
        "numerator",
        "the figure, after disclosure control (for a ratio: the figure it is computed from)");
    m.put(
        "denominator_population",
        "for a ratio, the population of its denominator (same measure, breakdown and level,"
            + " unless it is a make-up share, whose denominator is the population overall); empty"
            + " for a figure");
    m.put("denominator", "for a ratio, its denominator after disclosure control; else empty");
    m.put(
        "value",
        "the figure itself, or for a ratio numerator ÷ denominator (× 100 for a `_share_` or"
            + " `_make_up` percentage), from the published figures");
    m.put(
        "suppressed",
        "why the row is empty: `"
            + Measures.SMALL
            + "` (a small figure, or few people contribute), `"
            + Measures.SECONDARY
            + "` (hidden so that a suppressed figure cannot be worked out from its total), `"
            + Measures.FROM_COUNTS
            + "` (a ratio whose figures are suppressed or whose denominator is 0); empty when"
            + " published");
    return new File(
        "measures.csv",
        "Every figure of this folder in one long table, one row per figure and one per ratio:"
            + " the same numbers as the other files, in the form the engine's stages share (and"
            + " the easiest to load into other tools). It also holds the figures a reader could"
            + " work out by subtraction, controlled like the rest.",
        m);
  }

  /** Writes {@code dir/README.md}. */
  public static void write(Path dir, String title, String about, List<File> files) {
    Path readme = dir.resolve("README.md");
    try {
      Files.createDirectories(dir);
      Files.writeString(readme, text(title, about, files), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + readme, e);
    }
  }

  static String text(String title, String about, List<File> files) {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(title).append("\n\n").append(about).append("\n\n");
    b.append("## How to read the figures\n\n");
    b.append(
        String.format(
            "Every number here has been through disclosure control (docs/disclosure.md in the"
                + " Proactive Care Engine) before it left the secure warehouse:%n%n"
                + "- `%s` means **suppressed**: the true figure is %d to %d, or %d to %d people"
                + " contribute to it (40 bed days of 3 people is suppressed), or it was hidden"
                + " because, with a total beside it, it would let a suppressed figure be worked"
                + " out by subtraction. 0 is a true zero.%n"
                + "- Every other count or sum is **rounded to the nearest %d** (8 and 12 become 10;"
                + " 1,003 becomes 1,005), so a published figure is at most %d from the truth.%n"
                + "- So **parts need not add up to their total**: each figure is rounded on its"
                + " own, and suppressed parts are missing. Three PCNs of 88, 50 and 29 people are"
                + " published as 90, 50 and 30 (170) while the area's 167 is published as 165."
                + " Use the published total rather than adding the parts.%n"
                + "- **Percentages and ratios are computed from the rounded figures** (a reader who"
                + " recomputes one from the table gets the same answer), and are empty (`%s`) when"
                + " either figure is suppressed or the denominator rounds to 0. Percentages run"
                + " from 0 to 100.%n%n",
            Disclosure.SUPPRESSED,
            Disclosure.SMALLEST_SUPPRESSED,
            Disclosure.LARGEST_SUPPRESSED,
            Disclosure.SMALLEST_SUPPRESSED,
            Disclosure.LARGEST_SUPPRESSED,
            Disclosure.ROUNDING_BASE,
            Disclosure.ROUNDING_BASE / 2,
            Disclosure.SUPPRESSED));
    b.append("## Files\n");
    for (File f : files) {
      b.append("\n### `").append(f.file()).append("`\n\n").append(f.what()).append("\n\n");
      b.append("| Column | Meaning |\n|---|---|\n");
      f.columns()
          .forEach((c, m) -> b.append("| `").append(c).append("` | ").append(m).append(" |\n"));
    }
    return b.toString();
  }
}

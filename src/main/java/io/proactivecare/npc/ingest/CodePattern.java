package io.proactivecare.npc.ingest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * A contract's format pattern (an ODS code, a SNOMED CT concept id, an ICD-10 code...) matched
 * against a whole value without a regular expression engine.
 *
 * <p>Spark's {@code rlike} runs {@code java.util.regex} with a new matcher on every value: with the
 * NHS-number shape, about a fourteenth of the ingest's CPU at a million people, over every code of
 * 44 million GP events and medicine issues. The contracts' patterns are all one small kind: a
 * sequence of ASCII characters and character classes, each repeated a bounded number of times, and
 * groups of them made optional. This class reads that kind and matches it with a loop over the
 * value's characters. The value is still copied into a Java string, as {@code rlike} copies it;
 * what is saved is the matcher's work, about three quarters of the match's time
 * (docs/benchmarks.md).
 *
 * <p>The grammar, which {@link #compile} refuses to go beyond (so a new pattern of another kind
 * fails its first test, not a night's run): {@code ^}, then atoms, then an optional {@code $}. An
 * atom is an ASCII character other than {@code \ . [ ] ( ) { } ? * + | ^ $}, a class {@code [...]}
 * of ASCII characters and ranges ({@code A-Z}; no negation, escapes, nested classes or {@code &}),
 * or a group {@code (...)} of atoms; each may be followed by {@code {n}}, {@code {m,n}} (at most
 * {@value #MAX_REPEAT}) or {@code ?}. The match is of the whole value, as {@code (?:pattern)\z}: a
 * value ending in a line break does not match, where Java's {@code $} alone would let it through. A
 * null value gives null, as {@code rlike} does.
 */
public final class CodePattern implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * One atom and its repetitions: a set of characters, or a group of atoms.
   *
   * @param once the most characters one repetition can take, at most {@link Integer#MAX_VALUE}: a
   *     group's bound, worked out when the pattern is read, so that a long value is not tried at
   *     every length
   */
  private record Atom(BitSet chars, List<Atom> group, int min, int max, long once)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    static Atom of(BitSet chars, List<Atom> group, int min, int max) {
      long once = 0;
      if (chars != null) {
        once = 1;
      } else {
        for (Atom g : group) {
          once =
              Math.min(Integer.MAX_VALUE, once + Math.min(Integer.MAX_VALUE, g.once() * g.max()));
        }
      }
      return new Atom(chars, group, min, max, once);
    }
  }

  private final List<Atom> atoms;

  private CodePattern(List<Atom> atoms) {
    this.atoms = atoms;
  }

  /**
   * Reads a pattern of the kind above.
   *
   * @throws IllegalArgumentException naming the pattern and where it goes beyond that kind
   */
  public static CodePattern compile(String pattern) {
    // Anchored at the start, as every contract pattern is: without it, rlike would find the
    // pattern anywhere that ends the value.
    if (!pattern.startsWith("^")) {
      throw unsupported(pattern, 0);
    }
    int end = pattern.endsWith("$") ? pattern.length() - 1 : pattern.length();
    int[] at = {1};
    List<Atom> atoms = sequence(pattern, at, end, false);
    if (at[0] != end) {
      throw unsupported(pattern, at[0]);
    }
    return new CodePattern(List.copyOf(atoms));
  }

  /** Whether the whole value matches; null for null. */
  public Boolean matches(String value) {
    return value == null ? null : match(atoms, 0, value, 0, value.length()) >= 0;
  }

  /** The column: whether each whole value matches, null where the value is null. */
  public Column matches(Column value) {
    return udf().apply(value);
  }

  private UserDefinedFunction udf() {
    return functions.udf(new Matcher(this), DataTypes.BooleanType).withName("matches_pattern");
  }

  /** The Spark function; a class of its own, so executors load it from the engine's jar. */
  private static final class Matcher implements UDF1<String, Boolean> {
    private static final long serialVersionUID = 1L;
    private final CodePattern pattern;

    Matcher(CodePattern pattern) {
      this.pattern = pattern;
    }

    @Override
    public Boolean call(String value) {
      return pattern.matches(value);
    }
  }

  /**
   * Matches {@code atoms} from {@code ai} against {@code value} from {@code vi} to {@code end}: the
   * first (most greedy) way through that reaches {@code end}, as a backtracking regex would.
   *
   * @return {@code end} when the atoms match exactly up to it, else -1
   */
  private static int match(List<Atom> atoms, int ai, String value, int vi, int end) {
    if (ai == atoms.size()) {
      return vi == end ? end : -1;
    }
    Atom a = atoms.get(ai);
    if (a.chars() != null) {
      // A class repeated: take as many as allowed, then give back one at a time.
      int n = 0;
      while (n < a.max() && vi + n < end && a.chars().get(value.charAt(vi + n))) {
        n++;
      }
      for (int k = n; k >= a.min(); k--) {
        if (match(atoms, ai + 1, value, vi + k, end) == end) {
          return end;
        }
      }
      return -1;
    }
    return repeatGroup(atoms, ai, a, 0, value, vi, end);
  }

  /** A group repeated {@code done} times so far: once more where allowed (greedy), or move on. */
  private static int repeatGroup(
      List<Atom> atoms, int ai, Atom a, int done, String value, int vi, int end) {
    if (done < a.max()) {
      // Each way the group can match here, longest first; empty only while the least number of
      // repetitions is still owed (so a group that can match nothing cannot repeat forever).
      int longest = (int) Math.min(end, vi + a.once());
      int shortest = done < a.min() ? vi : vi + 1;
      for (int to = longest; to >= shortest; to--) {
        if (match(a.group(), 0, value, vi, to) == to
            && repeatGroup(atoms, ai, a, done + 1, value, to, end) == end) {
          return end;
        }
      }
    }
    if (done >= a.min()) {
      return match(atoms, ai + 1, value, vi, end);
    }
    return -1;
  }

  private static List<Atom> sequence(String p, int[] at, int end, boolean inGroup) {
    List<Atom> atoms = new ArrayList<>();
    while (at[0] < end) {
      char c = p.charAt(at[0]);
      BitSet chars = null;
      List<Atom> group = null;
      if (c == ')') {
        if (!inGroup) {
          throw unsupported(p, at[0]);
        }
        return atoms;
      } else if (c == '[') {
        chars = characterClass(p, at, end);
      } else if (c == '(') {
        at[0]++;
        group = List.copyOf(sequence(p, at, end, true));
        if (at[0] >= end || p.charAt(at[0]) != ')' || group.isEmpty()) {
          throw unsupported(p, at[0]);
        }
        at[0]++;
      } else if ("\\.]{}?*+|^$".indexOf(c) >= 0 || c > 127) {
        throw unsupported(p, at[0]);
      } else {
        chars = new BitSet();
        chars.set(c);
        at[0]++;
      }
      int[] bounds = quantifier(p, at, end);
      atoms.add(Atom.of(chars, group, bounds[0], bounds[1]));
    }
    if (inGroup) {
      throw unsupported(p, at[0]);
    }
    return atoms;
  }

  private static BitSet characterClass(String p, int[] at, int end) {
    BitSet chars = new BitSet();
    int i = at[0] + 1;
    if (i < end && p.charAt(i) == '^') {
      throw unsupported(p, i);
    }
    while (i < end && p.charAt(i) != ']') {
      char from = p.charAt(i);
      if (!classMember(from)) {
        throw unsupported(p, i);
      }
      if (i + 2 < end && p.charAt(i + 1) == '-' && p.charAt(i + 2) != ']') {
        char to = p.charAt(i + 2);
        if (to < from || !classMember(to)) {
          throw unsupported(p, i);
        }
        chars.set(from, to + 1);
        i += 3;
      } else {
        chars.set(from);
        i++;
      }
    }
    if (i >= end || chars.isEmpty()) {
      throw unsupported(p, i);
    }
    at[0] = i + 1;
    return chars;
  }

  /**
   * A character a class may hold or a range may end with: ASCII, and not one Java gives another
   * meaning inside a class ({@code \\} escapes, {@code [} nests, {@code &&} intersects).
   */
  private static boolean classMember(char c) {
    return c < 128 && c != '\\' && c != '[' && c != '&';
  }

  /** The largest repetition count read: codes are short, and it keeps every match quick. */
  static final int MAX_REPEAT = 255;

  /**
   * {@code {n}}, {@code {m,n}} (ASCII digits, at most {@link #MAX_REPEAT}) or {@code ?} after an
   * atom; once when there is none.
   */
  private static int[] quantifier(String p, int[] at, int end) {
    if (at[0] >= end) {
      return new int[] {1, 1};
    }
    char c = p.charAt(at[0]);
    if (c == '?') {
      at[0]++;
      return new int[] {0, 1};
    }
    if (c != '{') {
      return new int[] {1, 1};
    }
    int close = p.indexOf('}', at[0]);
    if (close < 0 || close >= end) {
      throw unsupported(p, at[0]);
    }
    String[] parts = p.substring(at[0] + 1, close).split(",", -1);
    if (parts.length > 2 || !count(parts[0]) || !count(parts[parts.length - 1])) {
      throw unsupported(p, at[0]);
    }
    int min = Integer.parseInt(parts[0]);
    int max = Integer.parseInt(parts[parts.length - 1]);
    if (max < min || max > MAX_REPEAT) {
      throw unsupported(p, at[0]);
    }
    at[0] = close + 1;
    return new int[] {min, max};
  }

  /** One to three ASCII digits (no sign, no other script's digits). */
  private static boolean count(String s) {
    return !s.isEmpty() && s.length() <= 3 && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static IllegalArgumentException unsupported(String pattern, int at) {
    return new IllegalArgumentException(
        "pattern "
            + pattern
            + " goes beyond what CodePattern reads (at character "
            + (at + 1)
            + "): ^ then characters, [classes] and (groups), each with {n}, {m,n} or ?");
  }
}

package io.proactivecare.npc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import io.proactivecare.npc.config.Errors;
import io.proactivecare.npc.config.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which columns of a user's candidates table are what (docs/evaluation.md, "Your own candidates
 * table"): named in a small YAML file ({@code --columns}), each overridable by a command-line
 * option.
 *
 * @param file the candidates table (CSV, gzipped CSV or Parquet)
 * @param id the person's id column
 * @param treated the treated flag column (1/0, true/false)
 * @param indexDate the index date column (yyyy-MM-dd), or null: everyone is in one block
 * @param covariates numeric or 0/1 covariates, used as they are
 * @param categorical text covariates, one-hot encoded with the first level (sorted) as reference
 * @param exact the columns matched exactly, or null: the columns named like {@code
 *     evaluation.exact}'s strata
 * @param breakdowns columns the estimates are also given by (the treated person's value)
 * @param outcomes the outcome measures
 */
public record CandidatesSpec(
    Path file,
    String id,
    String treated,
    String indexDate,
    List<String> covariates,
    List<String> categorical,
    List<String> exact,
    List<String> breakdowns,
    List<Outcome> outcomes) {

  /**
   * One outcome: its values before and after the index date, and optionally the years each is over
   * (then the estimates are rates per person-year: events over years; else plain means).
   *
   * @param pre the pre-period column, or null (no difference-in-differences)
   * @param years the follow-up years column, or null (a plain mean)
   * @param preYears the pre-period years column, or null (the pre value is used as it is)
   */
  public record Outcome(String name, String pre, String post, String years, String preYears) {
    /** The columns it reads. */
    List<String> columns() {
      List<String> out = new ArrayList<>();
      for (String c : new String[] {pre, post, years, preYears}) {
        if (c != null) {
          out.add(c);
        }
      }
      return out;
    }
  }

  /** The command-line options, null where not given. */
  public record Options(
      String id,
      String treated,
      String indexDate,
      List<String> covariates,
      List<String> categorical,
      List<String> exact,
      List<String> breakdowns,
      List<String> outcomes) {}

  public static final String DEFAULT_ID = "person_id";
  public static final String DEFAULT_TREATED = "treated";

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Set<String> KEYS =
      Set.of(
          "id",
          "treated",
          "index_date",
          "covariates",
          "categorical",
          "exact",
          "breakdowns",
          "outcomes");

  public CandidatesSpec {
    covariates = List.copyOf(covariates);
    categorical = List.copyOf(categorical);
    exact = exact == null ? null : List.copyOf(exact);
    breakdowns = List.copyOf(breakdowns);
    outcomes = List.copyOf(outcomes);
  }

  /**
   * The spec for {@code file}: defaults, then the YAML file (if any), then the options.
   *
   * @param columns the YAML file, or null
   */
  public static CandidatesSpec load(Path file, Path columns, Options o) {
    YamlNode y = columns == null ? null : YamlNode.read(columns).rejectUnknown(KEYS);
    String id = pick(o.id(), y, "id", DEFAULT_ID);
    String treated = pick(o.treated(), y, "treated", DEFAULT_TREATED);
    String indexDate = pick(o.indexDate(), y, "index_date", null);
    List<String> covariates = list(o.covariates(), y, "covariates", List.of());
    List<String> categorical = list(o.categorical(), y, "categorical", List.of());
    List<String> exact = list(o.exact(), y, "exact", null);
    List<String> breakdowns = list(o.breakdowns(), y, "breakdowns", List.of());
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    if (o.outcomes() != null && !o.outcomes().isEmpty()) {
      for (String text : o.outcomes()) {
        Outcome out = parse(text, "--outcome " + text);
        outcomes.put(out.name(), out);
      }
    } else if (y != null && y.has("outcomes")) {
      YamlNode m = y.child("outcomes");
      for (String name : m.keys()) {
        JsonNode v = m.value(name).orElseThrow();
        outcomes.put(
            name,
            v.isObject()
                ? outcome(name, m.child(name))
                : parse(name + "=" + v.asText(), columns + ": outcomes." + name));
      }
    }
    if (covariates.isEmpty() && categorical.isEmpty()) {
      throw Errors.usage(
          "No covariates are named for " + file,
          "name them with --covariates a,b (numbers or 0/1) and --categorical c (text), or in the"
              + " --columns YAML");
    }
    return new CandidatesSpec(
        file,
        id,
        treated,
        indexDate,
        covariates,
        categorical,
        exact,
        breakdowns,
        List.copyOf(outcomes.values()));
  }

  /**
   * {@code name=pre:post[:years[:pre_years]]}, with {@code pre} empty for none (e.g. {@code
   * died=:died_post}).
   */
  static Outcome parse(String text, String where) {
    int eq = text.indexOf('=');
    String[] parts = eq < 0 ? new String[0] : text.substring(eq + 1).split(":", -1);
    if (eq < 1 || parts.length < 2 || parts.length > 4 || parts[1].isBlank()) {
      throw Errors.usage(
          where + ": expected NAME=PRE:POST[:YEARS[:PRE_YEARS]] (PRE may be empty)",
          "e.g. --outcome admissions=adm_pre:adm_post:years_post");
    }
    return checked(
        new Outcome(
            text.substring(0, eq).strip(),
            blankToNull(parts[0]),
            parts[1].strip(),
            parts.length > 2 ? blankToNull(parts[2]) : null,
            parts.length > 3 ? blankToNull(parts[3]) : null),
        where);
  }

  private static Outcome outcome(String name, YamlNode n) {
    n.rejectUnknown(Set.of("pre", "post", "years", "pre_years"));
    return checked(
        new Outcome(
            name,
            n.optionalString("pre").orElse(null),
            n.string("post"),
            n.optionalString("years").orElse(null),
            n.optionalString("pre_years").orElse(null)),
        n.source() + ": " + n.path());
  }

  private static Outcome checked(Outcome o, String where) {
    if (!NAME.matcher(o.name()).matches()) {
      throw Errors.usage(
          where + ": the outcome name '" + o.name() + "' is not a plain name",
          "use letters, digits and _, starting with a letter");
    }
    return o;
  }

  private static String blankToNull(String s) {
    return s.isBlank() ? null : s.strip();
  }

  private static String pick(String option, YamlNode y, String key, String otherwise) {
    if (option != null) {
      return option.isBlank() ? null : option.strip();
    }
    return y != null && y.has(key) ? y.string(key) : otherwise;
  }

  private static List<String> list(
      List<String> option, YamlNode y, String key, List<String> otherwise) {
    if (option != null) {
      return option.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
    return y != null && y.value(key).isPresent() ? y.stringList(key) : otherwise;
  }

  /** Every column the spec reads from the file. */
  List<String> columns(List<String> exactColumns) {
    List<String> out = new ArrayList<>();
    out.add(id);
    out.add(treated);
    if (indexDate != null) {
      out.add(indexDate);
    }
    out.addAll(covariates);
    out.addAll(categorical);
    out.addAll(exactColumns);
    out.addAll(breakdowns);
    outcomes.forEach(o -> out.addAll(o.columns()));
    return out;
  }
}

package io.proactivecare.npc.frailty;

import io.proactivecare.npc.config.FrailtySettings;
import io.proactivecare.npc.io.SmallCsv;
import io.proactivecare.npc.schema.Contracts;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The eFI as data: its 36 deficits, each deficit's codes per coding system, and the value rules,
 * loaded from the files the configuration names and checked on load (docs/frailty.md). A bad file
 * is refused with a one-line message naming file, line and column.
 *
 * @param deficits by number, 1 to 36
 * @param codes every (coding system, code, deficit) row
 * @param valueRules every value rule
 * @param polypharmacy the number of the deficit decided from medicines, not codes
 */
public record EfiDefinition(
    Map<Integer, String> deficits, List<Code> codes, List<ValueRule> valueRules, int polypharmacy)
    implements Serializable {
  /** The eFI's fixed number of deficits: its categories are defined on counts out of 36. */
  public static final int DEFICITS = 36;

  /** The name the deficits file must give the deficit decided from medicines. */
  public static final String POLYPHARMACY = "Polypharmacy";

  /** The coding systems of gp_events and the form their codes take. */
  static final Map<String, Pattern> CODE_FORMS =
      Map.of(
          "SNOMED", Pattern.compile(Contracts.SNOMED),
          "CTV3", Pattern.compile(Contracts.CTV3),
          "READ2", Pattern.compile(Contracts.READ2));

  public EfiDefinition {
    // In number order wherever it is read (the features' columns follow it): Map.copyOf would
    // iterate in an order that changes from one JVM to the next.
    deficits = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(deficits));
    codes = List.copyOf(codes);
    valueRules = List.copyOf(valueRules);
  }

  /** One code of a deficit. */
  public record Code(String system, String code, int deficit) implements Serializable {}

  /**
   * A recorded value that marks a deficit present: {@code >} means value above {@code low}; {@code
   * <} value below {@code high}; {@code between} strictly between both. {@code sex} is M, F or any.
   */
  public record ValueRule(
      int deficit,
      String measure,
      String system,
      String code,
      String comparator,
      Double low,
      Double high,
      String sex)
      implements Serializable {
    /** Whether {@code value} recorded for a person of {@code personSex} meets the rule. */
    public boolean matches(double value, String personSex) {
      if (!"any".equals(sex) && !sex.equals(personSex)) {
        return false;
      }
      return switch (comparator) {
        case ">" -> value > low;
        case "<" -> value < high;
        case "any" -> true;
        default -> value > low && value < high;
      };
    }
  }

  public String name(int deficit) {
    return deficits.get(deficit);
  }

  /** Loads and checks the files {@code settings} names. */
  public static EfiDefinition load(FrailtySettings settings) {
    Map<String, Integer> byName = loadDeficits(settings.deficits());
    int poly = byName.get(POLYPHARMACY);
    List<Code> codes = new ArrayList<>();
    for (Map.Entry<String, Path> e : new TreeMap<>(settings.codelists()).entrySet()) {
      codes.addAll(loadCodes(e.getKey(), e.getValue(), byName, poly));
    }
    List<ValueRule> rules = loadRules(settings.valueRules(), byName, poly);
    Map<Integer, String> deficits = new HashMap<>();
    byName.forEach((name, no) -> deficits.put(no, name));
    return new EfiDefinition(deficits, codes, rules, poly);
  }

  private static Map<String, Integer> loadDeficits(Path file) {
    SmallCsv csv =
        SmallCsv.read(
            file, "eFI deficits file", "frailty.deficits", List.of("deficit_no", "deficit"));
    Map<String, Integer> byName = new LinkedHashMap<>();
    Set<Integer> numbers = new HashSet<>();
    for (SmallCsv.Line line : csv.rows()) {
      Map<String, String> f = csv.fields(line);
      int no;
      try {
        no = Integer.parseInt(f.get("deficit_no"));
      } catch (NumberFormatException e) {
        throw csv.problem(
            line,
            "deficit_no",
            "'" + f.get("deficit_no") + "' is not a number",
            "number the deficits 1 to 36");
      }
      if (no < 1 || no > DEFICITS || !numbers.add(no)) {
        throw csv.problem(
            line,
            "deficit_no",
            "deficit number " + no + " is out of range or repeated",
            "number the deficits 1 to 36, once each");
      }
      String name = f.get("deficit");
      if (name.isEmpty() || byName.putIfAbsent(name, no) != null) {
        throw csv.problem(
            line,
            "deficit",
            "deficit name '" + name + "' is empty or repeated",
            "name each deficit once");
      }
    }
    if (byName.size() != DEFICITS) {
      throw io.proactivecare.npc.config.Errors.usage(
          file + ": lists " + byName.size() + " deficits",
          "the eFI has " + DEFICITS + "; its categories are defined on counts out of " + DEFICITS);
    }
    if (!byName.containsKey(POLYPHARMACY)) {
      throw io.proactivecare.npc.config.Errors.usage(
          file + ": no deficit is named '" + POLYPHARMACY + "'",
          "the polypharmacy deficit is decided from medicines and must be named " + POLYPHARMACY);
    }
    return byName;
  }

  private static List<Code> loadCodes(
      String system, Path file, Map<String, Integer> byName, int poly) {
    SmallCsv csv =
        SmallCsv.read(
            file, "eFI codelist", "frailty.codelists." + system, List.of("deficit", "code"));
    List<Code> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (SmallCsv.Line line : csv.rows()) {
      Map<String, String> f = csv.fields(line);
      int deficit = deficit(csv, line, f.get("deficit"), byName, poly);
      String code = code(csv, line, system, f.get("code"));
      Integer earlier = seen.putIfAbsent(deficit + "|" + code, line.number());
      if (earlier != null) {
        throw csv.problem(
            line,
            "code",
            "repeats line " + earlier + " (" + f.get("deficit") + ", " + code + ")",
            "list each code once per deficit");
      }
      out.add(new Code(system, code, deficit));
    }
    return out;
  }

  private static List<ValueRule> loadRules(Path file, Map<String, Integer> byName, int poly) {
    SmallCsv csv =
        SmallCsv.read(
            file,
            "eFI value rules",
            "frailty.value_rules",
            List.of(
                "deficit", "measure", "code_system", "code", "comparator", "low", "high", "sex"));
    List<ValueRule> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (SmallCsv.Line line : csv.rows()) {
      Map<String, String> f = csv.fields(line);
      int deficit = deficit(csv, line, f.get("deficit"), byName, poly);
      String system = f.get("code_system");
      if (!CODE_FORMS.containsKey(system)) {
        throw csv.problem(
            line,
            "code_system",
            "'" + system + "' is not a coding system",
            "use SNOMED, CTV3 or READ2");
      }
      String code = code(csv, line, system, f.get("code"));
      String comparator = f.get("comparator");
      Optional<Double> low = bound(csv, line, "low", f.get("low"));
      Optional<Double> high = bound(csv, line, "high", f.get("high"));
      boolean ok =
          switch (comparator) {
            case ">" -> low.isPresent() && high.isEmpty();
            case "<" -> high.isPresent() && low.isEmpty();
            case "between" -> low.isPresent() && high.isPresent() && low.get() < high.get();
            case "any" -> low.isEmpty() && high.isEmpty();
            default ->
                throw csv.problem(
                    line,
                    "comparator",
                    "'" + comparator + "' is not a comparator",
                    "use >, <, between or any");
          };
      if (!ok) {
        throw csv.problem(
            line,
            comparator.equals("<") ? "high" : "low",
            "comparator " + comparator + " needs " + needs(comparator),
            "fill the bound(s) the comparator uses and leave the other empty");
      }
      String sex = f.get("sex");
      if (!Set.of("M", "F", "any").contains(sex)) {
        throw csv.problem(line, "sex", "'" + sex + "' is not M, F or any", "use M, F or any");
      }
      ValueRule rule =
          new ValueRule(
              deficit,
              f.get("measure"),
              system,
              code,
              comparator,
              low.orElse(null),
              high.orElse(null),
              sex);
      Integer earlier = seen.putIfAbsent(rule.toString(), line.number());
      if (earlier != null) {
        throw csv.problem(line, "code", "repeats line " + earlier, "list each rule once");
      }
      out.add(rule);
    }
    return out;
  }

  /** {@code code}, refused unless it has the form of {@code system}'s codes. */
  private static String code(SmallCsv csv, SmallCsv.Line line, String system, String code) {
    Pattern form = CODE_FORMS.get(system);
    if (!form.matcher(code).matches()) {
      throw csv.problem(
          line,
          "code",
          "'" + code + "' is not a " + system + " code",
          "codes must match " + form.pattern());
    }
    return code;
  }

  private static String needs(String comparator) {
    return switch (comparator) {
      case ">" -> "low only";
      case "<" -> "high only";
      case "any" -> "no bounds";
      default -> "low and high, low below high";
    };
  }

  private static Optional<Double> bound(
      SmallCsv csv, SmallCsv.Line line, String column, String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      double v = Double.parseDouble(text);
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return Optional.of(v);
    } catch (NumberFormatException e) {
      throw csv.problem(
          line, column, "'" + text + "' is not a number", "write the bound as a number, e.g. 60");
    }
  }

  private static int deficit(
      SmallCsv csv, SmallCsv.Line line, String name, Map<String, Integer> byName, int poly) {
    Integer no = byName.get(name);
    if (no == null) {
      throw csv.problem(
          line,
          "deficit",
          "unknown deficit '" + name + "'",
          "use a name from the deficits file (frailty.deficits)");
    }
    if (no == poly) {
      throw csv.problem(
          line,
          "deficit",
          POLYPHARMACY + " has no codes",
          "it is decided from medicines (frailty.polypharmacy)");
    }
    return no;
  }
}

package io.proactivecare.npc.frailty;

import io.proactivecare.npc.io.SmallCsv;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Hospital Frailty Risk Score's ICD-10 codes (three characters) and their points, held in
 * tenths of a point so that sums are exact.
 *
 * @param tenths code to points times ten
 */
public record HfrsCodelist(Map<String, Integer> tenths) implements Serializable {
  private static final Pattern THREE = Pattern.compile("^[A-Z][0-9]{2}$");

  public HfrsCodelist {
    tenths = Map.copyOf(tenths);
  }

  /** Loads {@code file} (icd10_code, points, ...), refusing malformed or repeated codes. */
  public static HfrsCodelist load(Path file) {
    SmallCsv csv =
        SmallCsv.read(file, "HFRS codelist", "hfrs.codelist", List.of("icd10_code", "points"));
    Map<String, Integer> out = new LinkedHashMap<>();
    for (SmallCsv.Line line : csv.rows()) {
      Map<String, String> f = csv.fields(line);
      String code = f.get("icd10_code");
      if (!THREE.matcher(code).matches()) {
        throw csv.problem(
            line,
            "icd10_code",
            "'" + code + "' is not a three-character ICD-10 code",
            "write codes like F00 (letter, two digits, no dot)");
      }
      int tenths;
      try {
        BigDecimal p = new BigDecimal(f.get("points"));
        if (p.signum() <= 0 || p.scale() > 1) {
          throw new NumberFormatException();
        }
        tenths = p.movePointRight(1).intValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        throw csv.problem(
            line,
            "points",
            "'" + f.get("points") + "' is not a positive number with at most one decimal",
            "write points like 7.1");
      }
      if (out.putIfAbsent(code, tenths) != null) {
        throw csv.problem(line, "icd10_code", code + " is listed twice", "list each code once");
      }
    }
    return new HfrsCodelist(out);
  }
}

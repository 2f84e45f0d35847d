package io.proactivecare.npc.synth;

import io.proactivecare.npc.io.SmallCsv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The codes the generator records: each deficit's SNOMED codes from the eFI codelist, everyday
 * codes outside any deficit (noise), palliative care codes, measurement codes, and regular
 * medicines with their BNF codes.
 *
 * @param deficitCodes per deficit (index into {@link FrailtyModel#PREVALENCE_AT_75}), its SNOMED
 *     codes
 */
record Catalogue(List<List<String>> deficitCodes) implements java.io.Serializable {
  /** Everyday SNOMED codes that are in no eFI deficit: consultations, lifestyle, measurements. */
  static final String[] NOISE = {
    "185347001",
    "390906007",
    "77176002",
    "8517006",
    "266919005",
    "27113001",
    "50373000",
    "60621009",
    "43396009",
    "228273003",
    "365981007",
    "185349003",
    "308335008",
    "170258001",
    "183932001"
  };

  /**
   * Palliative care codes (PALCARE_COD, conf/codelists/palliative_care.csv) the generator records:
   * palliative care, on end of life care register, on gold standards palliative care framework, has
   * end of life care plan, referral to palliative care service. None is in an eFI codelist.
   */
  static final String[] PALLIATIVE = {
    "103735009", "526631000000108", "414937009", "713673000", "306237005"
  };

  /** Palliative care not currently clinically indicated (PALCARENI_COD). */
  static final String PALLIATIVE_NOT_INDICATED = "1048611000000104";

  static final String SYSTOLIC_BP = "271649006";
  static final String EGFR = "1011481000000105";

  /** Regular medicines: dm+d code and BNF chemical substance code. */
  static final String[][] MEDICINES = {
    {"320000009", "0212000B0"}, {"318420003", "0205051R0"}, {"317896006", "0206020A0"},
    {"325278003", "0601022B0"}, {"322236009", "0407010H0"}, {"318475005", "0204000H0"},
    {"317335000", "0103050P0"}, {"326108007", "0601011A0"}, {"330164002", "0602010V0"},
    {"319740004", "0209000A0"}, {"317972000", "0202020L0"}, {"319733000", "0208020V0"},
    {"703907004", "0208020Z0"}, {"320151001", "0301011R0"}, {"321208000", "0403030E0"},
    {"322280009", "0407020Q0"}, {"318858009", "0210000A0"}, {"323509004", "0501013B0"},
    {"327096008", "0606020A0"}, {"319283006", "0402010D0"}, {"321602002", "0401020K0"},
    {"318135000", "0204000R0"}, {"318977002", "0212000AA"}, {"325072002", "0601023AG"},
    {"330258005", "0704020J0"}, {"324357008", "0502050B0"}, {"317249006", "0102000N0"},
    {"330375006", "0704020N0"}, {"321949006", "0406000J0"}, {"318956003", "0205052N0"}
  };

  /**
   * Reads the deficits' codes from {@code efi_snomed.csv} (deficit, code, term, source): the
   * deficits are the codelist's, in the alphabetical order of their names, one for each prevalence
   * of {@link FrailtyModel#PREVALENCE_AT_75}; each deficit's codes in the file's order.
   */
  static Catalogue load(Path codelist) {
    SmallCsv csv =
        SmallCsv.read(codelist, "eFI codelist", "--codelist", List.of("deficit", "code"));
    Map<String, List<String>> byName = new TreeMap<>();
    for (SmallCsv.Line line : csv.rows()) {
      Map<String, String> f = csv.fields(line);
      byName.computeIfAbsent(f.get("deficit"), k -> new ArrayList<>()).add(f.get("code"));
    }
    if (byName.size() != FrailtyModel.PREVALENCE_AT_75.length) {
      throw new IllegalStateException(
          codelist
              + " has codes for "
              + byName.size()
              + " deficits; the generator models "
              + FrailtyModel.PREVALENCE_AT_75.length
              + ", every eFI deficit but polypharmacy");
    }
    List<List<String>> codes = new ArrayList<>();
    Set<String> all = new HashSet<>();
    for (List<String> c : byName.values()) {
      codes.add(List.copyOf(c));
      all.addAll(c);
    }
    for (String n : NOISE) {
      if (all.contains(n)) {
        throw new IllegalStateException("noise code " + n + " is in the eFI codelist");
      }
    }
    // Palliative care codes must leave every eFI result as it was.
    for (String n : PALLIATIVE) {
      if (all.contains(n)) {
        throw new IllegalStateException("palliative care code " + n + " is in the eFI codelist");
      }
    }
    if (all.contains(PALLIATIVE_NOT_INDICATED)) {
      throw new IllegalStateException(
          "palliative care code " + PALLIATIVE_NOT_INDICATED + " is in the eFI codelist");
    }
    return new Catalogue(List.copyOf(codes));
  }
}

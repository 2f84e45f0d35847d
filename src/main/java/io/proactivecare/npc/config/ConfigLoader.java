package io.proactivecare.npc.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the one {@link NpcConfig} of an invocation. Precedence, lowest first, and nowhere else:
 *
 * <ol>
 *   <li>built-in defaults ({@code npc-defaults.yaml} on the classpath, identical to the shipped
 *       {@code conf/npc.yaml});
 *   <li>the configuration file: {@code --config}, else {@code $NPC_CONFIG}, else {@code
 *       conf/npc.yaml} in the installation ({@link Install}) when it exists;
 *   <li>command-line flags ({@code --warehouse}, {@code --extract}, {@code --spark-master} and any
 *       {@code --set key=value}).
 * </ol>
 *
 * Unknown keys and bad values are refused naming the dotted key and the file it came from. A
 * relative path in a configuration file (or the defaults) is taken from the installation folder;
 * one given as a flag, from the current folder, as a user typing it expects.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("conf", "npc.yaml");
  static final String DEFAULTS_RESOURCE = "/npc-defaults.yaml";

  private static final String SPARK_SETTINGS = "spark.settings.";
  private static final long MB = 1024L * 1024;

  /**
   * Keys below which any name is a key: Spark's own settings, table names (quality.per_table) and
   * care package frequencies (features.cost_frequencies). Their values are checked when bound.
   */
  private static final Set<String> OPEN_MAPPINGS =
      Set.of("spark.settings", "quality.per_table", "features.cost_frequencies");

  private ConfigLoader() {}

  /** The configuration file chosen by the precedence rules, if any. */
  public static Optional<Path> locate(Path explicit) {
    if (explicit != null) {
      return Optional.of(explicit);
    }
    String env = System.getenv("NPC_CONFIG");
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env));
    }
    Path installed = Install.home().resolve(DEFAULT_FILE);
    return Files.isRegularFile(installed) ? Optional.of(installed) : Optional.empty();
  }

  /**
   * Loads the configuration.
   *
   * @param file the configuration file, or empty for defaults only
   * @param overrides dotted keys to YAML scalar text, applied last (flags)
   */
  public static Loaded load(Optional<Path> file, Map<String, String> overrides) {
    ObjectNode tree = defaults();
    anchorPaths(tree, Install.home());
    String source = "built-in defaults";
    if (file.isPresent()) {
      YamlNode fromFile = YamlNode.read(file.get());
      checkKeys(fromFile);
      ObjectNode own = fromFile.raw().deepCopy();
      anchorPaths(own, file.get().toAbsolutePath().normalize().getParent());
      tree = YamlNode.merge(tree, own);
      source = file.get().toString();
    }
    if (!overrides.isEmpty()) {
      ObjectNode flags = JsonNodeFactory.instance.objectNode();
      overrides.forEach((k, v) -> put(flags, k, fromCurrentFolder(k, YamlNode.scalar(v))));
      checkKeys(YamlNode.of(flags, "command-line flags"));
      tree = YamlNode.merge(tree, flags);
      source = source + " + command-line flags";
    }
    NpcConfig config = bind(YamlNode.of(tree, source), file);
    return new Loaded(config, hash(tree), tree);
  }

  /** A loaded configuration, its effective tree and the SHA-256 of that tree (for manifests). */
  public record Loaded(NpcConfig config, String hash, JsonNode effective) {}

  static ObjectNode defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + DEFAULTS_RESOURCE);
      }
      return (ObjectNode)
          YamlNode.YAML.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Keys whose value is one path. */
  private static final Set<String> PATH_KEYS =
      Set.of(
          "warehouse",
          "extract",
          "mappings",
          "publish",
          "frailty.deficits",
          "frailty.value_rules",
          "hfrs.codelist",
          "cohort.palliative_codelist");

  /**
   * Whether the value of dotted key {@code key} is a path: a key of {@link #PATH_KEYS} or a
   * codelist.
   */
  private static boolean isPathKey(String key) {
    return PATH_KEYS.contains(key) || key.startsWith("frailty.codelists.");
  }

  /**
   * Makes the relative path values of {@code tree} absolute against {@code base}: the folder of the
   * configuration file that holds them, or the installation for the built-in defaults. So the
   * effective configuration, and its hash, name where each file is, whichever layer gave it.
   */
  private static void anchorPaths(ObjectNode tree, Path base) {
    anchorPaths(tree, "", base);
  }

  private static void anchorPaths(ObjectNode node, String prefix, Path base) {
    List<String> fields = new ArrayList<>();
    node.fieldNames().forEachRemaining(fields::add);
    for (String field : fields) {
      String key = prefix + field;
      if (node.get(field) instanceof ObjectNode child) {
        // Below spark.settings the keys are Spark's own, never paths.
        if (!key.equals("spark.settings")) {
          anchorPaths(child, key + ".", base);
        }
      } else if (isPathKey(key)) {
        anchor(node, field, base);
      }
    }
  }

  private static void anchor(ObjectNode parent, String field, Path base) {
    JsonNode v = parent.get(field);
    if (v != null && v.isTextual() && !v.asText().isBlank()) {
      Path p = Path.of(v.asText());
      if (!p.isAbsolute()) {
        parent.put(field, base.resolve(p).normalize().toString());
      }
    }
  }

  /** A path given on the command line, made absolute against the current folder. */
  private static JsonNode fromCurrentFolder(String key, JsonNode value) {
    return isPathKey(key) && value.isTextual()
        ? JsonNodeFactory.instance.textNode(
            Install.fromCurrentFolder(Path.of(value.asText())).toString())
        : value;
  }

  /**
   * A flag's value as the configuration takes it: a path key's value made absolute against the
   * current folder, any other value as given (for passing flags on to another command).
   */
  public static String flagValue(String key, String value) {
    JsonNode v = fromCurrentFolder(key, YamlNode.scalar(value));
    return v.isTextual() ? v.asText() : value;
  }

  /**
   * A path value of the merged tree: every layer has made its relative values absolute already
   * ({@link #anchorPaths}, {@link #fromCurrentFolder}); an empty one is the installation.
   */
  private static Path path(String value) {
    return Install.resolve(Path.of(value));
  }

  private static void put(ObjectNode root, String dotted, JsonNode value) {
    // Below spark.settings a key is Spark's own dotted name (spark.driver.maxResultSize), not a
    // path.
    String[] parts =
        dotted.startsWith(SPARK_SETTINGS) && dotted.length() > SPARK_SETTINGS.length()
            ? new String[] {"spark", "settings", dotted.substring(SPARK_SETTINGS.length())}
            : dotted.split("\\.");
    ObjectNode at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode next = at.get(parts[i]);
      if (next == null || !next.isObject()) {
        next = at.putObject(parts[i]);
      }
      at = (ObjectNode) next;
    }
    at.set(parts[parts.length - 1], value);
  }

  /**
   * Refuses unknown keys before merging, so the error names the file they came from. The known keys
   * are the built-in defaults' ({@code npc-defaults.yaml} gives every key its value), so a key is
   * written once there and once where it is read.
   */
  private static void checkKeys(YamlNode n) {
    checkKeys(n, defaults());
  }

  private static void checkKeys(YamlNode n, JsonNode known) {
    Set<String> names = new java.util.HashSet<>();
    known.fieldNames().forEachRemaining(names::add);
    n.rejectUnknown(names);
    for (String key : n.keys()) {
      if (known.get(key).isObject() && !OPEN_MAPPINGS.contains(n.keyOf(key))) {
        checkKeys(n.child(key), known.get(key));
      }
    }
  }

  private static NpcConfig bind(YamlNode n, Optional<Path> file) {
    YamlNode spark = n.child("spark");
    Map<String, String> sparkSettings = new LinkedHashMap<>(spark.stringMap("settings"));
    for (String key : sparkSettings.keySet()) {
      if (!key.startsWith("spark.")) {
        throw Errors.config(
            n.source(),
            "spark.settings." + key,
            "is not a Spark setting",
            "Spark settings start with 'spark.'");
      }
    }
    YamlNode quality = n.child("quality");
    Map<String, Double> perTable = quality.numberMap("per_table", 0, 1);
    perTable.keySet().forEach(t -> requireTable(n, "quality.per_table." + t, t));
    List<String> allowEmpty = quality.stringList("allow_empty");
    allowEmpty.forEach(t -> requireTable(n, "quality.allow_empty", t));
    YamlNode ingest = n.child("ingest");
    return new NpcConfig(
        path(n.string("warehouse")),
        path(n.string("extract")),
        path(n.string("mappings")),
        new SparkSettings(
            spark.string("master"),
            spark.integer("shuffle_partitions", 1, 100_000),
            oneOf(
                spark,
                "code_generation",
                List.of(SparkSettings.AUTO, SparkSettings.ALWAYS, SparkSettings.NEVER)),
            spark.integer("code_generation_above_mb", 0, 1_000_000) * MB,
            sparkSettings),
        new QualitySettings(
            quality.number("max_quarantine_share", 0, 1), perTable, Set.copyOf(allowEmpty)),
        new IngestSettings(
            ingest.bool("check_person_references"),
            ingest.bool("check_practice_references"),
            ingest.date("earliest_date"),
            ingest.integer("extract_date_tolerance_days", 0, 366),
            ingest.stringList("allowed_roots").stream().map(ConfigLoader::path).toList(),
            ingest.integer("concurrent_tables", 1, 64),
            oneOf(
                ingest,
                "cache",
                List.of(IngestSettings.AUTO, IngestSettings.ROWS, IngestSettings.COLUMNS))),
        population(n.child("population")),
        frailty(n.child("frailty")),
        hfrs(n.child("hfrs")),
        features(n.child("features")),
        risk(n.child("risk")),
        path(n.string("publish")),
        costs(n.child("costs")),
        cohort(n.child("cohort")),
        evaluation(n.child("evaluation")),
        monitoring(n.child("monitoring"), n.child("risk").integer("horizon_days", 1, 3660)),
        file);
  }

  private static EvaluationSettings evaluation(YamlNode e) {
    String index =
        oneOf(
            e,
            "index_date",
            List.of(EvaluationSettings.NEXT_MONTH_START, EvaluationSettings.ENROLMENT_DATE));
    String controls =
        oneOf(e, "controls", List.of(EvaluationSettings.ALL, EvaluationSettings.NON_PARTICIPATING));
    String later =
        oneOf(
            e,
            "later_enrolled_controls",
            List.of(EvaluationSettings.KEEP, EvaluationSettings.CENSOR, EvaluationSettings.DROP));
    String order =
        oneOf(e, "order", List.of(EvaluationSettings.LARGEST, EvaluationSettings.CLOSEST));
    List<String> exact = strata(e, "exact", EvaluationSettings.EXACT);
    List<String> breakdowns = strata(e, "breakdowns", EvaluationSettings.STRATA);
    List<String> covariates = nonEmpty(e, "covariates");
    int ratio = e.integer("ratio", 1, 20);
    int perTreated = e.integer("candidates_per_treated", 0, 1_000_000);
    if (perTreated != 0 && perTreated < 10 * ratio) {
      throw e.bad(
          "candidates_per_treated",
          e.value("candidates_per_treated").orElseThrow(),
          "0 (no sampling) or at least 10 times the ratio (" + 10 * ratio + ")");
    }
    return new EvaluationSettings(
        index,
        e.integer("baseline_days", 1, 3660),
        e.integer("follow_up_days", 1, 3660),
        e.bool("require_full_follow_up"),
        controls,
        later,
        perTreated,
        covariates,
        e.number("propensity_lambda", 0, 1_000_000),
        e.integer("propensity_max_fit_rows", 100, 100_000_000),
        ratio,
        e.number("caliper", 0, 100),
        exact,
        e.stringList("mahalanobis"),
        order,
        e.number("balance_threshold", 0.0001, 10),
        e.integer("bootstrap_replicates", 0, 100_000),
        e.integer("seed", 0, Integer.MAX_VALUE),
        e.number("confidence", 0.5, 0.999),
        breakdowns,
        ageBands(e),
        e.integer("min_group_size", 1, 1_000_000));
  }

  /** {@code monitoring}; its matured scores' age bound is at least the outcome horizon. */
  private static MonitoringSettings monitoring(YamlNode m, int horizonDays) {
    int maxAge = m.integer("matured_max_age_days", 1, 36600);
    if (maxAge < horizonDays) {
      throw Errors.config(
          m.source(),
          m.keyOf("matured_max_age_days"),
          maxAge
              + " is below risk.horizon_days ("
              + horizonDays
              + "): no scores old enough to have matured would ever be young enough",
          "give at least " + horizonDays + " (the default is the horizon and a month)");
    }
    return new MonitoringSettings(
        m.integer("history_runs", 1, 1000),
        threshold(m.child("quarantine_share_rise"), 1),
        threshold(m.child("volume_drop"), 1),
        threshold(m.child("psi"), 100),
        threshold(m.child("churn_rise"), 1),
        threshold(m.child("auroc_floor"), 1),
        maxAge);
  }

  /** {@code limit} (0 to {@code most}) and {@code action} (fail or warn) of one alert. */
  private static MonitoringSettings.Threshold threshold(YamlNode t, double most) {
    return new MonitoringSettings.Threshold(
        t.number("limit", 0, most),
        oneOf(t, "action", List.of(MonitoringSettings.FAIL, MonitoringSettings.WARN)));
  }

  /** A list of stratum names (evaluation.exact, evaluation.breakdowns). */
  private static List<String> strata(YamlNode e, String key, List<String> allowed) {
    List<String> out = e.stringList(key);
    for (String x : out) {
      if (!allowed.contains(x)) {
        throw e.bad(key, e.value(key).orElseThrow(), "a list of " + String.join(", ", allowed));
      }
    }
    return out;
  }

  private static String oneOf(YamlNode n, String key, List<String> allowed) {
    String v = n.string(key);
    if (!allowed.contains(v)) {
      throw n.bad(key, n.value(key).orElseThrow(), String.join(" or ", allowed));
    }
    return v;
  }

  /** Refuses a key naming a table that is not one of the contracts'. */
  private static void requireTable(YamlNode n, String key, String table) {
    List<String> tables = io.proactivecare.npc.schema.Contracts.names();
    if (!tables.contains(table)) {
      throw Errors.config(
          n.source(),
          key,
          "unknown table '" + table + "'",
          "tables are: " + String.join(", ", tables));
    }
  }

  private static CostSettings costs(YamlNode c) {
    double most = 1_000_000;
    return new CostSettings(
        c.number("emergency_bed_day", 0, most),
        c.number("elective_admission", 0, most),
        c.number("day_case", 0, most),
        c.number("ae_attendance", 0, most),
        c.number("outpatient_attendance", 0, most));
  }

  private static CohortSettings cohort(YamlNode c) {
    String scope = c.string("scope");
    if (!Set.of(CohortSettings.AREA, CohortSettings.PCN).contains(scope)) {
      throw c.bad("scope", c.value("scope").orElseThrow(), "area or pcn");
    }
    List<String> exclude = c.stringList("exclude");
    for (String e : exclude) {
      if (!CohortSettings.EXCLUSIONS.contains(e)) {
        throw c.bad(
            "exclude", c.value("exclude").orElseThrow(), "a list of care_home, palliative_care");
      }
    }
    double share = c.number("share", 0.0001, 1);
    double stay = c.number("stay_share", 0, 1);
    if (stay > 0 && stay <= share) {
      throw c.bad(
          "stay_share",
          c.value("stay_share").orElseThrow(),
          "0 (no stickiness) or a share wider than cohort.share, e.g. 0.1");
    }
    List<Integer> bands = ageBands(c);
    return new CohortSettings(
        share,
        scope,
        c.integer("min_age", 0, 130),
        java.util.Set.copyOf(exclude),
        path(c.string("palliative_codelist")),
        c.date("palliative_since"),
        stay,
        c.number("rising_points", 0, 100),
        bands,
        c.text("reidentification"));
  }

  /** {@code age_bands}: increasing whole-year lower bounds. */
  private static List<Integer> ageBands(YamlNode c) {
    List<Integer> bands = new java.util.ArrayList<>();
    for (String b : nonEmpty(c, "age_bands")) {
      int lower;
      try {
        lower = Integer.parseInt(b);
      } catch (NumberFormatException e) {
        lower = -1;
      }
      if (lower < 0 || (!bands.isEmpty() && lower <= bands.get(bands.size() - 1))) {
        throw c.bad(
            "age_bands",
            c.value("age_bands").orElseThrow(),
            "increasing whole-year lower bounds, e.g. [18, 45, 65, 75, 85]");
      }
      bands.add(lower);
    }
    return bands;
  }

  private static PopulationSettings population(YamlNode p) {
    String text = p.string("assumed_birthday");
    try {
      return new PopulationSettings(java.time.MonthDay.parse("--" + text));
    } catch (java.time.format.DateTimeParseException e) {
      throw p.bad(
          "assumed_birthday",
          p.value("assumed_birthday").orElseThrow(),
          "a day as MM-dd, e.g. 07-01");
    }
  }

  private static FrailtySettings frailty(YamlNode f) {
    Map<String, Path> lists = new LinkedHashMap<>();
    f.stringMap("codelists").forEach((system, file) -> lists.put(system, path(file)));
    if (lists.isEmpty()) {
      throw Errors.config(
          f.source(), f.keyOf("codelists"), "names no codelist", "give at least SNOMED: FILE");
    }
    YamlNode poly = f.child("polypharmacy");
    String countBy = poly.string("count_by");
    if (!Set.of(FrailtySettings.Polypharmacy.SUBSTANCE, FrailtySettings.Polypharmacy.MEDICINE_CODE)
        .contains(countBy)) {
      throw poly.bad(
          "count_by", poly.value("count_by").orElseThrow(), "substance or medicine_code");
    }
    List<String> ages = f.stringList("validated_ages");
    int[] range = new int[2];
    if (ages.size() != 2) {
      throw f.bad("validated_ages", f.value("validated_ages").orElseThrow(), "[youngest, oldest]");
    }
    for (int i = 0; i < 2; i++) {
      try {
        range[i] = Integer.parseInt(ages.get(i));
      } catch (NumberFormatException e) {
        throw f.bad(
            "validated_ages", f.value("validated_ages").orElseThrow(), "[youngest, oldest]");
      }
    }
    if (range[0] < 0 || range[1] < range[0]) {
      throw f.bad(
          "validated_ages",
          f.value("validated_ages").orElseThrow(),
          "[youngest, oldest], youngest first");
    }
    return new FrailtySettings(
        path(f.string("deficits")),
        lists,
        path(f.string("value_rules")),
        new FrailtySettings.Polypharmacy(
            countBy, poly.integer("min_medicines", 1, 100), poly.integer("lookback_days", 1, 3660)),
        f.integer("min_age", 0, 130),
        range[0],
        range[1],
        f.integer("trajectory_quarters", 2, 400));
  }

  private static FeatureSettings features(YamlNode f) {
    String vintage = f.string("imd_vintage");
    if (!Set.of("IMD2019", "IoD2025").contains(vintage)) {
      throw f.bad("imd_vintage", f.value("imd_vintage").orElseThrow(), "IMD2019 or IoD2025");
    }
    int window = f.integer("window_days", 1, 3660);
    return new FeatureSettings(
        window,
        f.integer("long_window_days", window, 36_600),
        f.integer("recent_window_days", 1, window),
        f.integer("recency_cap_days", 1, 36_600),
        vintage,
        nonEmpty(f, "ae_department_types"),
        nonEmpty(f, "ae_categories"),
        nonEmpty(f, "op_attended_statuses"),
        f.stringList("op_dna_statuses"),
        nonEmpty(f, "long_term_conditions"),
        f.numberMap("cost_frequencies", 0, 100));
  }

  private static RiskSettings risk(YamlNode r) {
    List<Integer> cutoffs = new java.util.ArrayList<>();
    for (String m : nonEmpty(r, "training_cutoffs_months")) {
      try {
        cutoffs.add(Integer.parseInt(m));
      } catch (NumberFormatException e) {
        throw r.bad(
            "training_cutoffs_months",
            r.value("training_cutoffs_months").orElseThrow(),
            "a list of whole months, e.g. [24, 36]");
      }
    }
    int horizonMonths = 12;
    int holdout = r.integer("holdout_months", horizonMonths, 600);
    for (int c : cutoffs) {
      if (c < holdout + horizonMonths) {
        throw r.bad(
            "training_cutoffs_months",
            r.value("training_cutoffs_months").orElseThrow(),
            "cutoffs at least holdout_months + 12 before the as-of date, so training outcomes"
                + " end before the hold-out's cutoff");
      }
    }
    String calibration = r.string("calibration");
    if (!Set.of("platt", "isotonic").contains(calibration)) {
      throw r.bad("calibration", r.value("calibration").orElseThrow(), "platt or isotonic");
    }
    List<Double> bands = new java.util.ArrayList<>();
    for (String b : nonEmpty(r, "band_shares")) {
      try {
        bands.add(Double.parseDouble(b));
      } catch (NumberFormatException e) {
        throw r.bad(
            "band_shares",
            r.value("band_shares").orElseThrow(),
            "three shares, e.g. [0.01, 0.05, 0.2]");
      }
    }
    if (bands.size() != 3
        || bands.get(0) <= 0
        || bands.get(0) >= bands.get(1)
        || bands.get(1) >= bands.get(2)
        || bands.get(2) >= 1) {
      throw r.bad(
          "band_shares",
          r.value("band_shares").orElseThrow(),
          "three increasing shares between 0 and 1, e.g. [0.01, 0.05, 0.2]");
    }
    YamlNode t = r.child("trees");
    return new RiskSettings(
        cutoffs,
        holdout,
        r.integer("horizon_days", 1, 3660),
        r.integer("min_age", 0, 130),
        r.number("holdout_share", 0.01, 0.9),
        r.number("calibration_share", 0.01, 0.9),
        r.integer("training_sample", 100, 100_000_000),
        calibration,
        (long) r.number("seed", 0, 9.0e15),
        r.number("regression_lambda", 0, 1e6),
        new RiskSettings.Trees(
            t.integer("count", 1, 10_000),
            t.integer("max_depth", 1, 30),
            t.integer("max_nodes", 2, 100_000),
            t.integer("node_size", 1, 1_000_000),
            t.number("shrinkage", 1e-6, 1),
            t.number("subsample", 0.01, 1)),
        bands,
        reasonsLeaveOut(r),
        inputs(r),
        r.integer("bootstrap_replicates", 0, 100_000),
        r.integer("subgroup_min_people", 1, 100_000_000),
        r.integer("subgroup_min_events", 0, 100_000_000));
  }

  /**
   * The model's inputs: columns of {@link RiskSettings#INPUTS}, {@code efi_deficits}, or single
   * deficit flags (whose existence training checks against the features table), each once.
   */
  private static List<String> inputs(YamlNode r) {
    List<String> names = nonEmpty(r, "inputs");
    for (String name : names) {
      if (!RiskSettings.INPUTS.contains(name)
          && !name.equals(RiskSettings.EFI_DEFICITS)
          && !RiskSettings.deficitFlag(name)) {
        throw Errors.config(
            r.source(),
            r.keyOf("inputs"),
            "names '" + name + "', which is not a model input",
            "use features/person columns from: "
                + String.join(", ", RiskSettings.INPUTS)
                + ", "
                + RiskSettings.EFI_DEFICITS
                + " (every eFI deficit flag) or one flag efi_<deficit> (docs/model.md)");
      }
    }
    if (Set.copyOf(names).size() != names.size()) {
      throw r.bad("inputs", r.value("inputs").orElseThrow(), "each column once");
    }
    return names;
  }

  /** Feature names: lower-case words joined by underscores, as the features table has them. */
  private static List<String> reasonsLeaveOut(YamlNode r) {
    List<String> names = r.stringList("reasons_leave_out");
    for (String name : names) {
      if (!name.matches("[a-z][a-z0-9_]*")) {
        throw r.bad(
            "reasons_leave_out",
            r.value("reasons_leave_out").orElseThrow(),
            "feature names as in features/person, e.g. [age, sex]");
      }
    }
    return names;
  }

  private static List<String> nonEmpty(YamlNode n, String key) {
    List<String> list = n.stringList(key);
    if (list.isEmpty()) {
      throw Errors.config(n.source(), n.keyOf(key), "is empty", "give at least one value");
    }
    return list;
  }

  private static HfrsSettings hfrs(YamlNode h) {
    return new HfrsSettings(
        path(h.string("codelist")),
        h.integer("lookback_days", 1, 36_600),
        h.bool("require_discharge"));
  }

  private static String hash(JsonNode tree) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      // Jackson writes object fields in insertion order; sort for a stable hash.
      byte[] canonical =
          YamlNode.YAML
              .copy()
              .configure(
                  com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
                  true)
              .writeValueAsBytes(YamlNode.YAML.convertValue(tree, java.util.TreeMap.class));
      return HexFormat.of().formatHex(md.digest(canonical));
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.proactivecare.npc.frailty;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.ingest.Conformed;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.population.Population;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The frailty step (docs/frailty.md): deficit periods once from the whole record, then the eFI and
 * the HFRS of everyone registered at the as-of date, and optionally the eFI at each quarter end
 * with each person's progression.
 */
public final class FrailtyStep implements Step {
  public static final String KIND = "frailty";
  public static final String PERIODS = "frailty/deficit_periods";
  public static final String EFI = "frailty/efi";
  public static final String HFRS = "frailty/hfrs";
  public static final String TRAJECTORY = "frailty/trajectory";
  public static final String PROGRESSION = "frailty/progression";

  private final boolean trajectory;
  private final Optional<Integer> quarters;

  public FrailtyStep(boolean trajectory, Optional<Integer> quarters) {
    this.trajectory = trajectory;
    this.quarters = quarters;
  }

  /** The outputs a step with these options writes. */
  public static List<String> outputs(boolean trajectory) {
    return trajectory
        ? List.of(PERIODS, EFI, HFRS, TRAJECTORY, PROGRESSION)
        : List.of(PERIODS, EFI, HFRS);
  }

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "compute the eFI and HFRS at the as-of date, and optionally the eFI trajectory",
        Set.of("trajectory", "quarters"),
        with ->
            new FrailtyStep(
                with.has("trajectory") && with.bool("trajectory"),
                with.has("quarters")
                    ? Optional.of(with.integer("quarters", 2, 400))
                    : Optional.empty()));
  }

  @Override
  public List<String> inputs() {
    return List.of("conformed/*");
  }

  @Override
  public void run(StepContext ctx) {
    NpcConfig config = ctx.config();
    EfiDefinition definition = EfiDefinition.load(config.frailty());
    HfrsCodelist hfrsCodes = HfrsCodelist.load(config.hfrs().codelist());
    Polypharmacy polypharmacy = new Polypharmacy(config.frailty().polypharmacy());
    LocalDate asOf = ctx.asOf();

    Conformed conformed = Conformed.of(ctx);
    Dataset<Row> regs = conformed.required("gp_registrations");
    Dataset<Row> events = conformed.required("gp_events");
    Dataset<Row> meds = conformed.required("gp_medications");
    Dataset<Row> spells = conformed.required("apc_spells");
    Optional<Dataset<Row>> pcn = conformed.optional("practice_pcn");

    // 1. Deficit periods, once.
    Dataset<Row> computed =
        DeficitPeriods.compute(events, meds, DeficitPeriods.sexes(regs), definition, polypharmacy);
    Dataset<Row> periods = ctx.write(PERIODS, conformed.versionKey("gp_events"), computed);

    // 2. eFI and HFRS at the as-of date.
    Dataset<Row> deaths = Population.deaths(regs, Optional.of(spells));
    Dataset<Row> people =
        adults(Population.at(regs, deaths, pcn, List.of(asOf), config.population()), config);
    Dataset<Row> efi =
        EfiScores.score(periods, people, definition, true)
            .join(
                polypharmacy.medicinesAt(meds, people, asOf),
                new String[] {Cols.PERSON_ID, Cols.AS_OF},
                "left")
            .withColumn(
                Cols.POLYPHARMACY_MEDICINES,
                org.apache.spark.sql.functions.coalesce(col(Cols.POLYPHARMACY_MEDICINES), lit(0)))
            .withColumn(
                Cols.OUTSIDE_VALIDATED_AGE,
                col(Cols.AGE)
                    .lt(config.frailty().validatedMinAge())
                    .or(col(Cols.AGE).gt(config.frailty().validatedMaxAge())));
    Dataset<Row> written = ctx.write(EFI, asOf.toString(), Outputs.EFI.select(efi));
    ctx.note(categories(written, config.frailty().validatedMinAge()));

    Dataset<Row> hfrs =
        Hfrs.score(
            spells, written.select(col(Cols.PERSON_ID), col(Cols.AS_OF)), hfrsCodes, config.hfrs());
    ctx.write(HFRS, asOf.toString(), Outputs.HFRS.select(hfrs));

    // 3. The trajectory: the same periods at every quarter end, then each person's progression.
    if (trajectory) {
      int n = quarters.orElse(config.frailty().trajectoryQuarters());
      List<LocalDate> dates = Trajectory.quarterEnds(asOf, n);
      // Who is registered and their age at each date; their PCN is not needed here.
      Dataset<Row> cohort =
          adults(Population.at(regs, deaths, Optional.empty(), dates, config.population()), config)
              .select(Cols.PERSON_ID, Cols.AS_OF, Cols.AGE);
      Dataset<Row> path =
          ctx.write(
              TRAJECTORY,
              asOf.toString(),
              Outputs.TRAJECTORY.select(EfiScores.score(periods, cohort, definition, false)));
      ctx.write(PROGRESSION, asOf.toString(), Trajectory.progression(path));
      ctx.note(
          "trajectory: "
              + n
              + " quarter ends from "
              + dates.get(0)
              + " to "
              + dates.get(dates.size() - 1));
    }
  }

  private static Dataset<Row> adults(Dataset<Row> population, NpcConfig config) {
    return population.where(col(Cols.AGE).geq(config.frailty().minAge()));
  }

  /** "eFI categories, ages 65+: fit 1,234 (50.1%), ...": an aggregate for the manifest. */
  static String categories(Dataset<Row> efi, int fromAge) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r :
        efi.where(col(Cols.AGE).geq(fromAge)).groupBy(Cols.EFI_CATEGORY).count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    List<String> parts = new ArrayList<>();
    for (String c : List.of(EfiScores.FIT, EfiScores.MILD, EfiScores.MODERATE, EfiScores.SEVERE)) {
      long k = counts.getOrDefault(c, 0L);
      parts.add(
          String.format(
              Locale.ROOT, "%s %,d (%.1f%%)", c, k, total == 0 ? 0.0 : 100.0 * k / total));
    }
    return String.format(Locale.ROOT, "eFI categories, ages %d+ (%,d people): ", fromAge, total)
        + String.join(", ", parts);
  }
}

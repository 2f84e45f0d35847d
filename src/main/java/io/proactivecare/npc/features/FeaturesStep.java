package io.proactivecare.npc.features;

import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.frailty.DeficitPeriods;
import io.proactivecare.npc.frailty.EfiDefinition;
import io.proactivecare.npc.frailty.FrailtyStep;
import io.proactivecare.npc.frailty.HfrsCodelist;
import io.proactivecare.npc.frailty.Polypharmacy;
import io.proactivecare.npc.ingest.Conformed;
import io.proactivecare.npc.io.ParquetRows;
import io.proactivecare.npc.jobs.SimpleKind;
import io.proactivecare.npc.jobs.Step;
import io.proactivecare.npc.jobs.StepContext;
import io.proactivecare.npc.jobs.StepKind;
import io.proactivecare.npc.population.Population;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The features step (docs/features.md): one row of features for everyone registered at the as-of
 * date, published as {@code features/person} keyed by the as-of date.
 */
public final class FeaturesStep implements Step {
  public static final String KIND = "features";
  public static final String OUTPUT = "features/person";

  /**
   * What {@link #sources} reads: the conformed tables and, when current, the deficit periods (the
   * inputs of every step that builds features: features, risk_train, evaluate).
   */
  public static final List<String> SOURCES = List.of("conformed/*", FrailtyStep.PERIODS);

  /** The step kind jobs name as {@code run:}. */
  public static StepKind kind() {
    return new SimpleKind(
        KIND,
        "build each registered person's features at the as-of date",
        Set.of(),
        with -> new FeaturesStep());
  }

  /** What features are built from, read for a step; deficit periods reused when current. */
  public record Sources(
      Dataset<Row> registrations,
      Dataset<Row> deaths,
      Optional<Dataset<Row>> practicePcn,
      Features.Inputs inputs,
      EfiDefinition efi,
      HfrsCodelist hfrs) {
    /** The population at {@code dates}, all ages. */
    public Dataset<Row> population(List<LocalDate> dates, NpcConfig config) {
      return Population.at(registrations, deaths, practicePcn, dates, config.population());
    }
  }

  /** Reads the conformed tables (and deficit periods) the features of this run need. */
  public static Sources sources(StepContext ctx) {
    NpcConfig config = ctx.config();
    EfiDefinition efi = EfiDefinition.load(config.frailty());
    HfrsCodelist hfrs = HfrsCodelist.load(config.hfrs().codelist());
    Conformed conformed = Conformed.of(ctx);
    Dataset<Row> regs = conformed.required("gp_registrations");
    Dataset<Row> events = conformed.required("gp_events");
    Dataset<Row> meds = conformed.required("gp_medications");
    Dataset<Row> spells = conformed.required("apc_spells");
    Dataset<Row> ae = conformed.required("ae_attendances");
    Dataset<Row> op = conformed.required("op_appointments");
    Dataset<Row> asc = conformed.required("asc_services");
    Optional<Dataset<Row>> pcn = conformed.optional("practice_pcn");
    Optional<Dataset<Row>> imd = conformed.optional("lsoa_imd");
    String extract = conformed.versionKey("gp_events");
    Optional<StepContext.InputTable> published =
        ctx.optionalInput(FrailtyStep.PERIODS).filter(t -> t.versionKey().equals(extract));
    Dataset<Row> periods;
    if (published.isPresent()) {
      ctx.read(published.get());
      periods = ParquetRows.read(ctx.spark(), published.get().path());
    } else {
      periods =
          DeficitPeriods.compute(
              events,
              meds,
              DeficitPeriods.sexes(regs),
              efi,
              new Polypharmacy(config.frailty().polypharmacy()));
    }
    return new Sources(
        regs,
        Population.deaths(regs, Optional.of(spells)),
        pcn,
        new Features.Inputs(events, meds, spells, ae, op, asc, imd, periods),
        efi,
        hfrs);
  }

  @Override
  public List<String> inputs() {
    return SOURCES;
  }

  @Override
  public void run(StepContext ctx) {
    Sources s = sources(ctx);
    LocalDate asOf = ctx.asOf();
    Dataset<Row> features =
        Features.build(
            s.inputs(), s.population(List.of(asOf), ctx.config()), s.efi(), s.hfrs(), ctx.config());
    ctx.write(OUTPUT, asOf.toString(), features);
  }
}

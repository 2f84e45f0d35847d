package io.proactivecare.npc.features;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.frailty.DeficitPeriods;
import io.proactivecare.npc.frailty.EfiDefinition;
import io.proactivecare.npc.frailty.HfrsCodelist;
import io.proactivecare.npc.frailty.Polypharmacy;
import io.proactivecare.npc.population.Population;
import io.proactivecare.npc.schema.ColumnType;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.schema.TableContract;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Hand-made conformed tables for feature tests, typed by the data contracts ({@link
 * TableContract#schema()}), and the features built from them the way {@link FeaturesStep} builds
 * them: population at the dates, deficit periods from the whole record, then {@link
 * Features#build}.
 *
 * <p>Dates are written as {@code yyyy-MM-dd} text (or null); diagnoses as a list.
 */
public final class FeatureFixture {
  /** The as-of date of every fixture: D. */
  public static final LocalDate D = LocalDate.of(2025, 3, 31);

  private final Map<TableContract, List<Row>> rows = new LinkedHashMap<>();

  public FeatureFixture() {
    for (TableContract t : Contracts.ALL) {
      rows.put(t, new ArrayList<>());
    }
  }

  /** A copy whose rows can be added to without changing this one. */
  public FeatureFixture copy() {
    FeatureFixture c = new FeatureFixture();
    rows.forEach((t, r) -> c.rows.get(t).addAll(r));
    return c;
  }

  /** Removes the rows of {@code table} whose {@code column} equals {@code value}. */
  public FeatureFixture remove(TableContract table, String column, String value) {
    int i = table.columnNames().indexOf(column);
    rows.get(table).removeIf(r -> value.equals(r.get(i)));
    return this;
  }

  private FeatureFixture add(TableContract table, Object... values) {
    if (values.length != table.columns().size()) {
      throw new IllegalArgumentException(
          table.name() + " has " + table.columns().size() + " columns, got " + values.length);
    }
    Object[] typed = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      ColumnType type = table.columns().get(i).type();
      Object v = values[i];
      if (v != null && type == ColumnType.DATE) {
        v = Date.valueOf(LocalDate.parse((String) v));
      } else if (v != null && type == ColumnType.STRING_LIST) {
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) v;
        v = scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
      } else if (v instanceof Integer n && type == ColumnType.DOUBLE) {
        v = n.doubleValue();
      }
      typed[i] = v;
    }
    rows.get(table).add(RowFactory.create(typed));
    return this;
  }

  public FeatureFixture pcn(String practice, String pcn, String from, String to) {
    return add(Contracts.PRACTICE_PCN, practice, null, pcn, null, from, to);
  }

  public FeatureFixture imd(String lsoa, String vintage, int decile) {
    return add(Contracts.LSOA_IMD, lsoa, vintage, decile, null);
  }

  /** A GP registration: person, practice, year of birth, sex, LSOA, ethnic group, start, end. */
  public FeatureFixture reg(
      String person,
      String practice,
      int yearOfBirth,
      String sex,
      String lsoa,
      String ethnic,
      String start,
      String end) {
    return regDied(person, practice, yearOfBirth, sex, lsoa, ethnic, start, end, null);
  }

  public FeatureFixture regDied(
      String person,
      String practice,
      int yearOfBirth,
      String sex,
      String lsoa,
      String ethnic,
      String start,
      String end,
      String death) {
    return add(
        Contracts.GP_REGISTRATIONS,
        person,
        practice,
        yearOfBirth,
        sex,
        lsoa,
        ethnic,
        start,
        end,
        death);
  }

  public FeatureFixture event(String person, String date, String system, String code) {
    return add(Contracts.GP_EVENTS, person, date, code, system, null, null);
  }

  public FeatureFixture value(
      String person, String date, String system, String code, double value) {
    return add(Contracts.GP_EVENTS, person, date, code, system, value, null);
  }

  public FeatureFixture med(String person, String date, String medicineCode, String bnf) {
    return add(Contracts.GP_MEDICATIONS, person, date, medicineCode, bnf);
  }

  /** A spell still open or discharged alive (discharge method 1), no diagnoses. */
  public FeatureFixture spell(
      String id,
      String person,
      String admitted,
      String discharged,
      String method,
      String classification) {
    return spell(id, person, admitted, discharged, method, classification, List.of());
  }

  public FeatureFixture spell(
      String id,
      String person,
      String admitted,
      String discharged,
      String method,
      String classification,
      List<String> diagnoses) {
    return add(
        Contracts.APC_SPELLS,
        id,
        person,
        admitted,
        discharged,
        method,
        classification,
        discharged == null ? null : "1",
        discharged == null ? null : "19",
        "RR8",
        diagnoses);
  }

  /** A spell that ended in death (discharge method 4, destination 79). */
  public FeatureFixture spellDied(
      String id, String person, String admitted, String discharged, List<String> diagnoses) {
    return add(
        Contracts.APC_SPELLS,
        id,
        person,
        admitted,
        discharged,
        "21",
        "1",
        "4",
        "79",
        "RR8",
        diagnoses);
  }

  public FeatureFixture ae(String id, String person, String arrival, String type, String category) {
    return add(Contracts.AE_ATTENDANCES, id, person, arrival, type, category, "RR8");
  }

  public FeatureFixture op(String id, String person, String date, String status, String first) {
    return add(Contracts.OP_APPOINTMENTS, id, person, date, status, first, "300", "RR8");
  }

  /** A social care service: type, start, end, unit cost, cost frequency, planned units/week. */
  public FeatureFixture asc(
      String id,
      String person,
      String type,
      String start,
      String end,
      double unitCost,
      String frequency,
      Double unitsPerWeek) {
    return add(
        Contracts.ASC_SERVICES,
        id,
        person,
        type,
        null,
        start,
        end,
        unitCost,
        frequency,
        unitsPerWeek);
  }

  /** An enrolment in proactive care: person, PCN, enrolment date, end date (or null). */
  public FeatureFixture enrol(String person, String pcn, String date, String end) {
    return add(Contracts.ENROLMENTS, person, pcn, date, end);
  }

  /** The eFI definition of the default configuration. */
  public static EfiDefinition efi(NpcConfig config) {
    codelists(config);
    return efi;
  }

  /** Deficit periods of the whole record, as the frailty step computes them. */
  public Dataset<Row> deficitPeriods(NpcConfig config) {
    codelists(config);
    Dataset<Row> regs = table(Contracts.GP_REGISTRATIONS);
    return DeficitPeriods.compute(
        table(Contracts.GP_EVENTS),
        table(Contracts.GP_MEDICATIONS),
        DeficitPeriods.sexes(regs),
        efi,
        new Polypharmacy(config.frailty().polypharmacy()));
  }

  /** The conformed table, typed by its contract. */
  public Dataset<Row> table(TableContract t) {
    return SparkTestSession.get().createDataFrame(rows.get(t), t.schema());
  }

  public static NpcConfig config(Map<String, String> overrides) {
    return ConfigLoader.load(Optional.empty(), overrides).config();
  }

  private static EfiDefinition efi;
  private static HfrsCodelist hfrs;

  /** Codelists of the default configuration, loaded once per JVM. */
  private static synchronized void codelists(NpcConfig config) {
    if (efi == null) {
      efi = EfiDefinition.load(config.frailty());
      hfrs = HfrsCodelist.load(config.hfrs().codelist());
    }
  }

  /**
   * Features of everyone registered and alive at {@code dates}, built as the features step builds
   * them (codelists of the default configuration).
   */
  public Dataset<Row> features(NpcConfig config, LocalDate... dates) {
    codelists(config);
    Dataset<Row> regs = table(Contracts.GP_REGISTRATIONS);
    Dataset<Row> events = table(Contracts.GP_EVENTS);
    Dataset<Row> meds = table(Contracts.GP_MEDICATIONS);
    Dataset<Row> spells = table(Contracts.APC_SPELLS);
    Dataset<Row> periods =
        DeficitPeriods.compute(
            events,
            meds,
            DeficitPeriods.sexes(regs),
            efi,
            new Polypharmacy(config.frailty().polypharmacy()));
    Dataset<Row> population =
        Population.at(
            regs,
            Population.deaths(regs, Optional.of(spells)),
            Optional.of(table(Contracts.PRACTICE_PCN)),
            Arrays.asList(dates),
            config.population());
    Features.Inputs in =
        new Features.Inputs(
            events,
            meds,
            spells,
            table(Contracts.AE_ATTENDANCES),
            table(Contracts.OP_APPOINTMENTS),
            table(Contracts.ASC_SERVICES),
            Optional.of(table(Contracts.LSOA_IMD)),
            periods);
    return Features.build(in, population, efi, hfrs, config);
  }
}

package io.proactivecare.npc.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.FeatureSettings;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.synth.ExtractWriter;
import io.proactivecare.npc.synth.SynthParams;
import io.proactivecare.npc.testing.Npc;
import io.proactivecare.npc.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's truth/enrolled_outcomes, treated world, agrees with the engine's own counting
 * rules ({@link Features#hospital}, {@link Features#emergencyCare}, default settings) applied to
 * the extract rows the generator wrote: the year before enrolment is the engine's 12 months ending
 * on the day before the enrolment date, the year from it the 12 months ending on enrolment + 364.
 */
class GeneratedOutcomesTest {
  static final LocalDate AS_OF = LocalDate.of(2025, 3, 31);

  @TempDir Path tmp;

  @Test
  void theTreatedWorldsCountsAreTheEnginesCountsOnTheWrittenExtract() {
    SparkSession spark = SparkTestSession.get();
    // 4,000 people make 3 PCNs, all in the pilot; no faults, so every row is as simulated.
    SynthParams params =
        new SynthParams(
            4_000,
            31,
            AS_OF,
            4,
            0,
            new SynthParams.Pilot(3, AS_OF.minusYears(2).plusDays(1), 0.15, 0.2, 5, false));
    ExtractWriter.write(spark, params, Npc.HOME.resolve("conf/codelists/efi_snomed.csv"), tmp);
    FeatureSettings settings = ConfigLoader.load(Optional.empty(), Map.of()).config().features();

    Dataset<Row> truth = read(spark, "truth/enrolled_outcomes");
    Dataset<Row> keys =
        truth
            .select(
                col(Cols.PERSON_ID),
                date_sub(to_date(col("enrolment_date")), 1).as(Cols.AS_OF),
                lit("before").as("_window"))
            .union(
                truth.select(
                    col(Cols.PERSON_ID),
                    date_add(to_date(col("enrolment_date")), 364).as(Cols.AS_OF),
                    lit("after").as("_window")));
    Dataset<Row> spells =
        read(spark, "apc_spells")
            .select(
                col(Cols.PERSON_ID),
                to_date(col(Cols.ADMISSION_DATE)).as(Cols.ADMISSION_DATE),
                to_date(col(Cols.DISCHARGE_DATE)).as(Cols.DISCHARGE_DATE),
                col(Cols.ADMISSION_METHOD),
                col(Cols.PATIENT_CLASSIFICATION));
    Dataset<Row> attendances =
        read(spark, "ae_attendances")
            .select(
                col(Cols.PERSON_ID),
                to_date(col(Cols.ARRIVAL_DATE)).as(Cols.ARRIVAL_DATE),
                col(Cols.DEPARTMENT_TYPE),
                col(Cols.ATTENDANCE_CATEGORY));
    Dataset<Row> k = keys.select(Cols.PERSON_ID, Cols.AS_OF);
    Map<String, Integer> engine = new HashMap<>();
    for (Row r :
        keys.join(Features.hospital(k, spells, settings), new String[] {Cols.PERSON_ID, Cols.AS_OF})
            .collectAsList()) {
      String key = r.getAs(Cols.PERSON_ID) + " " + r.getAs("_window");
      engine.put(key + " emergency_admissions", r.getAs(Cols.EMERGENCY_ADMISSIONS_12M));
      engine.put(key + " unplanned_bed_days", r.getAs(Cols.UNPLANNED_BED_DAYS_12M));
    }
    for (Row r :
        keys.join(
                Features.emergencyCare(k, attendances, settings),
                new String[] {Cols.PERSON_ID, Cols.AS_OF})
            .collectAsList()) {
      engine.put(
          r.getAs(Cols.PERSON_ID) + " " + r.getAs("_window") + " ae_attendances",
          r.getAs(Cols.AE_ATTENDANCES_12M));
    }

    List<Row> people = truth.collectAsList();
    assertTrue(people.size() > 150, people.size() + " enrolled");
    int nonZero = 0;
    for (Row p : people) {
      for (String window : List.of("before", "after")) {
        for (String outcome :
            List.of("emergency_admissions", "unplanned_bed_days", "ae_attendances")) {
          String key = p.getAs(Cols.PERSON_ID) + " " + window + " " + outcome;
          int expected = Integer.parseInt(p.getAs(outcome + "_" + window + "_treated"));
          // The engine has no row for a person with no event near the date: a count of 0.
          assertEquals(expected, engine.getOrDefault(key, 0), key);
          nonZero += expected > 0 ? 1 : 0;
        }
      }
    }
    assertTrue(nonZero > 100, nonZero + " non-zero counts compared");
  }

  private Dataset<Row> read(SparkSession spark, String table) {
    return spark.read().option("header", "true").csv(tmp.resolve(table + ".csv.gz").toString());
  }
}

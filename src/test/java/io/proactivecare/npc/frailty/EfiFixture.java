package io.proactivecare.npc.frailty;

import static org.apache.spark.sql.functions.col;

import io.proactivecare.npc.config.FrailtySettings;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-written eFI fixtures: conformed-shaped gp_events and gp_medications, each person's sex, and
 * the (person, date) requests to score, built person by person so that many fixtures run as one
 * Spark pass.
 */
final class EfiFixture {
  private final List<Row> events = new ArrayList<>();
  private final List<Row> medications = new ArrayList<>();
  private final List<Row> sexes = new ArrayList<>();
  private final List<Row> requests = new ArrayList<>();
  private final Set<String> ids = new LinkedHashSet<>();

  /**
   * The eFI of one person at one date, as {@link EfiScores#score} wrote it, and the distinct
   * medicines in the look-back window ({@link Polypharmacy#medicinesAt}).
   */
  record Efi(int count, double score, String category, List<Deficit> deficits, int medicines) {}

  /** One element of the {@code deficits} list. */
  record Deficit(int no, String name, LocalDate firstRecorded) {}

  /** A polypharmacy period, both ends included. */
  record Period(LocalDate start, LocalDate end) {}

  static Date date(String iso) {
    return Date.valueOf(LocalDate.parse(iso));
  }

  /** A new person; each fixture person has its own id. */
  Person person(String id, String sex) {
    if (!ids.add(id)) {
      throw new IllegalArgumentException("fixture person " + id + " defined twice");
    }
    sexes.add(RowFactory.create(id, sex));
    return new Person(id);
  }

  /** Builds one person's record. */
  final class Person {
    final String id;

    private Person(String id) {
      this.id = id;
    }

    /** A coded event with no value. */
    Person code(String date, String system, String code) {
      events.add(RowFactory.create(id, date(date), code, system, null, null));
      return this;
    }

    /** A coded event with a numeric value. */
    Person value(String date, String system, String code, double value, String unit) {
      events.add(RowFactory.create(id, date(date), code, system, value, unit));
      return this;
    }

    /** An issue of a medicine (dm+d code), with its BNF code or null. */
    Person issue(String date, String medicineCode, String bnfCode) {
      medications.add(RowFactory.create(id, date(date), medicineCode, bnfCode));
      return this;
    }

    /** Asks for the eFI at each of {@code dates}. */
    Person at(String... dates) {
      for (String d : dates) {
        requests.add(RowFactory.create(id, date(d)));
      }
      return this;
    }
  }

  Dataset<Row> events() {
    return spark().createDataFrame(events, Contracts.GP_EVENTS.schema());
  }

  Dataset<Row> medications() {
    return spark().createDataFrame(medications, Contracts.GP_MEDICATIONS.schema());
  }

  Dataset<Row> sexes() {
    return spark()
        .createDataFrame(
            sexes,
            new StructType()
                .add(Cols.PERSON_ID, DataTypes.StringType, false)
                .add(Cols.SEX, DataTypes.StringType, false));
  }

  private static final String COUNT_ONLY = "_count_only";
  private static final String CATEGORY_ONLY = "_category_only";

  Dataset<Row> requests() {
    return spark()
        .createDataFrame(
            requests,
            new StructType()
                .add(Cols.PERSON_ID, DataTypes.StringType, false)
                .add(Cols.AS_OF, DataTypes.DateType, false));
  }

  /** The deficit periods of every fixture person. */
  Dataset<Row> periods(EfiDefinition definition, FrailtySettings.Polypharmacy rule) {
    return DeficitPeriods.compute(
        events(), medications(), sexes(), definition, new Polypharmacy(rule));
  }

  /**
   * Every request's eFI with detail, and its polypharmacy_medicines joined as the frailty step
   * joins them, in one Spark job: keyed by {@link #key}. Fails if a request is missing from the
   * output or appears twice.
   */
  Map<String, Efi> score(EfiDefinition definition, FrailtySettings.Polypharmacy rule) {
    Dataset<Row> requests = requests();
    Dataset<Row> periods = periods(definition, rule);
    // The count alone (a trajectory's, an outcome's) is worked out another way: it must agree.
    Dataset<Row> countOnly =
        EfiScores.score(periods, requests, definition, false)
            .select(
                col(Cols.PERSON_ID),
                col(Cols.AS_OF),
                col(Cols.DEFICIT_COUNT).as(COUNT_ONLY),
                col(Cols.EFI_CATEGORY).as(CATEGORY_ONLY));
    List<Row> rows =
        EfiScores.score(periods, requests, definition, true)
            .join(
                new Polypharmacy(rule)
                    .medicinesAt(medications(), requests, Cols.POLYPHARMACY_MEDICINES),
                new String[] {Cols.PERSON_ID, Cols.AS_OF},
                "left")
            .join(countOnly, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left")
            .collectAsList();
    Map<String, Efi> out = new HashMap<>();
    for (Row r : rows) {
      int count = r.getInt(r.fieldIndex(Cols.DEFICIT_COUNT));
      if (r.isNullAt(r.fieldIndex(COUNT_ONLY))
          || r.getInt(r.fieldIndex(COUNT_ONLY)) != count
          || !r.getString(r.fieldIndex(CATEGORY_ONLY))
              .equals(r.getString(r.fieldIndex(Cols.EFI_CATEGORY)))) {
        throw new AssertionError(
            "the count without detail differs for "
                + r.getString(0)
                + " at "
                + r.get(1)
                + ": "
                + r.get(r.fieldIndex(COUNT_ONLY))
                + " against "
                + count);
      }
      List<Deficit> deficits = new ArrayList<>();
      for (Row d : r.<Row>getList(r.fieldIndex(Cols.DEFICITS))) {
        deficits.add(
            new Deficit(
                d.getInt(d.fieldIndex(Cols.DEFICIT_NO)),
                d.getString(d.fieldIndex(Cols.DEFICIT)),
                d.getDate(d.fieldIndex(Cols.FIRST_RECORDED)).toLocalDate()));
      }
      Efi efi =
          new Efi(
              r.getInt(r.fieldIndex(Cols.DEFICIT_COUNT)),
              r.getDouble(r.fieldIndex(Cols.EFI_SCORE)),
              r.getString(r.fieldIndex(Cols.EFI_CATEGORY)),
              List.copyOf(deficits),
              r.isNullAt(r.fieldIndex(Cols.POLYPHARMACY_MEDICINES))
                  ? 0
                  : r.getInt(r.fieldIndex(Cols.POLYPHARMACY_MEDICINES)));
      String k =
          key(r.getString(r.fieldIndex(Cols.PERSON_ID)), r.getDate(r.fieldIndex(Cols.AS_OF)));
      if (out.put(k, efi) != null) {
        throw new AssertionError("two output rows for request " + k);
      }
    }
    if (out.size() != this.requests.size()) {
      throw new AssertionError(this.requests.size() + " requests but " + out.size() + " rows");
    }
    return out;
  }

  static String key(String person, Date at) {
    return person + "@" + at;
  }

  private static SparkSession spark() {
    return SparkTestSession.get();
  }
}

package io.proactivecare.npc.cohort;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.io.SmallCsv;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The palliative care register at a date (docs/cohort.md), from SNOMED CT codes in the primary care
 * domain clusters PALCARE_COD (palliative care) and PALCARENI_COD (palliative care not clinically
 * indicated).
 *
 * @param register PALCARE_COD codes
 * @param notIndicated PALCARENI_COD codes
 */
public record PalliativeRegister(Set<String> register, Set<String> notIndicated) {
  public static final String REGISTER = "PALCARE_COD";
  public static final String NOT_INDICATED = "PALCARENI_COD";
  private static final Pattern SNOMED = Pattern.compile(Contracts.SNOMED);

  public PalliativeRegister {
    register = Set.copyOf(register);
    notIndicated = Set.copyOf(notIndicated);
  }

  /** Loads {@code file} (code, term, cluster), refusing malformed or repeated codes. */
  public static PalliativeRegister load(Path file) {
    SmallCsv csv =
        SmallCsv.read(
            file,
            "palliative care codelist",
            "cohort.palliative_codelist",
            List.of("code", "cluster"));
    Set<String> register = new LinkedHashSet<>();
    Set<String> notIndicated = new LinkedHashSet<>();
    Set<String> seen = new LinkedHashSet<>();
    for (SmallCsv.Line line : csv.rows()) {
      String code = csv.fields(line).get("code");
      String cluster = csv.fields(line).get("cluster");
      if (!SNOMED.matcher(code).matches()) {
        throw csv.problem(
            line,
            "code",
            "'" + code + "' is not a SNOMED CT concept id",
            "write the concept id's digits, e.g. 103735009");
      }
      if (!seen.add(code)) {
        throw csv.problem(line, "code", code + " is listed twice", "list each code once");
      }
      switch (cluster) {
        case REGISTER -> register.add(code);
        case NOT_INDICATED -> notIndicated.add(code);
        default ->
            throw csv.problem(
                line,
                "cluster",
                "'" + cluster + "' is not a palliative care cluster",
                "write " + REGISTER + " or " + NOT_INDICATED);
      }
    }
    if (register.isEmpty()) {
      throw io.proactivecare.npc.config.Errors.usage(
          file + ": lists no " + REGISTER + " code",
          "list the palliative care codes, or remove palliative_care from cohort.exclude");
    }
    return new PalliativeRegister(register, notIndicated);
  }

  /**
   * The people on the register on {@code date} ({@code person_id}): their latest PALCARE_COD code
   * on or before the date is dated on or after {@code since}, and no PALCARENI_COD code follows it
   * (strictly later, on or before the date). SNOMED-coded events only.
   */
  public Dataset<Row> on(Dataset<Row> events, LocalDate date, LocalDate since) {
    Set<String> all = new LinkedHashSet<>(register);
    all.addAll(notIndicated);
    Dataset<Row> coded =
        events.where(
            col(Cols.CODE_SYSTEM)
                .equalTo("SNOMED")
                .and(col(Cols.CODE).isin(all.toArray()))
                .and(col(Cols.EVENT_DATE).leq(lit(Date.valueOf(date)))));
    return registered(coded, since, Cols.PERSON_ID);
  }

  /**
   * The keys of {@code coded} (events of this codelist, each with the key columns) whose latest
   * PALCARE_COD code is dated on or after {@code since} and not followed by a PALCARENI_COD code.
   */
  private Dataset<Row> registered(Dataset<Row> coded, LocalDate since, String... keys) {
    Dataset<Row> latest =
        coded
            .groupBy(java.util.Arrays.stream(keys).map(Column::new).toArray(Column[]::new))
            .agg(
                max(when(col(Cols.CODE).isin(register.toArray()), col(Cols.EVENT_DATE)))
                    .as("_register"),
                max(when(col(Cols.CODE).isin(notIndicated.toArray()), col(Cols.EVENT_DATE)))
                    .as("_not_indicated"));
    return latest
        .where(
            col("_register")
                .geq(lit(Date.valueOf(since)))
                .and(
                    col("_not_indicated").isNull().or(col("_not_indicated").leq(col("_register")))))
        .select(java.util.Arrays.stream(keys).map(Column::new).toArray(Column[]::new));
  }

  /**
   * {@link #on} at many dates at once: the rows of {@code requests} ({@code person_id, as_of})
   * whose person is on the register on that date, by the same rule; the events are filtered to the
   * codelist once, whatever the number of dates.
   */
  public Dataset<Row> onDates(Dataset<Row> events, Dataset<Row> requests, LocalDate since) {
    Set<String> all = new LinkedHashSet<>(register);
    all.addAll(notIndicated);
    Dataset<Row> coded =
        events
            .where(col(Cols.CODE_SYSTEM).equalTo("SNOMED").and(col(Cols.CODE).isin(all.toArray())))
            .select(col(Cols.PERSON_ID).as("_p"), col(Cols.CODE), col(Cols.EVENT_DATE));
    return registered(
        requests
            .select(Cols.PERSON_ID, Cols.AS_OF)
            .join(
                coded,
                col(Cols.PERSON_ID)
                    .equalTo(col("_p"))
                    .and(col(Cols.EVENT_DATE).leq(col(Cols.AS_OF)))),
        since,
        Cols.PERSON_ID,
        Cols.AS_OF);
  }
}

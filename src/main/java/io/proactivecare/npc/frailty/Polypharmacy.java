package io.proactivecare.npc.frailty;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.FrailtySettings;
import io.proactivecare.npc.schema.Cols;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The polypharmacy deficit: present on D when at least {@code minMedicines} distinct medicines were
 * issued from D minus {@code lookbackDays} to D, both included (docs/frailty.md). Unlike the coded
 * deficits it comes and goes, so it is held as periods.
 *
 * <p>Pluggable: {@link #periods} is all the eFI needs from a rule. This one counts distinct
 * medicines by BNF chemical substance or by dm+d code ({@link FrailtySettings.Polypharmacy}).
 */
public final class Polypharmacy {
  private static final String KEY = "_medicine";
  private final FrailtySettings.Polypharmacy rule;

  public Polypharmacy(FrailtySettings.Polypharmacy rule) {
    this.rule = rule;
  }

  /** What makes two issues the same medicine, as {@code count_by} says. */
  public static Column medicine(String countBy) {
    return FrailtySettings.Polypharmacy.MEDICINE_CODE.equals(countBy)
        ? col(Cols.MEDICINE_CODE)
        : coalesce(substring(col(Cols.BNF_CODE), 1, 9), col(Cols.MEDICINE_CODE));
  }

  /**
   * Each issue as (person, medicine, date). Not made distinct: a medicine issued twice on a day
   * (two strengths of one substance) falls in the same span and counts once either way, and a
   * distinct shuffled every issue once more (22 million at a million people) before the window or
   * the join shuffled them again.
   */
  private Dataset<Row> issues(Dataset<Row> medications) {
    return medications.select(
        col(Cols.PERSON_ID), medicine(rule.countBy()).as(KEY), col(Cols.ISSUE_DATE));
  }

  /**
   * The periods during which each person meets the rule: {@code person_id, period_start,
   * period_end} (both included).
   *
   * <p>An issue on day t counts on every day from t to t + lookback. A medicine's issues whose
   * spans overlap merge into one span (spans that only touch stay two, which counts the same: one
   * ends the day before the other starts); the number of medicines whose span covers a day changes
   * only where a span starts or the day after one ends; the periods are the runs of days with at
   * least the minimum.
   */
  public Dataset<Row> periods(Dataset<Row> medications) {
    int lookback = rule.lookbackDays();
    WindowSpec byMedicine = Window.partitionBy(Cols.PERSON_ID, KEY).orderBy(Cols.ISSUE_DATE);
    Column issued = col(Cols.ISSUE_DATE);
    Column previous = lag(issued, 1).over(byMedicine);
    Column next = lead(issued, 1).over(byMedicine);
    // A medicine's issue starts a span when the span of the issue before it (to that one's date +
    // lookback) is over by its date, and ends its span when the next issue starts one: each span's
    // two changes come straight from an issue and its neighbours, in one pass over the issues
    // sorted once, with no spans gathered first (same-day issues of a medicine give one start and
    // one end in either order).
    Column starts = col("_previous").isNull().or(issued.gt(date_add(col("_previous"), lookback)));
    Column ends = col("_next").isNull().or(col("_next").gt(date_add(issued, lookback)));
    Dataset<Row> changes =
        issues(medications)
            .withColumn("_previous", previous)
            .withColumn("_next", next)
            .select(
                col(Cols.PERSON_ID),
                explode(
                        array(
                            when(starts, struct(issued.as("_day"), lit(1).as("_delta"))),
                            when(
                                ends,
                                struct(
                                    date_add(issued, lookback + 1).as("_day"),
                                    lit(-1).as("_delta")))))
                    .as("_change"))
            .where(col("_change").isNotNull())
            .select(col(Cols.PERSON_ID), col("_change._day"), col("_change._delta"))
            .groupBy(Cols.PERSON_ID, "_day")
            .agg(sum("_delta").as("_delta"));
    WindowSpec byDay = Window.partitionBy(Cols.PERSON_ID).orderBy("_day");
    WindowSpec upToDay = byDay.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column on = col("_active").geq(rule.minMedicines());
    Dataset<Row> runs =
        changes
            .withColumn("_active", sum("_delta").over(upToDay))
            .withColumn("_next", lead(col("_day"), 1).over(byDay))
            .withColumn("_on", on)
            .withColumn(
                "_switch",
                when(
                        lag(col("_on"), 1)
                            .over(byDay)
                            .isNull()
                            .or(lag(col("_on"), 1).over(byDay).notEqual(col("_on"))),
                        1)
                    .otherwise(0))
            .withColumn("_run", sum("_switch").over(upToDay));
    return runs.where(col("_on"))
        .groupBy(Cols.PERSON_ID, "_run")
        .agg(min("_day").as(Cols.PERIOD_START), date_sub(max("_next"), 1).as(Cols.PERIOD_END))
        .select(Cols.PERSON_ID, Cols.PERIOD_START, Cols.PERIOD_END);
  }

  /**
   * The window rule, the one definition the deficit, {@code polypharmacy_medicines} and the
   * features' {@code medicines_12m} share: an issue counts on date D when it is dated from D minus
   * {@code lookbackDays} to D, both included (so, by default, one 365 days before D counts and one
   * 366 days before does not). {@link #periods} applies the same rule from the issue's side: an
   * issue on day t counts on every day from t to t + lookback.
   */
  public static Column inWindow(Column issueDate, Column date, int lookbackDays) {
    return issueDate.leq(date).and(issueDate.geq(date_sub(date, lookbackDays)));
  }

  /**
   * For each request ({@code person_id, as_of}), the distinct medicines issued in the look-back
   * window ({@link #inWindow}), counted by {@code count_by}: {@code person_id, as_of, as}; requests
   * with none are absent.
   *
   * @param first the earliest {@code as_of} among the requests, {@code last} the latest: only
   *     issues that can fall in some request's window are read and shuffled (at four years of
   *     history and one date, about a quarter of them)
   */
  public Dataset<Row> medicinesAt(
      Dataset<Row> medications,
      Dataset<Row> requests,
      String as,
      java.time.LocalDate first,
      java.time.LocalDate last) {
    Dataset<Row> issued =
        issues(
                medications.where(
                    col(Cols.ISSUE_DATE)
                        .between(
                            lit(java.sql.Date.valueOf(first.minusDays(rule.lookbackDays()))),
                            lit(java.sql.Date.valueOf(last)))))
            .withColumnRenamed(Cols.PERSON_ID, "_person");
    return requests
        .select(Cols.PERSON_ID, Cols.AS_OF)
        .join(
            issued,
            col(Cols.PERSON_ID)
                .equalTo(col("_person"))
                .and(inWindow(col(Cols.ISSUE_DATE), col(Cols.AS_OF), rule.lookbackDays())))
        .groupBy(Cols.PERSON_ID, Cols.AS_OF)
        .agg(count_distinct(col(KEY)).cast("int").as(as));
  }

  /**
   * {@link #medicinesAt(Dataset, Dataset, String, java.time.LocalDate, java.time.LocalDate)} over
   * the requests' own first and last dates, found with one small job (cheap on requests already
   * computed, such as a checkpoint); no requests, no counts.
   */
  public Dataset<Row> medicinesAt(Dataset<Row> medications, Dataset<Row> requests, String as) {
    Row range = requests.agg(min(Cols.AS_OF), max(Cols.AS_OF)).first();
    if (range.isNullAt(0)) {
      java.time.LocalDate none = java.time.LocalDate.EPOCH;
      return medicinesAt(medications, requests, as, none, none);
    }
    return medicinesAt(
        medications, requests, as, range.getDate(0).toLocalDate(), range.getDate(1).toLocalDate());
  }

  /**
   * {@link #medicinesAt(Dataset, Dataset, String, java.time.LocalDate, java.time.LocalDate)} at one
   * date, as {@code polypharmacy_medicines}.
   */
  public Dataset<Row> medicinesAt(
      Dataset<Row> medications, Dataset<Row> requests, java.time.LocalDate asOf) {
    return medicinesAt(medications, requests, Cols.POLYPHARMACY_MEDICINES, asOf, asOf);
  }
}

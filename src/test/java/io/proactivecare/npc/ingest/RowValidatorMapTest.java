package io.proactivecare.npc.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** {@link RowValidator#map}: value translations and null values, on rows built in memory. */
class RowValidatorMapTest {
  private static ColumnMapping from(String target, String source) {
    return new ColumnMapping(
        target,
        Optional.of(source),
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Map.of());
  }

  /** Maps {@code CAT} and {@code PROV} values of ae_attendances rows, one row per given pair. */
  private static List<Row> mapped(Map<String, String> values, String[][] catAndProvider) {
    Map<String, ColumnMapping> columns =
        Map.of(
            Cols.ATTENDANCE_ID,
            from(Cols.ATTENDANCE_ID, "KEY"),
            Cols.PERSON_ID,
            from(Cols.PERSON_ID, "KEY"),
            Cols.ARRIVAL_DATE,
            from(Cols.ARRIVAL_DATE, "KEY"),
            Cols.DEPARTMENT_TYPE,
            from(Cols.DEPARTMENT_TYPE, "KEY"),
            Cols.ATTENDANCE_CATEGORY,
            new ColumnMapping(
                Cols.ATTENDANCE_CATEGORY,
                Optional.of("CAT"),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                values),
            Cols.PROVIDER_CODE,
            from(Cols.PROVIDER_CODE, "PROV"));
    SourceMapping mapping =
        new SourceMapping(
            "t",
            "t.yaml",
            ",",
            "yyyy-MM-dd",
            List.of("&"),
            Map.of(Contracts.AE_ATTENDANCES.name(), columns));
    StructType schema =
        new StructType()
            .add("KEY", DataTypes.StringType)
            .add("CAT", DataTypes.StringType)
            .add("PROV", DataTypes.StringType)
            .add(SourceReader.CORRUPT, DataTypes.StringType)
            .add(SourceReader.ROW, DataTypes.LongType)
            .add(SourceReader.FILE, DataTypes.StringType)
            .add(SourceReader.POSITION, DataTypes.LongType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < catAndProvider.length; i++) {
      rows.add(
          RowFactory.create(
              "K" + i,
              catAndProvider[i][0],
              catAndProvider[i][1],
              null,
              (long) i + 1,
              "f.csv",
              (long) i + 1));
    }
    Dataset<Row> raw = SparkTestSession.get().createDataFrame(rows, schema);
    return RowValidator.map(raw, Contracts.AE_ATTENDANCES, mapping)
        .orderBy(SourceReader.ROW)
        .collectAsList();
  }

  @Test
  void translationsApplyToTheProviderValueOnceAndNeverChain() {
    // 2 -> 4 and 3 -> 2: applied one after the other, a '3' would end as '4'.
    List<Row> out =
        mapped(
            Map.of("2", "4", "3", "2"),
            new String[][] {
              {"1", "RR8"}, {"2", "RR8"}, {"3", "RR8"}, {" 3 ", "RR8"}, {"9", "RR8"}
            });
    List<String> cats = out.stream().map(r -> r.<String>getAs(Cols.ATTENDANCE_CATEGORY)).toList();
    assertEquals(List.of("1", "4", "2", "2", "9"), cats);
    // A swap fails whichever order sequential translations would take.
    List<Row> swapped =
        mapped(
            Map.of("1", "2", "2", "1"), new String[][] {{"1", "RR8"}, {"2", "RR8"}, {"3", "RR8"}});
    assertEquals(
        List.of("2", "1", "3"),
        swapped.stream().map(r -> r.<String>getAs(Cols.ATTENDANCE_CATEGORY)).toList());
  }

  @Test
  void nullValuesAndEmptyTextBecomeNullEvenWhenPaddedWithTabsOrSpaces() {
    List<Row> out =
        mapped(
            Map.of(),
            new String[][] {
              {"1", "&"},
              {"1", "&\t "},
              {"1", "  & "},
              {"1", " \t"},
              {"1", "\tRR8 "},
              {"1", "RR8\r\n"},
              {"1", "\nRR8"},
              {"1", "R R8\t"},
              {"1", "RR8"}
            });
    assertNull(out.get(0).getAs(Cols.PROVIDER_CODE));
    assertNull(out.get(1).getAs(Cols.PROVIDER_CODE));
    assertNull(out.get(2).getAs(Cols.PROVIDER_CODE));
    assertNull(out.get(3).getAs(Cols.PROVIDER_CODE));
    assertEquals("RR8", out.get(4).getAs(Cols.PROVIDER_CODE));
    // A blank at one end only, of each kind; inside a value, a blank stays.
    assertEquals("RR8", out.get(5).getAs(Cols.PROVIDER_CODE));
    assertEquals("RR8", out.get(6).getAs(Cols.PROVIDER_CODE));
    assertEquals("R R8", out.get(7).getAs(Cols.PROVIDER_CODE));
    assertEquals("RR8", out.get(8).getAs(Cols.PROVIDER_CODE));
  }

  /**
   * {@value RowValidator#SOURCE} keeps a provider field only where its canonical column does not
   * give it back (trimmed, translated, made empty), and is null itself when no field is kept, as
   * for most rows: a null costs the cache of checked rows a position, a struct of nulls a row's
   * worth of bytes. Either way the quarantine's record is the provider's fields.
   */
  @Test
  void theSourceFieldsAreKeptOnlyWhereTheCanonicalValueDiffers() {
    List<Row> out =
        mapped(
            Map.of("2", "4"),
            new String[][] {{"1", "RR8"}, {"1", " RR8"}, {"2", "RR8"}, {"1", "&"}});
    assertNull(out.get(0).getAs(RowValidator.SOURCE), "every field given back");
    Row trimmed = out.get(1).getAs(RowValidator.SOURCE);
    assertEquals(" RR8", trimmed.getAs("PROV"));
    assertNull(trimmed.getAs("CAT"));
    assertNull(trimmed.getAs("KEY"));
    Row translated = out.get(2).getAs(RowValidator.SOURCE);
    assertEquals("2", translated.getAs("CAT"));
    assertNull(translated.getAs("PROV"));
    Row madeEmpty = out.get(3).getAs(RowValidator.SOURCE);
    assertEquals("&", madeEmpty.getAs("PROV"));
  }

  /** Issue 15 item 12: a translation to "" (not recorded) makes the value empty, not "". */
  @Test
  void aTranslationToEmptyTextMakesTheValueEmpty() {
    List<Row> out = mapped(Map.of("9", "", "2", "4"), new String[][] {{"9", "RR8"}, {"2", "RR8"}});
    assertNull(out.get(0).getAs(Cols.ATTENDANCE_CATEGORY));
    assertEquals("4", out.get(1).getAs(Cols.ATTENDANCE_CATEGORY));
  }

  /**
   * {@link RowValidator#trimBlanks} (Spark's trim of every blank only where a value starts or ends
   * with one, else the value as it is) gives what that trim gives on every value, here every text
   * of up to five characters drawn from the blanks and two letters (9,331 values), and null.
   */
  @Test
  void theQuickTrimGivesWhatTheTrimOfEveryBlankGives() {
    char[] alphabet = {' ', '\t', '\r', '\n', 'a', 'b'};
    List<Row> values = new ArrayList<>();
    values.add(RowFactory.create((String) null));
    List<String> level = List.of("");
    for (int length = 0; length <= 5; length++) {
      List<String> next = new ArrayList<>();
      for (String v : level) {
        values.add(RowFactory.create(v));
        for (char c : alphabet) {
          next.add(v + c);
        }
      }
      level = next;
    }
    Dataset<Row> df =
        SparkTestSession.get()
            .createDataFrame(values, new StructType().add("v", DataTypes.StringType));
    List<Row> differing =
        df.select(
                org.apache.spark.sql.functions.col("v"),
                RowValidator.trimBlanks(org.apache.spark.sql.functions.col("v")).as("quick"),
                org.apache
                    .spark
                    .sql
                    .functions
                    .btrim(
                        org.apache.spark.sql.functions.col("v"),
                        org.apache.spark.sql.functions.lit(" \t\r\n"))
                    .as("every"))
            .filter("not (quick <=> every)")
            .collectAsList();
    assertEquals(9332, df.count());
    assertEquals(List.of(), differing);
  }
}

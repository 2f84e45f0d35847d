package io.proactivecare.npc.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An aggregate's CSV: the stage's rule for its cells, the measures table's own rule for it. */
class AggregateCsvTest {
  @TempDir Path tmp;

  /** A rule that shows a null as {@code *} and a number with its column's name. */
  private static String marked(Row r, int i, String name) {
    return r.isNullAt(i) ? "*" : i == 0 ? r.getString(0) : name + "=" + r.get(i);
  }

  @Test
  void eachCellIsShownByTheStagesRuleInAFileNamedWithoutTheStage() throws IOException {
    StructType schema =
        new StructType()
            .add("level", DataTypes.StringType)
            .add("n_people", DataTypes.LongType)
            .add("share", DataTypes.DoubleType);
    AggregateCsv.write(
        tmp,
        "stage/people",
        schema,
        List.of(RowFactory.create("A", 12L, 0.5), RowFactory.create("B", null, null)),
        AggregateCsvTest::marked);
    assertEquals(
        List.of("level,n_people,share", "A,n_people=12,share=0.5", "B,*,*"),
        Files.readAllLines(tmp.resolve("people.csv")));
  }

  @Test
  void theMeasuresTableIsShownByItsOwnRule() throws IOException {
    // A suppressed figure: its numerator and value are *, the denominator it does not have empty.
    Row figure =
        RowFactory.create("people", "cohort", "overall", "all", null, null, null, null, "small");
    // A ratio: its suppressed denominator is *; a value to four decimals.
    Row ratio =
        RowFactory.create("share", "cohort", "overall", "all", 5L, "eligible", null, 1.0 / 3, null);
    AggregateCsv.write(
        tmp, "stage/measures", Measures.SCHEMA, List.of(figure, ratio), AggregateCsvTest::marked);
    assertEquals(
        List.of(
            String.join(",", Measures.SCHEMA.fieldNames()),
            "people,cohort,overall,all,*,,,*,small",
            "share,cohort,overall,all,5,eligible,*,0.3333,"),
        Files.readAllLines(tmp.resolve("measures.csv")));
  }
}

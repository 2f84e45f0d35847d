package io.proactivecare.npc.cohort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The palliative care register at a date (docs/cohort.md), and its codelist's refusals. */
class PalliativeRegisterTest {
  @TempDir Path tmp;

  private static final LocalDate D = LocalDate.of(2025, 3, 31);
  private static final LocalDate SINCE = LocalDate.of(2008, 4, 1);
  private static final String PAL = "103735009";
  private static final String PAL2 = "526631000000108";
  private static final String NI = "1048611000000104";
  private static final PalliativeRegister REGISTER =
      new PalliativeRegister(Set.of(PAL, PAL2), Set.of(NI));

  private static final StructType EVENTS =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType, false)
          .add(Cols.EVENT_DATE, DataTypes.DateType, false)
          .add(Cols.CODE_SYSTEM, DataTypes.StringType, false)
          .add(Cols.CODE, DataTypes.StringType, false);

  private final List<Row> rows = new ArrayList<>();

  private PalliativeRegisterTest event(String person, String date, String code) {
    return event(person, date, "SNOMED", code);
  }

  private PalliativeRegisterTest event(String person, String date, String system, String code) {
    rows.add(RowFactory.create(person, Date.valueOf(date), system, code));
    return this;
  }

  private Set<String> on(LocalDate date) {
    Dataset<Row> events = SparkTestSession.get().createDataFrame(rows, EVENTS);
    Set<String> out = new TreeSet<>();
    for (Row r : REGISTER.on(events, date, SINCE).collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  @Test
  void theRegisterAtADate() {
    event("on-d", "2025-03-31", PAL) // coded on D: on the register
        .event("after-d", "2025-04-01", PAL) // coded the day after: not yet
        .event("old", "2008-03-31", PAL) // before the QOF threshold: does not count
        .event("threshold", "2008-04-01", PAL) // on the threshold: counts
        .event("ni-after", "2024-01-01", PAL)
        .event("ni-after", "2024-06-01", NI) // not indicated after the code: off
        .event("ni-same-day", "2024-01-01", PAL2)
        .event("ni-same-day", "2024-01-01", NI) // same day: stays on
        .event("re-coded", "2023-01-01", PAL)
        .event("re-coded", "2023-06-01", NI)
        .event("re-coded", "2024-02-01", PAL) // coded again after the NI: back on
        .event("ni-after-d", "2024-01-01", PAL)
        .event("ni-after-d", "2025-04-01", NI) // NI after D is not seen
        .event("ni-only", "2024-01-01", NI) // NI alone: never on
        .event("other-code", "2024-01-01", "22298006") // not a palliative code
        .event("ctv3", "2024-01-01", "CTV3", PAL); // a SNOMED id under another system
    assertEquals(Set.of("on-d", "threshold", "ni-same-day", "re-coded", "ni-after-d"), on(D));
    // On 2024-01-01: re-coded had only its first code and the NI after it (off); ni-after's NI
    // came later (on); codes dated on that day count.
    assertEquals(
        Set.of("threshold", "ni-after", "ni-same-day", "ni-after-d"), on(LocalDate.of(2024, 1, 1)));
  }

  private Path file(String text) throws IOException {
    Path f = tmp.resolve("palliative.csv");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void loadsTheProjectCodelist() {
    PalliativeRegister r =
        PalliativeRegister.load(
            io.proactivecare.npc.testing.Npc.HOME.resolve("conf/codelists/palliative_care.csv"));
    assertTrue(r.register().contains(PAL), "103735009 Palliative care is listed");
    assertTrue(r.notIndicated().contains(NI), "1048611000000104 is listed as not indicated");
  }

  @Test
  void refusesAMalformedCodelistNamingTheLineAndColumn() throws IOException {
    NpcException bad =
        assertThrows(
            NpcException.class,
            () -> PalliativeRegister.load(file("code,term,cluster\n103735009,x,PALCARE\n")));
    assertTrue(bad.getMessage().contains("line 2, column cluster"), bad.getMessage());
    bad =
        assertThrows(
            NpcException.class,
            () -> PalliativeRegister.load(file("code,term,cluster\nC104.,x,PALCARE_COD\n")));
    assertTrue(bad.getMessage().contains("line 2, column code"), bad.getMessage());
    bad =
        assertThrows(
            NpcException.class,
            () ->
                PalliativeRegister.load(
                    file(
                        "code,term,cluster\n103735009,x,PALCARE_COD\n103735009,y,PALCARENI_COD\n")));
    assertTrue(bad.getMessage().contains("line 3, column code"), bad.getMessage());
    bad =
        assertThrows(
            NpcException.class,
            () -> PalliativeRegister.load(file("code,term,cluster\n" + NI + ",x,PALCARENI_COD\n")));
    assertTrue(bad.getMessage().contains("lists no PALCARE_COD code"), bad.getMessage());
  }
}

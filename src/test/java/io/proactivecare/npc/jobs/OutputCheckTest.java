package io.proactivecare.npc.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.ConfigLoader;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import io.proactivecare.npc.testing.SparkTestSession;
import io.proactivecare.npc.warehouse.Catalog;
import io.proactivecare.npc.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code StepContext.write} writes a dataset only when it has exactly the columns its output's
 * contract declares (schema/Outputs), in order, with their types; anything else is refused before a
 * file is written, naming the output, the columns it has and the columns declared.
 */
class OutputCheckTest {
  @TempDir Path tmp;

  private NpcConfig config;

  private StepContext context() {
    config =
        ConfigLoader.load(Optional.empty(), Map.of("warehouse", tmp.resolve("w").toString()))
            .config();
    return new StepContext(
        SparkTestSession::get,
        config,
        new Warehouse(tmp.resolve("w")),
        Catalog.empty(),
        "run-1",
        LocalDate.of(2025, 3, 31),
        Optional.empty(),
        List.of(),
        note -> {},
        new StepContext.Reads("test", List.of(), Map.of()));
  }

  private static Dataset<Row> empty(StructType schema) {
    return SparkTestSession.get().createDataFrame(List.of(), schema);
  }

  private static StructType hfrs() {
    return Outputs.HFRS.schema();
  }

  /** {@code t} with its fields in {@code order} (indices into t). */
  private static StructType fields(StructType t, int... order) {
    return new StructType(
        Arrays.stream(order).mapToObj(i -> t.fields()[i]).toArray(StructField[]::new));
  }

  /** Writes {@code schema} as frailty/hfrs; returns the refusal's message. */
  private String refused(StructType schema) {
    StepContext ctx = context();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ctx.write(Outputs.HFRS.name(), "2025-03-31", empty(schema)));
    assertFalse(Files.exists(ctx.outputDir(Outputs.HFRS.name())), "nothing is written");
    assertTrue(ctx.producedOutputs().isEmpty(), "nothing is recorded");
    return e.getMessage();
  }

  private static final String DECLARED =
      "expected [person_id:string, as_of:date, hfrs_score:double, hfrs_band:string,"
          + " hfrs_codes:array<string>, hfrs_spells:int]";

  @Test
  void theDeclaredColumnsAreWrittenAndRecorded() {
    StepContext ctx = context();
    Dataset<Row> back = ctx.write(Outputs.HFRS.name(), "2025-03-31", empty(hfrs()));
    assertEquals(List.of(hfrs().fieldNames()), List.of(back.schema().fieldNames()));
    // Summed as it was written: the checksum of the files read back.
    assertEquals(
        List.of(
            new StepContext.Produced(
                "frailty/hfrs", "2025-03-31", 0, io.proactivecare.npc.io.ContentChecksum.of(back))),
        ctx.producedOutputs());
  }

  @Test
  void aMissingColumnIsRefusedNamingTheOutputAndBothColumnLists() {
    String m = refused(fields(hfrs(), 0, 1, 2, 3, 4));
    assertEquals(
        "schema of frailty/hfrs is [person_id:string, as_of:date, hfrs_score:double,"
            + " hfrs_band:string, hfrs_codes:array<string>], "
            + DECLARED
            + ": missing hfrs_spells",
        m);
  }

  @Test
  void anExtraColumnIsRefused() {
    String m = refused(hfrs().add("_scratch", DataTypes.IntegerType));
    assertTrue(m.endsWith(DECLARED + ": not declared _scratch"), m);
  }

  @Test
  void reorderedColumnsAreRefused() {
    String m = refused(fields(hfrs(), 1, 0, 2, 3, 4, 5));
    assertTrue(m.startsWith("schema of frailty/hfrs is [as_of:date, person_id:string,"), m);
    assertTrue(m.endsWith(DECLARED + ": the same columns in another order"), m);
  }

  @Test
  void aRetypedColumnIsRefused() {
    StructType t = fields(hfrs(), 0, 1, 2, 3, 4).add(Cols.HFRS_SPELLS, DataTypes.LongType);
    String m = refused(t);
    assertTrue(m.endsWith(DECLARED + ": hfrs_spells is bigint, declared int"), m);
  }

  @Test
  void anOutputWithNoTableContractIsRefused() {
    StepContext ctx = context();
    for (String name : List.of("frailty/scratch", Outputs.REPORT.name())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> ctx.write(name, "2025-03-31", empty(hfrs())));
      assertEquals(
          "output '" + name + "' has no table contract: declare its columns in schema/Outputs",
          e.getMessage());
    }
  }

  /**
   * features/person has one flag per deficit of the configured deficits file: the check expects
   * exactly those, by name, where the declaration says.
   */
  @Test
  void repeatedColumnsAreTheConfigurationsNames() {
    StepContext ctx = context();
    StructType full = Outputs.FEATURES.schema(config);
    List<String> flags =
        Arrays.stream(full.fieldNames())
            .filter(n -> n.startsWith(Cols.EFI_FLAG_PREFIX))
            .filter(n -> !List.of(Cols.EFI_SCORE, Cols.EFI_CATEGORY).contains(n))
            .toList();
    assertEquals(36, flags.size(), flags.toString());
    assertEquals(Cols.EFI_CATEGORY, full.fieldNames()[full.fieldIndex(flags.get(0)) - 1]);
    assertEquals(Cols.LONG_TERM_CONDITIONS, full.fieldNames()[full.fieldIndex(flags.get(35)) + 1]);

    List<StructField> withoutFalls = new ArrayList<>(List.of(full.fields()));
    withoutFalls.removeIf(f -> f.name().equals("efi_falls"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                ctx.write(
                    Outputs.FEATURES.name(),
                    "2025-03-31",
                    empty(new StructType(withoutFalls.toArray(StructField[]::new)))));
    assertTrue(e.getMessage().endsWith(": missing efi_falls"), e.getMessage());

    ctx.write(Outputs.FEATURES.name(), "2025-03-31", empty(full));
  }
}

package io.proactivecare.npc.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.SparkSettings;
import io.proactivecare.npc.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeGenerationTest {
  @TempDir Path tmp;

  private static SparkSettings mode(String mode, Map<String, String> settings) {
    return new SparkSettings("local[2]", 2, mode, 1000, settings);
  }

  @Test
  void autoCompilesOnlyAboveTheSizeAndTheOtherModesIgnoreIt() {
    SparkSettings auto = mode(SparkSettings.AUTO, Map.of());
    assertFalse(CodeGeneration.compiles(auto, 0));
    assertFalse(CodeGeneration.compiles(auto, 1000), "at the size itself: interpreted");
    assertTrue(CodeGeneration.compiles(auto, 1001));
    assertTrue(CodeGeneration.compiles(mode(SparkSettings.ALWAYS, Map.of()), 0));
    assertFalse(CodeGeneration.compiles(mode(SparkSettings.NEVER, Map.of()), 1L << 40));
  }

  @Test
  void theSessionIsSetBothWaysAndGivesTheSameAnswer() {
    SparkSession spark = SparkTestSession.get().newSession();
    String query = "select sum(id * 3) filter (where id % 7 = 1) as s from range(0, 10000)";
    assertFalse(CodeGeneration.apply(spark, mode(SparkSettings.AUTO, Map.of()), 10));
    assertEquals("false", spark.conf().get(CodeGeneration.WHOLE_STAGE));
    assertEquals("NO_CODEGEN", spark.conf().get(CodeGeneration.FACTORY_MODE));
    long interpreted = spark.sql(query).first().getLong(0);
    assertTrue(CodeGeneration.apply(spark, mode(SparkSettings.AUTO, Map.of()), 10_000));
    assertEquals("true", spark.conf().get(CodeGeneration.WHOLE_STAGE));
    assertEquals("FALLBACK", spark.conf().get(CodeGeneration.FACTORY_MODE));
    assertEquals(interpreted, spark.sql(query).first().getLong(0));
    // 3 * (1 + 8 + ... + 9997): 1,429 terms from 1 in steps of 7.
    assertEquals(3L * (1429L * (1 + 9997) / 2), interpreted);
  }

  @Test
  void aSparkSettingOfItsOwnStands() {
    SparkSession spark = SparkTestSession.get().newSession();
    spark.conf().set(CodeGeneration.WHOLE_STAGE, "false");
    spark.conf().set(CodeGeneration.FACTORY_MODE, "FALLBACK");
    SparkSettings named = mode(SparkSettings.ALWAYS, Map.of(CodeGeneration.WHOLE_STAGE, "false"));
    assertFalse(CodeGeneration.apply(spark, named, 1L << 40));
    assertEquals("false", spark.conf().get(CodeGeneration.WHOLE_STAGE));
    assertEquals("FALLBACK", spark.conf().get(CodeGeneration.FACTORY_MODE));
  }

  @Test
  void bytesAreTheFilesUnderEachPlaceAndAMissingOneCountsNothing() throws IOException {
    Path file = Files.write(tmp.resolve("a.csv.gz"), new byte[300]);
    Path dir = Files.createDirectories(tmp.resolve("parts/inner"));
    Files.write(tmp.resolve("parts/p1.parquet"), new byte[50]);
    Files.write(dir.resolve("p2.parquet"), new byte[7]);
    assertEquals(
        357, CodeGeneration.bytesUnder(List.of(file, tmp.resolve("parts"), tmp.resolve("gone"))));
  }
}

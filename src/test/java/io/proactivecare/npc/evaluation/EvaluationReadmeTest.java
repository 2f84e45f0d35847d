package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.disclosure.Measures;
import io.proactivecare.npc.features.FeatureFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation folder's README.md documents every column of every file it holds. */
class EvaluationReadmeTest {
  @TempDir Path dir;

  @Test
  void everyColumnOfEveryFileIsExplained() throws Exception {
    EvaluationSettings s = FeatureFixture.config(Map.of()).evaluation();
    EvaluationReadme.write(dir, LocalDate.of(2025, 3, 31), s);
    String doc = Files.readString(dir.resolve("README.md"));
    Map<String, StructType> files =
        Map.of(
            "estimates.csv", MatchedAnalysis.ESTIMATES_SCHEMA,
            "balance.csv", MatchedAnalysis.BALANCE_SCHEMA,
            "attrition.csv", MatchedAnalysis.ATTRITION_SCHEMA,
            "propensity.csv", MatchedAnalysis.PROPENSITY_SCHEMA,
            "reach.csv", Reach.SCHEMA,
            "measures.csv", Measures.SCHEMA,
            "reach_measures.csv", Measures.SCHEMA);
    files.forEach(
        (file, schema) -> {
          int at = doc.indexOf("### `" + file + "`");
          assertTrue(at >= 0, "README.md lacks " + file);
          int end = doc.indexOf("\n### ", at + 1);
          String section = doc.substring(at, end < 0 ? doc.length() : end);
          for (String c : schema.fieldNames()) {
            assertTrue(section.contains(c), file + ": README.md does not explain " + c);
          }
        });
    assertTrue(doc.contains("as of 2025-03-31"), doc);
    assertTrue(
        doc.contains(
            "within the same index date and exact strata (sex, prior_admissions, efi_category)"),
        doc);
    assertTrue(doc.contains("rounded to the nearest 5"), doc);
  }
}

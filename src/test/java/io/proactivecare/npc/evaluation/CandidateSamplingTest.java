package io.proactivecare.npc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.config.NpcConfig;
import io.proactivecare.npc.config.NpcException;
import io.proactivecare.npc.features.FeatureFixture;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Contracts;
import io.proactivecare.npc.testing.SparkTestSession;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Risk-set sampling of candidates (docs/evaluation.md, section 2, "Candidate sampling"), worked by
 * hand: blocks of index date, sex and banded prior emergency admissions (from the spells alone);
 * candidates in a block with nobody enrolled are dropped; a small block keeps everyone; a large
 * block keeps about K per enrolled person, the same ones on every run.
 */
class CandidateSamplingTest {
  private static final StructType MEMBERS =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType, false)
          .add(Cols.INDEX_DATE, DataTypes.DateType, false)
          .add(Cols.ROLE, DataTypes.StringType, false)
          .add(Cols.SEX, DataTypes.StringType, true)
          .add(Cols.PCN_CODE, DataTypes.StringType, true);

  private static Row member(String person, String index, String role, String sex) {
    return RowFactory.create(person, Date.valueOf(index), role, sex, "U00001");
  }

  private static NpcConfig config(String... overrides) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < overrides.length; i += 2) {
      m.put(overrides[i], overrides[i + 1]);
    }
    return FeatureFixture.config(m);
  }

  private static Set<String> kept(List<Row> members, FeatureFixture f, NpcConfig config) {
    EvaluationSettings s = config.evaluation();
    Dataset<Row> d = SparkTestSession.get().createDataFrame(members, MEMBERS);
    Dataset<Row> out =
        CandidateSampling.sample(
            d, f.table(Contracts.APC_SPELLS), s, config.features(), s.candidatesPerTreated());
    assertEquals(List.of(d.columns()), List.of(out.columns()), "the members' columns, no more");
    return out.collectAsList().stream()
        .map(r -> r.<String>getAs(Cols.PERSON_ID) + "@" + r.getAs(Cols.INDEX_DATE))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void blocksWithNobodyEnrolledKeepNoCandidateAndSmallBlocksKeepAll() {
    // Index date 2024-05-01: measured on 2024-04-30; the recent window (90 days) starts 2024-02-01,
    // the 12 months on 2023-05-02.
    FeatureFixture f =
        new FeatureFixture()
            .spell(
                "s1", "T1", "2024-04-10", "2024-04-12", "21", "1") // emergency, recent: "1 recent"
            .spell("s2", "C1", "2024-04-20", "2024-04-21", "21", "1") // the same block as T1
            .spell("s3", "C3", "2023-12-01", "2023-12-03", "21", "1") // 12 months, not recent: "1"
            .spell("s4", "C4", "2024-04-10", "2024-04-11", "11", "1") // elective: band "0"
            .spell("s5", "C5", "2023-05-01", "2023-05-02", "21", "1") // a day before 12 months: "0"
            .spell("s6", "C6", "2024-05-01", "2024-05-03", "21", "1"); // on the index date: "0"
    List<Row> members =
        List.of(
            member("T1", "2024-05-01", RiskSets.TREATED, "F"),
            member("C1", "2024-05-01", RiskSets.CANDIDATE, "F"),
            member("C2", "2024-05-01", RiskSets.CANDIDATE, "F"), // F, "0": nobody enrolled
            member("C3", "2024-05-01", RiskSets.CANDIDATE, "F"), // F, "1": nobody enrolled
            member("C4", "2024-05-01", RiskSets.CANDIDATE, "F"),
            member("C5", "2024-05-01", RiskSets.CANDIDATE, "F"),
            member("C6", "2024-05-01", RiskSets.CANDIDATE, "F"),
            member("C7", "2024-05-01", RiskSets.CANDIDATE, "M"), // M: nobody enrolled
            member("T8", "2024-06-01", RiskSets.TREATED, "M"), // M, "0" on 2024-06-01
            member("C7", "2024-06-01", RiskSets.CANDIDATE, "M"), // kept: T8's block
            member("C1", "2024-06-01", RiskSets.CANDIDATE, "F")); // F on 2024-06-01: nobody
    assertEquals(
        new TreeSet<>(List.of("C1@2024-05-01", "C7@2024-06-01", "T1@2024-05-01", "T8@2024-06-01")),
        kept(members, f, config()));

    // Without prior_admissions among the exact strata, F on 2024-05-01 is one block: all kept.
    Set<String> bySexOnly = kept(members, f, config("evaluation.exact", "[sex]"));
    for (String p : List.of("C1", "C2", "C3", "C4", "C5", "C6")) {
      assertTrue(bySexOnly.contains(p + "@2024-05-01"), p + " " + bySexOnly);
    }
    assertTrue(!bySexOnly.contains("C7@2024-05-01") && !bySexOnly.contains("C1@2024-06-01"));
  }

  @Test
  void aLargeBlockKeepsAboutKPerEnrolledPersonTheSameOnesEachRun() {
    // Two enrolled, 4,000 candidates, K = 100: each kept with probability 200 / 4,000 = 0.05, so
    // about 200 (binomial SD 13.8); 200 +- 70 is five SDs.
    List<Row> members = new ArrayList<>();
    members.add(member("T1", "2024-05-01", RiskSets.TREATED, "F"));
    members.add(member("T2", "2024-05-01", RiskSets.TREATED, "F"));
    for (int i = 0; i < 4000; i++) {
      members.add(member("C" + i, "2024-05-01", RiskSets.CANDIDATE, "F"));
    }
    FeatureFixture f = new FeatureFixture();
    NpcConfig config = config("evaluation.exact", "[sex]");
    Set<String> first = kept(members, f, config);
    assertTrue(first.contains("T1@2024-05-01") && first.contains("T2@2024-05-01"));
    int candidates = first.size() - 2;
    assertTrue(Math.abs(candidates - 200) <= 70, "kept " + candidates);
    assertEquals(first, kept(members, f, config), "the same candidates on a rerun");
    Set<String> otherSeed =
        kept(members, f, config("evaluation.exact", "[sex]", "evaluation.seed", "7"));
    assertNotEquals(first, otherSeed, "another seed, another sample");
    // K below 10 controls' worth per enrolled person is refused; 0 turns sampling off.
    NpcException tooFew =
        assertThrows(NpcException.class, () -> config("evaluation.candidates_per_treated", "5"));
    assertTrue(tooFew.getMessage().contains("candidates_per_treated"), tooFew.getMessage());
    assertEquals(
        0, config("evaluation.candidates_per_treated", "0").evaluation().candidatesPerTreated());
  }
}

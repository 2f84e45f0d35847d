package io.proactivecare.npc.evaluation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.proactivecare.npc.config.EvaluationSettings;
import io.proactivecare.npc.config.FeatureSettings;
import io.proactivecare.npc.features.Features;
import io.proactivecare.npc.schema.Cols;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Risk-set sampling of candidates before their covariates are measured (docs/evaluation.md,
 * "Candidate sampling"): a region of a million people has a million candidates at every index date,
 * and measuring all of them is most of the evaluation's cost, while matching uses a handful per
 * enrolled person. Everyone in a risk set is put in a sampling block: the index date and the
 * exact-matching strata that are known before the covariates (sex, age band, PCN, and the banded
 * prior emergency admissions, counted here from the spells alone). In a block with T enrolled
 * people and C candidates each candidate is kept with probability {@code min(1, K T / C)}, K being
 * {@code evaluation.candidates_per_treated}, decided by a seeded hash of the person and the index
 * date (the same candidates on every run); a block with no enrolled person keeps none, as exact
 * matching could never use them. Every enrolled person is kept.
 */
public final class CandidateSampling {
  private CandidateSampling() {}

  private static final String BLOCK = "_sampling_block";
  private static final String TREATED_IN_BLOCK = "_treated_in_block";
  private static final String CANDIDATES_IN_BLOCK = "_candidates_in_block";
  private static final long UNIT = 1L << 53;

  /**
   * The sampling block of each row of {@code members}: the index date and each stratum of {@code
   * evaluation.exact} known before the covariates, that is a column of the members ({@code
   * available}) or the prior admissions counted here; the others ({@code imd_quintile}, {@code
   * efi_category}) are left to the matching.
   */
  static List<Column> blockKey(List<String> exact, List<String> available) {
    List<Column> key = new ArrayList<>();
    key.add(date_format(col(Cols.INDEX_DATE), "yyyy-MM-dd"));
    for (String s : exact) {
      boolean known =
          s.equals(EvaluationSettings.PRIOR_ADMISSIONS) || available.contains(Matching.column(s));
      if (known) {
        key.add(coalesce(Matching.stratum(s).cast("string"), lit("?")));
      }
    }
    return key;
  }

  /**
   * A uniform number in [0, 1) from the seed, the person and the index date: the candidate is kept
   * when it is below the block's sampling fraction.
   */
  static Column uniform(long seed) {
    return pmod(xxhash64(lit(seed), col(Cols.PERSON_ID), col(Cols.INDEX_DATE)), lit(UNIT))
        .cast("double")
        .divide(lit((double) UNIT));
  }

  /**
   * The members kept: every enrolled person and the sampled candidates, with the columns of {@code
   * members} only.
   *
   * @param members {@link RiskSets#members}
   * @param spells the conformed admitted patient care spells (prior admissions for the blocks)
   * @param perTreated K: candidates kept per enrolled person in a block, on average
   */
  public static Dataset<Row> sample(
      Dataset<Row> members,
      Dataset<Row> spells,
      EvaluationSettings s,
      FeatureSettings features,
      int perTreated) {
    Dataset<Row> withPrior = members;
    if (s.exact().contains(EvaluationSettings.PRIOR_ADMISSIONS)) {
      Dataset<Row> keys =
          members
              .select(col(Cols.PERSON_ID), date_sub(col(Cols.INDEX_DATE), 1).as(Cols.AS_OF))
              .distinct();
      Dataset<Row> prior =
          Features.hospital(keys, spells, features)
              .select(
                  col(Cols.PERSON_ID),
                  col(Cols.AS_OF),
                  col(Cols.EMERGENCY_ADMISSIONS_12M),
                  col(Cols.EMERGENCY_ADMISSIONS_RECENT));
      withPrior =
          members
              .withColumn(Cols.AS_OF, date_sub(col(Cols.INDEX_DATE), 1))
              .join(prior, new String[] {Cols.PERSON_ID, Cols.AS_OF}, "left")
              .withColumn(
                  Cols.EMERGENCY_ADMISSIONS_12M,
                  coalesce(col(Cols.EMERGENCY_ADMISSIONS_12M), lit(0L)))
              .withColumn(
                  Cols.EMERGENCY_ADMISSIONS_RECENT,
                  coalesce(col(Cols.EMERGENCY_ADMISSIONS_RECENT), lit(0L)));
    }
    Column isTreated = col(Cols.ROLE).equalTo(RiskSets.TREATED);
    Dataset<Row> blocked =
        withPrior.withColumn(
            BLOCK,
            concat_ws("|", blockKey(s.exact(), List.of(members.columns())).toArray(Column[]::new)));
    Dataset<Row> sizes =
        blocked
            .groupBy(BLOCK)
            .agg(
                count(when(isTreated, lit(1))).as(TREATED_IN_BLOCK),
                count(when(not(isTreated), lit(1))).as(CANDIDATES_IN_BLOCK));
    Column fraction =
        when(col(CANDIDATES_IN_BLOCK).equalTo(0), lit(0.0))
            .otherwise(
                least(
                    lit(1.0),
                    col(TREATED_IN_BLOCK)
                        .multiply(perTreated)
                        .cast("double")
                        .divide(col(CANDIDATES_IN_BLOCK))));
    return blocked
        .join(sizes, BLOCK)
        .where(isTreated.or(uniform(s.seed()).lt(fraction)))
        .select(
            java.util.Arrays.stream(members.columns())
                .map(org.apache.spark.sql.functions::col)
                .toArray(Column[]::new));
  }
}

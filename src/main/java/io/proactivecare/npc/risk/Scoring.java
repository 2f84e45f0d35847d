package io.proactivecare.npc.risk;

import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.proactivecare.npc.config.RiskSettings;
import io.proactivecare.npc.schema.Cols;
import io.proactivecare.npc.schema.Outputs;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores everyone with a model broadcast to the executors (docs/model.md): probability, percentile,
 * band and the top three contributing factors in plain words.
 */
public final class Scoring {
  private Scoring() {}

  public static final String PROBABILITY = "risk_probability";
  public static final String PERCENTILE = "risk_percentile";
  public static final String BAND = "risk_band";
  public static final String RANK = "risk_rank";
  public static final String FACTORS = "top_factors";
  public static final String MODEL_ID = "model_id";
  public static final List<String> BANDS = List.of("very high", "high", "moderate", "low");

  static final StructType SCORED =
      new StructType()
          .add(Cols.PERSON_ID, DataTypes.StringType, false)
          .add(Cols.AS_OF, DataTypes.DateType, false)
          .add(Cols.PRACTICE_CODE, DataTypes.StringType, true)
          .add(Cols.PCN_CODE, DataTypes.StringType, true)
          .add(PROBABILITY, DataTypes.DoubleType, false)
          .add(FACTORS, DataTypes.createArrayType(DataTypes.StringType, false), false);

  /**
   * How many of {@code n} people a top share takes: rounded up, so a share that is a whole number
   * of people (5% of 40, 7% of 100) is exact despite floating-point error, and a non-empty group
   * takes at least one.
   */
  public static Column topCount(Column n, double share) {
    return ceil(n.multiply(share).minus(1e-9));
  }

  /**
   * Scores every row of {@code features} (a features/person table, after {@link
   * Encoder#requireColumns}), keeping only people aged at least {@code minAge}.
   *
   * <p>Rank 1 is the highest probability; equal probabilities are ordered by person id, so ranks,
   * percentiles and bands are the same on every run. Bands: rank within the top {@code bandShares}
   * (1%, 5%, 20%) of people scored, rounded up.
   */
  public static Dataset<Row> score(
      Dataset<Row> features, RiskModel model, RiskSettings settings, String table) {
    model.encoder().requireColumns(features.schema(), table);
    Dataset<Row> adults = features.where(col(Cols.AGE).geq(settings.minAge()));
    Broadcast<RiskModel> shared =
        new org.apache.spark.api.java.JavaSparkContext(adults.sparkSession().sparkContext())
            .broadcast(model);
    Set<String> leaveOut = Set.copyOf(settings.reasonsLeaveOut());
    MapPartitionsFunction<Row, Row> scoreAll =
        rows -> {
          RiskModel m = shared.value();
          // Row by row as Spark pulls them: a partition is never held in memory.
          return new java.util.Iterator<Row>() {
            @Override
            public boolean hasNext() {
              return rows.hasNext();
            }

            @Override
            public Row next() {
              Row r = rows.next();
              double[] x = m.encoder().encode(r);
              double p = m.probability(x);
              List<String> why =
                  m.reasons().top(m.encoder(), m.learner().contributions(x), r, 3, leaveOut);
              return RowFactory.create(
                  r.getAs(Cols.PERSON_ID),
                  r.getAs(Cols.AS_OF),
                  r.getAs(Cols.PRACTICE_CODE),
                  r.getAs(Cols.PCN_CODE),
                  p,
                  scala.jdk.javaapi.CollectionConverters.asScala(why).toSeq());
            }
          };
        };
    // One pass over the features: each row carries its practice and PCN along with its score,
    // rather than a second scan of the features joined back.
    // Scoring is CPU-bound (tree SHAP for every person's reasons), and the features' few files
    // come as few partitions (three on two cores at a million: one core idle for a third of the
    // step): spread the rows over four tasks per core first.
    int tasks = 4 * adults.sparkSession().sparkContext().defaultParallelism();
    Dataset<Row> withScores =
        adults.repartition(tasks).mapPartitions(scoreAll, Encoders.row(SCORED));
    return Outputs.SCORES.select(
        ranked(withScores, settings.bandShares()).withColumn(MODEL_ID, lit(model.id())));
  }

  /**
   * Adds {@link #RANK}, {@link #PERCENTILE} and {@link #BAND} to scored rows ({@link #PROBABILITY},
   * per {@link Cols#AS_OF}): rank 1 is the highest probability, ties by person id; the percentile
   * is 100 × (n − rank) / (n − 1), 0 for a date with one person; the band is by rank within the top
   * {@code shares} of the date's people, each rounded up ({@link #topCount}).
   */
  static Dataset<Row> ranked(Dataset<Row> scored, List<Double> shares) {
    // Ranked by a distributed sort, not a window over all of a date's rows in one task.
    Dataset<Row> ranked =
        Ranks.number(
            scored,
            List.of(Cols.AS_OF),
            List.of(col(PROBABILITY).desc(), col(Cols.PERSON_ID)),
            RANK,
            "_n");
    Column n = col("_n");
    Column band =
        when(col(RANK).leq(topCount(n, shares.get(0))), BANDS.get(0))
            .when(col(RANK).leq(topCount(n, shares.get(1))), BANDS.get(1))
            .when(col(RANK).leq(topCount(n, shares.get(2))), BANDS.get(2))
            .otherwise(BANDS.get(3));
    return ranked
        // percent_rank() in ascending order of risk, which is the reverse of the rank: (n - rank)
        // / (n - 1), 0 for a date with one person.
        .withColumn(
            PERCENTILE,
            when(
                    n.gt(1),
                    n.minus(col(RANK))
                        .cast(DataTypes.DoubleType)
                        .divide(n.minus(1).cast(DataTypes.DoubleType)))
                .otherwise(lit(0.0))
                .multiply(100))
        .withColumn(BAND, band);
  }
}

package io.proactivecare.npc.config;

import java.nio.file.Path;

/**
 * The whole configuration of one {@code npc} invocation, immutable and validated. Built only by
 * {@link ConfigLoader}: built-in defaults, then the configuration file, then command-line flags.
 *
 * @param warehouse root folder of the warehouse (runs, catalog)
 * @param extract folder holding {@code extract.yaml} and the extract files it names
 * @param mappings folder of per-source column mappings ({@code <name>.yaml})
 * @param spark Spark session settings
 * @param quality data-quality gates
 * @param ingest ingest validation options
 * @param population how the registered population at a date is taken
 * @param frailty the Electronic Frailty Index
 * @param hfrs the Hospital Frailty Risk Score
 * @param features counting rules of the person features
 * @param risk the unplanned-care risk model
 * @param publish root folder of the publish area: files delivered outside the warehouse (per-PCN
 *     lists, disclosure-controlled aggregates)
 * @param costs unit costs for the cost of care
 * @param cohort selection of the proactive-care cohort
 * @param evaluation the evaluation against matched controls
 * @param monitoring the nightly run's monitoring measures and their alerts
 * @param file the configuration file it was read from (empty: built-in defaults and flags), named
 *     in hints that say which key to change
 */
public record NpcConfig(
    Path warehouse,
    Path extract,
    Path mappings,
    SparkSettings spark,
    QualitySettings quality,
    IngestSettings ingest,
    PopulationSettings population,
    FrailtySettings frailty,
    HfrsSettings hfrs,
    FeatureSettings features,
    RiskSettings risk,
    Path publish,
    CostSettings costs,
    CohortSettings cohort,
    EvaluationSettings evaluation,
    MonitoringSettings monitoring,
    java.util.Optional<Path> file) {}

-- Benchmark headline values from NHS England's publications, in the long form of
-- marts.headline_values: the ICB, its region and England, and the ICB's rank of N (the ICBs in
-- that month's publication). RTT figures come on two bases, each with its own ids:
-- benchmark.rtt.* by provider (the file's provider parent), benchmark.rtt.by_commissioner.* by
-- commissioner (the file's commissioner parent).
WITH four_hour AS (
    SELECT * FROM marts.benchmark_four_hour
),

benchmark_scopes AS (
    -- The system, its region and England: the scopes the national figures are quoted at.
    SELECT DISTINCT m.system_code AS scope FROM staging.stg_system_members AS m
    UNION ALL BY NAME
    SELECT DISTINCT i.region_code AS scope
    FROM ref.icbs AS i JOIN staging.stg_system_members AS m ON m.system_code = i.icb_code
    UNION ALL BY NAME
    SELECT 'ENG' AS scope
),

diagnostics AS (
    SELECT * FROM marts.benchmark_diagnostics
),

rtt AS (
    SELECT * FROM marts.benchmark_rtt WHERE basis = 'provider'
),

rtt_commissioner AS (
    SELECT * FROM marts.benchmark_rtt WHERE basis = 'commissioner'
),

figures AS (
    SELECT 'benchmark.uec.four_hour_pct' AS id, period, scope, within_4h AS numerator,
        attendances AS denominator, 'nhse_ae' AS return_type
    FROM four_hour
    UNION ALL BY NAME
    SELECT 'benchmark.uec.four_hour_rank' AS id, period, scope, rank AS numerator,
        ranked_of AS denominator, 'nhse_ae' AS return_type
    FROM four_hour WHERE scope_type = 'icb'
    UNION ALL BY NAME
    SELECT 'benchmark.diagnostics.within_6w_pct' AS id, period, scope, within_6w AS numerator,
        waiting_total AS denominator,
        'nhse_dm01' AS return_type
    FROM diagnostics
    UNION ALL BY NAME
    SELECT 'benchmark.diagnostics.within_6w_rank' AS id, period, scope, rank AS numerator,
        ranked_of AS denominator,
        'nhse_dm01' AS return_type
    FROM diagnostics WHERE scope_type = 'icb'
    UNION ALL BY NAME
    SELECT 'benchmark.diagnostics.waiting.total' AS id, period, scope, waiting_total AS numerator,
        NULL AS denominator,
        'nhse_dm01' AS return_type
    FROM diagnostics
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.waiting_list.total' AS id, period, scope, waiting_total AS numerator,
        NULL AS denominator,
        'nhse_rtt' AS return_type
    FROM rtt
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.within_18w_pct' AS id, period, scope, within_18w AS numerator,
        waiting_total AS denominator,
        'nhse_rtt' AS return_type
    FROM rtt
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.within_18w_rank' AS id, period, scope, rank AS numerator,
        ranked_of AS denominator, 'nhse_rtt' AS return_type
    FROM rtt WHERE scope_type = 'icb'
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.waits_over.52w' AS id, period, scope, over_52w AS numerator,
        NULL AS denominator, 'nhse_rtt' AS return_type
    FROM rtt
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.waits_over.65w' AS id, period, scope, over_65w AS numerator,
        NULL AS denominator, 'nhse_rtt' AS return_type
    FROM rtt
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.waits_over.78w' AS id, period, scope, over_78w AS numerator,
        NULL AS denominator, 'nhse_rtt' AS return_type
    FROM rtt
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.waits_over.104w' AS id, period, scope, over_104w AS numerator,
        NULL AS denominator, 'nhse_rtt' AS return_type
    FROM rtt
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.by_commissioner.waiting_list.total' AS id, period, scope,
        waiting_total AS numerator,
        NULL AS denominator, 'nhse_rtt' AS return_type
    FROM rtt_commissioner
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.by_commissioner.within_18w_pct' AS id, period, scope,
        within_18w AS numerator,
        waiting_total AS denominator, 'nhse_rtt' AS return_type
    FROM rtt_commissioner
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.by_commissioner.within_18w_rank' AS id, period, scope, rank AS numerator,
        ranked_of AS denominator,
        'nhse_rtt' AS return_type
    FROM rtt_commissioner WHERE scope_type = 'icb'
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.by_commissioner.waits_over.52w' AS id, period, scope,
        over_52w AS numerator, NULL AS denominator,
        'nhse_rtt' AS return_type
    FROM rtt_commissioner
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.by_commissioner.waits_over.65w' AS id, period, scope,
        over_65w AS numerator, NULL AS denominator,
        'nhse_rtt' AS return_type
    FROM rtt_commissioner
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.by_commissioner.waits_over.78w' AS id, period, scope,
        over_78w AS numerator, NULL AS denominator,
        'nhse_rtt' AS return_type
    FROM rtt_commissioner
    UNION ALL BY NAME
    SELECT 'benchmark.rtt.by_commissioner.waits_over.104w' AS id, period, scope,
        over_104w AS numerator, NULL AS denominator,
        'nhse_rtt' AS return_type
    FROM rtt_commissioner
),

final AS (
    SELECT
        id, period, scope,
        CASE WHEN catalogue.unit = 'percent' THEN 100.0 * numerator / nullif(denominator, 0)
            ELSE numerator END::DOUBLE AS value,
        catalogue.unit, numerator::BIGINT AS numerator, denominator::BIGINT AS denominator,
        NULL::VARCHAR AS as_of,
        'nhse' AS source, return_type,
        NULL::INTEGER AS trusts_submitted, NULL::INTEGER AS trusts_expected,
        NULL::VARCHAR AS missing_trusts
    FROM figures
    LEFT JOIN meta.figures AS catalogue USING (id)
    WHERE scope IN (SELECT scope FROM benchmark_scopes)
)

SELECT * FROM final

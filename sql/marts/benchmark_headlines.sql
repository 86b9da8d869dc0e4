-- Benchmark headline values from NHS England's publications, in the long form of
-- marts.headline_values: the ICB, its region and England, and the ICB's rank of N (the ICBs in
-- that month's publication). RTT figures come on two bases, each with its own ids:
-- benchmark.rtt.* by provider (the file's provider parent), benchmark.rtt.by_commissioner.* by
-- commissioner (the file's commissioner parent).
WITH four_hour AS (
    SELECT * FROM marts.benchmark_four_hour
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
        attendances AS denominator, 'percent' AS unit, 'nhse_ae' AS return_type
    FROM four_hour
    UNION ALL
    SELECT 'benchmark.uec.four_hour_rank', period, scope, rank, ranked_of, 'rank', 'nhse_ae'
    FROM four_hour WHERE scope_type = 'icb'
    UNION ALL
    SELECT 'benchmark.diagnostics.within_6w_pct', period, scope, within_6w, waiting_total,
        'percent', 'nhse_dm01'
    FROM diagnostics
    UNION ALL
    SELECT 'benchmark.diagnostics.within_6w_rank', period, scope, rank, ranked_of, 'rank',
        'nhse_dm01'
    FROM diagnostics WHERE scope_type = 'icb'
    UNION ALL
    SELECT 'benchmark.diagnostics.waiting.total', period, scope, waiting_total, NULL, 'count',
        'nhse_dm01'
    FROM diagnostics
    UNION ALL
    SELECT 'benchmark.rtt.waiting_list.total', period, scope, waiting_total, NULL, 'count',
        'nhse_rtt'
    FROM rtt
    UNION ALL
    SELECT 'benchmark.rtt.within_18w_pct', period, scope, within_18w, waiting_total, 'percent',
        'nhse_rtt'
    FROM rtt
    UNION ALL
    SELECT 'benchmark.rtt.within_18w_rank', period, scope, rank, ranked_of, 'rank', 'nhse_rtt'
    FROM rtt WHERE scope_type = 'icb'
    UNION ALL
    SELECT 'benchmark.rtt.waits_over.52w', period, scope, over_52w, NULL, 'count', 'nhse_rtt'
    FROM rtt
    UNION ALL
    SELECT 'benchmark.rtt.waits_over.65w', period, scope, over_65w, NULL, 'count', 'nhse_rtt'
    FROM rtt
    UNION ALL
    SELECT 'benchmark.rtt.waits_over.78w', period, scope, over_78w, NULL, 'count', 'nhse_rtt'
    FROM rtt
    UNION ALL
    SELECT 'benchmark.rtt.waits_over.104w', period, scope, over_104w, NULL, 'count', 'nhse_rtt'
    FROM rtt
    UNION ALL
    SELECT 'benchmark.rtt.by_commissioner.waiting_list.total', period, scope, waiting_total,
        NULL, 'count', 'nhse_rtt'
    FROM rtt_commissioner
    UNION ALL
    SELECT 'benchmark.rtt.by_commissioner.within_18w_pct', period, scope, within_18w,
        waiting_total, 'percent', 'nhse_rtt'
    FROM rtt_commissioner
    UNION ALL
    SELECT 'benchmark.rtt.by_commissioner.within_18w_rank', period, scope, rank, ranked_of,
        'rank', 'nhse_rtt'
    FROM rtt_commissioner WHERE scope_type = 'icb'
    UNION ALL
    SELECT 'benchmark.rtt.by_commissioner.waits_over.52w', period, scope, over_52w, NULL,
        'count', 'nhse_rtt'
    FROM rtt_commissioner
    UNION ALL
    SELECT 'benchmark.rtt.by_commissioner.waits_over.65w', period, scope, over_65w, NULL,
        'count', 'nhse_rtt'
    FROM rtt_commissioner
    UNION ALL
    SELECT 'benchmark.rtt.by_commissioner.waits_over.78w', period, scope, over_78w, NULL,
        'count', 'nhse_rtt'
    FROM rtt_commissioner
    UNION ALL
    SELECT 'benchmark.rtt.by_commissioner.waits_over.104w', period, scope, over_104w, NULL,
        'count', 'nhse_rtt'
    FROM rtt_commissioner
),

final AS (
    SELECT
        id, period, scope,
        CASE WHEN unit = 'percent' THEN 100.0 * numerator / nullif(denominator, 0)
            ELSE numerator END::DOUBLE AS value,
        unit, numerator::BIGINT AS numerator, denominator::BIGINT AS denominator,
        NULL::VARCHAR AS as_of,
        'nhse' AS source, return_type,
        NULL::INTEGER AS trusts_submitted, NULL::INTEGER AS trusts_expected,
        NULL::VARCHAR AS missing_trusts
    FROM figures
    WHERE scope IN ('QYG', 'Y62', 'ENG')
)

SELECT * FROM final

-- RTT waiting list (incomplete pathways) from NHS England's RTT full extract.
-- One row per month and scope: each of the 42 ICBs, the 7 regions and England. England counts
-- every provider in the publication; ICBs and regions count the providers mapped to them
-- (marts.benchmark_unmapped_providers lists the rest). ICBs are ranked 1 (best) to 42.
WITH source AS (
    SELECT * FROM staging.stg_nhse_rtt_incomplete
),

scoped AS (
    SELECT period, 'icb' AS scope_type, icb_code AS scope, sum(waiting_total)::BIGINT AS waiting_total, sum(within_18w)::BIGINT AS within_18w, sum(over_52w)::BIGINT AS over_52w, sum(over_65w)::BIGINT AS over_65w, sum(over_78w)::BIGINT AS over_78w, sum(over_104w)::BIGINT AS over_104w
    FROM source WHERE icb_code IS NOT NULL GROUP BY period, icb_code
    UNION ALL
    SELECT period, 'region' AS scope_type, region_code AS scope, sum(waiting_total)::BIGINT AS waiting_total, sum(within_18w)::BIGINT AS within_18w, sum(over_52w)::BIGINT AS over_52w, sum(over_65w)::BIGINT AS over_65w, sum(over_78w)::BIGINT AS over_78w, sum(over_104w)::BIGINT AS over_104w
    FROM source WHERE region_code IS NOT NULL GROUP BY period, region_code
    UNION ALL
    SELECT period, 'england' AS scope_type, 'ENG' AS scope, sum(waiting_total)::BIGINT AS waiting_total, sum(within_18w)::BIGINT AS within_18w, sum(over_52w)::BIGINT AS over_52w, sum(over_65w)::BIGINT AS over_65w, sum(over_78w)::BIGINT AS over_78w, sum(over_104w)::BIGINT AS over_104w
    FROM source GROUP BY period
),

measured AS (
    SELECT *, 100.0 * within_18w / nullif(waiting_total, 0) AS within_18w_pct
    FROM scoped
),

final AS (
    SELECT
        *,
        CASE WHEN scope_type = 'icb'
            THEN rank() OVER (PARTITION BY period, scope_type ORDER BY within_18w_pct DESC) END AS rank,
        CASE WHEN scope_type = 'icb'
            THEN count(*) OVER (PARTITION BY period, scope_type) END AS ranked_of
    FROM measured
)

SELECT * FROM final ORDER BY period, scope_type, scope

-- RTT waiting list (incomplete pathways) from NHS England's RTT full extract, on two bases:
-- 'provider' (the file's provider parent: an ICB's providers, independent sector included)
-- and 'commissioner' (the file's commissioner parent: the pathways an ICB commissions, from
-- any provider). One row per month, basis and scope: each ICB the file names, each region (the
-- ICBs' own) and England (every pathway in the file, on either basis). ICBs are ranked 1
-- (best) of N, N being the ICBs of that basis in that month's file.
WITH by_provider AS (
    SELECT 'provider' AS basis, * FROM staging.stg_nhse_rtt_incomplete
),

by_commissioner AS (
    SELECT 'commissioner' AS basis, * FROM staging.stg_nhse_rtt_commissioners
),

source AS (
    SELECT basis, period, icb_code, region_code, waiting_total, within_18w, over_52w,
        over_65w, over_78w, over_104w
    FROM by_provider
    UNION ALL BY NAME
    SELECT basis, period, icb_code, region_code, waiting_total, within_18w, over_52w,
        over_65w, over_78w, over_104w
    FROM by_commissioner
),

scoped AS (
    SELECT basis, period, 'icb' AS scope_type, icb_code AS scope,
        sum(waiting_total)::BIGINT AS waiting_total, sum(within_18w)::BIGINT AS within_18w,
        sum(over_52w)::BIGINT AS over_52w, sum(over_65w)::BIGINT AS over_65w,
        sum(over_78w)::BIGINT AS over_78w, sum(over_104w)::BIGINT AS over_104w
    FROM source WHERE icb_code IS NOT NULL GROUP BY basis, period, icb_code
    UNION ALL BY NAME
    SELECT basis, period, 'region' AS scope_type, region_code AS scope,
        sum(waiting_total)::BIGINT AS waiting_total, sum(within_18w)::BIGINT AS within_18w,
        sum(over_52w)::BIGINT AS over_52w, sum(over_65w)::BIGINT AS over_65w,
        sum(over_78w)::BIGINT AS over_78w, sum(over_104w)::BIGINT AS over_104w
    FROM source WHERE region_code IS NOT NULL GROUP BY basis, period, region_code
    UNION ALL BY NAME
    SELECT basis, period, 'england' AS scope_type, 'ENG' AS scope,
        sum(waiting_total)::BIGINT AS waiting_total, sum(within_18w)::BIGINT AS within_18w,
        sum(over_52w)::BIGINT AS over_52w, sum(over_65w)::BIGINT AS over_65w,
        sum(over_78w)::BIGINT AS over_78w, sum(over_104w)::BIGINT AS over_104w
    FROM source GROUP BY basis, period
),

measured AS (
    SELECT *, 100.0 * within_18w / nullif(waiting_total, 0) AS within_18w_pct
    FROM scoped
),

final AS (
    SELECT
        *,
        CASE WHEN scope_type = 'icb'
            THEN rank() OVER (PARTITION BY basis, period, scope_type ORDER BY within_18w_pct DESC) END AS rank,
        CASE WHEN scope_type = 'icb'
            THEN count(*) OVER (PARTITION BY basis, period, scope_type) END AS ranked_of
    FROM measured
)

SELECT * FROM final ORDER BY basis, period, scope_type, scope

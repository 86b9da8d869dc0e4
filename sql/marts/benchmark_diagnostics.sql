-- DM01 diagnostic waits (all 15 tests) from NHS England's DM01 publication.
-- One row per month and scope: each ICB, each region and England. England counts every provider
-- in the publication; a region counts the providers the file itself places in it (its Regional
-- Team Code, so the regions add up to England exactly); an ICB counts the providers mapped to it
-- (marts.benchmark_unmapped_providers lists the rest). ICBs are ranked 1 (best) of N.
WITH source AS (
    SELECT * FROM staging.stg_nhse_dm01_providers
),

scoped AS (
    SELECT period, 'icb' AS scope_type, icb_code AS scope,
        sum(waiting_total)::BIGINT AS waiting_total,
        (sum(waiting_total) - sum(waiting_6w_plus))::BIGINT AS within_6w,
        sum(waiting_6w_plus)::BIGINT AS over_6w, sum(waiting_13w_plus)::BIGINT AS over_13w,
        sum(activity)::BIGINT AS activity
    FROM source WHERE icb_code IS NOT NULL GROUP BY period, icb_code
    UNION ALL BY NAME
    SELECT period, 'region' AS scope_type, region_code AS scope,
        sum(waiting_total)::BIGINT AS waiting_total,
        (sum(waiting_total) - sum(waiting_6w_plus))::BIGINT AS within_6w,
        sum(waiting_6w_plus)::BIGINT AS over_6w, sum(waiting_13w_plus)::BIGINT AS over_13w,
        sum(activity)::BIGINT AS activity
    FROM source WHERE region_code IS NOT NULL GROUP BY period, region_code
    UNION ALL BY NAME
    SELECT period, 'england' AS scope_type, 'ENG' AS scope,
        sum(waiting_total)::BIGINT AS waiting_total,
        (sum(waiting_total) - sum(waiting_6w_plus))::BIGINT AS within_6w,
        sum(waiting_6w_plus)::BIGINT AS over_6w, sum(waiting_13w_plus)::BIGINT AS over_13w,
        sum(activity)::BIGINT AS activity
    FROM source GROUP BY period
),

measured AS (
    SELECT *, 100.0 * within_6w / nullif(waiting_total, 0) AS within_6w_pct
    FROM scoped
),

final AS (
    SELECT
        *,
        CASE WHEN scope_type = 'icb'
            THEN rank() OVER (PARTITION BY period, scope_type ORDER BY within_6w_pct DESC) END AS rank,
        CASE WHEN scope_type = 'icb'
            THEN count(*) OVER (PARTITION BY period, scope_type) END AS ranked_of
    FROM measured
)

SELECT * FROM final ORDER BY period, scope_type, scope

-- A&E 4-hour performance (all types and booked appointments) from NHS England's A&E publication.
-- One row per month and scope: each ICB, each region and England. England counts every provider
-- in the publication; a region counts the providers the file itself places in it (so the
-- regions add up to England exactly); an ICB counts the providers mapped to it
-- (marts.benchmark_unmapped_providers lists the rest). ICBs are ranked 1 (best) of N, N being
-- the ICBs in that month's publication.
WITH source AS (
    SELECT * FROM staging.stg_nhse_ae_providers
),

scoped AS (
    SELECT period, 'icb' AS scope_type, icb_code AS scope, sum(attendances)::BIGINT AS attendances,
        (sum(attendances) - sum(over_4h))::BIGINT AS within_4h
    FROM source WHERE icb_code IS NOT NULL GROUP BY period, icb_code
    UNION ALL BY NAME
    SELECT period, 'region' AS scope_type, region_code AS scope,
        sum(attendances)::BIGINT AS attendances,
        (sum(attendances) - sum(over_4h))::BIGINT AS within_4h
    FROM source WHERE region_code IS NOT NULL GROUP BY period, region_code
    UNION ALL BY NAME
    SELECT period, 'england' AS scope_type, 'ENG' AS scope,
        sum(attendances)::BIGINT AS attendances,
        (sum(attendances) - sum(over_4h))::BIGINT AS within_4h
    FROM source GROUP BY period
),

measured AS (
    SELECT *, 100.0 * within_4h / nullif(attendances, 0) AS four_hour_pct
    FROM scoped
),

final AS (
    SELECT
        *,
        CASE WHEN scope_type = 'icb'
            THEN rank() OVER (PARTITION BY period, scope_type ORDER BY four_hour_pct DESC) END AS rank,
        CASE WHEN scope_type = 'icb'
            THEN count(*) OVER (PARTITION BY period, scope_type) END AS ranked_of
    FROM measured
)

SELECT * FROM final ORDER BY period, scope_type, scope

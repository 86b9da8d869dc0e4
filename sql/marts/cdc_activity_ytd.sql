-- Community diagnostic centre (CDC) tests, financial year to date (April = month 1), by centre
-- and for the system (QYG, the sum of the centres), with the plan. Activity is the centres'
-- monthly rows in the programme return; the plan is the plans file's monthly rows for
-- `diagnostics.cdc.activity` for the same scope (a centre's own plan, or the system's):
-- ytd_plan sums the plan's months from April to the month, year_plan all twelve months of the
-- financial year (the year's CDC activity plan). A scope without plan rows has NULL plans.
WITH source AS (
    SELECT * FROM staging.stg_programme WHERE metric = 'diagnostics.cdc.activity'
),

plans AS (
    SELECT scope, period, value, financial_year
    FROM staging.stg_plans_targets
    WHERE metric = 'diagnostics.cdc.activity' AND kind = 'plan'
),

centres AS (
    SELECT cdc_code FROM ref.cdc_sites
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

monthly AS (
    SELECT
        scope, period, sum(value) AS tests,
        CAST(left(period, 4) AS INTEGER)
            - CASE WHEN CAST(right(period, 2) AS INTEGER) < 4 THEN 1 ELSE 0 END AS fy_start
    FROM source
    WHERE scope IN (SELECT cdc_code FROM centres)
    GROUP BY scope, period
),

with_system AS (
    SELECT * FROM monthly
    UNION ALL BY NAME
    SELECT c.system_code AS scope, m.period, sum(m.tests) AS tests, m.fy_start
    FROM monthly AS m, system_code AS c
    GROUP BY c.system_code, m.period, m.fy_start
),

ytd AS (
    SELECT
        m.scope, m.period, m.fy_start,
        (SELECT sum(e.tests) FROM with_system AS e
         WHERE e.scope = m.scope AND e.fy_start = m.fy_start AND e.period <= m.period)
            AS ytd_tests,
        (SELECT count(DISTINCT e.scope) FROM monthly AS e WHERE e.period = m.period)
            AS centres_reporting
    FROM with_system AS m
),

final AS (
    SELECT
        y.scope, y.period, y.ytd_tests::BIGINT AS ytd_tests,
        concat(y.fy_start, '-', lpad(CAST((y.fy_start + 1) % 100 AS VARCHAR), 2, '0'))
            AS financial_year,
        (SELECT sum(p.value) FROM plans AS p WHERE p.scope = y.scope
         AND p.financial_year = concat(y.fy_start, '-',
                                       lpad(CAST((y.fy_start + 1) % 100 AS VARCHAR), 2, '0'))
         AND p.period <= y.period)::DOUBLE AS ytd_plan,
        (SELECT sum(p.value) FROM plans AS p WHERE p.scope = y.scope
         AND p.financial_year = concat(y.fy_start, '-',
                                       lpad(CAST((y.fy_start + 1) % 100 AS VARCHAR), 2, '0'))
        )::DOUBLE AS year_plan,
        y.centres_reporting
    FROM ytd AS y
)

SELECT * FROM final ORDER BY period, scope

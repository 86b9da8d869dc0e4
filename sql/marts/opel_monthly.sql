-- OPEL escalation by trust and month: the days each trust reported a level, the days at OPEL 3
-- or 4, and whether that was on most of the days it reported (more than half), with the
-- system (QYG) counting the trusts that were. The level quoted for the month is the latest
-- (programme_latest); the system's own level is the ICB's row, never a sum.
WITH source AS (
    SELECT * FROM staging.stg_programme WHERE metric = 'uec.opel.level'
),

members AS (
    SELECT org_code FROM ref.organisations WHERE cmast_member
),

by_trust AS (
    SELECT
        scope, period,
        count(*) AS days_reported,
        count(*) FILTER (WHERE value >= 3) AS days_at_3_plus,
        CASE WHEN count(*) FILTER (WHERE value >= 3) * 2 > count(*) THEN 1 ELSE 0 END
            AS at_3_plus_most_days
    FROM source
    WHERE scope IN (SELECT org_code FROM members)
    GROUP BY scope, period
),

system AS (
    SELECT
        'QYG' AS scope, period, sum(days_reported), sum(days_at_3_plus),
        sum(at_3_plus_most_days), count(*) AS trusts_submitted,
        missing_from((SELECT list(org_code) FROM members), list(scope)) AS missing_trusts
    FROM by_trust
    GROUP BY period
),

final AS (
    SELECT *, 1 AS trusts_submitted, NULL AS missing_trusts FROM by_trust
    UNION ALL
    SELECT * FROM system
)

SELECT *, (SELECT count(*) FROM members) AS trusts_expected FROM final ORDER BY period, scope

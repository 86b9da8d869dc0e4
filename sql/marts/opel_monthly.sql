-- OPEL escalation by trust and month: the days each trust reported a level, the days at OPEL 3
-- or 4, and whether that was on most of the days it reported (more than half), with the
-- system (QYG) counting the trusts that were. The level quoted for the month is the latest
-- (programme_latest); the system's own level is the ICB's row, never a sum.
WITH source AS (
    SELECT * FROM staging.stg_programme WHERE metric = 'uec.opel.level'
),

members AS (
    SELECT org_code FROM staging.stg_system_members
),

coverage AS (
    SELECT * FROM marts.coverage WHERE return_type = 'opel'
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
        c.system_code AS scope,
        t.period,
        sum(t.days_reported) AS days_reported,
        sum(t.days_at_3_plus) AS days_at_3_plus,
        sum(t.at_3_plus_most_days) AS at_3_plus_most_days,
        any_value(c.trusts_submitted) AS trusts_submitted,
        any_value(c.missing_trusts) AS missing_trusts
    FROM by_trust AS t
    JOIN coverage AS c ON c.reported_for = t.period
    GROUP BY c.system_code, t.period
),

final AS (
    SELECT
        u.scope AS scope,
        u.period AS period,
        u.days_reported AS days_reported,
        u.days_at_3_plus AS days_at_3_plus,
        u.at_3_plus_most_days AS at_3_plus_most_days,
        u.trusts_submitted AS trusts_submitted,
        u.missing_trusts AS missing_trusts,
        (SELECT count(*) FROM members) AS trusts_expected
    FROM (
        SELECT *, 1 AS trusts_submitted, NULL AS missing_trusts FROM by_trust
        UNION ALL BY NAME
        SELECT * FROM system
    ) AS u
)

SELECT * FROM final ORDER BY period, scope

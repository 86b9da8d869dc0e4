-- Theatre utilisation minutes by trust and month, plus the system (QYG) as the sum of the trusts
-- that submitted. Planned minutes count every planned session, cancelled ones included (a
-- cancelled list is lost time); touch minutes are those of held sessions, uncapped (early
-- starts and overruns included) and capped (only the part inside the planned session).
WITH source AS (
    SELECT * FROM staging.stg_theatre_sessions
),

coverage AS (
    SELECT * FROM marts.coverage WHERE return_type = 'theatres'
),

renamed AS (
    SELECT
        org_code AS scope,
        period,
        status = 'cancelled' AS cancelled,
        planned_minutes,
        touch_minutes,
        capped_touch_minutes
    FROM source
),

by_trust AS (
    SELECT
        scope,
        period,
        count(*) AS sessions,
        count(*) FILTER (WHERE cancelled) AS cancelled_sessions,
        sum(planned_minutes) AS planned_minutes,
        sum(touch_minutes) AS touch_minutes,
        sum(capped_touch_minutes) AS capped_touch_minutes,
        1 AS trusts_submitted
    FROM renamed
    GROUP BY scope, period
),

system AS (
    SELECT
        c.system_code AS scope,
        t.period,
        sum(t.sessions) AS sessions,
        sum(t.cancelled_sessions) AS cancelled_sessions,
        sum(t.planned_minutes) AS planned_minutes,
        sum(t.touch_minutes) AS touch_minutes,
        sum(t.capped_touch_minutes) AS capped_touch_minutes,
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
        u.sessions AS sessions,
        u.cancelled_sessions AS cancelled_sessions,
        u.planned_minutes AS planned_minutes,
        u.touch_minutes AS touch_minutes,
        u.capped_touch_minutes AS capped_touch_minutes,
        u.trusts_submitted AS trusts_submitted,
        (SELECT count(*) FROM staging.stg_system_members) AS trusts_expected,
        u.missing_trusts AS missing_trusts
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system) AS u
)

SELECT * FROM final ORDER BY period, scope

-- Theatre utilisation minutes by trust and month, plus the system (QYG) as the sum of the trusts
-- that submitted. Planned minutes count every planned session, cancelled ones included (a
-- cancelled list is lost time); touch minutes are those of held sessions, uncapped (early
-- starts and overruns included) and capped (only the part inside the planned session).
WITH source AS (
    SELECT * FROM staging.stg_theatre_sessions
),

members AS (
    SELECT org_code FROM ref.organisations WHERE cmast_member
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
        'QYG' AS scope,
        period,
        sum(sessions), sum(cancelled_sessions), sum(planned_minutes), sum(touch_minutes),
        sum(capped_touch_minutes),
        count(*) AS trusts_submitted
    FROM by_trust GROUP BY period
),

missing AS (
    SELECT period, missing_from((SELECT list(org_code) FROM members), list(scope)) AS missing_trusts
    FROM by_trust GROUP BY period
),

final AS (
    SELECT u.*, (SELECT count(*) FROM members) AS trusts_expected,
        CASE WHEN u.scope = 'QYG' THEN coalesce(m.missing_trusts, '') END AS missing_trusts
    FROM (SELECT * FROM by_trust UNION ALL SELECT * FROM system) AS u
    LEFT JOIN missing AS m ON m.period = u.period AND u.scope = 'QYG'
)

SELECT * FROM final ORDER BY period, scope

-- Theatre sessions, one row per planned session, from current submissions only, with the
-- minutes that utilisation is made of. Planned minutes count for every session, cancelled
-- ones included (a cancelled list is lost time); touch time is actual end - actual start of a
-- held session; capped touch time is the part inside the planned session (early starts and
-- overruns cut off). A merged trust's history is reported under its successor.
-- Times are UK clock times; minutes are elapsed time, so a list across a clock change counts
-- the hour gained or lost (an evening list from 18:00 to 02:30 on the last Saturday night of
-- October is 570 minutes, not 510). A time in the hour the clocks repeat (01:00 to 01:59 that
-- Sunday) is read as the second, GMT one; see docs/robustness.md.
WITH source AS (
    SELECT r.*
    FROM raw.theatre_sessions AS r
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

renamed AS (
    SELECT
        source.submission_id,
        source.org_code AS submitted_org_code,
        coalesce(o.successor_code, source.org_code) AS org_code,
        source.period,
        source.site_code,
        source.theatre,
        source.session_date,
        source.session,
        source.specialty_tfc,
        source.planned_start,
        source.planned_end,
        source.actual_start,
        source.actual_end,
        source.status,
        source.cancellation_reason,
        source.cases
    FROM source
    LEFT JOIN ref.organisations AS o ON o.org_code = source.org_code
),

elapsed AS (
    SELECT
        *,
        timezone('Europe/London', planned_start) AS planned_start_at,
        timezone('Europe/London', planned_end) AS planned_end_at,
        timezone('Europe/London', actual_start) AS actual_start_at,
        timezone('Europe/London', actual_end) AS actual_end_at
    FROM renamed
),

final AS (
    SELECT
        * EXCLUDE (planned_start_at, planned_end_at, actual_start_at, actual_end_at),
        date_diff('minute', planned_start_at, planned_end_at) AS planned_minutes,
        CASE WHEN status = 'held'
            THEN date_diff('minute', actual_start_at, actual_end_at) ELSE 0 END AS touch_minutes,
        CASE WHEN status = 'held'
            THEN greatest(0, date_diff('minute', greatest(actual_start_at, planned_start_at),
                                       least(actual_end_at, planned_end_at)))
            ELSE 0 END AS capped_touch_minutes,
        CASE WHEN status = 'held'
            THEN greatest(0, date_diff('minute', actual_start_at, planned_start_at))
            ELSE 0 END AS early_start_minutes,
        CASE WHEN status = 'held'
            THEN greatest(0, date_diff('minute', planned_end_at, actual_end_at))
            ELSE 0 END AS overrun_minutes
    FROM elapsed
)

SELECT * FROM final

-- Theatre sessions, one row per planned session, from current submissions only, with the
-- minutes that utilisation is made of. Planned minutes count for every session, cancelled
-- ones included (a cancelled list is lost time); touch time is actual end - actual start of a
-- held session; capped touch time is the part inside the planned session (early starts and
-- overruns cut off). A merged trust's history is reported under its successor.
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

final AS (
    SELECT
        *,
        date_diff('minute', planned_start, planned_end) AS planned_minutes,
        CASE WHEN status = 'held'
            THEN date_diff('minute', actual_start, actual_end) ELSE 0 END AS touch_minutes,
        CASE WHEN status = 'held'
            THEN greatest(0, date_diff('minute', greatest(actual_start, planned_start),
                                       least(actual_end, planned_end)))
            ELSE 0 END AS capped_touch_minutes,
        CASE WHEN status = 'held'
            THEN greatest(0, date_diff('minute', actual_start, planned_start))
            ELSE 0 END AS early_start_minutes,
        CASE WHEN status = 'held'
            THEN greatest(0, date_diff('minute', planned_end, actual_end))
            ELSE 0 END AS overrun_minutes
    FROM renamed
)

SELECT * FROM final

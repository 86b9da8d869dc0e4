-- Programme figures, one row per metric, scope and day, from current submissions only. A
-- figure sent both by the ICB's programme team and by the trust itself is taken from the file
-- received last (the newer word on it), and the row says which organisation sent it. A merged
-- trust's history is reported under its successor.
WITH source AS (
    SELECT r.*, s.received_at
    FROM raw.programme AS r
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

renamed AS (
    SELECT
        source.submission_id,
        source.org_code AS submitted_by,
        source.period,
        source.metric,
        coalesce(o.successor_code, source.scope) AS scope,
        source.scope AS submitted_scope,
        source.date,
        source.value,
        source.note,
        source.received_at
    FROM source
    LEFT JOIN ref.organisations AS o ON o.org_code = source.scope
),

final AS (
    SELECT * EXCLUDE (received_at)
    FROM renamed
    QUALIFY row_number() OVER (PARTITION BY metric, scope, date
                               ORDER BY received_at DESC, submission_id DESC) = 1
)

SELECT * FROM final

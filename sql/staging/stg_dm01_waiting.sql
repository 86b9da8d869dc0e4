-- Patients waiting for a DM01 test at the month's end, one row per trust, month, test and
-- whole weeks waited (104 = 104+), from current submissions only. A merged trust's history
-- is reported under its successor (RVY's under RBN).
WITH source AS (
    SELECT r.*
    FROM raw.dm01 AS r
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded' AND r.measure = 'waiting'
),

renamed AS (
    SELECT
        source.submission_id,
        source.org_code AS submitted_org_code,
        coalesce(o.successor_code, source.org_code) AS org_code,
        source.period,
        source.test_id,
        t.modality,
        t.test_name,
        source.weeks_waited,
        source.number AS patients
    FROM source
    LEFT JOIN ref.organisations AS o ON o.org_code = source.org_code
    LEFT JOIN ref.dm01_tests AS t ON t.test_id = source.test_id
),

final AS (
    SELECT
        *,
        weeks_waited >= 6 AS waited_6w_plus,
        weeks_waited >= 13 AS waited_13w_plus
    FROM renamed
)

SELECT * FROM final

-- DM01 tests done in the month, one row per trust, month and test, from current submissions
-- only: waiting-list, planned and unscheduled tests, and their total (a test a trust did not
-- report counts as 0). A merged trust's history is reported under its successor.
WITH source AS (
    SELECT r.*
    FROM raw.dm01 AS r
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded' AND r.measure <> 'waiting'
),

renamed AS (
    SELECT
        source.submission_id,
        source.org_code AS submitted_org_code,
        coalesce(o.successor_code, source.org_code) AS org_code,
        source.period,
        source.test_id,
        source.measure,
        source.number
    FROM source
    LEFT JOIN ref.organisations AS o ON o.org_code = source.org_code
),

final AS (
    SELECT
        renamed.submission_id,
        renamed.submitted_org_code,
        renamed.org_code,
        renamed.period,
        renamed.test_id,
        t.modality,
        t.test_name,
        CAST(coalesce(sum(number) FILTER (WHERE measure = 'tests_waiting_list'), 0)
            AS BIGINT) AS waiting_list_tests,
        CAST(coalesce(sum(number) FILTER (WHERE measure = 'tests_planned'), 0)
            AS BIGINT) AS planned_tests,
        CAST(coalesce(sum(number) FILTER (WHERE measure = 'tests_unscheduled'), 0)
            AS BIGINT) AS unscheduled_tests,
        CAST(sum(number) AS BIGINT) AS total_tests
    FROM renamed
    LEFT JOIN ref.dm01_tests AS t ON t.test_id = renamed.test_id
    GROUP BY ALL
)

SELECT * FROM final

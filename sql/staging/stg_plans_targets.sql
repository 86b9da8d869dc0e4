-- Plans and targets, one row per metric, scope, month, kind and parameter, from the current
-- file of each financial year. A plan for a merged trust is reported under its successor.
WITH source AS (
    SELECT r.*
    FROM raw.plans AS r
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

renamed AS (
    SELECT
        source.submission_id,
        source.org_code AS submitted_by,
        source.period AS financial_year,
        source.metric,
        coalesce(o.successor_code, source.scope) AS scope,
        source.scope AS submitted_scope,
        source.month AS period,
        source.kind,
        source.value,
        source.deadline,
        source.parameter
    FROM source
    LEFT JOIN ref.organisations AS o ON o.org_code = source.scope
),

final AS (
    SELECT * FROM renamed
)

SELECT * FROM final

-- Waiting-list pathways by clock start date at each weekly snapshot, from current submissions.
-- PTL submitters: the dates counted from their PTL. Aggregate submitters give whole weeks
-- waited, not dates: their clock start is estimated as snapshot - 7 x weeks waited, the latest
-- date with that many whole weeks (clock_start_estimated). That is exact for "will have waited
-- N weeks by <date>" when the date is a whole number of weeks after the snapshot (a Sunday, as
-- the 31 March 2024 target is); for any other date a pathway may be placed up to 6 days late.
-- Their 104 band (104 weeks or more) is placed at exactly 104 weeks.
-- A trust that sends both forms for a snapshot is counted once, from its later submission.
-- A merged trust's history is reported under its successor (RVY's under RBN), as of its rows.
WITH current_submission AS (
    SELECT max(submission_id) AS submission_id
    FROM ledger.submissions
    WHERE status = 'loaded' AND return_type IN ('rtt_aggregate', 'rtt_ptl')
    GROUP BY org_code, period
),

source AS (
    SELECT
        a.submission_id,
        a.org_code,
        a.period,
        CAST(a.period AS DATE) - 7 * a.weeks_waited AS clock_start_date,
        true AS clock_start_estimated,
        a.treatment_function_code,
        a.pathway_type,
        CAST(NULL AS VARCHAR) AS priority,
        a.pathways,
        'aggregate' AS form
    FROM raw.rtt_aggregate AS a
    SEMI JOIN current_submission USING (submission_id)
    UNION ALL BY NAME
    SELECT
        p.submission_id,
        p.org_code,
        p.period,
        p.clock_start_date,
        false AS clock_start_estimated,
        p.treatment_function_code,
        p.pathway_type,
        p.priority,
        p.pathways,
        'ptl' AS form
    FROM raw.rtt_ptl_clock_starts AS p
    SEMI JOIN current_submission USING (submission_id)
),

renamed AS (
    SELECT
        source.submission_id,
        source.org_code AS submitted_org_code,
        coalesce(o.successor_code, source.org_code) AS org_code,
        CAST(source.period AS DATE) AS snapshot_date,
        source.clock_start_date,
        source.clock_start_estimated,
        source.treatment_function_code,
        source.pathway_type,
        source.priority,
        source.pathways,
        source.form
    FROM source
    LEFT JOIN ref.organisations AS o ON o.org_code = source.org_code
),

final AS (
    SELECT * FROM renamed
)

SELECT * FROM final

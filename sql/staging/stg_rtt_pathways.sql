-- The waiting list at each weekly snapshot: incomplete pathways by trust, treatment function,
-- pathway type and whole weeks waited, from both forms of the return (stg_rtt_clock_starts).
-- Weeks waited = whole weeks from clock start to the snapshot (0 to 6 days = week 0), capped at
-- 104 (104 = 104 weeks or more), as in the aggregate form and NHS England's publication; so
-- "waited more than N weeks" is weeks_waited >= N.
WITH source AS (
    SELECT * FROM staging.stg_rtt_clock_starts
),

renamed AS (
    SELECT
        submission_id,
        submitted_org_code,
        org_code,
        snapshot_date,
        treatment_function_code,
        pathway_type,
        least(date_diff('day', clock_start_date, snapshot_date) // 7, 104) AS weeks_waited,
        pathways,
        form
    FROM source
),

final AS (
    SELECT
        submission_id,
        submitted_org_code,
        org_code,
        snapshot_date,
        treatment_function_code,
        pathway_type,
        CAST(weeks_waited AS INTEGER) AS weeks_waited,
        form,
        CAST(sum(pathways) AS BIGINT) AS pathways
    FROM renamed
    GROUP BY ALL
)

SELECT * FROM final

-- NHS England DM01 waiting list by provider and month (all 15 tests), current version only.
-- The region is the file's own (Regional Team Code), so regions add up to England exactly; the
-- file gives no ICB, so the ICB comes from the reference mapping (NULL when unmapped, e.g. many
-- independent-sector sites).
WITH source AS (
    SELECT p.*
    FROM raw.nhse_dm01_providers AS p
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

renamed AS (
    SELECT
        period,
        provider_code,
        provider_name,
        region_code,
        waiting_total,
        waiting_6w_plus,
        waiting_13w_plus,
        activity_waiting_list + activity_planned + activity_unscheduled AS activity
    FROM source
),

final AS (
    SELECT renamed.*, map.icb_code
    FROM renamed
    LEFT JOIN staging.stg_provider_icb AS map ON map.org_code = renamed.provider_code
)

SELECT * FROM final

-- NHS England DM01 waiting list by provider and month (all 15 tests), current version only,
-- with the provider's ICB (NULL when unmapped, e.g. many independent-sector sites).
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
        waiting_total,
        waiting_6w_plus,
        waiting_13w_plus,
        activity_waiting_list + activity_planned + activity_unscheduled AS activity
    FROM source
),

final AS (
    SELECT renamed.*, map.icb_code, map.region_code
    FROM renamed
    LEFT JOIN staging.stg_provider_icb AS map ON map.org_code = renamed.provider_code
)

SELECT * FROM final

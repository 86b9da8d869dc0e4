-- NHS England RTT incomplete pathways by commissioner parent (ICB) and month, current version
-- only: the commissioner basis. Pathways the file gives no commissioner parent (code NONE) have
-- no ICB and no region; England counts them.
WITH source AS (
    SELECT c.*
    FROM raw.nhse_rtt_commissioner_parents AS c
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded' AND c.pathway_type = 'incomplete'
),

renamed AS (
    SELECT
        period,
        nullif(commissioner_parent_code, 'NONE') AS icb_code,
        commissioner_parent_name,
        total AS waiting_total,
        within_18w,
        over_52w,
        over_65w,
        over_78w,
        over_104w
    FROM source
),

final AS (
    SELECT renamed.*, region.region_code
    FROM renamed
    LEFT JOIN staging.stg_nhse_icb_regions AS region
        ON region.period = renamed.period AND region.icb_code = renamed.icb_code
)

SELECT * FROM final

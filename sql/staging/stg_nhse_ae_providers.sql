-- NHS England A&E attendances by provider and month, current version of each month only,
-- all types and booked appointments together. The region is the file's own (its Parent Org
-- column, "NHS ENGLAND NORTH WEST"), so regions add up to England exactly; the file gives no
-- ICB, so the ICB comes from the reference mapping (NULL when unmapped).
WITH source AS (
    SELECT p.*
    FROM raw.nhse_ae_providers AS p
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

renamed AS (
    SELECT
        source.period,
        source.org_code AS provider_code,
        source.org_name AS provider_name,
        source.region_name AS published_region,
        coalesce(source.attendances_type1, 0) + coalesce(source.attendances_type2, 0)
            + coalesce(source.attendances_other, 0) + coalesce(source.attendances_booked_type1, 0)
            + coalesce(source.attendances_booked_type2, 0)
            + coalesce(source.attendances_booked_other, 0) AS attendances,
        coalesce(source.over_4h_type1, 0) + coalesce(source.over_4h_type2, 0)
            + coalesce(source.over_4h_other, 0) + coalesce(source.over_4h_booked_type1, 0)
            + coalesce(source.over_4h_booked_type2, 0)
            + coalesce(source.over_4h_booked_other, 0) AS over_4h
    FROM source
),

final AS (
    SELECT renamed.*, map.icb_code, region.region_code
    FROM renamed
    LEFT JOIN staging.stg_provider_icb AS map ON map.org_code = renamed.provider_code
    LEFT JOIN ref.regions AS region
        ON upper(renamed.published_region) IN ('NHS ENGLAND ' || upper(region.region_name),
                                               upper(region.publication_name))
)

SELECT * FROM final

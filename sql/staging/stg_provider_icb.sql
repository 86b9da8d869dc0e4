-- Provider -> ICB for national benchmarks: NHS England's System Mapping first, then the ODS
-- trust list for trusts it does not name (closed trusts such as RVY included). Regions come from
-- the ICB, so a region is always the sum of its ICBs.
WITH source AS (
    SELECT org_code, icb_code, 'system_mapping' AS mapping_source, 1 AS preference
    FROM ref.provider_icb_map
    UNION ALL BY NAME
    SELECT org_code, icb_code, 'ods_etr' AS mapping_source, 2 AS preference
    FROM ref.organisations
),

renamed AS (
    SELECT
        source.org_code,
        source.icb_code,
        icb.icb_name,
        icb.region_code,
        source.mapping_source,
        row_number() OVER (PARTITION BY source.org_code ORDER BY source.preference) AS choice
    FROM source
    JOIN ref.icbs AS icb ON icb.icb_code = source.icb_code
),

final AS (
    SELECT org_code, icb_code, icb_name, region_code, mapping_source
    FROM renamed
    WHERE choice = 1
)

SELECT * FROM final

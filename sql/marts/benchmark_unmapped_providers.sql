-- Providers in NHS England's publications that cannot be placed in an ICB or a region: counted
-- in England's figures (and, where the file gives the region, in it) but in no ICB, and listed
-- here rather than dropped. Only files without ICB codes (A&E, DM01) rely on the reference
-- mapping; the RTT extract names every provider's ICB, so an RTT row here lacks a region only.
WITH source AS (
    SELECT 'ae' AS dataset, period, provider_code, provider_name, attendances AS volume,
        'attendances' AS volume_unit, icb_code IS NULL AS no_icb, region_code IS NULL AS no_region
    FROM staging.stg_nhse_ae_providers WHERE icb_code IS NULL OR region_code IS NULL
    UNION ALL BY NAME
    SELECT 'dm01' AS dataset, period, provider_code, provider_name, waiting_total AS volume,
        'waiting' AS volume_unit,
        icb_code IS NULL AS no_icb, region_code IS NULL AS no_region
    FROM staging.stg_nhse_dm01_providers WHERE icb_code IS NULL OR region_code IS NULL
    UNION ALL BY NAME
    SELECT 'rtt' AS dataset, period, provider_code, provider_name, waiting_total AS volume,
        'waiting' AS volume_unit,
        icb_code IS NULL AS no_icb, region_code IS NULL AS no_region
    FROM staging.stg_nhse_rtt_incomplete WHERE icb_code IS NULL OR region_code IS NULL
),

final AS (
    SELECT * FROM source
)

SELECT * FROM final ORDER BY dataset, period, volume DESC

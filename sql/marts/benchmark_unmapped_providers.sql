-- Providers in NHS England's publications that the reference data cannot place in an ICB:
-- counted in England's figures but in no ICB or region, and listed here rather than dropped.
WITH source AS (
    SELECT 'ae' AS dataset, period, provider_code, provider_name, attendances AS volume,
        'attendances' AS volume_unit
    FROM staging.stg_nhse_ae_providers WHERE icb_code IS NULL
    UNION ALL
    SELECT 'dm01', period, provider_code, provider_name, waiting_total, 'waiting'
    FROM staging.stg_nhse_dm01_providers WHERE icb_code IS NULL
    UNION ALL
    SELECT 'rtt', period, provider_code, provider_name, waiting_total, 'waiting'
    FROM staging.stg_nhse_rtt_incomplete WHERE icb_code IS NULL
),

final AS (
    SELECT * FROM source
)

SELECT * FROM final ORDER BY dataset, period, volume DESC

-- NHS England RTT incomplete pathways by provider and month (all treatment functions),
-- current version only, with the provider's ICB (NULL when unmapped).
WITH source AS (
    SELECT i.*
    FROM raw.nhse_rtt_incomplete AS i
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded' AND i.pathway_type = 'incomplete'
),

renamed AS (
    SELECT
        period,
        provider_code,
        any_value(provider_name) AS provider_name,
        sum(total) AS waiting_total,
        sum(within_18w) AS within_18w,
        sum(over_52w) AS over_52w,
        sum(over_65w) AS over_65w,
        sum(over_78w) AS over_78w,
        sum(over_104w) AS over_104w
    FROM source
    GROUP BY period, provider_code
),

final AS (
    SELECT renamed.*, map.icb_code, map.region_code
    FROM renamed
    LEFT JOIN staging.stg_provider_icb AS map ON map.org_code = renamed.provider_code
)

SELECT * FROM final

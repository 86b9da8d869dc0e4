-- NHS England RTT incomplete pathways by provider and month (all treatment functions),
-- current version only. The ICB is the file's own provider parent (independent-sector
-- providers included), in that month's ICB codes; the region is that ICB's.
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
        any_value(provider_parent_code) AS icb_code,
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
    SELECT renamed.*, region.region_code
    FROM renamed
    LEFT JOIN staging.stg_nhse_icb_regions AS region
        ON region.period = renamed.period AND region.icb_code = renamed.icb_code
)

SELECT * FROM final

-- The NHS England region of every ICB code a publication uses, for regions built from ICBs
-- (the RTT extract gives each provider's parent ICB but no region). The 42 ICBs of the
-- reference data carry their region; an ICB code it does not know (the 2026 mergers, e.g.
-- D7T5G NHS Essex) takes the region that the ODS trust list gives the NHS trusts the extract
-- places under it: each such ICB's trusts are all in one region (checked by the tests).
WITH source AS (
    SELECT DISTINCT i.period, i.provider_parent_code AS icb_code, i.provider_code
    FROM raw.nhse_rtt_incomplete AS i
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

from_trusts AS (
    SELECT
        source.period,
        source.icb_code,
        min(org.region_code) AS region_code,
        count(DISTINCT org.region_code) AS regions_found
    FROM source
    JOIN ref.organisations AS org ON org.org_code = source.provider_code
    WHERE org.region_code LIKE 'Y%'
    GROUP BY source.period, source.icb_code
),

final AS (
    SELECT
        from_trusts.period,
        from_trusts.icb_code,
        coalesce(icb.region_code, from_trusts.region_code) AS region_code,
        CASE WHEN icb.region_code IS NOT NULL THEN 'reference' ELSE 'ods_trusts' END
            AS region_source,
        from_trusts.regions_found
    FROM from_trusts
    LEFT JOIN ref.icbs AS icb ON icb.icb_code = from_trusts.icb_code
)

SELECT * FROM final

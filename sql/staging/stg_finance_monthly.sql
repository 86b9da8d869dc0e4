-- Finance positions, one row per organisation and month, from current submissions only.
-- £ thousands, surplus positive. is_provider separates the trusts from the ICB's own return
-- (an ICB code is in ref.icbs). A merged trust's history is reported under its successor.
WITH source AS (
    SELECT r.*
    FROM raw.finance_monthly AS r
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

renamed AS (
    SELECT
        source.submission_id,
        source.org_code AS submitted_org_code,
        coalesce(o.successor_code, source.org_code) AS org_code,
        source.org_code NOT IN (SELECT icb_code FROM ref.icbs) AS is_provider,
        source.period,
        CAST(left(source.period, 4) AS INTEGER)
            - CASE WHEN CAST(right(source.period, 2) AS INTEGER) < 4 THEN 1 ELSE 0 END
            AS fy_start,
        source.fy_month,
        source.ytd_plan_surplus_deficit,
        source.ytd_actual_surplus_deficit,
        source.fy_plan_surplus_deficit,
        source.fy_forecast_outturn,
        source.cip_ytd_plan,
        source.cip_ytd_delivered,
        source.cip_ytd_recurrent,
        source.capital_fy_plan,
        source.capital_ytd_spend,
        source.cash_support_requested,
        source.cash_support_received
    FROM source
    LEFT JOIN ref.organisations AS o ON o.org_code = source.org_code
),

final AS (
    SELECT
        * EXCLUDE (fy_start),
        -- The financial year as YYYY-YY: January to March belong to the year begun before.
        concat(fy_start, '-', lpad(CAST((fy_start + 1) % 100 AS VARCHAR), 2, '0'))
            AS financial_year,
        ytd_actual_surplus_deficit - ytd_plan_surplus_deficit AS ytd_variance,
        ytd_actual_surplus_deficit < 0 AS in_deficit
    FROM renamed
)

SELECT * FROM final

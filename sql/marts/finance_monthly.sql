-- Finance positions by CMAST provider and month (£ thousands, surplus positive), plus the system
-- (QYG). At QYG the provider columns are the sum of the providers that submitted (the ICB's own
-- return is not a provider), and the icb_ columns are the ICB's own return, NULL when it has
-- not sent one. Year-to-date and cumulative figures are as the returns give them: each return
-- restarts them in April (month 1). A merged trust's history is summed under its successor
-- before asking whether it is in deficit.
WITH source AS (
    SELECT * FROM staging.stg_finance_monthly
),

members AS (
    SELECT org_code FROM ref.organisations WHERE cmast_member
),

providers AS (
    SELECT
        org_code AS scope,
        period,
        sum(ytd_plan_surplus_deficit) AS ytd_plan,
        sum(ytd_actual_surplus_deficit) AS ytd_actual,
        sum(fy_plan_surplus_deficit) AS fy_plan,
        sum(fy_forecast_outturn) AS forecast,
        sum(cip_ytd_plan) AS cip_plan,
        sum(cip_ytd_delivered) AS cip_delivered,
        sum(cip_ytd_recurrent) AS cip_recurrent,
        sum(capital_fy_plan) AS capital_plan,
        sum(capital_ytd_spend) AS capital_spend,
        sum(cash_support_requested) AS cash_requested,
        sum(cash_support_received) AS cash_received
    FROM source
    WHERE is_provider
    GROUP BY org_code, period
),

by_trust AS (
    SELECT
        *,
        CASE WHEN ytd_actual < 0 THEN 1 ELSE 0 END AS in_deficit,
        CASE WHEN cash_requested > 0 THEN 1 ELSE 0 END AS requested_cash,
        1 AS trusts_submitted
    FROM providers
),

icb AS (
    SELECT
        period,
        sum(ytd_plan_surplus_deficit) AS icb_ytd_plan,
        sum(ytd_actual_surplus_deficit) AS icb_ytd_actual,
        sum(fy_plan_surplus_deficit) AS icb_fy_plan,
        sum(fy_forecast_outturn) AS icb_forecast
    FROM source
    WHERE org_code = 'QYG'
    GROUP BY period
),

system AS (
    SELECT
        'QYG' AS scope,
        period,
        sum(ytd_plan), sum(ytd_actual), sum(fy_plan), sum(forecast), sum(cip_plan),
        sum(cip_delivered), sum(cip_recurrent), sum(capital_plan), sum(capital_spend),
        sum(cash_requested), sum(cash_received), sum(in_deficit), sum(requested_cash),
        count(*) AS trusts_submitted
    FROM by_trust GROUP BY period
),

missing AS (
    SELECT period, missing_from((SELECT list(org_code) FROM members), list(scope)) AS missing_trusts
    FROM by_trust GROUP BY period
),

final AS (
    SELECT u.*, (SELECT count(*) FROM members) AS trusts_expected,
        CASE WHEN u.scope = 'QYG' THEN coalesce(m.missing_trusts, '') END AS missing_trusts,
        i.icb_ytd_plan, i.icb_ytd_actual, i.icb_fy_plan, i.icb_forecast
    FROM (SELECT * FROM by_trust UNION ALL SELECT * FROM system) AS u
    LEFT JOIN missing AS m ON m.period = u.period AND u.scope = 'QYG'
    LEFT JOIN icb AS i ON i.period = u.period AND u.scope = 'QYG'
)

SELECT * FROM final ORDER BY period, scope

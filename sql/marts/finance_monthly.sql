-- Finance positions by CMAST provider and month (£ thousands, surplus positive), plus the system
-- (QYG). At QYG the provider columns are the sum of the providers that submitted (the ICB's own
-- return is not a provider), and the icb_ columns are the ICB's own return, NULL when it has
-- not sent one. Year-to-date and cumulative figures are as the returns give them: each return
-- restarts them in April (month 1). A merged trust's history is summed under its successor
-- before asking whether it is in deficit. Money is summed as DECIMAL, so a sum is exact and the
-- same in every run whatever order the rows come in (doubles summed in a varying order differ
-- in their last binary digit), and given back as DOUBLE. Six decimals of £ thousands is a
-- thousandth of a penny, finer than any return gives.
WITH source AS (
    SELECT * FROM staging.stg_finance_monthly
),

coverage AS (
    SELECT * FROM marts.coverage WHERE return_type = 'finance'
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

providers AS (
    SELECT
        org_code AS scope,
        period,
        sum(ytd_plan_surplus_deficit::DECIMAL(38, 6)) AS ytd_plan,
        sum(ytd_actual_surplus_deficit::DECIMAL(38, 6)) AS ytd_actual,
        sum(fy_plan_surplus_deficit::DECIMAL(38, 6)) AS fy_plan,
        sum(fy_forecast_outturn::DECIMAL(38, 6)) AS forecast,
        sum(cip_ytd_plan::DECIMAL(38, 6)) AS cip_plan,
        sum(cip_ytd_delivered::DECIMAL(38, 6)) AS cip_delivered,
        sum(cip_ytd_recurrent::DECIMAL(38, 6)) AS cip_recurrent,
        sum(capital_fy_plan::DECIMAL(38, 6)) AS capital_plan,
        sum(capital_ytd_spend::DECIMAL(38, 6)) AS capital_spend,
        sum(cash_support_requested::DECIMAL(38, 6)) AS cash_requested,
        sum(cash_support_received::DECIMAL(38, 6)) AS cash_received
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
    -- The ICB's own return: sent under the system's code.
    SELECT
        f.period,
        sum(f.ytd_plan_surplus_deficit::DECIMAL(38, 6)) AS icb_ytd_plan,
        sum(f.ytd_actual_surplus_deficit::DECIMAL(38, 6)) AS icb_ytd_actual,
        sum(f.fy_plan_surplus_deficit::DECIMAL(38, 6)) AS icb_fy_plan,
        sum(f.fy_forecast_outturn::DECIMAL(38, 6)) AS icb_forecast
    FROM source AS f
    JOIN system_code AS m ON m.system_code = f.org_code
    GROUP BY f.period
),

system AS (
    SELECT
        c.system_code AS scope,
        t.period,
        sum(t.ytd_plan) AS ytd_plan,
        sum(t.ytd_actual) AS ytd_actual,
        sum(t.fy_plan) AS fy_plan,
        sum(t.forecast) AS forecast,
        sum(t.cip_plan) AS cip_plan,
        sum(t.cip_delivered) AS cip_delivered,
        sum(t.cip_recurrent) AS cip_recurrent,
        sum(t.capital_plan) AS capital_plan,
        sum(t.capital_spend) AS capital_spend,
        sum(t.cash_requested) AS cash_requested,
        sum(t.cash_received) AS cash_received,
        sum(t.in_deficit) AS in_deficit,
        sum(t.requested_cash) AS requested_cash,
        any_value(c.trusts_submitted) AS trusts_submitted,
        any_value(c.missing_trusts) AS missing_trusts
    FROM by_trust AS t
    JOIN coverage AS c ON c.reported_for = t.period
    GROUP BY c.system_code, t.period
),

final AS (
    SELECT
        u.scope AS scope,
        u.period AS period,
        u.ytd_plan::DOUBLE AS ytd_plan,
        u.ytd_actual::DOUBLE AS ytd_actual,
        u.fy_plan::DOUBLE AS fy_plan,
        u.forecast::DOUBLE AS forecast,
        u.cip_plan::DOUBLE AS cip_plan,
        u.cip_delivered::DOUBLE AS cip_delivered,
        u.cip_recurrent::DOUBLE AS cip_recurrent,
        u.capital_plan::DOUBLE AS capital_plan,
        u.capital_spend::DOUBLE AS capital_spend,
        u.cash_requested::DOUBLE AS cash_requested,
        u.cash_received::DOUBLE AS cash_received,
        u.in_deficit AS in_deficit,
        u.requested_cash AS requested_cash,
        u.trusts_submitted AS trusts_submitted,
        (SELECT count(*) FROM staging.stg_system_members) AS trusts_expected,
        u.missing_trusts AS missing_trusts,
        i.icb_ytd_plan::DOUBLE AS icb_ytd_plan,
        i.icb_ytd_actual::DOUBLE AS icb_ytd_actual,
        i.icb_fy_plan::DOUBLE AS icb_fy_plan,
        i.icb_forecast::DOUBLE AS icb_forecast
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system) AS u
    LEFT JOIN icb AS i
        ON i.period = u.period AND u.scope IN (SELECT system_code FROM system_code)
)

SELECT * FROM final ORDER BY period, scope

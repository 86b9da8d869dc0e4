-- Finance headline values in the long form of marts.headline_values (columns as documented in
-- uec_headlines.sql), £ thousands (unit gbp_thousands), surplus positive. `finance.system.*`
-- and `finance.forecast_outturn` are the system's: the providers plus the ICB's own return,
-- at QYG only, and only when the ICB has sent its return. Every other figure at QYG is the sum
-- of the CMAST providers that submitted, and is also given for each provider. Percentages of
-- money have no numerator and denominator (those columns hold whole counts, and rounding £k
-- would make them disagree with the exact percentage); `finance.providers.in_deficit` and
-- `finance.cash_support.providers` count trusts: 1 or 0 for a provider, the number at QYG.
WITH source AS (
    SELECT * FROM marts.finance_monthly
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

system AS (
    SELECT * FROM source
    WHERE scope IN (SELECT system_code FROM system_code) AND icb_ytd_actual IS NOT NULL
),

figures AS (
    SELECT 'finance.providers.ytd_surplus_deficit' AS id, period, scope, ytd_actual AS value,
        NULL AS numerator, NULL AS denominator, trusts_submitted,
        trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'finance.providers.ytd_plan' AS id, period, scope, ytd_plan AS value, NULL AS numerator,
        NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'finance.providers.in_deficit' AS id, period, scope, in_deficit AS value,
        NULL AS numerator, NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'finance.icb.ytd_surplus_deficit' AS id, period, scope, icb_ytd_actual AS value,
        NULL AS numerator, NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM system
    UNION ALL BY NAME
    SELECT 'finance.system.ytd_surplus_deficit' AS id, period, scope,
        ytd_actual + icb_ytd_actual AS value,
        NULL AS numerator, NULL AS denominator, trusts_submitted,
        trusts_expected, missing_trusts
    FROM system
    UNION ALL BY NAME
    SELECT 'finance.system.ytd_plan' AS id, period, scope, ytd_plan + icb_ytd_plan AS value,
        NULL AS numerator, NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM system
    UNION ALL BY NAME
    SELECT 'finance.forecast_outturn' AS id, period, scope, forecast + icb_forecast AS value,
        NULL AS numerator, NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM system
    UNION ALL BY NAME
    SELECT 'finance.system.fy_plan' AS id, period, scope, fy_plan + icb_fy_plan AS value,
        NULL AS numerator, NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM system
    UNION ALL BY NAME
    SELECT 'finance.capital.spend_pct_of_plan' AS id, period, scope,
        100.0 * capital_spend / nullif(capital_plan, 0) AS value, NULL AS numerator,
        NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'finance.cash_support.providers' AS id, period, scope, requested_cash AS value,
        NULL AS numerator,
        NULL AS denominator, trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'finance.cash_support.amount' AS id, period, scope, cash_received AS value,
        NULL AS numerator, NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'finance.cip.delivery_pct' AS id, period, scope,
        100.0 * cip_delivered / nullif(cip_plan, 0) AS value, NULL AS numerator,
        NULL AS denominator, trusts_submitted,
        trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'finance.cip.recurrent_pct' AS id, period, scope,
        100.0 * cip_recurrent / nullif(cip_delivered, 0) AS value, NULL AS numerator,
        NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
),

final AS (
    SELECT
        id, period, scope, value::DOUBLE AS value, catalogue.unit,
        numerator::BIGINT AS numerator, denominator::BIGINT AS denominator,
        NULL::VARCHAR AS as_of,
        'trust_returns' AS source, 'finance' AS return_type,
        trusts_submitted::INTEGER AS trusts_submitted,
        trusts_expected::INTEGER AS trusts_expected, missing_trusts
    FROM figures
    LEFT JOIN meta.figures AS catalogue USING (id)
)

SELECT * FROM final

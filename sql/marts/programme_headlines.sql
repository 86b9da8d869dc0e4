-- Programme headline values in the long form of marts.headline_values (columns as documented
-- in uec_headlines.sql), every month and scope, from the programme return (METRICS.md,
-- "Programme figures"):
--   procurement savings (pipeline, delivered FYE / IYE), £ thousands as sent for the month end;
--   Alternative Choice texts and patients willing to travel, at the last week in the month;
--   teledermatology implementation, % at the month end;
--   the OPEL level at the last day reported in the month (the system's is the ICB's own row),
--   and the trusts at OPEL 3 or 4 on most days they reported (1 or 0 a trust, the count at QYG);
--   CDC tests financial year to date (the centres, and their sum at QYG) and how far that is
--   above (+) or below (-) the plan for the year to date, %, where the plans file has one.
-- These figures are the scope's own rows, not sums of trusts (bar the CDC and OPEL counts), so
-- only those carry trust coverage. as_of is the day the value is for.
WITH latest AS (
    SELECT * FROM marts.programme_latest
),

opel AS (
    SELECT * FROM marts.opel_monthly
),

cdc AS (
    SELECT * FROM marts.cdc_activity_ytd
),

figures AS (
    SELECT metric AS id, period, scope, value,
        CASE WHEN metric LIKE 'elective.%' THEN value END AS numerator,
        NULL AS denominator, as_of,
        NULL AS trusts_submitted, NULL AS trusts_expected, NULL AS missing_trusts
    FROM latest
    WHERE metric <> 'diagnostics.cdc.activity'
    UNION ALL BY NAME
    SELECT 'uec.opel.trusts_at_3_plus' AS id, period, scope, at_3_plus_most_days AS value,
        NULL AS numerator, NULL AS denominator,
        NULL AS as_of, trusts_submitted, trusts_expected, missing_trusts
    FROM opel
    UNION ALL BY NAME
    SELECT 'diagnostics.cdc.activity' AS id, period, scope, ytd_tests AS value,
        NULL AS numerator, NULL AS denominator, NULL AS as_of,
        NULL AS trusts_submitted, NULL AS trusts_expected, NULL AS missing_trusts
    FROM cdc
    UNION ALL BY NAME
    SELECT 'diagnostics.cdc.activity_vs_plan_pct' AS id, period, scope,
        100.0 * ytd_tests / ytd_plan - 100 AS value, NULL AS numerator,
        NULL AS denominator, NULL AS as_of, NULL AS trusts_submitted, NULL AS trusts_expected,
        NULL AS missing_trusts
    FROM cdc WHERE ytd_plan > 0
),

final AS (
    SELECT
        id, period, scope, value::DOUBLE AS value, catalogue.unit,
        numerator::BIGINT AS numerator, denominator::BIGINT AS denominator,
        strftime(as_of, '%Y-%m-%d') AS as_of,
        'trust_returns' AS source, 'programme' AS return_type,
        trusts_submitted::INTEGER AS trusts_submitted,
        trusts_expected::INTEGER AS trusts_expected, missing_trusts::VARCHAR AS missing_trusts
    FROM figures
    LEFT JOIN meta.figures AS catalogue USING (id)
)

SELECT * FROM final

-- Diagnostics (DM01) headline values in the long form of marts.headline_values (columns as
-- documented in uec_headlines.sql), for each trust and the system, every month. Counts of
-- waiters carry the total waiting as denominator, so a percentage quoted beside them agrees.
-- Activity against plan is a percentage above (+) or below (-) plan: numerator = tests done
-- minus tests planned year to date, denominator = tests planned. The trust with the most 6+
-- week waiters is a system figure: its count over its own total waiting (ties: lowest code).
WITH monthly AS (
    SELECT * FROM marts.diagnostics_monthly
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

ytd AS (
    SELECT * FROM marts.diagnostics_activity_ytd
),

largest AS (
    SELECT t.period, s.scope, t.over_6w, t.waiting_total, s.trusts_submitted,
        s.trusts_expected,
        s.missing_trusts
    FROM monthly AS t
    JOIN monthly AS s ON s.period = t.period AND s.scope IN (SELECT system_code FROM system_code)
    WHERE t.scope NOT IN (SELECT system_code FROM system_code)
    QUALIFY row_number() OVER (PARTITION BY t.period ORDER BY t.over_6w DESC, t.scope) = 1
),

figures AS (
    SELECT 'diagnostics.activity.total' AS id, period, scope, tests AS numerator,
        NULL AS denominator, trusts_submitted, trusts_expected,
        missing_trusts
    FROM monthly
    UNION ALL BY NAME
    SELECT CASE WHEN modality = 'all' THEN 'diagnostics.activity.vs_plan_ytd_pct'
            ELSE 'diagnostics.activity.vs_plan_ytd_pct.' || modality END AS id,
        period, scope, ytd_tests - ytd_plan AS numerator, ytd_plan AS denominator,
        trusts_submitted,
        trusts_expected, missing_trusts
    FROM ytd
    UNION ALL BY NAME
    SELECT 'diagnostics.waiting.total' AS id, period, scope, waiting_total AS numerator,
        NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM monthly
    UNION ALL BY NAME
    SELECT 'diagnostics.waiting.within_6w_pct' AS id, period, scope, under_6w AS numerator,
        waiting_total AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM monthly
    UNION ALL BY NAME
    SELECT 'diagnostics.waiting.over_6w' AS id, period, scope, over_6w AS numerator,
        waiting_total AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM monthly
    UNION ALL BY NAME
    SELECT 'diagnostics.waiting.over_13w' AS id, period, scope, over_13w AS numerator,
        waiting_total AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM monthly
    UNION ALL BY NAME
    SELECT 'diagnostics.waiting.over_26w' AS id, period, scope, over_26w AS numerator,
        waiting_total AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM monthly
    UNION ALL BY NAME
    SELECT 'diagnostics.waiting.over_40w' AS id, period, scope, over_40w AS numerator,
        waiting_total AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM monthly
    UNION ALL BY NAME
    SELECT 'diagnostics.waiting.largest_over_6w' AS id, period, scope, over_6w AS numerator,
        waiting_total AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM largest
    UNION ALL BY NAME
    SELECT 'diagnostics.colonoscopy.over_13w_pct' AS id, period, scope,
        colonoscopy_13w AS numerator,
        colonoscopy_waiting AS denominator, trusts_submitted, trusts_expected,
        missing_trusts
    FROM monthly
    UNION ALL BY NAME
    -- For a trust 1 or 0: whether it is over 15%; for the system, how many trusts are.
    SELECT 'diagnostics.colonoscopy.trusts_over_15pct_13w' AS id, period, scope,
        colonoscopy_over_15pct_13w AS numerator, NULL AS denominator,
        trusts_submitted, trusts_expected,
        missing_trusts
    FROM monthly
),

final AS (
    SELECT
        id, period, scope,
        CASE WHEN catalogue.unit = 'percent' THEN 100.0 * numerator / nullif(denominator, 0)
            ELSE numerator END::DOUBLE AS value,
        catalogue.unit, numerator::BIGINT AS numerator, denominator::BIGINT AS denominator,
        NULL::VARCHAR AS as_of,
        'trust_returns' AS source, 'dm01' AS return_type,
        trusts_submitted::INTEGER AS trusts_submitted,
        trusts_expected::INTEGER AS trusts_expected, missing_trusts
    FROM figures
    LEFT JOIN meta.figures AS catalogue USING (id)
)

SELECT * FROM final

-- UEC headline values in the long form of marts.headline_values: one row per figure, month and
-- scope, with the counts each percentage rests on. Columns, in this order, for every section:
-- id, period, scope, value, unit, numerator, denominator, as_of (the snapshot date a weekly
-- figure is taken at, else NULL), source, return_type, trusts_submitted, trusts_expected,
-- missing_trusts (comma-separated, system rows only). The unit is the figure catalogue's
-- (meta.figures): a mart names each figure and counts its parts, the catalogue says what it is.
WITH source AS (
    SELECT * FROM marts.uec_monthly
),

figures AS (
    SELECT 'uec.four_hour_pct' AS id, period, scope, within_4h AS numerator,
        attendances AS denominator, trusts_submitted, trusts_expected,
        missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'uec.long_stay.over_14d_pct' AS id, period, scope, beds_14plus AS numerator,
        beds_occupied AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'uec.long_stay.over_21d_pct' AS id, period, scope, beds_21plus AS numerator,
        beds_occupied AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'uec.attendances' AS id, period, scope, attendances AS numerator, NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'uec.type1_over_12h' AS id, period, scope, type1_over_12h AS numerator,
        NULL AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
),

final AS (
    SELECT
        id, period, scope,
        CASE WHEN catalogue.unit = 'percent' THEN 100.0 * numerator / nullif(denominator, 0)
            ELSE numerator END::DOUBLE AS value,
        catalogue.unit, numerator::BIGINT AS numerator, denominator::BIGINT AS denominator,
        NULL::VARCHAR AS as_of,
        'trust_returns' AS source, 'uec' AS return_type,
        trusts_submitted::INTEGER AS trusts_submitted,
        trusts_expected::INTEGER AS trusts_expected, missing_trusts
    FROM figures
    LEFT JOIN meta.figures AS catalogue USING (id)
)

SELECT * FROM final

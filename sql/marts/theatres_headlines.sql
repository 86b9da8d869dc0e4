-- Theatre utilisation headline values in the long form of marts.headline_values (columns as
-- documented in uec_headlines.sql): capped and uncapped utilisation, touch minutes over planned
-- session minutes, for each trust and the system, every month.
WITH source AS (
    SELECT * FROM marts.theatres_monthly
),

figures AS (
    SELECT 'theatres.utilisation.capped_pct' AS id, period, scope,
        capped_touch_minutes AS numerator, planned_minutes AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'theatres.utilisation.uncapped_pct' AS id, period, scope, touch_minutes AS numerator,
        planned_minutes AS denominator,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
),

final AS (
    SELECT
        id, period, scope,
        (100.0 * numerator / nullif(denominator, 0))::DOUBLE AS value,
        catalogue.unit, numerator::BIGINT AS numerator, denominator::BIGINT AS denominator,
        NULL::VARCHAR AS as_of,
        'trust_returns' AS source, 'theatres' AS return_type,
        trusts_submitted::INTEGER AS trusts_submitted,
        trusts_expected::INTEGER AS trusts_expected, missing_trusts
    FROM figures
    LEFT JOIN meta.figures AS catalogue USING (id)
)

SELECT * FROM final

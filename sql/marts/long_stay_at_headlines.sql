-- Long-stay shares at a named day in the long form of marts.headline_values (columns as
-- documented in uec_headlines.sql): uec.long_stay.over_14d_pct_at / over_21d_pct_at, the
-- share of occupied G&A beds held by stays of 14+ / 21+ days on the month's last Sunday
-- (uec_long_stay_at), with the beds they rest on; as_of is that day.
WITH source AS (
    SELECT * FROM marts.uec_long_stay_at
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

figures AS (
    SELECT 'uec.long_stay.over_14d_pct_at' AS id, period, scope, beds_14plus AS numerator,
        beds_occupied AS denominator, date, trusts_submitted, trusts_expected, missing_trusts
    FROM source
    UNION ALL BY NAME
    SELECT 'uec.long_stay.over_21d_pct_at' AS id, period, scope, beds_21plus AS numerator,
        beds_occupied AS denominator, date,
        trusts_submitted, trusts_expected, missing_trusts
    FROM source
),

final AS (
    SELECT
        id, period, scope, (100.0 * numerator / nullif(denominator, 0))::DOUBLE AS value,
        catalogue.unit, numerator::BIGINT AS numerator, denominator::BIGINT AS denominator,
        strftime(date, '%Y-%m-%d') AS as_of,
        'trust_returns' AS source, 'uec' AS return_type,
        trusts_submitted::INTEGER AS trusts_submitted,
        trusts_expected::INTEGER AS trusts_expected,
        CASE WHEN scope IN (SELECT system_code FROM system_code)
            THEN coalesce(missing_trusts, '') END AS missing_trusts
    FROM figures
    LEFT JOIN meta.figures AS catalogue USING (id)
)

SELECT * FROM final

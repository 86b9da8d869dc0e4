-- The cohort cleared for every waiting-list target in the long form of marts.headline_values
-- (columns as documented in uec_headlines.sql): rtt.cohort.cleared_since.<N>w, one a month for
-- each threshold N (rtt_cohort_cleared), by trust and system; as_of is the later snapshot
-- (the earlier one, the target and the cohort at each are in that mart, and in the record's
-- detail).
WITH source AS (
    SELECT * FROM marts.rtt_cohort_cleared
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

members AS (
    SELECT list(org_code ORDER BY org_code) AS codes FROM staging.stg_system_members
),

coverage AS (
    SELECT period, threshold_weeks, count(*) AS trusts_submitted,
        missing_from(any_value(m.codes), list(s.scope)) AS missing_trusts
    FROM source AS s, members AS m
    WHERE s.scope NOT IN (SELECT system_code FROM system_code)
    GROUP BY period, threshold_weeks
),

final AS (
    SELECT
        'rtt.cohort.cleared_since.' || s.threshold_weeks || 'w' AS id, s.period, s.scope,
        s.cleared::DOUBLE AS value, catalogue.unit, s.cleared::BIGINT AS numerator,
        NULL::BIGINT AS denominator, strftime(s.end_date, '%Y-%m-%d') AS as_of,
        'trust_returns' AS source, 'rtt' AS return_type,
        CASE WHEN s.scope IN (SELECT system_code FROM system_code) THEN c.trusts_submitted
            ELSE 1 END::INTEGER
            AS trusts_submitted,
        len((SELECT codes FROM members))::INTEGER AS trusts_expected,
        CASE WHEN s.scope IN (SELECT system_code FROM system_code) THEN c.missing_trusts END
            AS missing_trusts
    FROM source AS s
    LEFT JOIN coverage AS c USING (period, threshold_weeks)
    -- The catalogue's one entry for every threshold (pipeline.metrics.catalogue.CLEARED_FAMILY).
    LEFT JOIN meta.figures AS catalogue ON catalogue.id = 'rtt.cohort.cleared_since.<N>w'
)

SELECT * FROM final

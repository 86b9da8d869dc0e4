-- Waiting-list headline values in the long form of marts.headline_values (columns as documented
-- in uec_headlines.sql), by trust and system, every month: the waiting list at the month's last
-- snapshot (rtt_weekly_figures) and the long-wait cohort's progress (rtt_cohort_progress). as_of is the
-- snapshot each value is taken at (for remaining_prior, four weeks before the month's; for
-- rtt.cohort.at_start, the plan year's first). return_type 'rtt' matches both forms of the
-- return (rtt_aggregate, rtt_ptl) for provenance. A comparison a trust cannot make (no return
-- six weeks back, say) has no row; a system row counts the trusts with a row for that figure,
-- and names the members without one. A rate that cannot be divided out has a NULL value.
WITH weekly AS (
    SELECT * FROM marts.rtt_weekly_figures WHERE is_month_snapshot
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

progress AS (
    SELECT * FROM marts.rtt_cohort_progress
),

members AS (
    SELECT list(org_code ORDER BY org_code) AS codes FROM staging.stg_system_members
),

figures AS (
    -- The waiting list, long waits and under-18-weeks share at the month's snapshot, as
    -- rtt_weekly_figures gives them at every snapshot.
    SELECT id, period, scope, value, numerator, denominator, snapshot_date AS as_of
    FROM weekly
    WHERE NOT starts_with(id, 'rtt.cohort.')
    UNION ALL BY NAME
    SELECT 'rtt.cohort.' || part AS id, period, scope,
        [remaining, admitted, non_admitted][i] AS value,
        [remaining, admitted, non_admitted][i] AS numerator, NULL AS denominator,
        as_of
    FROM progress,
        (VALUES (1, 'remaining'), (2, 'remaining.admitted'), (3, 'remaining.non_admitted'))
            AS parts(i, part)
    UNION ALL BY NAME
    SELECT 'rtt.cohort.remaining_prior' AS id, period, scope, prior AS value,
        prior AS numerator, NULL AS denominator, as_of - 28 AS as_of
    FROM progress WHERE prior IS NOT NULL
    UNION ALL BY NAME
    SELECT 'rtt.cohort.clearance_rate_6w' AS id, period, scope, fall_6w / 6.0 AS value,
        fall_6w AS numerator, 6 AS denominator,
        as_of
    FROM progress WHERE fall_6w IS NOT NULL
    UNION ALL BY NAME
    SELECT 'rtt.cohort.required_rate' AS id, period, scope,
        remaining / nullif(weeks_left, 0) AS value,
        remaining AS numerator, weeks_left AS denominator, as_of
    FROM progress
    UNION ALL BY NAME
    -- Remaining over the clearance rate quoted beside it; none while the cohort is not falling.
    SELECT 'rtt.cohort.weeks_to_clear' AS id, period, scope,
        CASE WHEN fall_6w > 0 THEN remaining / (fall_6w / 6.0) END AS value,
        remaining AS numerator, NULL AS denominator,
        as_of
    FROM progress WHERE fall_6w IS NOT NULL
    UNION ALL BY NAME
    SELECT 'rtt.cohort.cleared_since' AS id, period, scope, cleared_since AS value,
        cleared_since AS numerator,
        NULL AS denominator, as_of
    FROM progress WHERE cleared_since IS NOT NULL
    UNION ALL BY NAME
    SELECT 'rtt.cohort.at_start' AS id, period, scope, at_start AS value,
        at_start AS numerator, NULL AS denominator, start_date AS as_of
    FROM progress WHERE cleared_since IS NOT NULL
),

coverage AS (
    SELECT f.id, f.period, count(*) AS trusts_submitted,
        array_to_string(list_filter(any_value(m.codes),
            lambda c: NOT list_contains(list(f.scope), c)), ',') AS missing_trusts
    FROM figures AS f, members AS m
    WHERE f.scope NOT IN (SELECT system_code FROM system_code)
    GROUP BY f.id, f.period
),

final AS (
    SELECT
        f.id, f.period, f.scope, f.value::DOUBLE AS value, catalogue.unit,
        f.numerator::BIGINT AS numerator, f.denominator::BIGINT AS denominator,
        strftime(f.as_of, '%Y-%m-%d') AS as_of,
        'trust_returns' AS source, 'rtt' AS return_type,
        CASE WHEN f.scope IN (SELECT system_code FROM system_code) THEN c.trusts_submitted
            ELSE 1 END::INTEGER
            AS trusts_submitted,
        len((SELECT codes FROM members))::INTEGER AS trusts_expected,
        CASE WHEN f.scope IN (SELECT system_code FROM system_code) THEN c.missing_trusts END
            AS missing_trusts
    FROM figures AS f
    LEFT JOIN coverage AS c USING (id, period)
    LEFT JOIN meta.figures AS catalogue ON catalogue.id = f.id
)

SELECT * FROM final

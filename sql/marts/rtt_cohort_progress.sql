-- Progress in clearing the long-wait cohort, by month, trust and system (QYG). A month is read
-- at its last snapshot (rtt_weekly.is_month_snapshot), against the target active then; every
-- earlier snapshot it is compared with is counted against that same target:
--   prior = the cohort four weekly snapshots earlier (28 days: "this time last month");
--   fall_6w = the cohort six snapshots earlier (42 days) less the cohort now;
--   at_start / cleared_since = the cohort at the plan year's first snapshot in the data (the
--   earliest on or after 1 April of the year the target was set for, e.g. 2 April 2023 for
--   31 March 2024), and its fall since; none in the month of that snapshot itself;
--   weeks_left = whole weeks from the snapshot to the target date.
-- The system compares like with like: each comparison sums only the trusts that submitted both
-- snapshots (a trust's comparison is NULL when it did not), so the system figure is the sum of
-- the trusts' figures and a trust missing a week is left out, never counted as zero.
WITH cohorts AS (
    SELECT * FROM marts.rtt_cohort_weekly
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

months AS (
    SELECT w.period, w.snapshot_date, c.threshold_weeks, c.target_date, c.plan_year_start
    FROM marts.rtt_weekly AS w
    JOIN (SELECT DISTINCT snapshot_date, threshold_weeks, target_date, plan_year_start
          FROM cohorts WHERE is_active) AS c USING (snapshot_date)
    WHERE w.scope IN (SELECT system_code FROM system_code) AND w.is_month_snapshot
),

starts AS (
    SELECT threshold_weeks, target_date, min(snapshot_date) AS start_date
    FROM cohorts WHERE snapshot_date >= plan_year_start
    GROUP BY threshold_weeks, target_date
),

by_trust AS (
    SELECT
        m.period, n.scope, m.snapshot_date AS as_of, m.threshold_weeks, m.target_date,
        (m.target_date - m.snapshot_date) // 7 AS weeks_left,
        n.cohort AS remaining, n.cohort_admitted AS admitted,
        n.cohort_non_admitted AS non_admitted,
        p.cohort AS prior,
        six.cohort - n.cohort AS fall_6w,
        s.start_date, st.cohort AS at_start,
        st.cohort - n.cohort AS cleared_since
    FROM months AS m
    JOIN cohorts AS n ON n.snapshot_date = m.snapshot_date
        AND n.threshold_weeks = m.threshold_weeks AND n.target_date = m.target_date
    LEFT JOIN cohorts AS p ON p.scope = n.scope AND p.snapshot_date = m.snapshot_date - 28
        AND p.threshold_weeks = m.threshold_weeks AND p.target_date = m.target_date
    LEFT JOIN cohorts AS six ON six.scope = n.scope AND six.snapshot_date = m.snapshot_date - 42
        AND six.threshold_weeks = m.threshold_weeks AND six.target_date = m.target_date
    LEFT JOIN starts AS s ON s.threshold_weeks = m.threshold_weeks
        AND s.target_date = m.target_date AND s.start_date < m.snapshot_date
    LEFT JOIN cohorts AS st ON st.scope = n.scope AND st.snapshot_date = s.start_date
        AND st.threshold_weeks = m.threshold_weeks AND st.target_date = m.target_date
),

system AS (
    SELECT
        t.period, c.system_code AS scope, t.as_of, t.threshold_weeks, t.target_date,
        t.weeks_left,
        sum(t.remaining) AS remaining,
        sum(t.admitted) AS admitted,
        sum(t.non_admitted) AS non_admitted,
        sum(t.prior) AS prior,
        sum(t.fall_6w) AS fall_6w,
        t.start_date,
        sum(t.at_start) AS at_start,
        sum(t.cleared_since) AS cleared_since
    FROM by_trust AS t, system_code AS c
    GROUP BY t.period, c.system_code, t.as_of, t.threshold_weeks, t.target_date, t.weeks_left,
        t.start_date
),

final AS (
    SELECT
        period, scope, as_of, threshold_weeks, target_date, weeks_left::INTEGER AS weeks_left,
        remaining::BIGINT AS remaining, admitted::BIGINT AS admitted,
        non_admitted::BIGINT AS non_admitted, prior::BIGINT AS prior,
        fall_6w::BIGINT AS fall_6w, start_date, at_start::BIGINT AS at_start,
        cleared_since::BIGINT AS cleared_since
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system)
)

SELECT * FROM final ORDER BY period, scope

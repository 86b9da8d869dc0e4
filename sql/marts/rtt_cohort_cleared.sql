-- The long-wait cohort cleared between two snapshots, for every waiting-list target in the
-- plans file (104 and 78 weeks by 31 March 2023, 65 weeks by 31 March 2024, ...), by month,
-- trust and system (QYG). A month is read at its last snapshot. For each target:
--   start = the first snapshot in the data on or after 1 April of the year the target was set
--     for (as rtt_cohort_progress takes it);
--   end = the month's snapshot, or once the target date has passed, the last snapshot on or
--     before the target date (what was cleared by the deadline);
--   cleared = the cohort at start less the cohort at end; none until end is after start.
-- Of two targets with one threshold, a month takes the one whose plan year began last (then
-- the earlier date), so each threshold has one figure a month. The system sums only the trusts
-- with both snapshots, so it is the sum of the trusts' figures.
WITH cohorts AS (
    SELECT * FROM marts.rtt_cohort_weekly
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

months AS (
    SELECT period, snapshot_date FROM marts.rtt_weekly
    WHERE scope IN (SELECT system_code FROM system_code) AND is_month_snapshot
),

targets AS (
    SELECT DISTINCT threshold_weeks, target_date, plan_year_start FROM cohorts
),

starts AS (
    SELECT threshold_weeks, target_date, min(snapshot_date) AS start_date
    FROM cohorts WHERE snapshot_date >= plan_year_start
    GROUP BY threshold_weeks, target_date
),

chosen AS (
    SELECT
        m.period, m.snapshot_date, t.threshold_weeks, t.target_date, s.start_date,
        CASE WHEN m.snapshot_date <= t.target_date THEN m.snapshot_date
            ELSE (SELECT max(c.snapshot_date) FROM cohorts AS c
                  WHERE c.threshold_weeks = t.threshold_weeks AND c.target_date = t.target_date
                  AND c.snapshot_date <= t.target_date) END AS end_date
    FROM months AS m
    JOIN targets AS t ON t.plan_year_start <= m.snapshot_date
    JOIN starts AS s USING (threshold_weeks, target_date)
    QUALIFY row_number() OVER (PARTITION BY m.period, t.threshold_weeks
                               ORDER BY t.plan_year_start DESC, t.target_date) = 1
),

by_trust AS (
    SELECT
        ch.period, st.scope, ch.threshold_weeks, ch.target_date, ch.start_date, ch.end_date,
        st.cohort AS at_start, en.cohort AS at_end, st.cohort - en.cohort AS cleared
    FROM chosen AS ch
    JOIN cohorts AS st ON st.snapshot_date = ch.start_date
        AND st.threshold_weeks = ch.threshold_weeks AND st.target_date = ch.target_date
    JOIN cohorts AS en ON en.scope = st.scope AND en.snapshot_date = ch.end_date
        AND en.threshold_weeks = ch.threshold_weeks AND en.target_date = ch.target_date
    WHERE ch.end_date > ch.start_date
),

system AS (
    SELECT
        t.period, c.system_code AS scope, t.threshold_weeks, t.target_date, t.start_date,
        t.end_date,
        sum(t.at_start) AS at_start,
        sum(t.at_end) AS at_end,
        sum(t.cleared) AS cleared
    FROM by_trust AS t, system_code AS c
    GROUP BY t.period, c.system_code, t.threshold_weeks, t.target_date, t.start_date,
        t.end_date
),

final AS (
    SELECT
        period, scope, threshold_weeks, target_date, start_date, end_date,
        at_start::BIGINT AS at_start, at_end::BIGINT AS at_end, cleared::BIGINT AS cleared
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system)
)

SELECT * FROM final ORDER BY period, scope, threshold_weeks

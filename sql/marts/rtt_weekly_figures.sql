-- The waiting-list figures at every weekly snapshot, by trust and system, in the long form of
-- marts.headline_values: the series their charts draw (one point a week, not one a month),
-- and, at each month's snapshot (is_month_snapshot), the month's value rtt_headlines gives.
-- The cohort's figures carry the target they are counted against (threshold_weeks,
-- target_date), so a cohort series never spans two targets; the other figures carry the
-- target active at the snapshot, as rtt_weekly does.
WITH weekly AS (
    SELECT * FROM marts.rtt_weekly
),

figures AS (
    SELECT 'rtt.waiting_list.total' AS id, scope, snapshot_date, period, is_month_snapshot,
        waiting_total AS value, waiting_total AS numerator, NULL AS denominator,
        threshold_weeks, target_date
    FROM weekly
    UNION ALL BY NAME
    SELECT 'rtt.waits_over.' || n || 'w' AS id, scope, snapshot_date, period,
        is_month_snapshot, [over_104w, over_78w, over_65w, over_52w][i] AS value,
        [over_104w, over_78w, over_65w, over_52w][i] AS numerator, NULL AS denominator,
        threshold_weeks, target_date
    FROM weekly, (VALUES (1, 104), (2, 78), (3, 65), (4, 52)) AS bands(i, n)
    UNION ALL BY NAME
    SELECT 'rtt.within_18w_pct' AS id, scope, snapshot_date, period, is_month_snapshot,
        100.0 * within_18w / nullif(waiting_total, 0) AS value, within_18w AS numerator,
        waiting_total AS denominator, threshold_weeks, target_date
    FROM weekly
    UNION ALL BY NAME
    -- Charted at every snapshot; the month's values come from rtt_cohort_progress, which
    -- compares each with earlier snapshots of the same target.
    SELECT 'rtt.cohort.' || part AS id, scope, snapshot_date, period, is_month_snapshot,
        [cohort, cohort_admitted, cohort_non_admitted][i] AS value,
        [cohort, cohort_admitted, cohort_non_admitted][i] AS numerator, NULL AS denominator,
        threshold_weeks, target_date
    FROM weekly,
        (VALUES (1, 'remaining'), (2, 'remaining.admitted'), (3, 'remaining.non_admitted'))
            AS parts(i, part)
),

final AS (
    SELECT
        id, scope, snapshot_date, period, is_month_snapshot, value::DOUBLE AS value,
        numerator::BIGINT AS numerator, denominator::BIGINT AS denominator, threshold_weeks,
        target_date
    FROM figures
)

SELECT * FROM final ORDER BY id, scope, snapshot_date

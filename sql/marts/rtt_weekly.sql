-- The waiting list at each weekly snapshot, by trust and for the system (QYG, the sum of the
-- trusts that submitted that snapshot; the others are named in missing_trusts, not counted as
-- zero). "Waited more than N weeks" is weeks_waited >= N: weeks are whole weeks, so 52 means
-- 52 weeks and 0 to 6 days, NHS England's "Gt 52 To 53 Weeks" band, the first its "over 52
-- weeks" counts (pipeline/national/rtt.py, benchmark_rtt.sql), so the trusts' figures compare
-- with the national ones; "under 18 weeks" is weeks_waited < 18 (bands up to "Gt 17 To 18").
-- The cohort is that of the target active in the snapshot's month (rtt_cohort_weekly).
-- is_month_snapshot marks the last snapshot on or before each month's end, where a month's
-- figures are taken.
WITH source AS (
    SELECT * FROM staging.stg_rtt_pathways
),

coverage AS (
    SELECT * FROM marts.coverage WHERE return_type = 'rtt'
),

cohorts AS (
    SELECT * FROM marts.rtt_cohort_weekly WHERE is_active
),

waiting AS (
    SELECT
        org_code AS scope,
        snapshot_date,
        sum(pathways) AS waiting_total,
        coalesce(sum(pathways) FILTER (WHERE weeks_waited < 18), 0) AS within_18w,
        coalesce(sum(pathways) FILTER (WHERE weeks_waited >= 52), 0) AS over_52w,
        coalesce(sum(pathways) FILTER (WHERE weeks_waited >= 65), 0) AS over_65w,
        coalesce(sum(pathways) FILTER (WHERE weeks_waited >= 78), 0) AS over_78w,
        coalesce(sum(pathways) FILTER (WHERE weeks_waited >= 104), 0) AS over_104w
    FROM source
    GROUP BY org_code, snapshot_date
),

by_trust AS (
    SELECT
        w.*, c.threshold_weeks, c.target_date, c.cohort, c.cohort_admitted,
        c.cohort_non_admitted, 1 AS trusts_submitted
    FROM waiting AS w
    LEFT JOIN cohorts AS c USING (scope, snapshot_date)
),

system AS (
    SELECT
        c.system_code AS scope,
        t.snapshot_date,
        sum(t.waiting_total) AS waiting_total,
        sum(t.within_18w) AS within_18w,
        sum(t.over_52w) AS over_52w,
        sum(t.over_65w) AS over_65w,
        sum(t.over_78w) AS over_78w,
        sum(t.over_104w) AS over_104w,
        t.threshold_weeks,
        t.target_date,
        sum(t.cohort) AS cohort,
        sum(t.cohort_admitted) AS cohort_admitted,
        sum(t.cohort_non_admitted) AS cohort_non_admitted,
        count(*) AS trusts_submitted,
        any_value(c.missing_trusts) AS missing_trusts
    FROM by_trust AS t
    JOIN coverage AS c ON c.reported_for = strftime(t.snapshot_date, '%Y-%m-%d')
    GROUP BY c.system_code, t.snapshot_date, t.threshold_weeks, t.target_date
),

final AS (
    SELECT
        u.scope,
        u.snapshot_date,
        strftime(u.snapshot_date, '%Y-%m') AS period,
        u.snapshot_date = max(u.snapshot_date) OVER (
            PARTITION BY strftime(u.snapshot_date, '%Y-%m')) AS is_month_snapshot,
        u.waiting_total::BIGINT AS waiting_total,
        u.within_18w::BIGINT AS within_18w,
        u.over_52w::BIGINT AS over_52w,
        u.over_65w::BIGINT AS over_65w,
        u.over_78w::BIGINT AS over_78w,
        u.over_104w::BIGINT AS over_104w,
        u.threshold_weeks,
        u.target_date,
        u.cohort::BIGINT AS cohort,
        u.cohort_admitted::BIGINT AS cohort_admitted,
        u.cohort_non_admitted::BIGINT AS cohort_non_admitted,
        u.trusts_submitted::INTEGER AS trusts_submitted,
        (SELECT count(*) FROM staging.stg_system_members)::INTEGER AS trusts_expected,
        u.missing_trusts AS missing_trusts
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system) AS u
)

SELECT * FROM final ORDER BY snapshot_date, scope

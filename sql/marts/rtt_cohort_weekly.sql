-- The long-wait cohort of every waiting-list target at every weekly snapshot, by trust.
-- A target is a plans-file row for rtt.cohort.remaining (kind target, system scope):
-- parameter = the threshold N in weeks, deadline = the target date. Its cohort is the pathways
-- that will have waited N weeks or more by the target date unless treated first: clock start
-- on or before target date - 7 x N days. A pathway at exactly N whole weeks on the target date
-- is in it; one a day short of that is not. Every target is kept for every snapshot, so that a
-- month can compare earlier snapshots against the one target active for it (is_active: the
-- first deadline on or after the snapshot's month end; of two with one deadline, such as 104
-- and 78 weeks by 31 March 2023, the lower threshold, whose cohort holds the other's).
WITH source AS (
    SELECT * FROM staging.stg_rtt_clock_starts
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

targets AS (
    SELECT DISTINCT
        CAST(parameter AS INTEGER) AS threshold_weeks,
        deadline AS target_date,
        -- The plan year the target was set for: progress against it counts from 1 April.
        CAST(left(financial_year, 4) || '-04-01' AS DATE) AS plan_year_start
    FROM staging.stg_plans_targets
    WHERE metric = 'rtt.cohort.remaining' AND kind = 'target'
        AND scope IN (SELECT system_code FROM system_code)
),

counted AS (
    SELECT
        s.org_code AS scope,
        s.snapshot_date,
        t.threshold_weeks,
        t.target_date,
        t.plan_year_start,
        sum(s.pathways) FILTER (
            WHERE s.clock_start_date <= t.target_date - 7 * t.threshold_weeks) AS cohort,
        sum(s.pathways) FILTER (
            WHERE s.clock_start_date <= t.target_date - 7 * t.threshold_weeks
            AND s.pathway_type = 'admitted') AS cohort_admitted,
        sum(s.pathways) FILTER (
            WHERE s.clock_start_date <= t.target_date - 7 * t.threshold_weeks
            AND s.pathway_type = 'non_admitted') AS cohort_non_admitted
    FROM source AS s
    CROSS JOIN targets AS t
    GROUP BY ALL
),

final AS (
    SELECT
        scope, snapshot_date, threshold_weeks, target_date, plan_year_start,
        coalesce(cohort, 0)::BIGINT AS cohort,
        coalesce(cohort_admitted, 0)::BIGINT AS cohort_admitted,
        coalesce(cohort_non_admitted, 0)::BIGINT AS cohort_non_admitted,
        target_date >= last_day(snapshot_date) AND row_number() OVER (
            PARTITION BY scope, snapshot_date, target_date >= last_day(snapshot_date)
            ORDER BY target_date, threshold_weeks) = 1 AS is_active
    FROM counted
)

SELECT * FROM final ORDER BY scope, snapshot_date, target_date, threshold_weeks

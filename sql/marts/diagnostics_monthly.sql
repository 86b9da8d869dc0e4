-- DM01 diagnostics by trust and month, plus the system (QYG) as the sum of the trusts that
-- submitted. Waiting is at the month's end by whole weeks waited: "under 6 weeks" is weeks 0 to
-- 5 (a patient at exactly 6 weeks has waited 6 weeks, not under); 6+, 13+, 26+ and 40+ count
-- from those weeks up (104 means 104 or more). Tests are all tests done in the month. A trust
-- has submitted a month when either part of its DM01 return has rows for it.
WITH waiting AS (
    SELECT * FROM staging.stg_dm01_waiting
),

activity AS (
    SELECT * FROM staging.stg_dm01_activity
),

coverage AS (
    SELECT * FROM marts.coverage WHERE return_type = 'dm01'
),

submitted AS (
    SELECT DISTINCT org_code, period FROM waiting
    UNION BY NAME
    SELECT DISTINCT org_code, period FROM activity
),

waits AS (
    SELECT
        org_code,
        period,
        sum(patients) AS waiting_total,
        sum(patients) FILTER (WHERE weeks_waited < 6) AS under_6w,
        sum(patients) FILTER (WHERE weeks_waited >= 6) AS over_6w,
        sum(patients) FILTER (WHERE weeks_waited >= 13) AS over_13w,
        sum(patients) FILTER (WHERE weeks_waited >= 26) AS over_26w,
        sum(patients) FILTER (WHERE weeks_waited >= 40) AS over_40w,
        sum(patients) FILTER (WHERE modality = 'colonoscopy') AS colonoscopy_waiting,
        sum(patients) FILTER (WHERE modality = 'colonoscopy' AND weeks_waited >= 13)
            AS colonoscopy_13w
    FROM waiting
    GROUP BY org_code, period
),

tests AS (
    SELECT org_code, period, sum(total_tests) AS tests
    FROM activity
    GROUP BY org_code, period
),

by_trust AS (
    -- Rows a return leaves out count as 0: a trust with no colonoscopy waiters has none.
    SELECT
        s.org_code AS scope,
        s.period,
        coalesce(w.waiting_total, 0) AS waiting_total,
        coalesce(w.under_6w, 0) AS under_6w,
        coalesce(w.over_6w, 0) AS over_6w,
        coalesce(w.over_13w, 0) AS over_13w,
        coalesce(w.over_26w, 0) AS over_26w,
        coalesce(w.over_40w, 0) AS over_40w,
        coalesce(w.colonoscopy_waiting, 0) AS colonoscopy_waiting,
        coalesce(w.colonoscopy_13w, 0) AS colonoscopy_13w,
        -- More than 15% at 13+ weeks, compared in whole numbers so exactly 15% is not "more".
        CASE WHEN 100 * coalesce(w.colonoscopy_13w, 0) > 15 * coalesce(w.colonoscopy_waiting, 0)
            THEN 1 ELSE 0 END AS colonoscopy_over_15pct_13w,
        coalesce(t.tests, 0) AS tests,
        1 AS trusts_submitted
    FROM submitted AS s
    LEFT JOIN waits AS w USING (org_code, period)
    LEFT JOIN tests AS t USING (org_code, period)
),

system AS (
    SELECT
        c.system_code AS scope,
        t.period,
        sum(t.waiting_total) AS waiting_total,
        sum(t.under_6w) AS under_6w,
        sum(t.over_6w) AS over_6w,
        sum(t.over_13w) AS over_13w,
        sum(t.over_26w) AS over_26w,
        sum(t.over_40w) AS over_40w,
        sum(t.colonoscopy_waiting) AS colonoscopy_waiting,
        sum(t.colonoscopy_13w) AS colonoscopy_13w,
        sum(t.colonoscopy_over_15pct_13w) AS colonoscopy_over_15pct_13w,
        sum(t.tests) AS tests,
        any_value(c.trusts_submitted) AS trusts_submitted,
        any_value(c.missing_trusts) AS missing_trusts
    FROM by_trust AS t
    JOIN coverage AS c ON c.reported_for = t.period
    GROUP BY c.system_code, t.period
),

final AS (
    SELECT
        u.scope AS scope,
        u.period AS period,
        u.waiting_total AS waiting_total,
        u.under_6w AS under_6w,
        u.over_6w AS over_6w,
        u.over_13w AS over_13w,
        u.over_26w AS over_26w,
        u.over_40w AS over_40w,
        u.colonoscopy_waiting AS colonoscopy_waiting,
        u.colonoscopy_13w AS colonoscopy_13w,
        u.colonoscopy_over_15pct_13w AS colonoscopy_over_15pct_13w,
        u.tests AS tests,
        u.trusts_submitted AS trusts_submitted,
        (SELECT count(*) FROM staging.stg_system_members) AS trusts_expected,
        u.missing_trusts AS missing_trusts
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system) AS u
)

SELECT * FROM final ORDER BY period, scope

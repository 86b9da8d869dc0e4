-- DM01 activity against the operational plan, financial year to date (April = month 1), by
-- trust and for the system (QYG), for all tests together (modality 'all') and per modality.
-- Plans are the plans file's monthly rows `diagnostics.activity.<modality>` for each trust.
-- Activity and plan are compared over the same cells only: each month from April to the
-- reporting month that the trust submitted, and each test it has a plan for (a test it did not
-- report counts as 0 done). A trust is in a month's figure if it submitted that month; the
-- system adds up the trusts in the figure, so its plan is the sum of its trusts' (a plan row for
-- scope QYG is not used). Plans are summed and rounded to whole tests.
WITH activity AS (
    SELECT * FROM staging.stg_dm01_activity
),

waiting AS (
    SELECT * FROM staging.stg_dm01_waiting
),

plans AS (
    SELECT * FROM staging.stg_plans_targets
),

tests AS (
    SELECT DISTINCT modality FROM ref.dm01_tests
),

coverage AS (
    -- The same coverage as the month's other DM01 figures: the trusts that submitted it.
    SELECT * FROM marts.coverage WHERE return_type = 'dm01'
),

submitted AS (
    SELECT DISTINCT org_code, period FROM waiting
    UNION BY NAME
    SELECT DISTINCT org_code, period FROM activity
),

renamed AS (
    -- The financial year a month belongs to, by the calendar year it starts in.
    SELECT
        org_code,
        period,
        CAST(left(period, 4) AS INTEGER)
            - CASE WHEN CAST(right(period, 2) AS INTEGER) < 4 THEN 1 ELSE 0 END AS fy_start
    FROM submitted
),

planned AS (
    SELECT p.scope AS org_code, p.period, t.modality, sum(p.value) AS planned
    FROM plans AS p
    JOIN tests AS t ON p.metric = 'diagnostics.activity.' || t.modality
    WHERE p.kind = 'plan'
    GROUP BY ALL
),

done AS (
    SELECT org_code, period, modality, sum(total_tests) AS tests
    FROM activity
    GROUP BY ALL
),

cells AS (
    SELECT s.org_code, s.period, s.fy_start, p.modality, coalesce(d.tests, 0) AS tests,
        p.planned
    FROM renamed AS s
    JOIN planned AS p USING (org_code, period)
    LEFT JOIN done AS d USING (org_code, period, modality)
),

by_trust_modality AS (
    SELECT r.org_code AS scope, r.period, c.modality, sum(c.tests) AS ytd_tests,
        round(sum(c.planned)) AS ytd_plan
    FROM renamed AS r
    JOIN cells AS c
        ON c.org_code = r.org_code AND c.fy_start = r.fy_start AND c.period <= r.period
    GROUP BY ALL
),

by_trust AS (
    SELECT scope, period, modality, ytd_tests, ytd_plan, 1 AS trusts_submitted
    FROM by_trust_modality
    UNION ALL BY NAME
    SELECT scope, period, 'all' AS modality, sum(ytd_tests) AS ytd_tests,
        sum(ytd_plan) AS ytd_plan, 1 AS trusts_submitted
    FROM by_trust_modality GROUP BY ALL
),

system AS (
    SELECT c.system_code AS scope, t.period, t.modality, sum(t.ytd_tests) AS ytd_tests,
        sum(t.ytd_plan) AS ytd_plan, any_value(c.trusts_submitted) AS trusts_submitted,
        any_value(c.missing_trusts) AS missing_trusts
    FROM by_trust AS t
    JOIN coverage AS c ON c.reported_for = t.period
    GROUP BY c.system_code, t.period, t.modality
),

final AS (
    SELECT u.scope AS scope, u.period AS period, u.modality AS modality,
        u.ytd_tests::BIGINT AS ytd_tests,
        u.ytd_plan::BIGINT AS ytd_plan,
        u.trusts_submitted AS trusts_submitted,
        c.trusts_expected AS trusts_expected,
        u.missing_trusts AS missing_trusts
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system) AS u
    JOIN coverage AS c ON c.reported_for = u.period
)

SELECT * FROM final ORDER BY period, scope, modality

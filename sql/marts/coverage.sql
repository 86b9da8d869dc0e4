-- Who has submitted: for each return and what it reports on (a month, a day or a weekly
-- snapshot), how many organisations sent rows, how many member trusts were expected and which
-- members are missing (sorted, comma-separated, '' when none). Every mart's system row takes
-- its coverage from here. `reported_for` is the period 'YYYY-MM' for monthly figures, and the
-- date 'YYYY-MM-DD' for the daily beds ('uec_day') and the weekly waiting list ('rtt').
-- A trust has submitted DM01 for a month when either part of its return has rows for it;
-- finance counts providers only (the ICB's own return is not a trust's); OPEL counts the
-- members' own rows.
WITH members AS (
    SELECT org_code, system_code FROM staging.stg_system_members
),

submitted AS (
    SELECT DISTINCT 'uec' AS return_type, period AS reported_for, org_code
    FROM staging.stg_uec_daily
    UNION ALL BY NAME
    SELECT DISTINCT 'uec_day' AS return_type, strftime(date, '%Y-%m-%d') AS reported_for,
        org_code
    FROM staging.stg_uec_daily
    UNION ALL BY NAME
    SELECT DISTINCT 'theatres' AS return_type, period AS reported_for, org_code
    FROM staging.stg_theatre_sessions
    UNION ALL BY NAME
    SELECT DISTINCT 'finance' AS return_type, period AS reported_for, org_code
    FROM staging.stg_finance_monthly
    WHERE is_provider
    UNION ALL BY NAME
    SELECT DISTINCT 'dm01' AS return_type, period AS reported_for, org_code
    FROM (SELECT org_code, period FROM staging.stg_dm01_waiting
          UNION ALL BY NAME
          SELECT org_code, period FROM staging.stg_dm01_activity)
    UNION ALL BY NAME
    SELECT DISTINCT 'rtt' AS return_type, strftime(snapshot_date, '%Y-%m-%d') AS reported_for,
        org_code
    FROM staging.stg_rtt_pathways
    UNION ALL BY NAME
    SELECT DISTINCT 'opel' AS return_type, period AS reported_for, scope AS org_code
    FROM staging.stg_programme
    WHERE metric = 'uec.opel.level' AND scope IN (SELECT org_code FROM members)
),

final AS (
    SELECT
        s.return_type AS return_type,
        s.reported_for AS reported_for,
        (SELECT any_value(system_code) FROM members) AS system_code,
        count(*) AS trusts_submitted,
        (SELECT count(*) FROM members) AS trusts_expected,
        missing_from((SELECT list(org_code) FROM members), list(s.org_code)) AS missing_trusts
    FROM submitted AS s
    GROUP BY s.return_type, s.reported_for
)

SELECT * FROM final ORDER BY return_type, reported_for

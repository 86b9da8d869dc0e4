-- Occupied general and acute beds and those held by patients staying 14+ and 21+ days, by
-- trust and day, plus the system (QYG) as the sum of the trusts that reported that day: the
-- long-stay shares at any named day (uec_long_stay_at takes the month's last Sunday; an
-- analyst may name another day).
WITH source AS (
    -- A closed day (every count 0) is no snapshot of the beds: only days a site was open.
    SELECT * FROM staging.stg_uec_daily WHERE NOT site_closed
),

coverage AS (
    SELECT * FROM marts.coverage WHERE return_type = 'uec_day'
),

by_trust AS (
    SELECT
        org_code AS scope, period, date,
        sum(ga_beds_occupied) AS beds_occupied,
        sum(beds_stay_14plus) AS beds_14plus,
        sum(beds_stay_21plus) AS beds_21plus,
        1 AS trusts_submitted,
        NULL AS missing_trusts
    FROM source
    GROUP BY org_code, period, date
),

system AS (
    SELECT
        c.system_code AS scope, t.period, t.date,
        sum(t.beds_occupied) AS beds_occupied,
        sum(t.beds_14plus) AS beds_14plus,
        sum(t.beds_21plus) AS beds_21plus,
        any_value(c.trusts_submitted) AS trusts_submitted,
        any_value(c.missing_trusts) AS missing_trusts
    FROM by_trust AS t
    JOIN coverage AS c ON c.reported_for = strftime(t.date, '%Y-%m-%d')
    GROUP BY c.system_code, t.period, t.date
),

final AS (
    SELECT
        u.scope AS scope,
        u.period AS period,
        u.date AS date,
        u.beds_occupied AS beds_occupied,
        u.beds_14plus AS beds_14plus,
        u.beds_21plus AS beds_21plus,
        u.trusts_submitted AS trusts_submitted,
        u.missing_trusts AS missing_trusts,
        (SELECT count(*) FROM staging.stg_system_members) AS trusts_expected
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system) AS u
)

SELECT * FROM final ORDER BY date, scope

-- Occupied general and acute beds and those held by patients staying 14+ and 21+ days, by
-- trust and day, plus the system (QYG) as the sum of the trusts that reported that day: the
-- long-stay shares at any named day (uec_long_stay_at takes the month's last Sunday; an
-- analyst may name another day).
WITH source AS (
    -- A closed day (every count 0) is no snapshot of the beds: only days a site was open.
    SELECT * FROM staging.stg_uec_daily WHERE NOT site_closed
),

members AS (
    SELECT org_code FROM ref.organisations WHERE cmast_member
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
        'QYG' AS scope, period, date, sum(beds_occupied), sum(beds_14plus), sum(beds_21plus),
        count(*) AS trusts_submitted,
        missing_from((SELECT list(org_code) FROM members), list(scope)) AS missing_trusts
    FROM by_trust
    GROUP BY period, date
),

final AS (
    SELECT *, (SELECT count(*) FROM members) AS trusts_expected
    FROM (SELECT * FROM by_trust UNION ALL SELECT * FROM system)
)

SELECT * FROM final ORDER BY date, scope

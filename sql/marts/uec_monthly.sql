-- Urgent and emergency care by trust and month, plus the system (QYG) as the sum of the trusts
-- that submitted. Long-stay shares are taken at each trust's latest daily snapshot in the month.
WITH source AS (
    -- A closed day (every count 0) is no snapshot of the beds: only days a site was open.
    SELECT * FROM staging.stg_uec_daily WHERE NOT site_closed
),

members AS (
    SELECT org_code FROM ref.organisations WHERE cmast_member
),

latest_day AS (
    SELECT org_code, period, max(date) AS snapshot_date
    FROM source GROUP BY org_code, period
),

by_trust AS (
    SELECT
        s.org_code AS scope,
        s.period,
        sum(s.all_attendances) AS attendances,
        sum(s.all_within_4h) AS within_4h,
        sum(s.type1_attendances) AS type1_attendances,
        sum(s.type1_within_4h) AS type1_within_4h,
        sum(s.type1_over_12h_from_arrival) AS type1_over_12h,
        sum(s.ga_beds_occupied) FILTER (WHERE s.date = d.snapshot_date) AS beds_occupied,
        sum(s.beds_stay_14plus) FILTER (WHERE s.date = d.snapshot_date) AS beds_14plus,
        sum(s.beds_stay_21plus) FILTER (WHERE s.date = d.snapshot_date) AS beds_21plus,
        1 AS trusts_submitted
    FROM source AS s
    JOIN latest_day AS d USING (org_code, period)
    GROUP BY s.org_code, s.period
),

system AS (
    SELECT
        'QYG' AS scope,
        period,
        sum(attendances), sum(within_4h), sum(type1_attendances), sum(type1_within_4h),
        sum(type1_over_12h), sum(beds_occupied), sum(beds_14plus), sum(beds_21plus),
        count(*) AS trusts_submitted
    FROM by_trust GROUP BY period
),

missing AS (
    SELECT period, missing_from((SELECT list(org_code) FROM members), list(scope)) AS missing_trusts
    FROM by_trust GROUP BY period
),

final AS (
    SELECT u.*, (SELECT count(*) FROM members) AS trusts_expected,
        CASE WHEN u.scope = 'QYG' THEN coalesce(m.missing_trusts, '') END AS missing_trusts
    FROM (SELECT * FROM by_trust UNION ALL SELECT * FROM system) AS u
    LEFT JOIN missing AS m ON m.period = u.period AND u.scope = 'QYG'
)

SELECT * FROM final ORDER BY period, scope

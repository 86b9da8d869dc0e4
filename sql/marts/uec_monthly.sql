-- Urgent and emergency care by trust and month, plus the system (QYG) as the sum of the trusts
-- that submitted. Long-stay shares are taken at each trust's latest daily snapshot in the month.
WITH source AS (
    -- A closed day (every count 0) is no snapshot of the beds: only days a site was open.
    SELECT * FROM staging.stg_uec_daily WHERE NOT site_closed
),

coverage AS (
    SELECT * FROM marts.coverage WHERE return_type = 'uec'
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
        c.system_code AS scope,
        t.period,
        sum(t.attendances) AS attendances,
        sum(t.within_4h) AS within_4h,
        sum(t.type1_attendances) AS type1_attendances,
        sum(t.type1_within_4h) AS type1_within_4h,
        sum(t.type1_over_12h) AS type1_over_12h,
        sum(t.beds_occupied) AS beds_occupied,
        sum(t.beds_14plus) AS beds_14plus,
        sum(t.beds_21plus) AS beds_21plus,
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
        u.attendances AS attendances,
        u.within_4h AS within_4h,
        u.type1_attendances AS type1_attendances,
        u.type1_within_4h AS type1_within_4h,
        u.type1_over_12h AS type1_over_12h,
        u.beds_occupied AS beds_occupied,
        u.beds_14plus AS beds_14plus,
        u.beds_21plus AS beds_21plus,
        u.trusts_submitted AS trusts_submitted,
        (SELECT count(*) FROM staging.stg_system_members) AS trusts_expected,
        u.missing_trusts AS missing_trusts
    FROM (SELECT * FROM by_trust UNION ALL BY NAME SELECT * FROM system) AS u
)

SELECT * FROM final ORDER BY period, scope

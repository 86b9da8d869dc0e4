-- Urgent and emergency care, one row per site and day, from current submissions only.
-- A day a site was closed is a row with site_closed true and every count 0: the marts that take
-- a day's figures (the latest day, a named day) use the days a site was open.
-- A merged trust's history is reported under its successor (RVY's under RBN), as of its rows.
WITH source AS (
    SELECT r.*, s.received_at
    FROM raw.uec_daily AS r
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

renamed AS (
    SELECT
        source.submission_id,
        source.org_code AS submitted_org_code,
        coalesce(o.successor_code, source.org_code) AS org_code,
        source.period,
        source.site_code,
        source.date,
        source.type1_attendances,
        source.type1_within_4h,
        source.type2_attendances,
        source.type2_within_4h,
        source.type3_attendances,
        source.type3_within_4h,
        source.booked_attendances,
        source.booked_within_4h,
        source.type1_over_12h_from_arrival,
        source.ga_beds_occupied,
        source.beds_stay_7plus,
        source.beds_stay_14plus,
        source.beds_stay_21plus,
        source.site_closed
    FROM source
    LEFT JOIN ref.organisations AS o ON o.org_code = source.org_code
),

final AS (
    SELECT
        *,
        type1_attendances + type2_attendances + type3_attendances + booked_attendances
            AS all_attendances,
        type1_within_4h + type2_within_4h + type3_within_4h + booked_within_4h
            AS all_within_4h
    FROM renamed
)

SELECT * FROM final

-- Each programme figure's value for a month and scope: the row of the latest day in the month
-- it was given for (the month end for monthly figures, the last Sunday reported for weekly
-- ones, the last day reported for daily OPEL levels), as the scope's own row says it. No sum
-- is made here: a system figure is the system's own row (scope QYG), except CDC activity,
-- which cdc_activity_ytd adds up over the centres.
WITH source AS (
    SELECT * FROM staging.stg_programme
),

final AS (
    SELECT
        metric, period, scope, value, date AS as_of, submitted_by, note,
        count(*) OVER (PARTITION BY metric, period, scope) AS days_reported
    FROM source
    QUALIFY row_number() OVER (PARTITION BY metric, period, scope ORDER BY date DESC) = 1
)

SELECT * FROM final ORDER BY metric, scope, period

-- The long-stay bed shares of each month at its named day: the last Sunday of the month (the
-- day the briefing quotes them at), by trust and for the system, from uec_long_stay_daily. A
-- trust that did not report that day has no row, and the system names it as missing.
WITH daily AS (
    SELECT * FROM marts.uec_long_stay_daily
),

named_days AS (
    SELECT DISTINCT
        period,
        last_day(CAST(period || '-01' AS DATE))
            - CAST(dayofweek(last_day(CAST(period || '-01' AS DATE))) AS INTEGER) AS named_day
    FROM daily
),

final AS (
    SELECT d.*
    FROM daily AS d
    JOIN named_days AS n ON n.period = d.period AND d.date = n.named_day
)

SELECT * FROM final ORDER BY period, scope

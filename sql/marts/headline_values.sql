-- Every headline figure for every month and scope, in one long table: the series behind each
-- trend and SPC chart, and the values `cmast headlines` reports. Each section's mart adds rows.
WITH source AS (
    SELECT * FROM marts.uec_headlines
    UNION ALL BY NAME
    SELECT * FROM marts.benchmark_headlines
    UNION ALL BY NAME SELECT * FROM marts.theatres_headlines
    UNION ALL BY NAME SELECT * FROM marts.diagnostics_headlines
    UNION ALL BY NAME SELECT * FROM marts.finance_headlines
    UNION ALL BY NAME SELECT * FROM marts.rtt_headlines
    UNION ALL BY NAME SELECT * FROM marts.programme_headlines
    UNION ALL BY NAME SELECT * FROM marts.long_stay_at_headlines
    UNION ALL BY NAME SELECT * FROM marts.rtt_cleared_headlines
),

final AS (
    SELECT * FROM source
)

SELECT * FROM final ORDER BY id, scope, period

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

-- Each section's mart takes a figure's unit from the figure catalogue (meta.figures, written
-- from pipeline/metrics/catalogue.py at every build): a figure written here without an entry
-- there stops the build, naming it, rather than reach a reader without its unit.
final AS (
    SELECT * REPLACE (
        CASE WHEN unit IS NULL
            THEN error('marts.headline_values: the figure ' || id || ' has no entry in the '
                || 'figure catalogue (pipeline/metrics/catalogue.py)')
            ELSE unit END AS unit
    )
    FROM source
)

SELECT * FROM final ORDER BY id, scope, period

-- Every CMAST trust's own return beside NHS England's published figure for the same trust,
-- month and measure, where both sources define the measure the same way: A&E attendances and
-- within 4 hours by type, DM01 waiting list, 6+ weeks and activity by test, RTT waiting list
-- and long waits. One row per trust, month, measure and breakdown that both sources have.
-- status: agrees (equal), within_tolerance (relative difference at most the measure's
-- tolerance, meta.reconcile_tolerances, from CMAST_RECONCILE_TOLERANCES), differs (beyond it),
-- or not_compared (the two define it differently: 12-hour waits are from arrival in the return
-- and from the decision to admit in the publication), whose values are left out on purpose.
WITH uec AS (
    SELECT org_code, period, 'ae' AS dataset, m.measure, m.breakdown, m.value,
        NULL::DATE AS as_of
    FROM (
        SELECT org_code, period,
            sum(type1_attendances) AS t1, sum(type1_within_4h) AS t1_in,
            sum(type2_attendances) AS t2, sum(type2_within_4h) AS t2_in,
            sum(type3_attendances) AS t3, sum(type3_within_4h) AS t3_in,
            sum(booked_attendances) AS bk, sum(booked_within_4h) AS bk_in,
            sum(type1_over_12h_from_arrival) AS t1_12h
        FROM staging.stg_uec_daily GROUP BY org_code, period
    ) AS monthly, LATERAL (VALUES
        ('ae.attendances', 'type1', t1), ('ae.within_4h', 'type1', t1_in),
        ('ae.attendances', 'type2', t2), ('ae.within_4h', 'type2', t2_in),
        ('ae.attendances', 'type3', t3), ('ae.within_4h', 'type3', t3_in),
        ('ae.attendances', 'booked', bk), ('ae.within_4h', 'booked', bk_in),
        ('ae.over_12h', 'type1', t1_12h)
    ) AS m(measure, breakdown, value)
),

system_code AS (
    SELECT DISTINCT system_code FROM staging.stg_system_members
),

dm01_waiting AS (
    SELECT org_code, period, 'dm01' AS dataset, m.measure, modality AS breakdown, m.value,
        NULL::DATE AS as_of
    FROM (
        SELECT org_code, period, modality, sum(patients) AS waiting,
            coalesce(sum(patients) FILTER (WHERE waited_6w_plus), 0) AS waiting_6w_plus
        FROM staging.stg_dm01_waiting GROUP BY org_code, period, modality
    ) AS monthly, LATERAL (VALUES
        ('dm01.waiting', waiting), ('dm01.waiting_6w_plus', waiting_6w_plus)
    ) AS m(measure, value)
),

dm01_activity AS (
    SELECT org_code, period, 'dm01' AS dataset, 'dm01.activity' AS measure,
        modality AS breakdown, sum(total_tests) AS value, NULL::DATE AS as_of
    FROM staging.stg_dm01_activity GROUP BY org_code, period, modality
),

rtt AS (
    SELECT scope AS org_code, period, 'rtt' AS dataset, m.measure, 'all' AS breakdown,
        m.value, snapshot_date AS as_of
    FROM marts.rtt_weekly, LATERAL (VALUES
        ('rtt.waiting_list', waiting_total), ('rtt.over_52w', over_52w),
        ('rtt.over_65w', over_65w), ('rtt.over_78w', over_78w), ('rtt.over_104w', over_104w)
    ) AS m(measure, value)
    WHERE is_month_snapshot AND scope NOT IN (SELECT system_code FROM system_code)
),

returns AS (
    SELECT * FROM uec UNION ALL BY NAME SELECT * FROM dm01_waiting
    UNION ALL BY NAME SELECT * FROM dm01_activity UNION ALL BY NAME SELECT * FROM rtt
),

paired AS (
    SELECT
        r.org_code, r.period, r.dataset, r.measure, r.breakdown, r.as_of,
        r.value::BIGINT AS return_value, p.published_value,
        r.measure IN ('ae.over_12h') AS defined_differently
    FROM returns AS r
    JOIN staging.stg_nhse_trust_figures AS p
        USING (org_code, period, dataset, measure, breakdown)
),

tolerances AS (
    -- The most specific setting wins: the measure's own, then its dataset's, then '*'.
    SELECT paired.org_code, paired.period, paired.measure, paired.breakdown,
        arg_max(t.tolerance_pct, length(t.key)) AS tolerance_pct
    FROM paired
    JOIN meta.reconcile_tolerances AS t
        ON t.key IN (paired.measure, paired.dataset, '*')
    GROUP BY ALL
),

final AS (
    SELECT
        paired.org_code, paired.period, paired.dataset, paired.measure, paired.breakdown,
        paired.as_of,
        CASE WHEN NOT defined_differently THEN return_value END AS return_value,
        CASE WHEN NOT defined_differently THEN published_value END AS published_value,
        CASE WHEN NOT defined_differently THEN return_value - published_value END AS difference,
        CASE WHEN NOT defined_differently
            THEN 100.0 * (return_value - published_value) / nullif(published_value, 0)
        END AS relative_difference_pct,
        t.tolerance_pct,
        CASE
            WHEN defined_differently THEN 'not_compared'
            WHEN return_value = published_value THEN 'agrees'
            WHEN published_value <> 0
                AND abs(100.0 * (return_value - published_value) / published_value)
                    <= t.tolerance_pct THEN 'within_tolerance'
            ELSE 'differs'
        END AS status,
        CASE WHEN defined_differently
            THEN '12-hour waits: from arrival in the return, from the decision to admit in '
                || 'the publication'
        END AS not_compared_because
    FROM paired
    LEFT JOIN tolerances AS t USING (org_code, period, measure, breakdown)
)

SELECT * FROM final ORDER BY period, org_code, dataset, measure, breakdown

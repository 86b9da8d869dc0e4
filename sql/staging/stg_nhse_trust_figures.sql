-- NHS England's published figures for each CMAST trust and month, in the long form the
-- reconciliation compares with the trusts' own returns: one row per trust, month, measure and
-- breakdown (A&E type, DM01 test), current version of each publication only. A merged trust's
-- earlier rows count under its successor (RVY's under RBN), as the returns do.
WITH members AS (
    SELECT org_code FROM staging.stg_system_members
),

ae AS (
    SELECT p.*
    FROM raw.nhse_ae_providers AS p
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded'
),

dm01 AS (
    SELECT p.*, t.modality
    FROM raw.nhse_dm01_provider_tests AS p
    JOIN ledger.submissions AS s USING (submission_id)
    LEFT JOIN ref.dm01_tests AS t ON t.test_id = p.test_id
    WHERE s.status = 'loaded'
),

rtt AS (
    SELECT i.period, i.provider_code, sum(i.total) AS waiting_total,
        sum(i.over_52w) AS over_52w, sum(i.over_65w) AS over_65w, sum(i.over_78w) AS over_78w,
        sum(i.over_104w) AS over_104w
    FROM raw.nhse_rtt_incomplete AS i
    JOIN ledger.submissions AS s USING (submission_id)
    WHERE s.status = 'loaded' AND i.pathway_type = 'incomplete'
    GROUP BY i.period, i.provider_code
),

long AS (
    SELECT org_code, period, 'ae' AS dataset, m.measure, m.breakdown, m.value
    FROM ae, LATERAL (VALUES
        ('ae.attendances', 'type1', attendances_type1),
        ('ae.within_4h', 'type1', attendances_type1 - over_4h_type1),
        ('ae.attendances', 'type2', attendances_type2),
        ('ae.within_4h', 'type2', attendances_type2 - over_4h_type2),
        ('ae.attendances', 'type3', attendances_other),
        ('ae.within_4h', 'type3', attendances_other - over_4h_other),
        ('ae.attendances', 'booked',
            attendances_booked_type1 + attendances_booked_type2 + attendances_booked_other),
        ('ae.within_4h', 'booked',
            attendances_booked_type1 + attendances_booked_type2 + attendances_booked_other
            - over_4h_booked_type1 - over_4h_booked_type2 - over_4h_booked_other),
        ('ae.over_12h', 'type1', dta_over_12h)
    ) AS m(measure, breakdown, value)
    UNION ALL BY NAME
    SELECT provider_code AS org_code, period, 'dm01' AS dataset, m.measure, modality AS breakdown,
        m.value
    FROM dm01, LATERAL (VALUES
        ('dm01.waiting', waiting_total),
        ('dm01.waiting_6w_plus', waiting_6w_plus),
        ('dm01.activity', activity_waiting_list + activity_planned + activity_unscheduled)
    ) AS m(measure, value)
    UNION ALL BY NAME
    SELECT provider_code AS org_code, period, 'rtt' AS dataset, m.measure, 'all' AS breakdown,
        m.value
    FROM rtt, LATERAL (VALUES
        ('rtt.waiting_list', waiting_total), ('rtt.over_52w', over_52w),
        ('rtt.over_65w', over_65w), ('rtt.over_78w', over_78w), ('rtt.over_104w', over_104w)
    ) AS m(measure, value)
),

renamed AS (
    SELECT
        coalesce(o.successor_code, long.org_code) AS org_code,
        long.period, long.dataset, long.measure, long.breakdown, long.value
    FROM long
    LEFT JOIN ref.organisations AS o ON o.org_code = long.org_code
),

final AS (
    SELECT org_code, period, dataset, measure, breakdown, sum(value)::BIGINT AS published_value
    FROM renamed
    WHERE org_code IN (SELECT org_code FROM members)
    GROUP BY ALL
)

SELECT * FROM final

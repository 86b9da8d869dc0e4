-- Waiting-list (RTT incomplete pathways) rows as validated, tagged with their submission.
-- Aggregate form: one row per treatment function, pathway type and whole weeks waited.
-- Patient-level form: the PTL counted by clock start date; pathway ids are never stored.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.rtt_aggregate (
    submission_id           BIGINT NOT NULL,
    org_code                VARCHAR NOT NULL,
    period                  VARCHAR NOT NULL,  -- the snapshot date, YYYY-MM-DD (a Sunday)
    treatment_function_code VARCHAR NOT NULL,
    pathway_type            VARCHAR NOT NULL,  -- admitted or non_admitted
    weeks_waited            INTEGER NOT NULL,  -- 0 to 104; 104 = 104 or more
    pathways                BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.rtt_ptl_clock_starts (
    submission_id           BIGINT NOT NULL,
    org_code                VARCHAR NOT NULL,
    period                  VARCHAR NOT NULL,  -- the snapshot date, YYYY-MM-DD (a Sunday)
    clock_start_date        DATE NOT NULL,
    treatment_function_code VARCHAR NOT NULL,
    pathway_type            VARCHAR NOT NULL,
    priority                VARCHAR,           -- P1 to P4, or NULL when not recorded
    pathways                BIGINT NOT NULL
);

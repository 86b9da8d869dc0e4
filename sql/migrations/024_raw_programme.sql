-- Programme returns as validated, one row per metric, scope and day, tagged with their
-- submission. The ledger period is the month (YYYY-MM); a monthly figure sent without a date
-- is stored at the month's last day.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.programme (
    submission_id BIGINT NOT NULL,
    org_code      VARCHAR NOT NULL,   -- the ICB (QYG) or a trust sending its own rows
    period        VARCHAR NOT NULL,   -- YYYY-MM
    metric        VARCHAR NOT NULL,   -- a programme id of schemas/programme.py
    scope         VARCHAR NOT NULL,   -- QYG, a trust's code or a CDC's code
    date          DATE NOT NULL,      -- the day the value is for
    value         DOUBLE NOT NULL,    -- in the metric's unit
    note          VARCHAR
);

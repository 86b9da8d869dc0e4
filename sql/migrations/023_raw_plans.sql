-- Plans and targets as validated, one row per metric, scope, month, kind and parameter,
-- tagged with their submission. The ledger period is the financial year (YYYY-YY).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.plans (
    submission_id BIGINT NOT NULL,
    org_code      VARCHAR NOT NULL,   -- the ICB that sent the file
    period        VARCHAR NOT NULL,   -- financial year, e.g. 2023-24
    metric        VARCHAR NOT NULL,   -- metric id from METRICS.md
    scope         VARCHAR NOT NULL,   -- trust code, or the ICB code for the system
    month         VARCHAR NOT NULL,   -- YYYY-MM
    kind          VARCHAR NOT NULL CHECK (kind IN ('plan', 'target')),
    value         DOUBLE NOT NULL,
    deadline      DATE,               -- targets only
    parameter     VARCHAR             -- cohort weeks, theatre measure, ...
);

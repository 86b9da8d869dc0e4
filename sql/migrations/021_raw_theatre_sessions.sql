-- Theatre sessions as validated, one row per planned session, tagged with their submission.
-- Times are full date-times: an evening list that ends after midnight ends on the next day.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.theatre_sessions (
    submission_id       BIGINT NOT NULL,
    org_code            VARCHAR NOT NULL,
    period              VARCHAR NOT NULL,
    site_code           VARCHAR NOT NULL,
    theatre             VARCHAR NOT NULL,
    session_date        DATE NOT NULL,
    session             VARCHAR NOT NULL CHECK (session IN ('AM', 'PM', 'EVE', 'ALL')),
    specialty_tfc       VARCHAR NOT NULL,
    planned_start       TIMESTAMP NOT NULL,
    planned_end         TIMESTAMP NOT NULL,
    actual_start        TIMESTAMP,           -- NULL for a cancelled session
    actual_end          TIMESTAMP,
    status              VARCHAR NOT NULL CHECK (status IN ('held', 'cancelled')),
    cancellation_reason VARCHAR,
    cases               BIGINT NOT NULL
);

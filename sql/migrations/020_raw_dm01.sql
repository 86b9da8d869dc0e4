-- Diagnostics (DM01) rows as validated, tagged with their submission. Two kinds of row:
-- measure 'waiting' (patients waiting at the month's end, by weeks waited) and the three
-- 'tests_' measures (tests done in the month, weeks_waited NULL).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.dm01 (
    submission_id BIGINT NOT NULL,
    org_code      VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    test_id       INTEGER NOT NULL,   -- DM01 number, 1-15 (ref.dm01_tests)
    measure       VARCHAR NOT NULL
        CHECK (measure IN ('waiting', 'tests_waiting_list', 'tests_planned', 'tests_unscheduled')),
    weeks_waited  INTEGER,            -- 0-104 (104 = 104+) for 'waiting'; NULL for tests done
    number        BIGINT NOT NULL
);

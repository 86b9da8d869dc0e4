-- The submissions ledger: one row per file received, whatever became of it.
CREATE SCHEMA IF NOT EXISTS ledger;
CREATE SEQUENCE IF NOT EXISTS ledger.submission_id_seq START 1;
CREATE TABLE IF NOT EXISTS ledger.submissions (
    submission_id    BIGINT PRIMARY KEY,
    sha256           VARCHAR NOT NULL,
    org_code         VARCHAR NOT NULL,   -- the inbox folder's trust
    return_type      VARCHAR,            -- NULL when the file could not be recognised
    period           VARCHAR,
    template_version VARCHAR,
    file_name        VARCHAR NOT NULL,   -- the name it arrived with
    received_at      TIMESTAMP NOT NULL, -- when it landed in the inbox (file modification time)
    processed_at     TIMESTAMP NOT NULL,
    status           VARCHAR NOT NULL
        CHECK (status IN ('loaded', 'rejected', 'duplicate', 'superseded')),
    row_count        BIGINT NOT NULL DEFAULT 0,
    error_count      BIGINT NOT NULL DEFAULT 0,
    path             VARCHAR NOT NULL,   -- where the file now lies, relative to the data root
    feedback_path    VARCHAR,            -- the feedback workbook of a rejected file
    duplicate_of     BIGINT,             -- the loaded submission a duplicate repeats
    superseded_by    BIGINT,             -- the submission that replaced this one
    message          VARCHAR             -- one line for people: why it was rejected, etc.
);

-- The RTT extract's incomplete pathways by commissioner parent (ICB), as the file gives them:
-- the commissioner basis of the RTT benchmarks, beside the provider basis of nhse_rtt_incomplete.
-- An extract loaded before this table existed has no rows here, so its month has no
-- commissioner basis until the extract is loaded into a fresh warehouse.

CREATE TABLE IF NOT EXISTS raw.nhse_rtt_commissioner_parents (
    submission_id BIGINT NOT NULL,
    period VARCHAR,
    commissioner_parent_code VARCHAR,
    commissioner_parent_name VARCHAR,
    pathway_type VARCHAR,
    total BIGINT,
    within_18w BIGINT,
    over_18w BIGINT,
    over_52w BIGINT,
    over_65w BIGINT,
    over_78w BIGINT,
    over_104w BIGINT
);

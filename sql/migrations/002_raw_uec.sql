-- Urgent and emergency care rows as validated, one per site and day, tagged with their submission.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.uec_daily (
    submission_id               BIGINT NOT NULL,
    org_code                    VARCHAR NOT NULL,
    period                      VARCHAR NOT NULL,
    site_code                   VARCHAR NOT NULL,
    date                        DATE NOT NULL,
    type1_attendances           BIGINT NOT NULL,
    type1_within_4h             BIGINT NOT NULL,
    type2_attendances           BIGINT NOT NULL,
    type2_within_4h             BIGINT NOT NULL,
    type3_attendances           BIGINT NOT NULL,
    type3_within_4h             BIGINT NOT NULL,
    booked_attendances          BIGINT NOT NULL,
    booked_within_4h            BIGINT NOT NULL,
    type1_over_12h_from_arrival BIGINT NOT NULL,
    ga_beds_occupied            BIGINT NOT NULL,
    beds_stay_7plus             BIGINT NOT NULL,
    beds_stay_14plus            BIGINT NOT NULL,
    beds_stay_21plus            BIGINT NOT NULL
);

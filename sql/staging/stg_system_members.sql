-- The CMAST system and its member trusts, one row per member: the ODS list marks the members
-- (cmast_member) and names the ICB each belongs to, whose code is the system's scope in every
-- mart (its rows are the sum of the members'). Marts read the system code and the members here
-- rather than writing either into their SQL.
WITH source AS (
    SELECT * FROM ref.organisations WHERE cmast_member
),

renamed AS (
    SELECT
        org_code,
        short_name,
        icb_code AS system_code
    FROM source
),

final AS (
    SELECT org_code, short_name, system_code FROM renamed
)

SELECT * FROM final ORDER BY org_code

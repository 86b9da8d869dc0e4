-- Finance returns as validated, one row per organisation and month, tagged with their
-- submission. Money in £ thousands; surplus positive, deficit negative.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE TABLE IF NOT EXISTS raw.finance_monthly (
    submission_id              BIGINT NOT NULL,
    org_code                   VARCHAR NOT NULL,   -- a CMAST trust, or the ICB (QYG)
    period                     VARCHAR NOT NULL,   -- YYYY-MM, the month end
    fy_month                   INTEGER NOT NULL,   -- 1 = April ... 12 = March
    ytd_plan_surplus_deficit   DOUBLE NOT NULL,
    ytd_actual_surplus_deficit DOUBLE NOT NULL,
    fy_plan_surplus_deficit    DOUBLE NOT NULL,
    fy_forecast_outturn        DOUBLE NOT NULL,
    cip_ytd_plan               DOUBLE NOT NULL,
    cip_ytd_delivered          DOUBLE NOT NULL,
    cip_ytd_recurrent          DOUBLE NOT NULL,
    capital_fy_plan            DOUBLE NOT NULL,
    capital_ytd_spend          DOUBLE NOT NULL,
    cash_support_requested     DOUBLE NOT NULL,   -- cumulative, financial year to date
    cash_support_received      DOUBLE NOT NULL
);

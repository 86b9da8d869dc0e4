-- A day a site was closed all day is stored as a row marked closed (every count 0), so the
-- warehouse tells a closed day from a day missing from the return. Rows loaded before the
-- column existed were all open days.
ALTER TABLE raw.uec_daily ADD COLUMN IF NOT EXISTS site_closed BOOLEAN DEFAULT false;

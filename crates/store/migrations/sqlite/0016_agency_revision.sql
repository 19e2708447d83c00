-- Bumped by every change to an agency's profile, units, people, positions
-- or calendar, so each server's in-memory copy of them knows when to reload.
ALTER TABLE agencies ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

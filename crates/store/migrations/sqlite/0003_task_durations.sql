-- How long each task took in working minutes, kept at completion so that
-- reports aggregate without recomputing calendars.
ALTER TABLE tasks ADD COLUMN work_minutes BIGINT;
CREATE INDEX tasks_done ON tasks(agency_id, done_at);

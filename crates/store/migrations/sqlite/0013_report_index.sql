-- The accountability report reads one index range: the tasks completed in
-- the period with everything it counts, their SOP included (kept on the
-- task, so no case is looked up per task).

ALTER TABLE tasks ADD COLUMN sop_id TEXT;
UPDATE tasks SET sop_id = (SELECT c.sop_id FROM cases c WHERE c.id = tasks.case_id);
CREATE INDEX tasks_report ON tasks(agency_id, done_at, status, sop_id, step, lane, done_by, work_minutes, late_minutes);

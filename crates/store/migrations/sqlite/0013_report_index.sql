-- The accountability report reads one index range: the tasks completed in
-- the period with everything it counts, their SOP included (kept on the
-- task, so no case is looked up per task).

ALTER TABLE tasks ADD COLUMN sop_id TEXT;
UPDATE tasks SET sop_id = (SELECT c.sop_id FROM cases c WHERE c.id = tasks.case_id);
CREATE INDEX tasks_report ON tasks(agency_id, done_at, status, sop_id, step, lane, done_by, work_minutes, late_minutes);

-- A person's task list reads only the tasks still open for them, however
-- many they were offered over the years.
ALTER TABLE task_candidates ADD COLUMN is_open BIGINT NOT NULL DEFAULT 1;
UPDATE task_candidates SET is_open = 0 WHERE task_id IN (SELECT id FROM tasks WHERE status <> 'open');
CREATE INDEX task_candidates_open ON task_candidates(person_id) WHERE is_open = 1;

-- A person's task list reads only the tasks still open for them, however
-- many they were offered over the years.
ALTER TABLE task_candidates ADD COLUMN is_open BIGINT NOT NULL DEFAULT 1;
UPDATE task_candidates SET is_open = 0 WHERE task_id IN (SELECT id FROM tasks WHERE status <> 'open');
CREATE INDEX task_candidates_open ON task_candidates(person_id) WHERE is_open = 1;

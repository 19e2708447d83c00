-- A person's task list is read in urgency order straight from an index: each
-- open candidacy carries its task's due time (untimed: the largest number)
-- and start, so the most urgent page of a long backlog costs a page of
-- index entries, not a sort of the whole backlog.
ALTER TABLE task_candidates ADD COLUMN due_key BIGINT;
ALTER TABLE task_candidates ADD COLUMN started_at BIGINT;
UPDATE task_candidates SET
    due_key = COALESCE((SELECT t.due_at FROM tasks t WHERE t.id = task_candidates.task_id), 9223372036854775807),
    started_at = (SELECT t.started_at FROM tasks t WHERE t.id = task_candidates.task_id)
WHERE is_open = 1;
CREATE INDEX task_candidates_queue ON task_candidates(person_id, due_key, started_at, task_id) WHERE is_open = 1;
DROP INDEX task_candidates_open;

-- The report's case counts per SOP read one covering index range.
CREATE INDEX cases_report ON cases(agency_id, opened_at, sop_id, status);

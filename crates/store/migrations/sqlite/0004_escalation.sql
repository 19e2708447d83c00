-- When an overdue task was last escalated, and how many times.
ALTER TABLE tasks ADD COLUMN escalated_at BIGINT;
ALTER TABLE tasks ADD COLUMN escalations BIGINT NOT NULL DEFAULT 0;
CREATE INDEX tasks_due ON tasks(status, due_at);

-- Indexes that keep the hot reads on a good plan even where the query
-- planner has no statistics (on SQLite: a fresh or restored database
-- before its first analysis, and every connection opened before one).

-- A case's events. On (case_id, seq) alone, and with no statistics, the
-- agency's chain index (agency_id, chain_seq) looked as good, and reading
-- a case read every event of its agency: seconds on a large history.
DROP INDEX events_case;
CREATE INDEX events_case ON events(case_id, agency_id, seq);

-- A case's tasks, likewise: on (case_id) alone, the agency's indexes on
-- tasks looked as good, and the check of who may see a case's letter read
-- every task of the agency.
DROP INDEX tasks_case;
CREATE INDEX tasks_case ON tasks(case_id, agency_id);

-- A registry entry's latest review (the registry's lists): without it,
-- every review item was read for each entry shown.
CREATE INDEX review_items_entry ON review_items(entry_id, decided_at);

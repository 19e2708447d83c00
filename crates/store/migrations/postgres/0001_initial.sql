-- Sopir schema, PostgreSQL. Ids are TEXT, instants BIGINT epoch milliseconds,
-- JSON TEXT, flags INTEGER (see STACK.md on sqlx Any).

CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    government TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    timezone TEXT NOT NULL,
    letterhead TEXT NOT NULL
);

CREATE TABLE units (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dinas', 'opd'))
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    nip TEXT,
    unit_id TEXT NOT NULL REFERENCES units(id)
);
CREATE INDEX people_agency ON people(agency_id);

CREATE TABLE holdings (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    position TEXT NOT NULL,
    from_date TEXT NOT NULL,
    until_date TEXT,
    acting TEXT CHECK (acting IN ('plt', 'plh')),
    acting_for TEXT REFERENCES people(id)
);
CREATE INDEX holdings_agency ON holdings(agency_id, position);

CREATE TABLE days_off (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (agency_id, day)
);

CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    from_date TEXT NOT NULL,
    until_date TEXT NOT NULL,
    week TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE sop_versions (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    sop_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    source TEXT NOT NULL,
    file TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (sop_id, version)
);

CREATE TABLE counters (
    agency_id TEXT NOT NULL,
    name TEXT NOT NULL,
    year BIGINT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (agency_id, name, year)
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    number TEXT NOT NULL,
    sop_id TEXT NOT NULL,
    sop_version BIGINT NOT NULL,
    requester_id TEXT NOT NULL REFERENCES people(id),
    unit_id TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    UNIQUE (agency_id, number)
);
CREATE INDEX cases_agency ON cases(agency_id, status);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    agency_id TEXT NOT NULL,
    step BIGINT NOT NULL,
    lane TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    due_at BIGINT,
    done_by TEXT REFERENCES people(id),
    done_at BIGINT,
    late_minutes BIGINT
);
CREATE INDEX tasks_case ON tasks(case_id);
CREATE INDEX tasks_open ON tasks(agency_id, status);

CREATE TABLE task_candidates (
    task_id TEXT NOT NULL REFERENCES tasks(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    position TEXT NOT NULL,
    acting TEXT,
    acting_for TEXT,
    PRIMARY KEY (task_id, person_id, position)
);
CREATE INDEX task_candidates_person ON task_candidates(person_id);

CREATE TABLE breaches (
    task_id TEXT PRIMARY KEY REFERENCES tasks(id),
    agency_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    step BIGINT NOT NULL,
    lane TEXT NOT NULL,
    person_id TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    done_at BIGINT NOT NULL,
    late_minutes BIGINT NOT NULL
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people(id),
    case_id TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_person ON notifications(person_id, read_at);

-- The audit log: every event, hash-chained, append-only.
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    agency_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_case ON events(case_id, seq);

CREATE FUNCTION events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- The newest link of the chain; its row lock serialises writers.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'sopir-genesis');

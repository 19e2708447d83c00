-- Account security (issue 16, items 7, 9, 10).

-- Password guessing is slowed, never locked: failures per (username as
-- typed, client address), forgotten an hour after the last one. Unknown
-- usernames are counted too (so answers do not tell which names exist),
-- hence no reference to accounts.
CREATE TABLE login_failures (
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    failures BIGINT NOT NULL,
    last_failed_at BIGINT NOT NULL,
    PRIMARY KEY (username, address)
);
CREATE INDEX login_failures_age ON login_failures(last_failed_at);

-- Addresses a person logged in from: they skip the account-wide slowing
-- that many guessing addresses bring on.
CREATE TABLE login_addresses (
    username TEXT NOT NULL REFERENCES accounts(username),
    address TEXT NOT NULL,
    last_success_at BIGINT NOT NULL,
    PRIMARY KEY (username, address)
);
CREATE INDEX login_addresses_age ON login_addresses(last_success_at);

-- When guessing at an account began to be slowed, and administrators'
-- unlocks, shown to the agency's administrators.
CREATE TABLE login_lockouts (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    username TEXT NOT NULL REFERENCES accounts(username),
    kind TEXT NOT NULL,
    address TEXT,
    failures BIGINT NOT NULL,
    at BIGINT NOT NULL,
    slowed_until BIGINT,
    by_person TEXT
);
CREATE INDEX login_lockouts_recent ON login_lockouts(agency_id, at);

-- The old lockout (which anyone could set off for any account) goes.
ALTER TABLE accounts DROP COLUMN failed_logins;
ALTER TABLE accounts DROP COLUMN locked_until;

-- Sessions are found by the SHA-256 of their id; the CSRF token is derived
-- from the id, so neither is kept. Sessions kept in clear end here.
DROP TABLE sessions;
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES accounts(username),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE INDEX sessions_owner ON sessions(username);

-- API tokens expire; those made before get 90 days from now.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE api_tokens SET expires_at = (CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) + 90 * 86400) * 1000;

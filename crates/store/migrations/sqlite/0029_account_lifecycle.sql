-- Accounts in the browser (issue 18): an account is deactivated rather than
-- deleted, so the person, their cases and their events stay; sign-in, its
-- sessions and its API tokens stop while it is.
ALTER TABLE accounts ADD COLUMN deactivated_at BIGINT;

-- One-time password resets: a link sent by e-mail ("lupa kata sandi", or an
-- administrator's reset) or a code an administrator was shown once. Only
-- the SHA-256 of the secret is kept; a reset is spent when used or when a
-- newer one replaces it, and expires.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES accounts(username),
    kind TEXT NOT NULL,
    -- The administrator (a person id) who reset it; NULL: its owner asked.
    requested_by TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT
);
CREATE INDEX password_resets_owner ON password_resets(username, created_at);

-- Provisioning connectors (issue 22).
--
-- An agency's configuration of one connector kind (dns, ldap, wireguard,
-- webhook): where its server is, its secret sealed with the data key (never
-- shown back), its other settings as a JSON object of strings, and whether
-- it only shows what it would send (dry run).
CREATE TABLE connector_settings (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    connector TEXT NOT NULL,
    address TEXT NOT NULL,
    secret TEXT NOT NULL,
    options TEXT NOT NULL,
    dry_run BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (agency_id, connector)
);

-- The connector that made a registry entry real; NULL: made by hand.
ALTER TABLE registry_entries ADD COLUMN connector TEXT;

-- The outbox of connector runs, queued in the transaction of the step or
-- the registry change that causes them. state: 'menunggu' (queued or
-- retrying), 'selesai', 'gagal' (needs an administrator), 'uji-coba' (dry
-- run: message says what would be sent), 'manual' (done by hand, message
-- says how). approved: the entry's values as approved (JSON), the only
-- thing the connector acts on. handover: what the requester receives once
-- (an initial password, a VPN configuration), sealed with the data key and
-- deleted when taken.
CREATE TABLE provisioning_runs (
    id TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    entry_id TEXT NOT NULL REFERENCES registry_entries(id),
    case_id TEXT NOT NULL,
    connector TEXT NOT NULL,
    operation TEXT NOT NULL,
    approved TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    queued_by TEXT NOT NULL,
    finished_by TEXT NOT NULL DEFAULT '',
    handover_name TEXT NOT NULL DEFAULT '',
    handover_type TEXT NOT NULL DEFAULT '',
    handover TEXT,
    handover_taken_at BIGINT
);
CREATE INDEX provisioning_runs_due ON provisioning_runs(next_attempt_at) WHERE state = 'menunggu';
CREATE INDEX provisioning_runs_entry ON provisioning_runs(entry_id, created_at);
CREATE INDEX provisioning_runs_case ON provisioning_runs(case_id);

-- The WireGuard gateway's peers: one per provisioned VPN entry, its public
-- key (the private key went to the requester once and was discarded) and
-- its address in the agency's range; a suspended peer keeps its address
-- but leaves the gateway's list, a revoked one is deleted.
CREATE TABLE vpn_peers (
    entry_id TEXT PRIMARY KEY REFERENCES registry_entries(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    address TEXT NOT NULL,
    active BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX vpn_peers_address ON vpn_peers(agency_id, address);

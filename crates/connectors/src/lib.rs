//! Provisioning connectors: each one turns a registry entry the SOP's
//! approving step created into the thing itself in the agency's network —
//! a DNS record, a directory account, a WireGuard peer, or a signed webhook
//! for anything else — and undoes it when the entry is suspended or
//! revoked.
//!
//! A connector knows nothing of the database or of HTTP pages: it is given
//! the [`Approved`] values (exactly what the registry holds), the agency's
//! [`Settings`] for it (secrets already unsealed by the store) and an
//! [`Operation`], and answers an [`Outcome`] or a [`ConnectorError`] that
//! says whether trying again later may help. The store queues the work in
//! the step's own transaction (its outbox) and the server's worker runs it
//! here, so it is never lost and never run twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The kinds of connector, as an SOP names them (`provision = "dns"`).
pub use sop::ConnectorKind;

/// The settings form's fields every connector has; a connector names a
/// wrong setting by one of these or by its option key.
pub mod field {
    pub const ADDRESS: &str = "address";
    pub const SECRET: &str = "secret";
}

/// What a connector is asked to do with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// The approving step created the entry.
    Create,
    /// The entry was suspended: disable without deleting.
    Suspend,
    /// A suspended entry is active again.
    Reactivate,
    /// The entry was revoked (or expired): remove it.
    Revoke,
}

impl Operation {
    pub const ALL: [Operation; 4] =
        [Operation::Create, Operation::Suspend, Operation::Reactivate, Operation::Revoke];

    /// As stored.
    pub const fn key(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Suspend => "suspend",
            Operation::Reactivate => "reactivate",
            Operation::Revoke => "revoke",
        }
    }

    pub fn parse(key: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|o| o.key() == key)
    }

    /// Shown on the timeline: "membuat", "menangguhkan", ...
    pub const fn label(self) -> &'static str {
        match self {
            Operation::Create => "membuat",
            Operation::Suspend => "menangguhkan",
            Operation::Reactivate => "mengaktifkan kembali",
            Operation::Revoke => "mencabut",
        }
    }
}

/// A DNS record as approved: its type (A, AAAA, CNAME, TXT) and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub rtype: String,
    pub value: String,
}

/// The registry entry exactly as approved — the only thing a connector
/// ever acts on (never on a value typed afresh).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approved {
    /// The registry entry's id.
    pub entry: String,
    /// The case (permohonan) number that approved it.
    pub case_number: String,
    /// The registry kind's key (`subdomain`, `email`, `vpn`, ...).
    pub kind: String,
    /// The registered name: an FQDN, a mailbox, a username.
    pub name: String,
    /// For subdomains: the record approved.
    pub record: Option<Record>,
    /// The responsible person (penanggung jawab) named on the request.
    pub person: String,
    /// The OPD the entry is for.
    pub unit: String,
    /// The request's fields by their names, for attribute mappings.
    pub fields: BTreeMap<String, String>,
}

/// An agency's configuration of one connector kind.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where the server is: `host:port` for DNS, an `ldap://`/`ldaps://`
    /// URL, an `https://` URL for webhooks.
    pub address: String,
    /// The secret (TSIG key, bind password, webhook signing key), unsealed
    /// by the store for this run only. Never logged, never shown.
    pub secret: String,
    /// The kind's other settings (zone, base DN, mappings, ranges), as the
    /// administrator saved them.
    pub options: BTreeMap<String, String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("address", &self.address)
            .field("secret", &"[disembunyikan]")
            .field("options", &self.options)
            .finish()
    }
}

/// Something the requester must receive once — an initial password, a
/// WireGuard configuration — delivered through a one-time link, never
/// stored in clear and never in a mail body.
#[derive(Clone, PartialEq, Eq)]
pub struct Handover {
    pub filename: String,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handover").field("filename", &self.filename).finish_non_exhaustive()
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// One line for the timeline and the entry's history, in Indonesian,
    /// without any secret ("rekaman A vpn.example.go.id → 10.0.0.5 dibuat
    /// dan dijawab server").
    pub summary: String,
    /// The server's own answer, when it gave one worth keeping.
    pub answer: Option<String>,
    pub handover: Option<Handover>,
}

/// Why a run did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectorError {
    /// The server could not be reached or did not answer in time: tried
    /// again later with backoff.
    #[error("server tidak dapat dihubungi: {0}")]
    Unreachable(String),
    /// The server answered and refused (bad key, no permission, a clash):
    /// trying again will not help until someone acts.
    #[error("server menolak: {0}")]
    Refused(String),
    /// The change was accepted but the check afterwards did not see it.
    #[error("perubahan tidak terlihat saat diperiksa: {0}")]
    Unverified(String),
    /// The agency's settings for the connector are incomplete or wrong.
    #[error("pengaturan konektor: {0}")]
    Settings(String),
}

impl ConnectorError {
    /// Whether trying again later may succeed without anyone acting.
    pub fn retryable(&self) -> bool {
        matches!(self, ConnectorError::Unreachable(_) | ConnectorError::Unverified(_))
    }

    /// Stable code for the API and the UI.
    pub const fn code(&self) -> &'static str {
        match self {
            ConnectorError::Unreachable(_) => "connector_unreachable",
            ConnectorError::Refused(_) => "connector_refused",
            ConnectorError::Unverified(_) => "connector_unverified",
            ConnectorError::Settings(_) => "connector_settings",
        }
    }
}

pub mod dns;
pub mod ldap;
pub mod setting_rules;
pub mod webhook;
pub mod wireguard;

/// Whether the agency's `settings` for `kind` are complete and sound:
/// (field, message) for each mistake, for the settings form.
pub fn check_settings(kind: ConnectorKind, settings: &Settings) -> Result<(), Vec<(String, String)>> {
    match kind {
        ConnectorKind::Webhook => webhook::check_settings(settings),
        ConnectorKind::Dns => dns::check_settings(settings),
        ConnectorKind::Ldap => ldap::check_settings(settings),
        ConnectorKind::Wireguard => {
            let mut problems = wireguard::check_settings(settings).err().unwrap_or_default();
            if settings.secret.chars().count() < wireguard::PULL_TOKEN_MIN_CHARS {
                let message = format!(
                    "token yang dipakai gateway untuk mengambil daftar peer: paling sedikit {} karakter",
                    wireguard::PULL_TOKEN_MIN_CHARS
                );
                problems.push((field::SECRET.into(), message));
            }
            if problems.is_empty() { Ok(()) } else { Err(problems) }
        }
    }
}

/// What a dry run of `operation` on `approved` would send.
pub fn describe(
    kind: ConnectorKind,
    settings: &Settings,
    operation: Operation,
    approved: &Approved,
) -> Result<String, ConnectorError> {
    match kind {
        ConnectorKind::Webhook => webhook::describe(settings, operation, approved),
        ConnectorKind::Dns => dns::describe(settings, operation, approved),
        ConnectorKind::Ldap => ldap::describe(settings, operation, approved),
        ConnectorKind::Wireguard => Err(ConnectorError::Settings(KEPT_BY_SOPIR.into())),
    }
}

/// Runs `operation` on `approved` through the agency's `kind` connector.
/// `run` names this queued run (the same for each of its retries): a
/// receiver that can tell deliveries apart uses it to act once.
pub async fn run(
    kind: ConnectorKind,
    settings: &Settings,
    operation: Operation,
    approved: &Approved,
    run: &str,
) -> Result<Outcome, ConnectorError> {
    match kind {
        ConnectorKind::Webhook => webhook::run(settings, operation, approved, run).await,
        ConnectorKind::Dns => dns::run(settings, operation, approved).await,
        ConnectorKind::Ldap => ldap::run(settings, operation, approved).await,
        ConnectorKind::Wireguard => Err(ConnectorError::Settings(KEPT_BY_SOPIR.into())),
    }
}

/// WireGuard peers are kept by Sopir itself (the gateway pulls its list):
/// the store allocates and records them, with [`wireguard`]'s help.
const KEPT_BY_SOPIR: &str = "peer WireGuard dicatat oleh server Sopir sendiri, bukan dikirim ke server lain";

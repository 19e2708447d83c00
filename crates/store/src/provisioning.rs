//! Provisioning: the outbox of connector runs. When the step an SOP's
//! `[registry] provision` names creates an entry — and the agency has
//! configured that connector — a run is queued in the step's own
//! transaction; suspending, reactivating, revoking or the entry expiring
//! queues its undo the same way. The server's worker claims due runs and
//! reports each as done, failed (retried with backoff, or left to an
//! administrator, who tries again or records that it was done by hand), or
//! as a dry run. Every run is in the audit chain; secrets never leave the
//! sealed columns, and what the requester must receive once (an initial
//! password, a VPN configuration) is sealed until taken, then deleted.

use std::collections::BTreeMap;

use connectors::{Approved, ConnectorError, ConnectorKind, Operation, Outcome, Record, Settings};
use engine::form::FieldError;
use engine::{CaseState, EngineError};
use sop::Sop;
use sop::definition::Registry;
use sqlx::{Any, Row};

use crate::personal_data::required;
use crate::record_event::{Change, Owner, append};
use crate::registry::REVOKED;
use crate::{Store, StoreError, WriteTx, new_id};

/// Attempts before a retried run is left to an administrator.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed run is left to its worker before another may try
/// (a connector's work is idempotent, so a crashed worker's run is simply
/// run again).
const CLAIM_MS: i64 = 5 * 60_000;
/// The settings form's field of the other settings (`name = value` lines).
pub const FORM_OPTIONS: &str = "options";

/// Days a handover waits for its requester before it is discarded.
pub const HANDOVER_KEPT_DAYS: i64 = 30;
/// Longest text kept from a connector's message or answer.
const TEXT_MAX_CHARS: usize = 1000;

/// What the connector does when an entry moves to `state`.
pub(crate) fn undo_for(state: crate::registry::EntryState) -> Operation {
    match state {
        crate::registry::EntryState::Active => Operation::Reactivate,
        crate::registry::EntryState::Suspended => Operation::Suspend,
        crate::registry::EntryState::Revoked => Operation::Revoke,
    }
}

/// The wait before attempt `attempts + 1`: thirty seconds, doubling, at
/// most an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    (30_000_i64 << attempts.clamp(0, 20)).min(3600 * 1000)
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunState {
    /// Queued, or waiting for its next attempt.
    Waiting,
    Done,
    /// Refused, or retried until [`MAX_ATTEMPTS`]: an administrator tries
    /// again or does it by hand.
    Failed,
    /// The connector is in dry-run mode: the message says what it would send.
    DryRun,
    /// Done by hand, the message saying how.
    Manual,
    /// A failed run or a dry run that a later run of its entry replaced:
    /// it is no longer anyone's task, and is never run again (it would act
    /// on a state the entry has left).
    Superseded,
}

impl RunState {
    pub const ALL: [RunState; 6] = [
        RunState::Waiting,
        RunState::Done,
        RunState::Failed,
        RunState::DryRun,
        RunState::Manual,
        RunState::Superseded,
    ];

    /// As stored and shown.
    pub const fn key(self) -> &'static str {
        match self {
            RunState::Waiting => "menunggu",
            RunState::Done => "selesai",
            RunState::Failed => "gagal",
            RunState::DryRun => "uji-coba",
            RunState::Manual => "manual",
            RunState::Superseded => "digantikan",
        }
    }

    /// As said in a refusal.
    pub const fn label(self) -> &'static str {
        match self {
            RunState::Waiting => "menunggu",
            RunState::Done => "selesai",
            RunState::Failed => "gagal",
            RunState::DryRun => "uji coba",
            RunState::Manual => "dikerjakan manual",
            RunState::Superseded => "digantikan penyediaan yang lebih baru",
        }
    }

    pub fn parse(key: &str) -> Option<RunState> {
        RunState::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Whether an administrator may run it again (a dry run, once the
    /// connector is live, or a failure).
    pub fn may_retry(self) -> bool {
        matches!(self, RunState::Failed | RunState::DryRun)
    }
}

const WAITING: &str = RunState::Waiting.key();

/// A connector as an agency configured it, as shown to its administrators
/// (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorConfig {
    pub kind: ConnectorKind,
    pub address: String,
    pub options: BTreeMap<String, String>,
    pub dry_run: bool,
    pub updated_at: i64,
}

/// A connector's settings as an administrator saves them. `secret: None`
/// (or empty) keeps the one saved before; `options` is one `key = value`
/// per line.
#[derive(Clone, Copy)]
pub struct ConnectorForm<'a> {
    pub address: &'a str,
    pub secret: Option<&'a str>,
    pub options: &'a str,
    pub dry_run: bool,
}

/// One run, as the case page, the registry entry and the administrators'
/// list show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub id: String,
    pub entry_id: String,
    pub entry_name: String,
    pub case_id: String,
    pub connector: ConnectorKind,
    pub operation: Operation,
    pub state: RunState,
    pub attempts: i64,
    pub next_attempt_at: i64,
    /// The stable code of the last error ([`ConnectorError::code`]); empty
    /// when none.
    pub error_code: String,
    /// What was done, what went wrong, what a dry run would send, or how it
    /// was done by hand.
    pub message: String,
    pub answer: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Who tried it again or did it by hand.
    pub finished_by: String,
    /// The name of what the requester receives once, while not yet taken.
    pub handover: Option<String>,
    /// When it was taken.
    pub handover_taken_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: String,
    entry_id: String,
    entry_name: String,
    case_id: String,
    connector: String,
    operation: String,
    state: String,
    attempts: i64,
    next_attempt_at: i64,
    error_code: String,
    message: String,
    answer: String,
    created_at: i64,
    updated_at: i64,
    finished_by: String,
    handover_name: String,
    handover_ready: i64,
    handover_taken_at: Option<i64>,
}

const RUN_SELECT: &str = "SELECT r.id, r.entry_id, e.name AS entry_name, r.case_id, r.connector, r.operation,
        r.state, r.attempts, r.next_attempt_at, r.error_code, r.message, r.answer, r.created_at, r.updated_at,
        r.finished_by, r.handover_name, CASE WHEN r.handover IS NULL THEN 0 ELSE 1 END AS handover_ready,
        r.handover_taken_at
     FROM provisioning_runs r JOIN registry_entries e ON e.id = r.entry_id";

impl TryFrom<RunRow> for Run {
    type Error = StoreError;

    fn try_from(r: RunRow) -> Result<Run, StoreError> {
        let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} penyediaan \"{value}\""));
        Ok(Run {
            connector: ConnectorKind::parse(&r.connector).ok_or_else(|| corrupt("konektor", &r.connector))?,
            operation: Operation::parse(&r.operation).ok_or_else(|| corrupt("operasi", &r.operation))?,
            state: RunState::parse(&r.state).ok_or_else(|| corrupt("status", &r.state))?,
            handover: (r.handover_ready == 1).then_some(r.handover_name),
            id: r.id,
            entry_id: r.entry_id,
            entry_name: r.entry_name,
            case_id: r.case_id,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            error_code: r.error_code,
            message: r.message,
            answer: r.answer,
            created_at: r.created_at,
            updated_at: r.updated_at,
            finished_by: r.finished_by,
            handover_taken_at: r.handover_taken_at,
        })
    }
}

/// A run claimed by a worker: everything the connector needs but the
/// agency's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRun {
    pub id: String,
    pub agency: String,
    pub entry: String,
    pub connector: ConnectorKind,
    pub operation: Operation,
    pub approved: Approved,
    pub attempts: i64,
}

/// What the requester receives once, taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakenHandover {
    pub filename: String,
    pub content_type: String,
    pub body: String,
}

/// Reads the `key = value` lines of a settings form; (line, message) for
/// each line that is neither that, blank, nor a `#` comment.
fn parse_options(text: &str) -> Result<BTreeMap<String, String>, Vec<String>> {
    let mut options = BTreeMap::new();
    let mut errors = Vec::new();
    for (no, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            errors.push(format!("baris {no}: tulis nama = nilai"));
            continue;
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            errors.push(format!("baris {no}: nama \"{key}\" hanya huruf kecil, angka dan garis bawah"));
        } else if options.insert(key.to_string(), value.trim().to_string()).is_some() {
            errors.push(format!("baris {no}: \"{key}\" sudah ditulis di baris sebelumnya"));
        }
    }
    if errors.is_empty() { Ok(options) } else { Err(errors) }
}

/// The request's fields a connector may map, without personal data.
fn shareable_fields(sop: &Sop, state: &CaseState) -> BTreeMap<String, String> {
    sop.steps
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| !f.personal)
        .filter_map(|f| state.field(&f.name).map(|v| (f.name.clone(), v.trim().to_string())))
        .collect()
}

fn clip(text: &str) -> String {
    text.chars().take(TEXT_MAX_CHARS).collect()
}

impl Store {
    /// `agency`'s configured connectors, in [`ConnectorKind::ALL`] order.
    pub async fn connector_configs(&self, agency: &str) -> Result<Vec<ConnectorConfig>, StoreError> {
        let rows = sqlx::query(
            "SELECT connector, address, options, dry_run, updated_at FROM connector_settings WHERE agency_id = $1",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        let mut configs = Vec::new();
        for row in rows {
            let key: String = row.try_get("connector")?;
            let Some(kind) = ConnectorKind::parse(&key) else { continue };
            let options: String = row.try_get("options")?;
            configs.push(ConnectorConfig {
                kind,
                address: row.try_get("address")?,
                options: serde_json::from_str(&options).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                dry_run: row.try_get::<i64, _>("dry_run")? == 1,
                updated_at: row.try_get("updated_at")?,
            });
        }
        configs.sort_by_key(|c| ConnectorKind::ALL.iter().position(|k| *k == c.kind));
        Ok(configs)
    }

    /// `agency`'s settings for `kind`, the secret unsealed, and whether it
    /// is a dry run; `None` when it has not configured that connector.
    pub async fn connector_settings(
        &self,
        agency: &str,
        kind: ConnectorKind,
    ) -> Result<Option<(Settings, bool)>, StoreError> {
        let row = sqlx::query(
            "SELECT address, secret, options, dry_run FROM connector_settings WHERE agency_id = $1 AND connector = $2",
        )
        .bind(agency)
        .bind(kind.key())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let sealed: String = row.try_get("secret")?;
        let options: String = row.try_get("options")?;
        let secret =
            if sealed.is_empty() { String::new() } else { required(self.key.as_ref())?.open(&sealed)? };
        let settings = Settings {
            address: row.try_get("address")?,
            secret,
            options: serde_json::from_str(&options).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        };
        Ok(Some((settings, row.try_get::<i64, _>("dry_run")? == 1)))
    }

    /// Saves `agency`'s settings for `kind`, checked by the connector
    /// itself; a refused form changes nothing.
    pub async fn save_connector(
        &self,
        agency: &str,
        kind: ConnectorKind,
        form: ConnectorForm<'_>,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let ConnectorForm { address, secret, options, dry_run } = form;
        let address = address.trim().to_string();
        let options = parse_options(options).map_err(|errors| {
            StoreError::Engine(EngineError::Invalid(vec![FieldError::new(
                FORM_OPTIONS,
                "Pengaturan lain",
                errors.join("; "),
            )]))
        })?;
        let kept = match secret.filter(|s| !s.is_empty()) {
            Some(_) => None,
            None => {
                sqlx::query_scalar::<_, String>(
                    "SELECT secret FROM connector_settings WHERE agency_id = $1 AND connector = $2",
                )
                .bind(agency)
                .bind(kind.key())
                .fetch_optional(&self.pool)
                .await?
            }
        };
        let plain_secret = match (&kept, secret.filter(|s| !s.is_empty())) {
            (_, Some(new)) => new.to_string(),
            (Some(sealed), None) if !sealed.is_empty() => required(self.key.as_ref())?.open(sealed)?,
            _ => String::new(),
        };
        let settings = Settings { address: address.clone(), secret: plain_secret.clone(), options };
        connectors::check_settings(kind, &settings).map_err(|errors| {
            let errors = errors
                .into_iter()
                .map(|(field, message)| {
                    let (field, label) = match field.as_str() {
                        connectors::field::ADDRESS => (field.clone(), "Alamat server".to_string()),
                        connectors::field::SECRET => (field.clone(), "Rahasia".to_string()),
                        other => (FORM_OPTIONS.to_string(), format!("Pengaturan lain: {other}")),
                    };
                    FieldError::new(&field, &label, message)
                })
                .collect();
            StoreError::Engine(EngineError::Invalid(errors))
        })?;
        let sealed = if plain_secret.is_empty() {
            String::new()
        } else {
            match kept {
                Some(kept) => kept,
                None => required(self.key.as_ref())?.seal(&plain_secret),
            }
        };
        let statement = sqlx::query(
            "INSERT INTO connector_settings (agency_id, connector, address, secret, options, dry_run, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (agency_id, connector) DO UPDATE SET address = $3, secret = $4, options = $5, dry_run = $6,
                 updated_by = $7, updated_at = $8",
        )
        .bind(agency)
        .bind(kind.key())
        .bind(address.clone())
        .bind(sealed)
        .bind(serde_json::to_string(&settings.options).expect("options serialise"))
        .bind(i64::from(dry_run))
        .bind(by.to_string())
        .bind(at);
        let change = Change::ConnectorSet {
            connector: kind.key().into(),
            address,
            options: settings.options.clone(),
            secret_changed: secret.is_some_and(|s| !s.is_empty()),
            dry_run,
        };
        self.write_recorded(statement, Owner::Agency(agency), Some(by), change, at).await?;
        Ok(())
    }

    /// `by` removes `agency`'s settings for `kind`: its SOPs' steps are
    /// manual again; runs already queued find no settings and wait for an
    /// administrator.
    pub async fn remove_connector(
        &self,
        agency: &str,
        kind: ConnectorKind,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let statement = sqlx::query("DELETE FROM connector_settings WHERE agency_id = $1 AND connector = $2")
            .bind(agency.to_string())
            .bind(kind.key());
        let change = Change::ConnectorRemoved { connector: kind.key().into() };
        if self.write_recorded(statement, Owner::Agency(agency), Some(by), change, at).await? == 0 {
            return Err(StoreError::NotFound(format!("pengaturan konektor {}", kind.label())));
        }
        Ok(())
    }

    /// Queues the creation of the entry `entry` just registered for
    /// `state`, when the SOP provisions it and the agency configured that
    /// connector (else the work stays manual, as before).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn queue_creation(
        &self,
        tx: &mut WriteTx,
        sop: &Sop,
        registry: &Registry,
        state: &CaseState,
        entry: &str,
        name: &str,
        unit: &str,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let Some(kind) = registry.provision else { return Ok(()) };
        let configured: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM connector_settings WHERE agency_id = $1 AND connector = $2")
                .bind(&state.agency)
                .bind(kind.key())
                .fetch_optional(&mut **tx)
                .await?;
        if configured.is_none() {
            return Ok(());
        }
        let field = |f: &str| state.field(f).map(str::trim).unwrap_or_default().to_string();
        let approved = Approved {
            entry: entry.to_string(),
            case_number: state.number.clone(),
            kind: registry.kind.key().to_string(),
            name: name.to_string(),
            record: registry.record.as_ref().map(|(t, v)| Record { rtype: field(t), value: field(v) }),
            person: field(&registry.person),
            unit: unit.to_string(),
            fields: shareable_fields(sop, state),
        };
        sqlx::query("UPDATE registry_entries SET connector = $1 WHERE id = $2")
            .bind(kind.key())
            .bind(entry)
            .execute(&mut **tx)
            .await?;
        queue(tx, &state.agency, &approved, &state.id, kind, Operation::Create, Some(by), at).await
    }

    /// Claims up to `limit` runs due at `now`, one per entry and in the
    /// order they were queued (an undo never overtakes its creation).
    pub async fn claim_due_runs(&self, now: i64, limit: i64) -> Result<Vec<DueRun>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT r.id, r.agency_id, r.entry_id, r.connector, r.operation, r.approved, r.attempts, r.next_attempt_at
             FROM provisioning_runs r
             WHERE r.state = '{WAITING}' AND r.next_attempt_at <= $1
               AND NOT EXISTS (SELECT 1 FROM provisioning_runs b WHERE b.entry_id = r.entry_id
                   AND b.state = '{WAITING}' AND (b.created_at < r.created_at OR (b.created_at = r.created_at AND b.id < r.id)))
             ORDER BY r.next_attempt_at, r.id LIMIT $2"
        )))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for row in &rows {
            let id: String = row.try_get("id")?;
            let due: i64 = row.try_get("next_attempt_at")?;
            let taken = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE provisioning_runs SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3 AND state = '{WAITING}'"
            )))
            .bind(now + CLAIM_MS)
            .bind(&id)
            .bind(due)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if taken != 1 {
                continue;
            }
            let connector: String = row.try_get("connector")?;
            let operation: String = row.try_get("operation")?;
            let approved: String = row.try_get("approved")?;
            let corrupt = |what: &str| StoreError::Corrupt(format!("{what} penyediaan {id}"));
            claimed.push(DueRun {
                agency: row.try_get("agency_id")?,
                entry: row.try_get("entry_id")?,
                connector: ConnectorKind::parse(&connector).ok_or_else(|| corrupt("konektor"))?,
                operation: Operation::parse(&operation).ok_or_else(|| corrupt("operasi"))?,
                approved: serde_json::from_str(&approved).map_err(|_| corrupt("nilai"))?,
                attempts: row.try_get("attempts")?,
                id,
            });
        }
        Ok(claimed)
    }

    /// Records that `run` was done as `outcome` says; a handover is kept
    /// sealed until the requester takes it.
    pub async fn run_done(&self, run: &DueRun, outcome: &Outcome, at: i64) -> Result<(), StoreError> {
        let (statement, change) = self.done_statement(run, outcome, at)?;
        self.write_recorded(statement, Owner::Agency(&run.agency), None, change, at).await?;
        Ok(())
    }

    /// The statement recording `run` as done and its record in the chain.
    pub(crate) fn done_statement(
        &self,
        run: &DueRun,
        outcome: &Outcome,
        at: i64,
    ) -> Result<(sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>, Change), StoreError> {
        let handover = match &outcome.handover {
            Some(h) => Some((h, required(self.key.as_ref())?.seal(&String::from_utf8_lossy(&h.body)))),
            None => None,
        };
        let statement = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE provisioning_runs SET state = $1, attempts = attempts + 1, error_code = '', message = $2,
                 answer = $3, updated_at = $4, handover_name = $5, handover_type = $6, handover = $7
             WHERE id = $8 AND state = '{WAITING}'"
        )))
        .bind(RunState::Done.key())
        .bind(clip(&outcome.summary))
        .bind(clip(outcome.answer.as_deref().unwrap_or_default()))
        .bind(at)
        .bind(handover.as_ref().map(|(h, _)| h.filename.clone()).unwrap_or_default())
        .bind(handover.as_ref().map(|(h, _)| h.content_type.clone()).unwrap_or_default())
        .bind(handover.map(|(_, sealed)| sealed))
        .bind(run.id.clone());
        Ok((statement, due_change(run, RunState::Done, &outcome.summary)))
    }

    /// Records a dry run: `would_send` is what the connector would have sent.
    pub async fn run_dry(&self, run: &DueRun, would_send: &str, at: i64) -> Result<(), StoreError> {
        let statement = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE provisioning_runs SET state = $1, message = $2, error_code = '', updated_at = $3
             WHERE id = $4 AND state = '{WAITING}'"
        )))
        .bind(RunState::DryRun.key())
        .bind(clip(would_send))
        .bind(at)
        .bind(&run.id);
        self.record_run(statement, run, RunState::DryRun, would_send, at).await
    }

    /// Records a failed attempt: a retryable error waits [`backoff_ms`]
    /// until [`MAX_ATTEMPTS`]; any other, or the last, leaves the run to an
    /// administrator.
    pub async fn run_failed(&self, run: &DueRun, error: &ConnectorError, at: i64) -> Result<(), StoreError> {
        let attempts = run.attempts + 1;
        let state = if error.retryable() && attempts < MAX_ATTEMPTS {
            RunState::Waiting
        } else if self.has_later_run(&run.entry, &run.id).await? {
            // A later run of the entry acts on it as it now is.
            RunState::Superseded
        } else {
            RunState::Failed
        };
        let message = error.to_string();
        let statement = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE provisioning_runs SET state = $1, attempts = $2, next_attempt_at = $3, error_code = $4,
                 message = $5, updated_at = $6
             WHERE id = $7 AND state = '{WAITING}'"
        )))
        .bind(state.key())
        .bind(attempts)
        .bind(at + backoff_ms(run.attempts))
        .bind(error.code())
        .bind(clip(&message))
        .bind(at)
        .bind(&run.id);
        self.record_run(statement, run, state, &message, at).await
    }

    async fn record_run(
        &self,
        statement: sqlx::query::Query<'_, Any, sqlx::any::AnyArguments>,
        run: &DueRun,
        state: RunState,
        message: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let change = due_change(run, state, message);
        self.write_recorded(statement, Owner::Agency(&run.agency), None, change, at).await?;
        Ok(())
    }

    /// `by`, an administrator, has a failed run (or a dry run) tried again now.
    pub async fn retry_run(&self, agency: &str, run: &str, by: &str, at: i64) -> Result<(), StoreError> {
        let found = self.run(agency, run).await?;
        if !found.state.may_retry() {
            return Err(not_open(&found));
        }
        if self.has_later_run(&found.entry_id, &found.id).await? {
            return Err(StoreError::invalid(
                "penyediaan",
                "Penyediaan",
                "entri ini sudah punya penyediaan yang lebih baru; yang ini tidak dijalankan lagi",
            ));
        }
        let statement = sqlx::query(
            "UPDATE provisioning_runs SET state = $1, attempts = 0, next_attempt_at = $2, updated_at = $2,
                 finished_by = $3 WHERE id = $4 AND agency_id = $5 AND state = $6",
        )
        .bind(WAITING)
        .bind(at)
        .bind(by.to_string())
        .bind(run.to_string())
        .bind(agency.to_string())
        .bind(found.state.key());
        let change = shown_change(&found, RunState::Waiting, "dicoba lagi oleh administrator");
        self.write_recorded(statement, Owner::Agency(agency), Some(by), change, at).await?;
        Ok(())
    }

    /// `by`, an administrator, records that a failed run's work was done by
    /// hand, saying how.
    pub async fn run_done_by_hand(
        &self,
        agency: &str,
        run: &str,
        by: &str,
        note: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let note = note.trim();
        if note.is_empty() {
            return Err(StoreError::invalid(
                "catatan",
                "Catatan",
                "wajib diisi: tulis apa yang dikerjakan manual",
            ));
        }
        if note.chars().count() > TEXT_MAX_CHARS {
            return Err(StoreError::invalid(
                "catatan",
                "Catatan",
                format!("paling banyak {TEXT_MAX_CHARS} karakter"),
            ));
        }
        let found = self.run(agency, run).await?;
        if !found.state.may_retry() {
            return Err(not_open(&found));
        }
        let statement = sqlx::query(
            "UPDATE provisioning_runs SET state = $1, message = $2, updated_at = $3, finished_by = $4
             WHERE id = $5 AND agency_id = $6 AND state = $7",
        )
        .bind(RunState::Manual.key())
        .bind(note.to_string())
        .bind(at)
        .bind(by.to_string())
        .bind(run.to_string())
        .bind(agency.to_string())
        .bind(found.state.key());
        let change = shown_change(&found, RunState::Manual, note);
        self.write_recorded(statement, Owner::Agency(agency), Some(by), change, at).await?;
        Ok(())
    }

    /// Whether `entry` has a run queued after `run` (and not itself replaced).
    async fn has_later_run(&self, entry: &str, run: &str) -> Result<bool, StoreError> {
        let later: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM provisioning_runs r JOIN provisioning_runs o ON o.id = $2
             WHERE r.entry_id = $1 AND r.id <> o.id AND r.state <> $3
               AND (r.created_at > o.created_at OR (r.created_at = o.created_at AND r.id > o.id))",
        )
        .bind(entry)
        .bind(run)
        .bind(RunState::Superseded.key())
        .fetch_optional(&self.pool)
        .await?;
        Ok(later.is_some())
    }

    /// One run of `agency`.
    pub async fn run(&self, agency: &str, run: &str) -> Result<Run, StoreError> {
        let row: Option<RunRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{RUN_SELECT} WHERE r.agency_id = $1 AND r.id = $2")))
                .bind(agency)
                .bind(run)
                .fetch_optional(&self.pool)
                .await?;
        row.ok_or_else(|| StoreError::NotFound("penyediaan".into()))?.try_into()
    }

    /// The runs for a registry entry, oldest first.
    pub async fn runs_of_entry(&self, agency: &str, entry: &str) -> Result<Vec<Run>, StoreError> {
        self.runs_where(agency, "r.entry_id = $2 ORDER BY r.created_at, r.id", entry).await
    }

    /// The runs for the entries a case registered, oldest first.
    pub async fn runs_of_case(&self, agency: &str, case: &str) -> Result<Vec<Run>, StoreError> {
        self.runs_where(agency, "r.case_id = $2 ORDER BY r.created_at, r.id", case).await
    }

    /// The runs waiting for an administrator (failed), oldest first.
    pub async fn runs_needing_action(&self, agency: &str) -> Result<Vec<Run>, StoreError> {
        self.runs_where(agency, "r.state = $2 ORDER BY r.updated_at, r.id", RunState::Failed.key()).await
    }

    async fn runs_where(&self, agency: &str, condition: &str, value: &str) -> Result<Vec<Run>, StoreError> {
        let rows: Vec<RunRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{RUN_SELECT} WHERE r.agency_id = $1 AND {condition}"
        )))
        .bind(agency)
        .bind(value)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Run::try_from).collect()
    }

    /// Hands the requester of `case` what run `run` left for them, once:
    /// it is deleted as it is read.
    pub async fn take_handover(
        &self,
        agency: &str,
        case: &str,
        run: &str,
        at: i64,
    ) -> Result<TakenHandover, StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let row = sqlx::query(
                "SELECT handover_name, handover_type, handover FROM provisioning_runs
                 WHERE agency_id = $1 AND case_id = $2 AND id = $3",
            )
            .bind(agency)
            .bind(case)
            .bind(run)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound("penyediaan".into()))?;
            let Some(sealed) = row.try_get::<Option<String>, _>("handover")? else {
                return Err(StoreError::NotFound(
                    "berkas serah terima (sudah diambil sekali, atau tidak ada)".into(),
                ));
            };
            // Taken only by whoever clears it first (two servers on one database).
            let taken = sqlx::query(
                "UPDATE provisioning_runs SET handover = NULL, handover_taken_at = $1
                 WHERE id = $2 AND agency_id = $3 AND case_id = $4 AND handover IS NOT NULL",
            )
            .bind(at)
            .bind(run)
            .bind(agency)
            .bind(case)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if taken != 1 {
                return Err(StoreError::NotFound("berkas serah terima (sudah diambil sekali)".into()));
            }
            Ok(TakenHandover {
                filename: row.try_get("handover_name")?,
                content_type: row.try_get("handover_type")?,
                body: required(self.key.as_ref())?.open(&sealed)?,
            })
        }
        .await;
        write.finish(result).await
    }

    /// Queues the undo of every provisioned entry of `agency` whose
    /// valid-until date is before `today` (`YYYY-MM-DD`) and that has no
    /// revocation queued yet, and discards handovers older than
    /// [`HANDOVER_KEPT_DAYS`]. Returns how many undos were queued.
    pub async fn queue_expired_undos(&self, agency: &str, today: &str, at: i64) -> Result<usize, StoreError> {
        let entries: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT e.id FROM registry_entries e
             WHERE e.agency_id = $1 AND e.connector IS NOT NULL AND e.state <> '{REVOKED}'
               AND e.valid_until IS NOT NULL AND e.valid_until <> '' AND e.valid_until < $2
               AND NOT EXISTS (SELECT 1 FROM provisioning_runs r WHERE r.entry_id = e.id AND r.operation = $3)"
        )))
        .bind(agency)
        .bind(today)
        .bind(Operation::Revoke.key())
        .fetch_all(&self.pool)
        .await?;
        // A handover nobody took within its time is discarded: an initial
        // password or a private key is not kept for ever.
        sqlx::query(
            "UPDATE provisioning_runs SET handover = NULL WHERE agency_id = $1 AND handover IS NOT NULL AND updated_at < $2",
        )
        .bind(agency)
        .bind(at - HANDOVER_KEPT_DAYS * 86_400_000)
        .execute(&self.pool)
        .await?;
        for entry in &entries {
            let mut write = self.write().await?;
            let tx = write.tx();
            let result = queue_undo(tx, entry, Operation::Revoke, None, at).await;
            write.finish(result).await?;
        }
        Ok(entries.len())
    }

    /// The agencies with provisioned entries (for the expiry sweep).
    pub async fn agencies_provisioning(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT DISTINCT agency_id FROM registry_entries WHERE connector IS NOT NULL")
            .fetch_all(&self.pool)
            .await?)
    }
}

fn not_open(run: &Run) -> StoreError {
    StoreError::not_now(format!(
        "sudah {}; hanya yang gagal atau uji coba (dan belum digantikan) yang dapat dicoba lagi",
        run.state.label()
    ))
}

/// A run's record in the chain: `state` reached, and what was said.
fn run_change(
    run: &str,
    entry: &str,
    connector: ConnectorKind,
    operation: Operation,
    state: RunState,
    message: &str,
) -> Change {
    Change::Provisioning {
        run: run.into(),
        entry: entry.into(),
        connector: connector.key().into(),
        operation: operation.key().into(),
        state: state.key().into(),
        message: clip(message),
    }
}

fn due_change(run: &DueRun, state: RunState, message: &str) -> Change {
    run_change(&run.id, &run.entry, run.connector, run.operation, state, message)
}

fn shown_change(run: &Run, state: RunState, message: &str) -> Change {
    run_change(&run.id, &run.entry_id, run.connector, run.operation, state, message)
}

/// Queues `operation` on `approved` through `kind`, recorded in the chain.
#[allow(clippy::too_many_arguments)]
async fn queue(
    tx: &mut WriteTx,
    agency: &str,
    approved: &Approved,
    case: &str,
    kind: ConnectorKind,
    operation: Operation,
    by: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO provisioning_runs (id, agency_id, entry_id, case_id, connector, operation, approved, state,
             next_attempt_at, created_at, updated_at, queued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9, $10)",
    )
    .bind(&id)
    .bind(agency)
    .bind(&approved.entry)
    .bind(case)
    .bind(kind.key())
    .bind(operation.key())
    .bind(serde_json::to_string(approved).expect("approved values serialise"))
    .bind(WAITING)
    .bind(at)
    .bind(by.unwrap_or_default())
    .execute(&mut **tx)
    .await?;
    // What an earlier run left undone is no longer anyone's task: this
    // run acts on the entry as it now is.
    sqlx::query("UPDATE provisioning_runs SET state = $1, updated_at = $2 WHERE entry_id = $3 AND id <> $4 AND state IN ($5, $6)")
        .bind(RunState::Superseded.key())
        .bind(at)
        .bind(&approved.entry)
        .bind(&id)
        .bind(RunState::Failed.key())
        .bind(RunState::DryRun.key())
        .execute(&mut **tx)
        .await?;
    let message = format!("{} {} diantrekan", operation.label(), approved.name);
    let change = run_change(&id, &approved.entry, kind, operation, RunState::Waiting, &message);
    append(tx, Owner::Agency(agency), by, change, at).await
}

/// Queues `operation` (the undo of a suspension, reactivation or
/// revocation) for `entry`, when a connector made it: on exactly the
/// values its creation acted on.
pub(crate) async fn queue_undo(
    tx: &mut WriteTx,
    entry: &str,
    operation: Operation,
    by: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    let created = sqlx::query(
        "SELECT r.agency_id, r.case_id, r.connector, r.approved FROM provisioning_runs r
         JOIN registry_entries e ON e.id = r.entry_id AND e.connector = r.connector
         WHERE r.entry_id = $1 AND r.operation = $2 ORDER BY r.created_at LIMIT 1",
    )
    .bind(entry)
    .bind(Operation::Create.key())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(created) = created else { return Ok(()) };
    // Removed from the network (revoked, or expired) is final: a later
    // change of the entry must not bring it back.
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT operation FROM provisioning_runs WHERE entry_id = $1 AND state <> $2
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(entry)
    .bind(RunState::Superseded.key())
    .fetch_optional(&mut **tx)
    .await?;
    if latest.as_deref() == Some(Operation::Revoke.key()) {
        return Ok(());
    }
    if matches!(operation, Operation::Suspend | Operation::Revoke) {
        // What the requester has not taken yet would open what is now closed.
        sqlx::query(
            "UPDATE provisioning_runs SET handover = NULL WHERE entry_id = $1 AND handover IS NOT NULL",
        )
        .bind(entry)
        .execute(&mut **tx)
        .await?;
    }
    let connector: String = created.try_get("connector")?;
    let kind = ConnectorKind::parse(&connector)
        .ok_or_else(|| StoreError::Corrupt(format!("konektor penyediaan \"{connector}\"")))?;
    let approved: String = created.try_get("approved")?;
    let approved: Approved =
        serde_json::from_str(&approved).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let agency: String = created.try_get("agency_id")?;
    let case: String = created.try_get("case_id")?;
    queue(tx, &agency, &approved, &case, kind, operation, by, at).await
}

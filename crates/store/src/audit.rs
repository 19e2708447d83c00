//! The audit log: every event appended with the SHA-256 of its canonical
//! form chained to the previous event's hash. `verify` walks the chain and
//! names the first event that was modified, removed or reordered.

use std::fmt::{self, Write as _};

use engine::Event;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::record_event::RecordEvent;
use crate::{Store, StoreError};

/// The hash before the first event.
pub const GENESIS: &str = "sopir-genesis";

/// One stored event row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub agency: String,
    pub case: String,
    pub kind: String,
    pub at: i64,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEvent {
    /// The hash this row should carry given its content.
    pub fn expected_hash(&self) -> String {
        chain_hash(&self.prev_hash, self.seq, &self.agency, &self.case, &self.kind, self.at, &self.payload)
    }

    /// Whether this is a change outside any case (see [`crate::record_event`]).
    pub fn is_record(&self) -> bool {
        self.case.is_empty()
    }

    /// The change outside any case this row records.
    pub fn record(&self) -> Result<RecordEvent, StoreError> {
        serde_json::from_str(&self.payload)
            .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", self.seq)))
    }

    pub fn event(&self) -> Result<Event, StoreError> {
        let body = serde_json::from_str(&self.payload)
            .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", self.seq)))?;
        Ok(Event { case: self.case.clone(), at: self.at, body })
    }
}

fn chain_hash(prev: &str, seq: i64, agency: &str, case: &str, kind: &str, at: i64, payload: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [prev, &seq.to_string(), agency, case, kind, &at.to_string(), payload] {
        hasher.update(part.as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Rows in one INSERT of [`append_entries`]: a few kilobytes, for the same
/// reason as the roster's rows (100 rows a statement made PostgreSQL three
/// times slower than one, 10 rows faster than both).
const EVENTS_PER_INSERT: usize = 10;

/// One row about to be appended to the chain.
pub(crate) struct Entry {
    /// Empty for a change outside any case (see [`crate::record_event`]).
    pub case: String,
    pub kind: &'static str,
    pub at: i64,
    pub payload: String,
}

/// Appends `events` to the chain inside `tx`. Takes the head row's lock
/// first, so concurrent writers queue and the chain stays linear.
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    agency: &str,
    events: &[Event],
) -> Result<Vec<StoredEvent>, StoreError> {
    let entries = events
        .iter()
        .map(|event| Entry {
            case: event.case.clone(),
            kind: event.body.kind(),
            at: event.at,
            payload: serde_json::to_string(&event.body).expect("events serialise"),
        })
        .collect();
    append_entries(tx, agency, entries).await
}

/// Appends `entries` to the chain inside `tx`, whose caller holds the head
/// row's lock.
pub(crate) async fn append_entries(
    tx: &mut Transaction<'static, Any>,
    agency: &str,
    entries: Vec<Entry>,
) -> Result<Vec<StoredEvent>, StoreError> {
    // The caller took the head row's lock as its transaction's first write.
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut **tx).await?;
    let (mut seq, mut prev): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    let mut stored = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let row = StoredEvent {
            seq,
            agency: agency.to_string(),
            case: entry.case,
            kind: entry.kind.to_string(),
            at: entry.at,
            payload: entry.payload,
            prev_hash: prev,
            hash: String::new(),
        };
        let row = StoredEvent { hash: row.expected_hash(), ..row };
        prev = row.hash.clone();
        stored.push(row);
    }
    // A step appends a few events; an import tens of thousands, which one
    // statement each would spend in round trips (12 s for 60,000 on
    // PostgreSQL). Full chunks share one SQL text, so it is prepared once.
    for chunk in stored.chunks(EVENTS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO events (seq, agency_id, case_id, kind, at, payload, prev_hash, hash) VALUES ",
        );
        for i in 0..chunk.len() {
            let n = i * 8;
            let _ = write!(
                sql,
                "{}(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                if i == 0 { "" } else { ", " },
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6,
                n + 7,
                n + 8
            );
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            query = query
                .bind(row.seq)
                .bind(&row.agency)
                .bind(&row.case)
                .bind(&row.kind)
                .bind(row.at)
                .bind(&row.payload)
                .bind(&row.prev_hash)
                .bind(&row.hash);
        }
        query.execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&prev)
        .execute(&mut **tx)
        .await?;
    Ok(stored)
}

fn row_to_event(row: &sqlx::any::AnyRow) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        seq: row.try_get("seq")?,
        agency: row.try_get("agency_id")?,
        case: row.try_get("case_id")?,
        kind: row.try_get("kind")?,
        at: row.try_get("at")?,
        payload: row.try_get("payload")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// The events of one case, oldest first, scoped to its agency.
pub(crate) async fn case_events<'e, E>(
    executor: E,
    agency: &str,
    case: &str,
) -> Result<Vec<StoredEvent>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    // The empty case id is the changes outside cases', never a case's.
    if case.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT seq, agency_id, case_id, kind, at, payload, prev_hash, hash FROM events
         WHERE agency_id = $1 AND case_id = $2 ORDER BY seq",
    )
    .bind(agency)
    .bind(case)
    .fetch_all(executor)
    .await?;
    rows.iter().map(row_to_event).collect()
}

/// The newest `limit` changes outside cases recorded for `agency`, newest first.
pub(crate) async fn record_rows<'e, E>(
    executor: E,
    agency: &str,
    limit: i64,
) -> Result<Vec<StoredEvent>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT seq, agency_id, case_id, kind, at, payload, prev_hash, hash FROM events
         WHERE agency_id = $1 AND case_id = '' ORDER BY seq DESC LIMIT $2",
    )
    .bind(agency)
    .bind(limit)
    .fetch_all(executor)
    .await?;
    rows.iter().map(row_to_event).collect()
}

/// What is wrong with the chain, at the first place it breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The row's content no longer matches its hash.
    Modified { seq: i64, case: String, kind: String },
    /// Rows are missing before `seq` (`seq` itself is absent).
    Removed { seq: i64 },
    /// The row does not follow the one before it.
    Reordered { seq: i64, case: String, kind: String },
}

/// How an event is named in a report: its kind and case, or that it is a
/// change outside cases.
fn named(kind: &str, case: &str) -> String {
    if case.is_empty() { format!("{kind}, di luar permohonan") } else { format!("{kind}, permohonan {case}") }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::Modified { seq, case, kind } => {
                write!(
                    f,
                    "event #{seq} ({}) telah diubah: isinya tidak cocok dengan hash-nya",
                    named(kind, case)
                )
            }
            Break::Removed { seq } => {
                write!(f, "event #{seq} telah dihapus: nomor urut itu hilang dari rantai")
            }
            Break::Reordered { seq, case, kind } => write!(
                f,
                "event #{seq} ({}) tidak menyambung ke event sebelumnya: urutan diubah",
                named(kind, case)
            ),
        }
    }
}

/// The result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Events checked before the first break (or all of them).
    pub checked: i64,
    /// Of those, the changes outside any case.
    pub records: i64,
    pub first_break: Option<Break>,
}

const PAGE: i64 = 2000;

impl Store {
    /// Walks the chain from the first event to the head.
    pub async fn verify_audit(&self) -> Result<Report, StoreError> {
        let mut prev = GENESIS.to_string();
        let mut expected = 1i64;
        let mut records = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT seq, agency_id, case_id, kind, at, payload, prev_hash, hash FROM events
                 WHERE seq >= $1 ORDER BY seq LIMIT $2",
            )
            .bind(expected)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            for row in &rows {
                let e = row_to_event(row)?;
                let found = |b| Ok(Report { checked: expected - 1, records, first_break: Some(b) });
                if e.seq != expected {
                    return found(Break::Removed { seq: expected });
                }
                if e.prev_hash != prev {
                    return found(Break::Reordered { seq: e.seq, case: e.case, kind: e.kind });
                }
                if e.expected_hash() != e.hash {
                    return found(Break::Modified { seq: e.seq, case: e.case, kind: e.kind });
                }
                records += i64::from(e.is_record());
                prev = e.hash;
                expected += 1;
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
        let checked = expected - 1;
        if head_seq > checked {
            return Ok(Report { checked, records, first_break: Some(Break::Removed { seq: checked + 1 }) });
        }
        if head_hash != prev {
            return Ok(Report { checked, records, first_break: Some(Break::Removed { seq: checked }) });
        }
        Ok(Report { checked, records, first_break: None })
    }

    /// Every event of a case, as stored (for timelines and exports).
    pub async fn case_events(&self, agency: &str, case: &str) -> Result<Vec<StoredEvent>, StoreError> {
        case_events(&self.pool, agency, case).await
    }
}

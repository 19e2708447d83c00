//! The audit log: every event appended with the SHA-256 of its canonical
//! form chained to the previous event's hash. Each agency has a chain of
//! its own, so writers of different agencies never wait for one head; the
//! installation's chain (agency `""`) holds the events recorded before the
//! split into agency chains and, after them, anchors of every agency
//! chain's head (see [`crate::chain_anchor`]), so a chain removed whole is
//! still found. `verify` walks every chain and names the first event that
//! was modified, removed or reordered.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use engine::Event;
use sha2::{Digest, Sha256};
use sqlx::{Any, Row};

use crate::record_event::{ChainHead, Change, RecordEvent};
use crate::{Store, StoreError, WriteTx};

/// A query of whole [`StoredEvent`] rows: their columns, then `$rest`
/// (a literal, so the query text stays static).
macro_rules! select_events {
    ($rest:literal) => {
        concat!(
            "SELECT seq, agency_id, case_id, kind, at, payload, prev_hash, hash, chain_seq FROM events ",
            $rest
        )
    };
}
// Used by name only from the test-support forgery module.
#[cfg(feature = "test-support")]
pub(crate) use select_events;

/// A case's events (`$1` its agency, `$2` the case) from `$3` (a `seq`)
/// on, in chain order.
pub(crate) const CASE_EVENTS: &str = select_events!(
    "WHERE agency_id = $1 AND case_id = $2 AND seq >= $3 ORDER BY chain_seq IS NOT NULL, COALESCE(chain_seq, seq)"
);

/// The hash before the first event of every chain.
pub const GENESIS: &str = "sopir-genesis";

/// The agency key of the installation's own chain.
pub const INSTALLATION: &str = "";

/// One stored event row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvent {
    /// Its order of arrival across all chains.
    pub seq: i64,
    #[sqlx(rename = "agency_id")]
    pub agency: String,
    #[sqlx(rename = "case_id")]
    pub case: String,
    pub kind: String,
    pub at: i64,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
    /// Its place in its agency's chain; `None` for an event recorded before
    /// the split, whose place in the installation's chain is `seq`.
    pub chain_seq: Option<i64>,
}

impl StoredEvent {
    /// Its place in the chain it belongs to.
    pub fn position(&self) -> i64 {
        self.chain_seq.unwrap_or(self.seq)
    }

    /// The chain it belongs to: its agency's, or the installation's for an
    /// event recorded before the split.
    pub fn chain(&self) -> &str {
        if self.chain_seq.is_some() { &self.agency } else { INSTALLATION }
    }

    /// The hash this row should carry given its content.
    pub fn expected_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            self.position(),
            &self.agency,
            &self.case,
            &self.kind,
            self.at,
            &self.payload,
        )
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
    tx: &mut WriteTx,
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

/// Appends `entries` to `agency`'s chain inside `tx`. Takes that chain's
/// head row first, so writers of one agency queue on it and its chain stays
/// linear; a transaction that appends to several chains takes the
/// installation's head (the write queue's lock) before any agency's.
pub(crate) async fn append_entries(
    tx: &mut WriteTx,
    agency: &str,
    entries: Vec<Entry>,
) -> Result<Vec<StoredEvent>, StoreError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let (mut position, mut prev) = lock_head(tx, agency).await?;
    let arrivals = arrival_numbers(tx, entries.len()).await?;
    let mut stored = Vec::with_capacity(entries.len());
    for (entry, seq) in entries.into_iter().zip(arrivals) {
        position += 1;
        let row = StoredEvent {
            seq,
            agency: agency.to_string(),
            case: entry.case,
            kind: entry.kind.to_string(),
            at: entry.at,
            payload: entry.payload,
            prev_hash: prev,
            hash: String::new(),
            chain_seq: Some(position),
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
            "INSERT INTO events (seq, agency_id, case_id, kind, at, payload, prev_hash, hash, chain_seq) VALUES ",
        );
        for i in 0..chunk.len() {
            let n = i * 9;
            let _ = write!(sql, "{}(", if i == 0 { "" } else { ", " });
            for k in 1..=9 {
                let _ = write!(sql, "{}${}", if k == 1 { "" } else { ", " }, n + k);
            }
            sql.push(')');
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
                .bind(&row.hash)
                .bind(row.chain_seq);
        }
        query.execute(&mut **tx).await?;
    }
    let moved = if agency == INSTALLATION {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(position).bind(&prev)
    } else {
        sqlx::query("UPDATE audit_chains SET seq = $1, hash = $2 WHERE agency_id = $3")
            .bind(position)
            .bind(&prev)
            .bind(agency)
    };
    moved.execute(&mut **tx).await?;
    Ok(stored)
}

/// Takes the head of `agency`'s chain (or the installation's) for `tx` and
/// reads it: its length and last hash.
async fn lock_head(tx: &mut WriteTx, agency: &str) -> Result<(i64, String), StoreError> {
    if agency != INSTALLATION {
        return lock_agency_head(tx, agency).await;
    }
    // Held already by a command of the installation's lane.
    Ok(sqlx::query_as("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?)
}

/// Takes `agency`'s chain head for `tx` (a new agency's chain starts at
/// [`GENESIS`]): its length and last hash.
pub(crate) async fn lock_agency_head(tx: &mut WriteTx, agency: &str) -> Result<(i64, String), StoreError> {
    Ok(sqlx::query_as(
        "INSERT INTO audit_chains (agency_id, seq, hash) VALUES ($1, 0, $2)
         ON CONFLICT (agency_id) DO UPDATE SET seq = audit_chains.seq RETURNING seq, hash",
    )
    .bind(agency)
    .bind(GENESIS)
    .fetch_one(&mut **tx)
    .await?)
}

/// `n` fresh arrival numbers (`seq`) for new rows, drawn after the chain
/// head is taken, so they rise along each agency's chain (the kept cases
/// of [`crate::case_cache`] rely on it). SQLite has one writer
/// at a time, so the next ones after the largest do; PostgreSQL draws them
/// from a sequence, so writers of different agencies need not wait for
/// each other (a rolled-back writer leaves a gap, which no chain minds).
async fn arrival_numbers(tx: &mut WriteTx, n: usize) -> Result<Vec<i64>, StoreError> {
    let n = i64::try_from(n).expect("fewer rows than i64::MAX");
    if tx.is_postgres() {
        Ok(sqlx::query_scalar("SELECT nextval('events_order') FROM generate_series(1, $1::BIGINT)")
            .bind(n)
            .fetch_all(&mut **tx)
            .await?)
    } else {
        let last: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events").fetch_one(&mut **tx).await?;
        Ok((last + 1..=last + n).collect())
    }
}

/// The events of one case, oldest first, scoped to its agency: in their
/// chain's order (the arrival number is not hashed), those of before the
/// split first.
pub(crate) async fn case_events<'e, E>(
    executor: E,
    agency: &str,
    case: &str,
) -> Result<Vec<StoredEvent>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    case_events_from(executor, agency, case, i64::MIN).await
}

/// A case's events from the one numbered `seq` on, in chain order.
pub(crate) async fn case_events_from<'e, E>(
    executor: E,
    agency: &str,
    case: &str,
    seq: i64,
) -> Result<Vec<StoredEvent>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    // The empty case id is the changes outside cases', never a case's.
    if case.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(CASE_EVENTS).bind(agency).bind(case).bind(seq).fetch_all(executor).await?)
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
    Ok(sqlx::query_as(select_events!("WHERE agency_id = $1 AND case_id = '' ORDER BY seq DESC LIMIT $2"))
        .bind(agency)
        .bind(limit)
        .fetch_all(executor)
        .await?)
}

/// What is wrong with a chain, at the first place it breaks. `seq` is a
/// place in that chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The row's content no longer matches its hash.
    Modified { chain: String, seq: i64, case: String, kind: String },
    /// Rows are missing before `seq` (`seq` itself is absent).
    Removed { chain: String, seq: i64 },
    /// The row does not follow the one before it.
    Reordered { chain: String, seq: i64, case: String, kind: String },
    /// The row links up, but the installation's chain anchored another hash
    /// at its place: the chain was rewritten from there on.
    Rewritten { chain: String, seq: i64 },
    /// The chain has events but its head row is gone.
    HeadMissing { chain: String },
    /// A row that belongs to no chain (arrival number `seq`).
    Stray { seq: i64 },
}

/// How an event is named in a report: its kind and case, or that it is a
/// change outside cases.
fn named(kind: &str, case: &str) -> String {
    if case.is_empty() { format!("{kind}, di luar permohonan") } else { format!("{kind}, permohonan {case}") }
}

/// How a chain is named in a report.
fn chain_name(chain: &str) -> String {
    if chain == INSTALLATION { "rantai instalasi".to_string() } else { format!("rantai instansi {chain}") }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::Modified { chain, seq, case, kind } => write!(
                f,
                "{}: event #{seq} ({}) telah diubah: isinya tidak cocok dengan hash-nya",
                chain_name(chain),
                named(kind, case)
            ),
            Break::Removed { chain, seq } => write!(
                f,
                "{}: event #{seq} telah dihapus: nomor urut itu hilang dari rantai",
                chain_name(chain)
            ),
            Break::Reordered { chain, seq, case, kind } => write!(
                f,
                "{}: event #{seq} ({}) tidak menyambung ke event sebelumnya: urutan diubah",
                chain_name(chain),
                named(kind, case)
            ),
            Break::Rewritten { chain, seq } => write!(
                f,
                "{}: event #{seq} tidak lagi ber-hash seperti yang dicatat rantai instalasi: rantai ditulis ulang sejak itu",
                chain_name(chain)
            ),
            Break::HeadMissing { chain } => {
                write!(f, "{}: kepala rantai telah dihapus", chain_name(chain))
            }
            Break::Stray { seq } => write!(
                f,
                "event bernomor kedatangan #{seq} tidak termasuk rantai mana pun: baris itu disisipkan di luar rantai"
            ),
        }
    }
}

/// The result of walking every chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Events checked before the first break (or all of them).
    pub checked: i64,
    /// Of those, the changes outside any case.
    pub records: i64,
    /// Agency chains walked (besides the installation's).
    pub chains: usize,
    pub first_break: Option<Break>,
}

const PAGE: i64 = 2000;

/// One chain walked from its first event on.
struct Walk {
    chain: String,
    prev: String,
    /// The place the next row must have.
    next: i64,
    checked: i64,
    records: i64,
    /// The hash the installation's chain anchored at a place of this chain.
    anchored: Option<(i64, String)>,
}

impl Walk {
    fn new(chain: &str, anchored: Option<(i64, String)>) -> Walk {
        Walk {
            chain: chain.to_string(),
            prev: GENESIS.to_string(),
            next: 1,
            checked: 0,
            records: 0,
            anchored,
        }
    }

    fn take(&mut self, e: StoredEvent) -> Result<(), Break> {
        let chain = self.chain.clone();
        if e.position() != self.next {
            return Err(Break::Removed { chain, seq: self.next });
        }
        if e.prev_hash != self.prev {
            return Err(Break::Reordered { chain, seq: e.position(), case: e.case, kind: e.kind });
        }
        if e.expected_hash() != e.hash {
            return Err(Break::Modified { chain, seq: e.position(), case: e.case, kind: e.kind });
        }
        if self.anchored.as_ref().is_some_and(|(seq, hash)| *seq == e.position() && *hash != e.hash) {
            return Err(Break::Rewritten { chain, seq: e.position() });
        }
        self.records += i64::from(e.is_record());
        self.checked += 1;
        self.next += 1;
        self.prev = e.hash;
        Ok(())
    }

    /// Walks the rows of `part`, `PAGE` at a time.
    async fn rows(&mut self, tx: &mut WriteTx, part: Part) -> Result<Result<(), Break>, StoreError> {
        loop {
            let query = match part {
                Part::Unsplit => sqlx::query_as(
                    "SELECT seq, agency_id, case_id, kind, at, payload, prev_hash, hash, CAST(NULL AS BIGINT) AS chain_seq
                     FROM events WHERE seq >= $1 ORDER BY seq LIMIT $2",
                )
                .bind(self.next),
                Part::BeforeSplit { end } => sqlx::query_as(
                    select_events!("WHERE chain_seq IS NULL AND seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3"),
                )
                .bind(self.next)
                .bind(end),
                Part::Chain => sqlx::query_as(
                    select_events!("WHERE agency_id = $1 AND chain_seq >= $2 ORDER BY chain_seq LIMIT $3"),
                )
                .bind(&self.chain)
                .bind(self.next),
            };
            let rows: Vec<StoredEvent> = query.bind(PAGE).fetch_all(&mut **tx).await?;
            let full = rows.len() as i64 == PAGE;
            for row in rows {
                if let Err(b) = self.take(row) {
                    return Ok(Err(b));
                }
            }
            if !full {
                return Ok(Ok(()));
            }
        }
    }

    /// The chain ends where its head says, at the place anchored or later.
    fn end(&self, head: Option<(i64, String)>) -> Result<(), Break> {
        let chain = self.chain.clone();
        let end = self.next - 1;
        if self.anchored.as_ref().is_some_and(|(seq, _)| *seq > end) {
            return Err(Break::Removed { chain, seq: end + 1 });
        }
        match head {
            None if end > 0 => Err(Break::HeadMissing { chain }),
            None => Ok(()),
            Some((seq, _)) if seq > end => Err(Break::Removed { chain, seq: end + 1 }),
            Some((_, hash)) if hash != self.prev => Err(Break::Removed { chain, seq: end }),
            Some(_) => Ok(()),
        }
    }
}

/// Which rows a [`Walk`] reads.
#[derive(Clone, Copy)]
enum Part {
    /// Every row of a database from before the split (read, not migrated).
    Unsplit,
    /// The installation's chain before the split, up to place `end`.
    BeforeSplit { end: i64 },
    /// The rows carrying a place in the walk's chain.
    Chain,
}

/// Whether `e` says a table is missing (SQLite's words, PostgreSQL's code).
fn is_missing_table(e: &dyn sqlx::error::DatabaseError) -> bool {
    e.code().as_deref() == Some("42P01") || e.message().contains("no such table")
}

/// Where the installation's single chain of before the split into agency
/// chains ended (0: it had no events).
pub(crate) async fn legacy_end<'e, E>(executor: E) -> Result<i64, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    Ok(sqlx::query_scalar("SELECT legacy_end FROM audit_split WHERE id = 1").fetch_one(executor).await?)
}

/// The agency chains' heads as the installation's chain last anchored them.
pub(crate) async fn last_anchor<'e, E>(executor: E) -> Result<BTreeMap<String, (i64, String)>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let payload: Option<String> = sqlx::query_scalar(
        "SELECT payload FROM events WHERE agency_id = '' AND kind = 'chains-anchored'
         ORDER BY chain_seq DESC LIMIT 1",
    )
    .fetch_optional(executor)
    .await?;
    let Some(payload) = payload else { return Ok(BTreeMap::new()) };
    let record: RecordEvent = serde_json::from_str(&payload)
        .map_err(|e| StoreError::Corrupt(format!("anchor of the agency chains: {e}")))?;
    let Change::ChainsAnchored { heads } = record.change else {
        return Err(StoreError::Corrupt("anchor of the agency chains".into()));
    };
    Ok(heads.into_iter().map(|ChainHead { agency, seq, hash }| (agency, (seq, hash))).collect())
}

impl Store {
    /// Walks every chain from its first event to its head: the
    /// installation's first (it holds the anchors of the others), then each
    /// agency's.
    pub async fn verify_audit(&self) -> Result<Report, StoreError> {
        let mut report = Report { checked: 0, records: 0, chains: 0, first_break: None };
        // A copy made by an older Sopir, read without migrating it, has one
        // chain and no `audit_split` table.
        let (split, legacy_end) = match legacy_end(&self.pool).await {
            Ok(end) => (true, end),
            Err(StoreError::Database(sqlx::Error::Database(e))) if is_missing_table(e.as_ref()) => {
                (false, i64::MAX)
            }
            Err(e) => return Err(e),
        };
        // One snapshot: what writers append meanwhile is neither half-seen
        // nor taken for a chain running past its head.
        let mut tx = WriteTx::from(self.pool.begin().await?);
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let mut installation = Walk::new(INSTALLATION, None);
        let first_part = if split { Part::BeforeSplit { end: legacy_end } } else { Part::Unsplit };
        let mut walked = installation.rows(&mut tx, first_part).await?;
        if walked.is_ok() && installation.next > legacy_end {
            walked = installation.rows(&mut tx, Part::Chain).await?;
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
        let head = (head.try_get("seq")?, head.try_get("hash")?);
        let done = |report: &mut Report, walk: &Walk, result: Result<(), Break>| {
            report.checked += walk.checked;
            report.records += walk.records;
            report.first_break = result.err();
            report.first_break.is_some()
        };
        if done(&mut report, &installation, walked.and_then(|()| installation.end(Some(head)))) || !split {
            return Ok(report);
        }
        let mut anchored = last_anchor(&mut *tx).await?;
        let heads: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT agency_id, seq, hash FROM audit_chains ORDER BY agency_id")
                .fetch_all(&mut *tx)
                .await?;
        let mut heads: BTreeMap<String, Option<(i64, String)>> =
            heads.into_iter().map(|(agency, seq, hash)| (agency, Some((seq, hash)))).collect();
        let with_events: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT agency_id FROM events WHERE chain_seq IS NOT NULL AND agency_id <> ''",
        )
        .fetch_all(&mut *tx)
        .await?;
        for agency in with_events.into_iter().chain(anchored.keys().cloned().collect::<Vec<_>>()) {
            heads.entry(agency).or_insert(None);
        }
        heads.remove(INSTALLATION);
        for (agency, head) in heads {
            let mut walk = Walk::new(&agency, anchored.remove(&agency));
            let walked = walk.rows(&mut tx, Part::Chain).await?;
            report.chains += 1;
            if done(&mut report, &walk, walked.and_then(|()| walk.end(head))) {
                return Ok(report);
            }
        }
        // A row no chain holds was slipped in beside them.
        let stray: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(seq) FROM events
             WHERE (chain_seq IS NULL AND seq > $1) OR chain_seq < 1 OR (agency_id = '' AND chain_seq <= $1)",
        )
        .bind(legacy_end)
        .fetch_one(&mut *tx)
        .await?;
        report.first_break = stray.map(|seq| Break::Stray { seq });
        Ok(report)
    }

    /// Every event of a case, as stored (for timelines and exports).
    pub async fn case_events(&self, agency: &str, case: &str) -> Result<Vec<StoredEvent>, StoreError> {
        case_events(&self.pool, agency, case).await
    }
}

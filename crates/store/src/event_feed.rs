//! The event feed: what happened in an agency, in the order of its audit
//! chain, as other systems are told it — a province's dashboard, the
//! national integration platform, the agency's own scripts. The feed reads
//! the agency's chain after a cursor (its place in the chain), so a reader
//! resumes exactly where it stopped; webhooks ([`crate::webhooks`]) deliver
//! the same items. Only what others may know is told: never a form's
//! values, a note, a name or who acted — the position (jabatan) that acted
//! is enough to follow the SOP's standard times.

use engine::EventBody;
use serde::Serialize;

use crate::record_event::{Change, RecordEvent};
use crate::{Store, StoreError};

/// The most items one read returns.
pub const MAX_PAGE: i64 = 500;

/// The case an item is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedCase {
    pub id: String,
    /// The case's number (nomor permohonan).
    pub number: String,
    /// The SOP's id within the agency (its slug).
    pub sop: String,
}

/// What happened. Its [`FeedEvent::kind`] is the item's `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEvent {
    /// A request was filed.
    CaseOpened { sop_version: u32, unit: String, due_at: Option<i64> },
    /// A step's task was given to a lane (jabatan).
    TaskOpened { task: String, step: u32, lane: String, due_at: Option<i64> },
    /// A step was done; `verdict` is `ya` or `tidak` at a decision.
    StepDone { task: String, step: u32, position: String, verdict: Option<String> },
    /// A step was done after its standard time.
    DeadlineBreached { task: String, step: u32, lane: String, due_at: i64, late_minutes: i64 },
    /// An open step passed its standard time (again, each escalation round).
    TaskOverdue { task: String, step: u32, lane: String, due_at: i64, round: u32 },
    /// The whole procedure ended after its deadline.
    CaseDeadlineBreached { due_at: i64, late_minutes: i64 },
    /// The whole procedure is open past its deadline.
    CaseOverdue { due_at: i64, round: u32 },
    /// `completed`, `rejected` or `withdrawn`.
    CaseClosed { outcome: String },
    /// An outgoing letter was signed, with a certificate or by the signing
    /// service.
    LetterSigned { number: String, signed_with: String },
    /// A registry entry was suspended, reactivated or revoked.
    RegistryChanged { entry: String, registry: String, from: String, to: String },
}

/// The kinds of [`FeedEvent`], as subscriptions name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    CaseOpened,
    TaskOpened,
    StepDone,
    DeadlineBreached,
    TaskOverdue,
    CaseDeadlineBreached,
    CaseOverdue,
    CaseClosed,
    LetterSigned,
    RegistryChanged,
}

impl FeedKind {
    pub const ALL: [FeedKind; 10] = [
        FeedKind::CaseOpened,
        FeedKind::TaskOpened,
        FeedKind::StepDone,
        FeedKind::DeadlineBreached,
        FeedKind::TaskOverdue,
        FeedKind::CaseDeadlineBreached,
        FeedKind::CaseOverdue,
        FeedKind::CaseClosed,
        FeedKind::LetterSigned,
        FeedKind::RegistryChanged,
    ];

    /// Its name in items, headers and subscriptions.
    pub fn key(self) -> &'static str {
        match self {
            FeedKind::CaseOpened => "case-opened",
            FeedKind::TaskOpened => "task-opened",
            FeedKind::StepDone => "step-done",
            FeedKind::DeadlineBreached => "deadline-breached",
            FeedKind::TaskOverdue => "task-overdue",
            FeedKind::CaseDeadlineBreached => "case-deadline-breached",
            FeedKind::CaseOverdue => "case-overdue",
            FeedKind::CaseClosed => "case-closed",
            FeedKind::LetterSigned => "letter-signed",
            FeedKind::RegistryChanged => "registry-changed",
        }
    }

    pub fn parse(key: &str) -> Option<FeedKind> {
        FeedKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

impl FeedEvent {
    pub fn kind(&self) -> FeedKind {
        match self {
            FeedEvent::CaseOpened { .. } => FeedKind::CaseOpened,
            FeedEvent::TaskOpened { .. } => FeedKind::TaskOpened,
            FeedEvent::StepDone { .. } => FeedKind::StepDone,
            FeedEvent::DeadlineBreached { .. } => FeedKind::DeadlineBreached,
            FeedEvent::TaskOverdue { .. } => FeedKind::TaskOverdue,
            FeedEvent::CaseDeadlineBreached { .. } => FeedKind::CaseDeadlineBreached,
            FeedEvent::CaseOverdue { .. } => FeedKind::CaseOverdue,
            FeedEvent::CaseClosed { .. } => FeedKind::CaseClosed,
            FeedEvent::LetterSigned { .. } => FeedKind::LetterSigned,
            FeedEvent::RegistryChanged { .. } => FeedKind::RegistryChanged,
        }
    }
}

/// One item of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    pub agency: String,
    /// Its place in the agency's chain: the cursor to read after.
    pub position: i64,
    pub at: i64,
    pub case: Option<FeedCase>,
    pub event: FeedEvent,
}

impl FeedItem {
    /// `<agency>:<position>`, the same in the feed and in every delivery of
    /// it: what a receiver de-duplicates by.
    pub fn id(&self) -> String {
        format!("{}:{}", self.agency, self.position)
    }
}

/// One read of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Where the next read starts: the last place read, also when the
    /// events there are not told (an administrator's settings, a sign-in).
    pub next: i64,
    /// Whether more was recorded after `next` when this was read.
    pub more: bool,
}

#[derive(sqlx::FromRow)]
struct FeedRow {
    chain_seq: i64,
    case_id: String,
    kind: String,
    at: i64,
    payload: String,
    number: Option<String>,
    sop_id: Option<String>,
}

impl Store {
    /// Up to `limit` events of `agency` recorded after place `after`, in
    /// chain order. Events from before the chains were split per agency
    /// (an upgraded installation's history) are not in the feed.
    pub async fn feed(&self, agency: &str, after: i64, limit: i64) -> Result<FeedPage, StoreError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let rows: Vec<FeedRow> = sqlx::query_as(
            "SELECT e.chain_seq, e.case_id, e.kind, e.at, e.payload, c.number, c.sop_id
             FROM events e LEFT JOIN cases c ON c.id = e.case_id
             WHERE e.agency_id = $1 AND e.chain_seq > $2
             ORDER BY e.chain_seq LIMIT $3",
        )
        .bind(agency)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() as i64 == limit;
        let next = rows.last().map_or(after, |r| r.chain_seq);
        let mut items = Vec::new();
        for row in rows {
            let Some((case, event)) = self.told(agency, &row).await? else { continue };
            items.push(FeedItem {
                agency: agency.to_string(),
                position: row.chain_seq,
                at: row.at,
                case,
                event,
            });
        }
        Ok(FeedPage { items, next, more })
    }

    /// The agency chain's newest place: where a new subscriber starts.
    pub async fn feed_head(&self, agency: &str) -> Result<i64, StoreError> {
        let head: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_chains WHERE agency_id = $1")
            .bind(agency)
            .fetch_optional(&self.pool)
            .await?;
        Ok(head.unwrap_or(0))
    }

    /// What `row` tells others, or `None` when it is not in the feed.
    async fn told(
        &self,
        agency: &str,
        row: &FeedRow,
    ) -> Result<Option<(Option<FeedCase>, FeedEvent)>, StoreError> {
        let corrupt =
            |e: serde_json::Error| StoreError::Corrupt(format!("event {agency}:{}: {e}", row.chain_seq));
        let case = match (&row.number, &row.sop_id) {
            (Some(number), Some(sop)) => {
                Some(FeedCase { id: row.case_id.clone(), number: number.clone(), sop: sop.clone() })
            }
            _ => None,
        };
        if !row.case_id.is_empty() {
            let body: EventBody = serde_json::from_str(&row.payload).map_err(corrupt)?;
            return Ok(case_event(body).map(|event| (case, event)));
        }
        let event = match row.kind.as_str() {
            "letter-signed" | "registry-state-changed" => serde_json::from_str::<RecordEvent>(&row.payload),
            _ => return Ok(None),
        }
        .map_err(corrupt)?;
        match event.change {
            Change::LetterSigned { number, with, .. } => {
                let case = self.case_of_letter(agency, &number).await?;
                Ok(Some((case, FeedEvent::LetterSigned { number, signed_with: with })))
            }
            Change::RegistryStateChanged { entry, from, to, .. } => {
                let Some((registry, case)) = self.case_of_entry(agency, &entry).await? else {
                    return Ok(None);
                };
                Ok(Some((Some(case), FeedEvent::RegistryChanged { entry, registry, from, to })))
            }
            _ => Ok(None),
        }
    }

    async fn case_of_letter(&self, agency: &str, number: &str) -> Result<Option<FeedCase>, StoreError> {
        let found: Option<(String, String, String)> = sqlx::query_as(
            "SELECT c.id, c.number, c.sop_id FROM outgoing_letters l JOIN cases c ON c.id = l.case_id
             WHERE l.agency_id = $1 AND l.number = $2",
        )
        .bind(agency)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.map(|(id, number, sop)| FeedCase { id, number, sop }))
    }

    /// The registry kind of `entry` and the case that created it.
    async fn case_of_entry(
        &self,
        agency: &str,
        entry: &str,
    ) -> Result<Option<(String, FeedCase)>, StoreError> {
        let found: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT r.kind, c.id, c.number, c.sop_id FROM registry_entries r JOIN cases c ON c.id = r.case_id
             WHERE r.agency_id = $1 AND r.id = $2",
        )
        .bind(agency)
        .bind(entry)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.map(|(kind, id, number, sop)| (kind, FeedCase { id, number, sop })))
    }
}

/// What a case event tells others; `None` for the engine's own
/// bookkeeping (a cancelled task, a waiting branch) and for what is
/// personal (whose data was revealed, a visitor's badge).
fn case_event(body: EventBody) -> Option<FeedEvent> {
    Some(match body {
        EventBody::CaseOpened { sop_version, unit, due_at, .. } => {
            FeedEvent::CaseOpened { sop_version, unit, due_at }
        }
        EventBody::TaskCreated { task, step, lane, due_at, .. } => {
            FeedEvent::TaskOpened { task, step, lane, due_at }
        }
        EventBody::TaskCompleted { task, step, position, input, .. } => FeedEvent::StepDone {
            task,
            step,
            position,
            verdict: input.verdict.and_then(|v| serde_json::to_value(v).ok()?.as_str().map(str::to_string)),
        },
        EventBody::DeadlineBreached { task, step, lane, due_at, late_minutes, .. } => {
            FeedEvent::DeadlineBreached { task, step, lane, due_at, late_minutes }
        }
        EventBody::TaskOverdue { task, step, lane, due_at, round } => {
            FeedEvent::TaskOverdue { task, step, lane, due_at, round }
        }
        EventBody::CaseDeadlineBreached { due_at, late_minutes } => {
            FeedEvent::CaseDeadlineBreached { due_at, late_minutes }
        }
        EventBody::CaseOverdue { due_at, round } => FeedEvent::CaseOverdue { due_at, round },
        EventBody::CaseClosed { outcome, .. } => {
            FeedEvent::CaseClosed { outcome: serde_json::to_value(outcome).ok()?.as_str()?.to_string() }
        }
        EventBody::ActingOfficialActed { .. }
        | EventBody::TaskCancelled { .. }
        | EventBody::OutcomeDecided { .. }
        | EventBody::BranchWaiting { .. }
        | EventBody::RoundsExhausted { .. }
        | EventBody::VisitorCheckedIn { .. }
        | EventBody::PersonalDataRevealed { .. } => return None,
    })
}

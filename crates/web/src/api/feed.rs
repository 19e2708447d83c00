//! The event feed through the API: what happened in the caller's agency,
//! in order, after a cursor the reader keeps — the same items the agency's
//! webhooks receive ([`crate::webhook_sender`]). Never personal data.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use store::event_feed::{FeedEvent, FeedItem, MAX_PAGE};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::cases::instant;
use super::paging::number;
use super::problem::Problem;
use crate::AppState;

/// Items per read without `limit`.
const DEFAULT_LIMIT: i64 = 100;

/// The case an item is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedCaseView {
    pub id: String,
    /// Its number (nomor permohonan).
    pub number: String,
    /// The SOP's id, e.g. `lumajang/vpn`.
    pub sop: String,
}

/// One thing that happened. `kind` says which of the optional fields it
/// carries.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedItemView {
    /// `<agency>:<cursor>`, the same in the feed and in every webhook
    /// delivery of the item: de-duplicate by it.
    pub id: String,
    /// Its place in the agency's chain: read after it with `after`.
    pub cursor: i64,
    pub agency: String,
    /// case-opened, task-opened, step-done, deadline-breached, task-overdue,
    /// case-deadline-breached, case-overdue, case-closed, letter-signed or
    /// registry-changed.
    #[schema(example = "step-done")]
    pub kind: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<FeedCaseView>,
    /// case-opened: the SOP version the case runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sop_version: Option<u32>,
    /// case-opened: the requesting unit's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// When the task (or, for case-opened and case-*, the whole procedure) is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The SOP's step number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
    /// The position (jabatan) the task is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lane: Option<String>,
    /// step-done: the position (jabatan) that did it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    /// step-done at a decision: `ya` or `tidak`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<i64>,
    /// task-overdue, case-overdue: 1 for the first escalation, 2 for the next, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<u32>,
    /// case-closed: completed, rejected or withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// letter-signed: the letter's number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_number: Option<String>,
    /// letter-signed: sertifikat (a certificate on the server), layanan (the
    /// signing service), srikandi or basah (wet ink, scanned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_with: Option<String>,
    /// registry-changed: the entry's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// registry-changed: the registry's kind, e.g. `vpn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// registry-changed: the state before (aktif, ditangguhkan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// registry-changed: the state after (aktif, ditangguhkan, dicabut).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

pub fn view(item: &FeedItem) -> FeedItemView {
    let mut v = FeedItemView {
        id: item.id(),
        cursor: item.position,
        agency: item.agency.clone(),
        kind: item.event.kind().key().to_string(),
        at: instant(item.at),
        case: item.case.as_ref().map(|c| FeedCaseView {
            id: c.id.clone(),
            number: c.number.clone(),
            sop: c.sop.clone(),
        }),
        sop_version: None,
        unit: None,
        due_at: None,
        task: None,
        step: None,
        lane: None,
        position: None,
        verdict: None,
        late_minutes: None,
        round: None,
        outcome: None,
        letter_number: None,
        signed_with: None,
        entry: None,
        registry: None,
        from: None,
        to: None,
    };
    match item.event.clone() {
        FeedEvent::CaseOpened { sop_version, unit, due_at } => {
            v.sop_version = Some(sop_version);
            v.unit = Some(unit);
            v.due_at = due_at.map(instant);
        }
        FeedEvent::TaskOpened { task, step, lane, due_at } => {
            (v.task, v.step, v.lane, v.due_at) = (Some(task), Some(step), Some(lane), due_at.map(instant));
        }
        FeedEvent::StepDone { task, step, position, verdict } => {
            (v.task, v.step, v.position, v.verdict) = (Some(task), Some(step), Some(position), verdict);
        }
        FeedEvent::DeadlineBreached { task, step, lane, due_at, late_minutes } => {
            (v.task, v.step, v.lane) = (Some(task), Some(step), Some(lane));
            (v.due_at, v.late_minutes) = (Some(instant(due_at)), Some(late_minutes));
        }
        FeedEvent::TaskOverdue { task, step, lane, due_at, round } => {
            (v.task, v.step, v.lane) = (Some(task), Some(step), Some(lane));
            (v.due_at, v.round) = (Some(instant(due_at)), Some(round));
        }
        FeedEvent::CaseDeadlineBreached { due_at, late_minutes } => {
            (v.due_at, v.late_minutes) = (Some(instant(due_at)), Some(late_minutes));
        }
        FeedEvent::CaseOverdue { due_at, round } => {
            (v.due_at, v.round) = (Some(instant(due_at)), Some(round))
        }
        FeedEvent::CaseClosed { outcome } => v.outcome = Some(outcome),
        FeedEvent::LetterSigned { number, signed_with } => {
            (v.letter_number, v.signed_with) = (Some(number), Some(signed_with));
        }
        FeedEvent::RegistryChanged { entry, registry, from, to } => {
            (v.entry, v.registry, v.from, v.to) = (Some(entry), Some(registry), Some(from), Some(to));
        }
    }
    v
}

/// Where to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The `cursor` of the last item read (or the page's `next`); 0 or
    /// absent: from the start.
    #[param(value_type = Option<i64>, minimum = 0)]
    pub after: Option<String>,
    /// Items read at most, 1–500 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

/// One read of the feed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedPageView {
    pub items: Vec<FeedItemView>,
    /// Pass as `after` for the next read: the last place read, also when
    /// what happened there is not told (settings, sign-ins).
    pub next: i64,
    /// Whether more was already recorded after `next`: read again at once.
    pub more: bool,
}

/// What happened in the caller's agency after `after`, in order: cases
/// opened, steps given and done, standard times breached, cases closed,
/// letters signed, registry entries changed. Keep the last `cursor` (or
/// `next`) and read after it; nothing is skipped or repeated.
#[utoipa::path(get, path = "/events", tag = "integrasi", params(FeedQuery),
    responses(
        (status = 200, description = "The items after the cursor", body = FeedPageView),
        (status = 400, description = "A malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only heads and administrators", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad after or limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn feed(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<FeedQuery>, QueryRejection>,
) -> Result<Json<FeedPageView>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let user = &caller.0;
    if !(user.may_report || user.account.is_admin) {
        return Err(Problem::forbidden());
    }
    let after = number(query.after.as_deref(), "after", 0..=i64::MAX, 0)?;
    let limit = number(query.limit.as_deref(), "limit", 1..=MAX_PAGE, DEFAULT_LIMIT)?;
    let page = state.store.feed(user.agency_id(), after, limit).await?;
    Ok(Json(FeedPageView { items: page.items.iter().map(view).collect(), next: page.next, more: page.more }))
}

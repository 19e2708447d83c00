//! SOP drafts, their review and ratification through the API — what the
//! SOP editor and the review pages do, on the draft's TOML text (the
//! editor's form is the browser's way of writing that text). An
//! administrator begins a draft (blank, as the next version of a live SOP,
//! from a text, or from an imported document), saves it by revision,
//! deletes, publishes or sends it for review; the reviewer comments,
//! returns or approves; a head of the agency ratifies it with their
//! certificate. The store's rules refuse alike for both ways in.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use store::sop_drafts::{DraftOrigin, SopDraft};
use store::sop_ratification::{DraftAct, Ratify};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::cases::json_body;
use super::paging::required_number;
use super::problem::{FieldProblem, Finding, Problem};
use super::sops::{PublishedSop, answer};
use crate::pages::sop_editor::{blank_text, file_name, publish_draft};
use crate::pages::sop_publishing::MAX_SOP_BYTES;
use crate::pages::sop_review::may_read;
use crate::{AppState, now_ms};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DraftSummary {
    pub id: String,
    /// The SOP id its text names.
    pub sop_id: String,
    pub title: String,
    /// `baru`, `unggahan`, `revisi` or `impor`.
    pub origin: String,
    /// `konsep`, `ditinjau`, `disetujui`, `disahkan` or `terbit`.
    pub status: String,
    /// Send it back with each change: a save on an older one is refused.
    pub revision: i64,
    pub published_version: Option<i64>,
    /// The person it was sent to for review.
    pub reviewer: Option<String>,
    pub updated_by: String,
    /// ms since the epoch.
    pub updated_at: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DraftComment {
    pub id: String,
    /// The editor's field (e.g. `steps.2.time`); empty: the whole draft.
    pub field: String,
    /// What the field said when it was written.
    pub quoted: String,
    pub body: String,
    pub revision: i64,
    pub written_by: String,
    pub written_at: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DraftView {
    #[serde(flatten)]
    pub summary: DraftSummary,
    /// The TOML text.
    pub text: String,
    /// What publishing would say of the text, each at its line and column.
    pub findings: Vec<Finding>,
    pub comments: Vec<DraftComment>,
}

/// Where a new draft's text comes from, as `from` names it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Beginning {
    Blank,
    Revision,
    Text,
    Import,
}

impl Beginning {
    const ALL: [Beginning; 4] = [Beginning::Blank, Beginning::Revision, Beginning::Text, Beginning::Import];

    fn key(self) -> &'static str {
        match self {
            Beginning::Blank => "blank",
            Beginning::Revision => "revision",
            Beginning::Text => "text",
            Beginning::Import => "import",
        }
    }
}

fn beginnings() -> utoipa::openapi::Object {
    super::choices::one_of(
        Beginning::ALL.map(Beginning::key),
        "`blank`; `revision` (the next version of the live SOP `sop`); `text` (an SOP definition, kept byte for byte); `import` (the text an SOP document's import made, its marks included).",
    )
}

/// How a draft begins.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    #[schema(schema_with = beginnings)]
    pub from: String,
    /// For `revision`: the SOP's id, e.g. `lumajang/vpn`.
    #[serde(default)]
    pub sop: Option<String>,
    /// For `text` and `import`: the TOML text (at most 256 KB).
    #[serde(default)]
    pub text: Option<String>,
}

/// A draft's new text.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftText {
    /// The revision the text was written on.
    pub revision: i64,
    pub text: String,
}

/// An act on a draft at a revision.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AtRevision {
    pub revision: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevisionQuery {
    /// The revision the caller last read.
    #[param(value_type = i64, minimum = 1, required = true)]
    pub revision: Option<String>,
}

/// To whom a draft goes for review.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForReview {
    pub revision: i64,
    /// The reviewer's person id.
    pub reviewer: String,
}

/// A comment on a draft.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub revision: i64,
    /// The editor's field (e.g. `steps.2.time`); empty or absent: the whole draft.
    #[serde(default)]
    pub field: String,
    #[schema(min_length = 1)]
    pub body: String,
}

/// A ratification by a head of the agency.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ratification {
    pub revision: i64,
    /// The SOP's number; absent: from the agency's SOP numbering.
    #[serde(default)]
    pub number: Option<String>,
    /// The day it takes effect, YYYY-MM-DD; absent: today.
    #[serde(default)]
    #[schema(format = Date)]
    pub effective: Option<String>,
    /// Of the head's signing certificate; never kept.
    pub passphrase: String,
}

/// What importing a document made.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportedDocument {
    /// `docx`, `odt` or `pdf`.
    pub kind: String,
    /// The TOML text, with a mark on each value the import was unsure of.
    pub text: String,
    pub unsure: Vec<UnsureValue>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnsureValue {
    pub line: usize,
    pub place: String,
    pub value: String,
    pub why: String,
}

fn summary_of(d: &SopDraft) -> DraftSummary {
    DraftSummary {
        id: d.id.clone(),
        sop_id: d.sop_id.clone(),
        title: d.title.clone(),
        origin: d.origin.key().into(),
        status: d.status.key().into(),
        revision: d.revision,
        published_version: d.published_version,
        reviewer: d.reviewer.clone(),
        updated_by: d.updated_by.clone(),
        updated_at: d.updated_at,
    }
}

async fn view(state: &AppState, draft: SopDraft) -> Result<DraftView, Problem> {
    let checked = sop::publication::check(&file_name(&draft), &draft.source, &draft.agency_id);
    let comments = state.store.sop_draft_comments(&draft.agency_id, &draft.id).await?;
    Ok(DraftView {
        summary: summary_of(&draft),
        findings: checked.findings.iter().map(|d| Finding::of(d, &draft.source)).collect(),
        comments: comments
            .into_iter()
            .map(|c| DraftComment {
                id: c.id,
                field: c.field,
                quoted: c.quoted,
                body: c.body,
                revision: c.revision,
                written_by: c.written_by,
                written_at: c.written_at,
            })
            .collect(),
        text: draft.source,
    })
}

fn require_admin(caller: &Caller) -> Result<(), Problem> {
    if caller.0.account.is_admin {
        Ok(())
    } else {
        Err(Problem::forbidden_because("hanya administrator instansi yang menyusun konsep SOP"))
    }
}

fn act<'a>(caller: &'a Caller, id: &'a str, revision: i64) -> DraftAct<'a> {
    DraftAct { agency: caller.0.agency_id(), draft: id, revision, by: caller.0.person(), at: now_ms() }
}

fn sized(text: &str) -> Result<(), Problem> {
    if text.len() > MAX_SOP_BYTES {
        return Err(Problem::field("text", "text", format!("paling banyak {} KB", MAX_SOP_BYTES / 1024)));
    }
    Ok(())
}

/// The agency's drafts, the most recently saved first (administrators).
#[utoipa::path(get, path = "/sop-drafts", tag = "sop",
    responses(
        (status = 200, description = "The drafts", body = Vec<DraftSummary>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<DraftSummary>>, Problem> {
    require_admin(&caller)?;
    let drafts = state.store.sop_drafts(caller.0.agency_id()).await?;
    Ok(Json(drafts.iter().map(summary_of).collect()))
}

/// The drafts waiting for the caller: in review by them, or approved and
/// theirs to ratify as a head of the agency.
#[utoipa::path(get, path = "/sop-drafts/awaiting", tag = "sop",
    responses(
        (status = 200, description = "The drafts", body = Vec<DraftSummary>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn awaiting(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<DraftSummary>>, Problem> {
    let user = &caller.0;
    let drafts = state.store.sop_drafts_awaiting(user.agency_id(), user.person(), now_ms()).await?;
    Ok(Json(drafts.iter().map(summary_of).collect()))
}

/// Begins a draft (administrators).
#[utoipa::path(post, path = "/sop-drafts", tag = "sop", request_body = NewDraft,
    responses(
        (status = 201, description = "Begun", body = DraftView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live SOP (for `revision`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `from`, a missing `sop` or `text`, a text too large, or a live text whose version cannot be raised", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<DraftView>), Problem> {
    require_admin(&caller)?;
    let given: NewDraft = json_body(&headers, &body)?;
    let agency = caller.0.agency_id();
    let required =
        |name: &str| Problem::field(name, name, format!("wajib untuk \"from\": \"{}\"", given.from));
    let Some(from) = Beginning::ALL.into_iter().find(|b| b.key() == given.from) else {
        let known: Vec<&str> = Beginning::ALL.map(Beginning::key).to_vec();
        let why = format!("\"{}\" bukan asal konsep; pakai {}", given.from, known.join(", "));
        return Err(Problem::field("from", "from", why));
    };
    let (origin, text) = match from {
        Beginning::Blank => (DraftOrigin::Blank, blank_text(&state, agency).await?),
        Beginning::Revision => {
            let sop = given.sop.as_deref().ok_or_else(|| required("sop"))?;
            let live = state.store.sop(agency, sop, None).await?;
            let text = sop::draft_form::with_version(&live.source, live.version + 1)
                .map_err(|e| Problem::field("sop", "sop", e.message))?;
            (DraftOrigin::Revision, text)
        }
        Beginning::Text | Beginning::Import => {
            let text = given.text.as_deref().ok_or_else(|| required("text"))?;
            sized(text)?;
            let origin = if from == Beginning::Text { DraftOrigin::Upload } else { DraftOrigin::Import };
            (origin, text.replace("\r\n", "\n"))
        }
    };
    let draft = state.store.create_sop_draft(agency, origin, &text, caller.0.person(), now_ms()).await?;
    Ok((StatusCode::CREATED, Json(view(&state, draft).await?)))
}

/// A draft with its text, findings and review comments (its
/// administrators, its reviewer and the heads of the agency).
#[utoipa::path(get, path = "/sop-drafts/{id}", tag = "sop",
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 200, description = "The draft", body = DraftView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not one who may read it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DraftView>, Problem> {
    let draft = state.store.sop_draft(caller.0.agency_id(), &id).await?;
    may_read(&state, &caller.0, &draft).await?;
    Ok(Json(view(&state, draft).await?))
}

/// Saves a draft's text, written on `revision` (administrators). A text
/// saved by someone else since is refused and nothing is overwritten.
#[utoipa::path(put, path = "/sop-drafts/{id}", tag = "sop", request_body = DraftText,
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 200, description = "Saved", body = DraftView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved by someone else since `revision`, or no longer open", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A text too large", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DraftView>, Problem> {
    require_admin(&caller)?;
    let given: DraftText = json_body(&headers, &body)?;
    sized(&given.text)?;
    let (agency, by) = (caller.0.agency_id(), caller.0.person());
    let text = given.text.replace("\r\n", "\n");
    let saved = state.store.save_sop_draft(agency, &id, given.revision, &text, by, now_ms()).await?;
    Ok(Json(view(&state, saved).await?))
}

/// Deletes a draft read at `revision` (administrators).
#[utoipa::path(delete, path = "/sop-drafts/{id}", tag = "sop",
    params(("id" = String, Path, description = "The draft's id"), RevisionQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved by someone else since `revision`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No revision, or not a whole number", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    at: Result<Query<RevisionQuery>, QueryRejection>,
) -> Result<StatusCode, Problem> {
    require_admin(&caller)?;
    let Query(at) = at.map_err(|e| Problem::bad_request(e.body_text()))?;
    let revision = required_number(at.revision.as_deref(), "revision", 1..=i64::MAX)?;
    let (agency, by) = (caller.0.agency_id(), caller.0.person());
    state.store.delete_sop_draft(agency, &id, revision, by, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes an open draft as saved at `revision`, through the same checks
/// as `POST /sops` (administrators).
#[utoipa::path(post, path = "/sop-drafts/{id}/publish", tag = "sop", request_body = AtRevision,
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 201, description = "Published as a new version", body = PublishedSop),
        (status = 200, description = "This text was published already", body = PublishedSop),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved since `revision`, not open, or its version taken (`findings` locates it)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text has errors; `findings` has each with its line and column", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<PublishedSop>), Problem> {
    require_admin(&caller)?;
    let given: AtRevision = json_body(&headers, &body)?;
    let draft = state.store.sop_draft(caller.0.agency_id(), &id).await?;
    if draft.status != store::sop_drafts::DraftStatus::Open || draft.revision != given.revision {
        return Err(store::StoreError::DraftChanged {
            revision: draft.revision,
            by: draft.updated_by,
            at: draft.updated_at,
        }
        .into());
    }
    let outcome = publish_draft(&state, &caller.0, &draft).await?;
    let (status, published) = answer(&state, &caller, outcome, &draft.source).await?;
    Ok((status, Json(published)))
}

/// Sends a draft to a reviewer (administrators); a draft with errors is
/// refused with them.
#[utoipa::path(post, path = "/sop-drafts/{id}/review", tag = "sop", request_body = ForReview,
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 200, description = "In review", body = DraftSummary),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator, or a reviewer who wrote it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved since `revision`, or not open", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such reviewer, or the text has errors", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn send_for_review(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DraftSummary>, Problem> {
    require_admin(&caller)?;
    let given: ForReview = json_body(&headers, &body)?;
    let draft =
        state.store.send_sop_draft_for_review(act(&caller, &id, given.revision), &given.reviewer).await?;
    Ok(Json(summary_of(&draft)))
}

/// Comments on a field of a draft (its reviewer, or a head once approved).
#[utoipa::path(post, path = "/sop-drafts/{id}/comments", tag = "sop", request_body = NewComment,
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 201, description = "Written", body = DraftView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not its reviewer or a head", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved since `revision`, or not in review", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty comment or an unknown field", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn comment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<DraftView>), Problem> {
    let given: NewComment = json_body(&headers, &body)?;
    let text = given.body.replace("\r\n", "\n");
    state.store.comment_on_sop_draft(act(&caller, &id, given.revision), &given.field, &text).await?;
    let draft = state.store.sop_draft(caller.0.agency_id(), &id).await?;
    Ok((StatusCode::CREATED, Json(view(&state, draft).await?)))
}

/// Which judgement of a draft.
#[derive(Debug, Clone, Copy)]
enum Judgement {
    Return,
    Approve,
}

async fn judge(
    state: &AppState,
    caller: &Caller,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
    what: Judgement,
) -> Result<Json<DraftSummary>, Problem> {
    let given: AtRevision = json_body(headers, body)?;
    let at = act(caller, id, given.revision);
    let draft = match what {
        Judgement::Return => state.store.return_sop_draft(at).await?,
        Judgement::Approve => state.store.approve_sop_draft(at).await?,
    };
    Ok(Json(summary_of(&draft)))
}

/// Returns a draft to its writers for changes (its reviewer, or a head once approved).
#[utoipa::path(post, path = "/sop-drafts/{id}/return", tag = "sop", request_body = AtRevision,
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 200, description = "Returned: open again", body = DraftSummary),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not its reviewer or a head", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved since `revision`, or not in review", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a body with `revision`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn return_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DraftSummary>, Problem> {
    judge(&state, &caller, &id, &headers, &body, Judgement::Return).await
}

/// Approves a draft in review (its reviewer): it goes to the heads to ratify.
#[utoipa::path(post, path = "/sop-drafts/{id}/approve", tag = "sop", request_body = AtRevision,
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 200, description = "Approved", body = DraftSummary),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not its reviewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved since `revision`, or not in review", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a body with `revision`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DraftSummary>, Problem> {
    judge(&state, &caller, &id, &headers, &body, Judgement::Approve).await
}

/// Ratifies an approved draft (a head of the agency, with their signing
/// certificate's passphrase): it is signed, numbered and published.
#[utoipa::path(post, path = "/sop-drafts/{id}/ratify", tag = "sop", request_body = Ratification,
    params(("id" = String, Path, description = "The draft's id")),
    responses(
        (status = 200, description = "Ratified and published", body = DraftSummary),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a head of the agency, or its writer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Saved since `revision`, or not approved", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad date, number or passphrase", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn ratify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DraftSummary>, Problem> {
    let given: Ratification = json_body(&headers, &body)?;
    let effective = match given.effective.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(text) => Some(
            text.parse::<jiff::civil::Date>()
                .map_err(|_| Problem::field("effective", "effective", "bukan tanggal YYYY-MM-DD yang ada"))?,
        ),
    };
    let ratification = Ratify { number: given.number.as_deref(), effective, passphrase: &given.passphrase };
    state.store.ratify_sop_draft(act(&caller, &id, given.revision), ratification).await?;
    let draft = state.store.sop_draft(caller.0.agency_id(), &id).await?;
    Ok(Json(summary_of(&draft)))
}

/// Reads an SOP document (Word or PDF, at most 10 MB) into a draft's text,
/// with each value it was unsure of; nothing is kept (administrators).
/// Begin the draft with `POST /sop-drafts` from `import`.
#[utoipa::path(post, path = "/sop-imports", tag = "sop",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The document's bytes (.docx or .pdf)"),
    responses(
        (status = 200, description = "What the import made", body = ImportedDocument),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A document that cannot be read, with a stable `code`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn import_document(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<ImportedDocument>, Problem> {
    require_admin(&caller)?;
    let agency = state.store.agency(caller.0.agency_id()).await?;
    let imported = tokio::task::spawn_blocking(move || {
        let draft = sop::import::import(&body, Some(&agency))?;
        let findings = sop::publication::check("draf.toml", &draft.toml, &agency.id).findings;
        Ok::<_, sop::import::ImportError>((draft, findings))
    })
    .await
    .map_err(|_| Problem::internal())?;
    let (draft, findings) = imported.map_err(|e| {
        let mut problem = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.code(),
            "Dokumen tidak dapat dibaca",
            Some(e.to_string()),
        );
        problem.errors =
            vec![FieldProblem { field: "document".into(), label: "Dokumen".into(), message: e.to_string() }];
        problem
    })?;
    Ok(Json(ImportedDocument {
        kind: draft.kind.code().into(),
        findings: findings.iter().map(|d| Finding::of(d, &draft.toml)).collect(),
        unsure: draft
            .unsure
            .into_iter()
            .map(|u| UnsureValue { line: u.line, place: u.place, value: u.value, why: u.why })
            .collect(),
        text: draft.toml,
    }))
}

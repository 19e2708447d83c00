//! Cases (permohonan) through the API: submit a request with its
//! attachments, list and read cases with their timeline, act on a task,
//! withdraw, download an attachment. Creating and acting calls take an
//! `Idempotency-Key`.

use engine::disposition::{Disposition, FIELD_ADDRESSEE, FIELD_DUE, FIELD_INSTRUCTIONS, FIELD_NATURE};
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use engine::form::FieldError;
use engine::{ActionInput, CaseState, TaskStatus, Verdict};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sop::{ActionKind, Sop};
use store::idempotency::{Answering, CaseLetters, Replay};
use store::{LetterDraft, Paperwork, Signing};
use utoipa::ToSchema;

use super::caller::Caller;
use super::paging::{Page, PageQuery};
use super::problem::Problem;
use super::replay::{self, Answer, Keeping, Outcome};
use crate::auth::User;
use crate::i18n::Lang;
use crate::pages::form::shown;
use crate::pages::services::check_before_storing;
use crate::upload::{FormData, check_file};
use crate::{AppState, now_ms};

/// An instant as RFC 3339 (UTC).
pub fn instant(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(|_| ms.to_string(), |t| t.to_string())
}

/// A file sent with a request or an action.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FileUpload {
    /// The attachment's name in the step (see the SOP's `attachments`).
    pub name: String,
    pub filename: String,
    /// The file's bytes, base64 (standard alphabet, padded; line breaks
    /// and spaces are ignored).
    pub content_base64: String,
}

/// A new request (permohonan). Its `fields` and `attachments` depend on
/// the SOP: `GET /sops/{agency}/{slug}/schema` gives the exact schema
/// (`request`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// The SOP, e.g. `lumajang/vpn`.
    pub sop: String,
    /// The first step's fields by name.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub attachments: Vec<FileUpload>,
}

/// A letter draft's text (for a `draft` step).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    pub perihal: String,
    pub kepada: String,
    pub isi: String,
    /// Tembusan, one addressee per line.
    #[serde(default)]
    pub tembusan: String,
}

/// Signing the letter (for a `sign` step): the official's passphrase is
/// used once and never stored.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningInput {
    pub passphrase: String,
    /// The number taken in SRIKANDI, when the agency numbers letters there.
    #[serde(default)]
    pub srikandi_number: Option<String>,
}

/// Completing a task. What a step needs depends on its SOP and kind of
/// action: `GET /sops/{agency}/{slug}/schema` gives the exact schema of
/// each step (`steps`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    #[serde(default)]
    #[schema(schema_with = verdicts)]
    pub verdict: Option<String>,
    /// Disposition note, reason or remark.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    #[serde(default)]
    pub attachments: Vec<FileUpload>,
    #[serde(default)]
    pub draft: Option<DraftInput>,
    #[serde(default)]
    pub signing: Option<SigningInput>,
    /// At the sending step: how and when the letter was sent.
    #[serde(default)]
    pub sending: Option<SendingInput>,
    /// At a disposition step: the lembar disposisi's boxes, sifat, due
    /// date and addressee.
    #[serde(default)]
    pub disposition: Option<DispositionInput>,
}

fn verdicts() -> utoipa::openapi::Object {
    super::choices::one_of(
        Verdict::ALL.map(Verdict::key),
        "For decide and review steps: `ya` (approve) or `tidak` (refuse, return).",
    )
}

fn channels() -> utoipa::openapi::Object {
    super::choices::one_of(
        store::letters::SendVia::ALL.map(store::letters::SendVia::key),
        "`srikandi`, `email`, `langsung` (by hand) or `ekspedisi` (courier, post).",
    )
}

fn natures() -> utoipa::openapi::Object {
    super::choices::one_of(
        engine::disposition::Nature::ALL.map(engine::disposition::Nature::key),
        "Sifat (default `biasa`).",
    )
}

/// How and when a letter was sent ("Kirim").
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendingInput {
    #[schema(schema_with = channels)]
    pub via: String,
    /// When, if not now: `YYYY-MM-DDTHH:MM` on the agency's clock.
    #[serde(default)]
    pub at: Option<String>,
}

/// The lembar disposisi of a disposition step.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionInput {
    /// Ticked instruction boxes, worded as the agency's list
    /// (`GET /api/v1/agency` → `letters.disposition_instructions`).
    #[serde(default)]
    pub instructions: Vec<String>,
    #[serde(default)]
    #[schema(schema_with = natures)]
    pub nature: Option<String>,
    /// Batas waktu, `YYYY-MM-DD`: the next task is due at the close of
    /// that working day when that is earlier than its standard time.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<String>,
    /// Person id of the one person of the next lane who gets the task.
    #[serde(default)]
    pub addressee: Option<String>,
}

/// Withdrawing a request.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    #[serde(default)]
    pub reason: Option<String>,
}

/// A step of a case as it happened (or waits).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskView {
    pub id: String,
    pub step: u32,
    pub activity: String,
    pub action: String,
    pub lane: String,
    pub lane_name: String,
    /// open, done or cancelled.
    pub status: String,
    /// Who may act on it.
    pub candidates: Vec<String>,
    pub started_at: String,
    /// Which time a loop brought the case to this step for this lane (1 the first).
    #[serde(default = "first_round")]
    pub round: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<String>,
    /// Working minutes past the standard time, when late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Field values given (personal data masked).
    pub fields: BTreeMap<String, String>,
    /// Attachment name → download address.
    pub attachments: BTreeMap<String, String>,
}

/// The signed notification letter.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LetterView {
    pub number: String,
    pub dated_at: String,
    pub signer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// Public verification address.
    pub verify: String,
}

/// A case with its timeline.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseView {
    pub id: String,
    /// e.g. `VPN-2026-000123`.
    pub number: String,
    pub sop: String,
    pub sop_version: u32,
    pub sop_name: String,
    /// open, completed, rejected or withdrawn.
    pub status: String,
    pub requester: String,
    /// The employee the request was filed for, when not the requester.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<String>,
    /// For a routine started by its schedule: the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routine: Option<String>,
    pub opened_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    /// When the whole procedure is due (the SOP's deadline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    /// Working minutes the procedure ended past its deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<i64>,
    /// The incoming-register (agenda) number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<LetterView>,
    /// Every step so far, in order.
    pub tasks: Vec<TaskView>,
}

/// A case as listed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseItem {
    pub id: String,
    pub number: String,
    pub sop: String,
    pub sop_version: u32,
    pub status: String,
    pub requester: String,
    pub opened_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
}

/// The case `id`, if the caller may see it. Another agency's case and a
/// case the caller has no part in both answer 404.
pub(crate) async fn visible_case(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<(CaseState, Arc<Sop>), Problem> {
    let case = state
        .store
        .case_seen_by(user.agency_id(), id, user.person(), user.account.is_admin)
        .await?
        .ok_or_else(Problem::not_found)?;
    let sop = state.store.sop(user.agency_id(), &case.sop_id, Some(case.sop_version)).await?;
    Ok((case, sop))
}

pub async fn case_view(
    state: &AppState,
    user: &User,
    case: &CaseState,
    sop: &Sop,
) -> Result<CaseView, Problem> {
    let letters = CaseLetters {
        incoming: state.store.incoming_letter(user.agency_id(), &case.id).await?,
        outgoing: state.store.outgoing_letter(user.agency_id(), &case.id).await?,
    };
    case_view_with(state, user, case, sop, letters).await
}

/// The view of `case` with its `letters` as given.
async fn case_view_with(
    state: &AppState,
    user: &User,
    case: &CaseState,
    sop: &Sop,
    letters: CaseLetters,
) -> Result<CaseView, Problem> {
    let org = state.store.cached_organisation(user.agency_id()).await?;
    let tasks = case
        .tasks
        .iter()
        .map(|t| {
            let step = sop.step(t.step);
            let input = t.input.as_ref();
            let step_fields = step.map_or(&[][..], |s| &s.fields[..]);
            TaskView {
                id: t.id.clone(),
                step: t.step,
                activity: step.map_or(String::new(), |s| s.activity.clone()),
                action: step.map_or("", |s| s.action.key()).to_string(),
                lane: t.lane.clone(),
                lane_name: sop.lane(&t.lane).map_or(t.lane.clone(), |l| l.name.clone()),
                status: t.status.key().to_string(),
                candidates: t.candidates.iter().map(|c| org.name(&c.person)).collect(),
                started_at: instant(t.started_at),
                round: case.round(t),
                due_at: t.due_at.map(instant),
                done_by: t.done_by.as_deref().map(|p| org.name(p)),
                done_at: t.done_at.map(instant),
                late_minutes: t.late_minutes,
                verdict: input.and_then(|i| i.verdict).map(|v| v.key().to_string()),
                note: input.and_then(|i| i.note.clone()),
                fields: input
                    .iter()
                    .flat_map(|i| &i.fields)
                    .map(|(k, v)| (k.clone(), shown(step_fields, k, v, false)))
                    .collect(),
                attachments: input
                    .iter()
                    .flat_map(|i| &i.attachments)
                    .map(|(name, id)| (name.clone(), format!("/api/v1/attachments/{id}")))
                    .collect(),
            }
        })
        .collect();
    let agenda = letters.incoming.map(|l| l.agenda);
    let letter = letters.outgoing.map(|l| LetterView {
        number: l.number,
        dated_at: instant(l.dated_at),
        signer: l.signer,
        sent_at: l.sent_at.map(instant),
        verify: format!("/verifikasi/{}", l.code),
    });
    Ok(CaseView {
        id: case.id.clone(),
        number: case.number.clone(),
        sop: case.sop_id.clone(),
        sop_version: case.sop_version,
        sop_name: sop.identity.nama.value.clone(),
        status: case.status.key().to_string(),
        requester: org.name(&case.requester),
        on_behalf_of: case.on_behalf_of.as_deref().map(|p| org.name(p)),
        routine: case.routine.clone(),
        opened_at: instant(case.opened_at),
        closed_at: case.closed_at.map(instant),
        due_at: case.due_at.map(instant),
        late_minutes: case.late_minutes,
        agenda,
        letter,
        tasks,
    })
}

fn first_round() -> u32 {
    1
}

/// Reads a JSON body, refusing what does not parse with the reason.
pub(super) fn json_body<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Problem> {
    let json = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    });
    if !json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Jenis isi tidak didukung",
            Some("Kirim isi sebagai `Content-Type: application/json`.".into()),
        ));
    }
    serde_json::from_slice(body).or_else(|e| {
        // JSON has one kind of number: `5.0` is the whole number 5 to a
        // JSON Schema and to clients that write every number as a float.
        // Tried only when reading as written failed, whose error (with its
        // line and column) is the one kept.
        serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .map(whole_numbers_as_integers)
            .and_then(|value| serde_json::from_value(value).ok())
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "bad-json",
                    "JSON tidak sah",
                    Some(format!("{e}")),
                )
            })
    })
}

/// `value` with each number that is a whole number written as a float
/// (`5.0`, `1e3`) made an integer, where one can hold it.
fn whole_numbers_as_integers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            // Within ±2^53, where a float holds every whole number exactly.
            Some(f) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers_as_integers).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, whole_numbers_as_integers(v))).collect())
        }
        other => other,
    }
}

/// The step's form data from JSON: fields and decoded, checked files.
/// Names the step does not ask for are refused, not ignored: a typo in a
/// script should not pass silently.
fn form_data(
    step: &sop::Step,
    fields: &BTreeMap<String, String>,
    files: &[FileUpload],
) -> Result<FormData, Problem> {
    let mut errors = Vec::new();
    for name in fields.keys().filter(|n| !step.fields.iter().any(|f| &f.name == *n)) {
        errors.push(FieldError::new(&format!("fields.{name}"), name, "tidak diminta pada langkah ini"));
    }
    let mut data = FormData { fields: fields.clone(), files: Vec::new(), file_errors: Vec::new() };
    for file in files {
        let Some(rule) = step.attachments.iter().find(|a| a.name == file.name) else {
            errors.push(FieldError::new(
                &format!("attachments.{}", file.name),
                &file.name,
                "lampiran ini tidak diminta pada langkah ini",
            ));
            continue;
        };
        if data.files.iter().any(|f| f.name == file.name) {
            errors.push(FieldError::new(&rule.name, &rule.label, "dikirim lebih dari sekali"));
            continue;
        }
        // Line breaks and spaces are allowed: base64 is often wrapped.
        let text: Vec<u8> = file.content_base64.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let Ok(bytes) = STANDARD.decode(&text) else {
            errors.push(FieldError::new(&rule.name, &rule.label, "content_base64 bukan base64 yang sah"));
            continue;
        };
        match check_file(rule, &file.filename, bytes, Lang::Id) {
            Ok(upload) => data.files.push(upload),
            Err(e) => data.file_errors.push(e),
        }
    }
    if errors.is_empty() { Ok(data) } else { Err(errors.into()) }
}

fn answer<T: Serialize>(status: StatusCode, value: &T) -> Outcome {
    Ok((status, Answer::of(value)))
}

/// Answers with the case a command left, keeping the answer to the call's
/// idempotency key in that command (which commits here).
async fn answered(
    state: &AppState,
    user: &User,
    sop: &Sop,
    status: StatusCode,
    mut answering: Answering<'_, CaseState>,
) -> Outcome {
    let letters = answering.letters().await?;
    let view = case_view_with(state, user, answering.value(), sop, letters).await?;
    let json = Answer::of(&view);
    answering.answer(status.as_u16(), json.text()).await?;
    Ok((status, json))
}

/// Submits a request. With an `Idempotency-Key`, a retry makes no second case.
#[utoipa::path(post, path = "/cases", tag = "permohonan", request_body = NewCase,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string (e.g. a UUID): a retry with the same key and body gets the first answer and makes no second case")),
    responses(
        (status = 201, description = "The new case", body = CaseView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not submit this SOP", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A call with this key is still running", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused input, by field", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (user, state, headers, body, caller) = (&caller.0, &state, &headers, &body, &caller);
    replay::once(state, user, headers, "POST /api/v1/cases", body, Keeping::InCommand, |replay| async move {
        let request: NewCase = json_body(headers, body)?;
        let (agency, slug) = request
            .sop
            .split_once('/')
            .ok_or_else(|| Problem::field("sop", "sop", "tulis sebagai lembaga/slug, mis. lumajang/vpn"))?;
        let sop = super::sops::own_sop(state, caller, agency, slug).await?;
        if !crate::pages::services::may_submit(state, user, &sop).await? {
            return Err(Problem::forbidden_because(
                "layanan ini hanya dapat diajukan oleh pelaksana langkah pertamanya, dan Anda tidak termasuk di dalamnya",
            ));
        }
        let step = sop.first_step();
        let data = form_data(step, &request.fields, &request.attachments)?;
        let input = ActionInput { fields: request.fields.clone(), ..Default::default() };
        let errors = check_before_storing(step, &input, &data);
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let command =
            store::Submit::new(user.agency_id(), &sop.id, user.person(), input, now_ms()).with_uploads(data.files);
        match replay {
            None => {
                let case = state.store.submit(command).await?;
                answer(StatusCode::CREATED, &case_view(state, user, &case, &sop).await?)
            }
            Some(replay) => {
                let answering = state.store.submit_answering(command, replay).await?;
                answered(state, user, &sop, StatusCode::CREATED, answering).await
            }
        }
    })
    .await
}

/// Lists cases, newest first: the caller's own requests; for heads of the
/// Dinas and administrators, every case of the agency.
#[utoipa::path(get, path = "/cases", tag = "permohonan", params(PageQuery),
    responses(
        (status = 200, description = "A page of cases", body = Page<CaseItem>),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Page<CaseItem>>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let user = &caller.0;
    let limit = query.limit()?;
    let after: Option<(i64, String)> = query.after()?;
    let requester = if user.may_report { None } else { Some(user.person()) };
    let mut rows = state
        .store
        .cases_after(
            user.agency_id(),
            requester,
            after.as_ref().map(|(at, id)| (*at, id.as_str())),
            limit as i64 + 1,
        )
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor =
        if more { rows.last().map(|c| super::paging::cursor(&(c.opened_at, c.id.clone()))) } else { None };
    let items = rows
        .into_iter()
        .map(|c| CaseItem {
            id: c.id,
            number: c.number,
            sop: c.sop_id,
            sop_version: c.sop_version,
            status: c.status.key().to_string(),
            requester: c.requester,
            opened_at: instant(c.opened_at),
            closed_at: c.closed_at.map(instant),
        })
        .collect();
    Ok(Json(Page { items, next_cursor }))
}

/// One case with its timeline (personal data masked).
#[utoipa::path(get, path = "/cases/{id}", tag = "permohonan",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CaseView>, Problem> {
    let (case, sop) = visible_case(&state, &caller.0, &id).await?;
    Ok(Json(case_view(&state, &caller.0, &case, &sop).await?))
}

fn paperwork(state: &AppState, step: &sop::Step, action: &Action) -> Paperwork {
    let mut paperwork = Paperwork::default();
    match step.action {
        ActionKind::Draft => {
            paperwork.draft = action.draft.as_ref().map(|d| LetterDraft {
                subject: d.perihal.clone(),
                recipient: d.kepada.clone(),
                body: d.isi.clone(),
                copies: d.tembusan.clone(),
            });
        }
        ActionKind::Send => {
            paperwork.sending = action
                .sending
                .as_ref()
                .map(|s| store::letters::Sending { via: Some(s.via.clone()), at: s.at.clone() });
        }
        ActionKind::Sign => {
            // A returned draft is not signed.
            let returned = action.verdict.as_deref() == Some(Verdict::Tidak.key());
            paperwork.signing =
                action.signing.as_ref().filter(|s| !s.passphrase.is_empty() && !returned).map(|s| Signing {
                    passphrase: s.passphrase.clone(),
                    srikandi_number: s.srikandi_number.clone(),
                    verify_base: crate::pages::letters::verify_base(state),
                });
        }
        _ => {}
    }
    paperwork
}

/// Completes a task of a case. With an `Idempotency-Key`, a retry acts no
/// second time.
#[utoipa::path(post, path = "/cases/{id}/tasks/{task}", tag = "permohonan", request_body = Action,
    params(
        ("id" = String, Path, description = "Case id"),
        ("task" = String, Path, description = "Task id (from the case's `tasks`)"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body gets the first answer and acts no second time"),
    ),
    responses(
        (status = 200, description = "The case after the action", body = CaseView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the caller's task", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case or task", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The task is no longer open, or a call with this key is still running", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused input, by field", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, task_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let scope = format!("POST /api/v1/cases/{id}/tasks/{task_id}");
    act_on(&state, &caller.0, &id, Which::Task(&task_id), &scope, &headers, &body).await
}

/// Completes the caller's open task at step `step` of a case of one SOP:
/// the same action as `POST /cases/{id}/tasks/{task}`, without looking the
/// task up first. Each agency's own document (`/api/openapi/{agency}`)
/// lists this operation once per step of each of its SOPs, with that
/// step's exact body.
#[utoipa::path(post, path = "/sops/{agency}/{slug}/cases/{id}/steps/{step}", tag = "permohonan", request_body = Action,
    params(
        ("agency" = String, Path, description = "Agency id"),
        ("slug" = String, Path, description = "SOP slug"),
        ("id" = String, Path, description = "Case id (a case of this SOP)"),
        ("step" = u32, Path, description = "Step number"),
        ("Idempotency-Key" = Option<String>, Header, description = "A retry with the same key and body gets the first answer and acts no second time"),
    ),
    responses(
        (status = 200, description = "The case after the action", body = CaseView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the caller's task", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case of this SOP", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No task of the caller open at this step, or a call with this key is still running", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Refused input, by field", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn act_at_step(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug, id, step)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let scope = format!("POST /api/v1/sops/{agency}/{slug}/cases/{id}/steps/{step}");
    let sop = format!("{agency}/{slug}");
    let Ok(step) = step.parse() else {
        return Problem::field("step", "step", "harus nomor langkah").into_response();
    };
    act_on(&state, &caller.0, &id, Which::Step { sop: &sop, step }, &scope, &headers, &body).await
}

/// The task an action is for: named, or the caller's open one at a step
/// of a case of an SOP.
#[derive(Clone, Copy)]
enum Which<'a> {
    Task(&'a str),
    Step { sop: &'a str, step: u32 },
}

impl Which<'_> {
    fn task(self, case: &CaseState, user: &User) -> Result<engine::TaskState, Problem> {
        match self {
            Which::Task(id) => case.task(id).cloned().ok_or_else(Problem::not_found),
            Which::Step { sop, .. } if case.sop_id != sop => Err(Problem::not_found()),
            Which::Step { step, .. } => {
                let at_step: Vec<&engine::TaskState> = case.open_tasks().filter(|t| t.step == step).collect();
                let mine = at_step.iter().find(|t| t.candidates.iter().any(|c| c.person == user.person()));
                match (mine, at_step.first()) {
                    (Some(task), _) => Ok((*task).clone()),
                    // Someone else's: refused as the named task is.
                    (None, Some(task)) => Ok((*task).clone()),
                    (None, None) => Err(Problem::conflict(format!("langkah {step} tidak sedang terbuka"))),
                }
            }
        }
    }
}

async fn act_on(
    state: &AppState,
    user: &User,
    id: &str,
    which: Which<'_>,
    scope: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    replay::once(state, user, headers, scope, body, Keeping::InCommand, |replay: Option<Replay>| async move {
        let action: Action = json_body(headers, body)?;
        let (case, sop) = visible_case(state, user, id).await?;
        let task = which.task(&case, user)?;
        let step = sop.step(task.step).ok_or_else(Problem::not_found)?;
        let verdict = match action.verdict.as_deref() {
            None | Some("") => None,
            Some(given) => Some(
                Verdict::parse(given)
                    .ok_or_else(|| Problem::field("verdict", "verdict", "isi `ya` atau `tidak`"))?,
            ),
        };
        if !task.candidates.iter().any(|c| c.person == user.person()) {
            return Err(Problem::forbidden_because(
                "tugas ini bukan untuk Anda: hanya pelaksana lajurnya yang dapat menyelesaikannya",
            ));
        }
        let data = form_data(step, &action.fields, &action.attachments)?;
        let paperwork = paperwork(state, step, &action);
        let in_request_words = |problem: Problem| problem.rename_fields(|name| action_part(step, name));
        let disposition = match &action.disposition {
            Some(d) => Disposition::read(
                d.instructions.clone(),
                d.nature.as_deref(),
                d.due.as_deref(),
                d.addressee.as_deref(),
            )
            .map_err(|errors| in_request_words(errors.into()))?,
            None => None,
        };
        let input = ActionInput {
            note: action.note.clone(),
            verdict,
            fields: action.fields.clone(),
            attachments: BTreeMap::new(),
            disposition,
        };
        let errors = check_before_storing(step, &input, &data);
        if task.status == TaskStatus::Open && !errors.is_empty() {
            return Err(in_request_words(errors.into()));
        }
        // Through a signing service: an inactive certificate is refused
        // before a number is taken; the signature follows the step, and a
        // letter the service could not sign waits in the signing queue.
        let passphrase = paperwork.signing.as_ref().map(|s| s.passphrase.clone());
        if passphrase.is_some()
            && let Some(message) =
                crate::pages::signing_queue::refusal_before_signing(state, user.agency_id(), user.person())
                    .await?
        {
            return Err(Problem::field("signing.passphrase", "signing.passphrase", &message));
        }
        let command =
            store::Complete::new(user.agency_id(), &case.id, &task.id, user.person(), input, now_ms())
                .with_uploads(data.files)
                .with_paperwork(paperwork);
        let (passphrase, case_id) = (passphrase.as_deref(), case.id.as_str());
        let signed_by_service = || async move {
            match passphrase {
                Some(p) => crate::pages::signing_queue::sign_after_step(
                    state,
                    user.agency_id(),
                    case_id,
                    user.person(),
                    p,
                )
                .await
                .map(|signed| matches!(signed, Some(crate::pages::signing_queue::Signed::Done))),
                None => Ok(false),
            }
        };
        match replay {
            None => {
                let after = state.store.complete(command).await.map_err(|e| in_request_words(e.into()))?;
                signed_by_service().await?;
                answer(StatusCode::OK, &case_view(state, user, &after, &sop).await?)
            }
            Some(replay) => {
                let answering = state
                    .store
                    .complete_answering(command, replay.clone())
                    .await
                    .map_err(|e| in_request_words(e.into()))?;
                let kept = answered(state, user, &sop, StatusCode::OK, answering).await?;
                // The step is kept and so is its answer: what follows only
                // adds the service's signature to it, and a failure there
                // leaves the letter waiting in the signing queue.
                let resigned = async {
                    if !signed_by_service().await? {
                        return Ok(None);
                    }
                    // The answer (given again to a retry) shows the signed letter.
                    let (after, _) = visible_case(state, user, case_id).await?;
                    let json = Answer::of(&case_view(state, user, &after, &sop).await?);
                    state.store.replace_answer(&replay, StatusCode::OK.as_u16(), json.text()).await?;
                    Ok::<_, Problem>(Some(json))
                };
                match resigned.await {
                    Ok(Some(json)) => Ok((StatusCode::OK, json)),
                    Ok(None) => Ok(kept),
                    Err(problem) => {
                        tracing::warn!("tanda tangan layanan setelah langkah disimpan gagal: {problem:?}");
                        Ok(kept)
                    }
                }
            }
        }
    })
    .await
}

/// The name in an API request of the part of an action that the engine
/// and the store name as the page's form does (`catatan` is `note`), unless
/// the step has a field of that name itself.
fn action_part(step: &sop::Step, name: &str) -> Option<&'static str> {
    const PARTS: [(&str, &str); 14] = [
        ("catatan", "note"),
        (store::letters::SENT_VIA, "sending.via"),
        (store::letters::SENT_AT, "sending.at"),
        (FIELD_INSTRUCTIONS, "disposition.instructions"),
        (FIELD_NATURE, "disposition.nature"),
        (FIELD_DUE, "disposition.due"),
        (FIELD_ADDRESSEE, "disposition.addressee"),
        ("keputusan", "verdict"),
        ("kata_sandi", "signing.passphrase"),
        ("nomor_srikandi", "signing.srikandi_number"),
        ("perihal", "draft.perihal"),
        ("kepada", "draft.kepada"),
        ("isi", "draft.isi"),
        ("tembusan", "draft.tembusan"),
    ];
    if step.fields.iter().any(|f| f.name == name) {
        return None;
    }
    PARTS.iter().find(|(form, _)| *form == name).map(|(_, api)| *api)
}

/// The requester withdraws an open request.
#[utoipa::path(post, path = "/cases/{id}/withdraw", tag = "permohonan", request_body = Withdrawal,
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The withdrawn case", body = CaseView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the requester may withdraw", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case is closed", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad JSON", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseView>, Problem> {
    let user = &caller.0;
    let request: Withdrawal = json_body(&headers, &body)?;
    let (case, sop) = visible_case(&state, user, &id).await?;
    let after =
        state.store.withdraw(user.agency_id(), &case.id, user.person(), request.reason, now_ms()).await?;
    Ok(Json(case_view(&state, user, &after, &sop).await?))
}

/// An attachment of a case the caller may see.
#[utoipa::path(get, path = "/attachments/{id}", tag = "permohonan",
    params(("id" = String, Path, description = "Attachment id (from a task's `attachments`)")),
    responses(
        (status = 200, description = "The file", content(("application/pdf"), ("image/jpeg"), ("image/png"))),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let user = &caller.0;
    let file = state.store.attachment(user.agency_id(), &id).await?.ok_or_else(Problem::not_found)?;
    let case = file.case.clone().ok_or_else(Problem::not_found)?;
    if !state.store.may_see_case(user.agency_id(), &case, user.person(), user.account.is_admin).await? {
        return Err(Problem::not_found());
    }
    Ok(crate::upload::download(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Counted {
        revision: i64,
        scores: Vec<u8>,
    }

    fn read(body: &str) -> Result<Counted, Problem> {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        json_body(&headers, body.as_bytes())
    }

    #[test]
    fn whole_numbers_written_as_floats_are_whole_numbers() {
        assert_eq!(
            read(r#"{"revision": 5.0, "scores": [1e0, 4]}"#).unwrap(),
            Counted { revision: 5, scores: vec![1, 4] }
        );
        assert_eq!(read(r#"{"revision": 1e3, "scores": []}"#).unwrap().revision, 1000);
    }

    #[test]
    fn a_fraction_or_a_number_out_of_range_is_refused_where_it_stands() {
        for (body, said) in [
            (r#"{"revision": 5.5, "scores": []}"#, "line 1 column"),
            (r#"{"revision": 1, "scores": [256.0]}"#, "u8"),
            (r#"{"revision": 1e300, "scores": []}"#, "i64"),
        ] {
            let problem = read(body).unwrap_err();
            assert_eq!(problem.status, 422, "{body}");
            assert!(
                problem.detail.as_deref().unwrap_or_default().contains(said),
                "{body}: {:?}",
                problem.detail
            );
        }
    }
}

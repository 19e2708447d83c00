//! Monev (monitoring dan evaluasi) through the API — monitoring
//! (Permenpan-RB 35/2012: the form of an SOP's implementation per
//! period) and evaluation (its checklist): a head or
//! report reader reads an SOP's monitoring form as proposed from the
//! period's cases and signs it off, and evaluates an SOP; an administrator
//! sets the period's length and the checklist's questions. The report
//! pages' rights and refusals.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use store::StoreError;
use store::evaluation::Evaluate;
use store::monitoring::{Judgement, Monitoring, SignOff};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::cases::{instant, json_body};
use super::problem::Problem;
use crate::pages::evaluation::{may_evaluate, own_sop};
use crate::pages::monitoring::{PeriodQuery, load};
use crate::{AppState, now_ms};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonitoringPeriod {
    /// First day, YYYY-MM-DD (default: the agency's previous period's).
    #[param(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: the agency's previous period's).
    #[param(format = Date, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub to: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MonitoringRowView {
    pub step: u32,
    /// The step's activity (Prosedur).
    pub procedure: String,
    /// What the period's cases show.
    pub found: String,
    /// `baik` or `tidak-baik`; proposed from the figures until signed.
    pub judgement: Option<String>,
    pub note: String,
    pub action: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MonitoringView {
    pub sop: String,
    pub sop_version: u32,
    pub from: String,
    pub until: String,
    pub summary: String,
    pub rows: Vec<MonitoringRowView>,
    /// Who signed it off (its paraf), if anyone has.
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
}

/// A step's judgement as signed off.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RowSignOff {
    #[schema(minimum = 1)]
    pub step: u32,
    #[schema(schema_with = judgements)]
    pub judgement: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub action: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringSignOff {
    /// Every step of the form; a step left out is unjudged.
    pub rows: Vec<RowSignOff>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodLength {
    #[schema(schema_with = period_months)]
    pub months: u8,
}

/// The API's name of a monitoring field the store names as the page's
/// form does (`penilaian.3`: step 3's judgement).
fn period_months() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .enum_values(Some(store::monitoring::PERIOD_MONTHS))
        .description(Some("1, 2, 3, 4, 6 or 12."))
        .build()
}

fn judgements() -> utoipa::openapi::Object {
    super::choices::one_of(Judgement::ALL.map(Judgement::code), "`baik` or `tidak-baik`.")
}

fn monitoring_field(field: &str) -> Option<String> {
    let (name, step) = field.split_once('.')?;
    let part = match name {
        "penilaian" => "judgement",
        "catatan" => "note",
        "tindakan" => "action",
        _ => return None,
    };
    Some(format!("rows.{step}.{part}"))
}

/// The API's name of an evaluation field (`jawaban.0`: the first answer).
fn evaluation_field(field: &str) -> Option<String> {
    Some(match field.split_once('.') {
        None => match field {
            "rekomendasi" => "recommendation",
            "catatan" => "notes",
            "pertanyaan" => "questions",
            _ => return None,
        }
        .to_string(),
        Some(("jawaban", i)) => format!("answers.{i}.yes"),
        Some(("catatan", i)) => format!("answers.{i}.note"),
        Some(_) => return None,
    })
}

fn view(m: Monitoring) -> MonitoringView {
    MonitoringView {
        sop: m.sop_id,
        sop_version: m.sop_version,
        from: m.from.to_string(),
        until: m.until.to_string(),
        summary: m.summary,
        rows: m
            .rows
            .into_iter()
            .map(|r| MonitoringRowView {
                step: r.step,
                procedure: r.procedure,
                found: r.found,
                judgement: r.judgement.map(|j| j.code().to_string()),
                note: r.note,
                action: r.action,
            })
            .collect(),
        signed_at: m.signed.as_ref().map(|(_, at)| instant(*at)),
        signed_by: m.signed.map(|(by, _)| by),
    }
}

/// An SOP's monitoring form for a period: as signed off, or as proposed
/// from the period's cases (heads and report readers).
#[utoipa::path(get, path = "/monitoring/{agency}/{slug}", tag = "laporan",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("slug" = String, Path, description = "SOP slug", example = "vpn"), MonitoringPeriod),
    responses(
        (status = 200, description = "The form", body = MonitoringView),
        (status = 400, description = "A malformed query, a bad date, or the end before the start", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not one who reads the agency's reports", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
    period: Result<Query<MonitoringPeriod>, QueryRejection>,
) -> Result<Json<MonitoringView>, Problem> {
    let Query(period) = period.map_err(|e| Problem::bad_request(e.body_text()))?;
    let form =
        load(&state, &caller.0, (&agency, &slug), &PeriodQuery::between(period.from, period.to)).await?;
    Ok(Json(view(form)))
}

/// Signs off an SOP's monitoring form for a finished period, judging each step.
#[utoipa::path(post, path = "/monitoring/{agency}/{slug}", tag = "laporan", request_body = MonitoringSignOff,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("slug" = String, Path, description = "SOP slug", example = "vpn"), MonitoringPeriod),
    responses(
        (status = 201, description = "Signed off", body = MonitoringView),
        (status = 400, description = "A malformed query, a bad date, or the end before the start", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not one who reads the agency's reports", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in the caller's agency", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Signed off already, or the period still runs", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A step unjudged or judged `tidak-baik` without a note, or an unknown judgement", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn sign(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
    period: Result<Query<MonitoringPeriod>, QueryRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<MonitoringView>), Problem> {
    let Query(period) = period.map_err(|e| Problem::bad_request(e.body_text()))?;
    let user = &caller.0;
    let form = load(&state, user, (&agency, &slug), &PeriodQuery::between(period.from, period.to)).await?;
    let given: MonitoringSignOff = json_body(&headers, &body)?;
    let mut rows = Vec::new();
    for r in &form.rows {
        let sent = given.rows.iter().find(|g| g.step == r.step);
        let judgement = match sent {
            None => None,
            Some(g) => Some(Judgement::from_code(&g.judgement).ok_or_else(|| {
                let why = format!(
                    "langkah {}: \"{}\" bukan penilaian; pakai baik atau tidak-baik",
                    g.step, g.judgement
                );
                Problem::field("rows", "rows", why)
            })?),
        };
        let text = |f: fn(&RowSignOff) -> &String| sent.map(|g| f(g).clone()).unwrap_or_default();
        rows.push((r.step, judgement, text(|g| &g.note), text(|g| &g.action)));
    }
    if let Some(stray) = given.rows.iter().find(|g| !form.rows.iter().any(|r| r.step == g.step)) {
        return Err(Problem::field("rows", "rows", format!("langkah {} tidak ada pada SOP ini", stray.step)));
    }
    let sign = SignOff {
        agency: &agency,
        sop_id: &form.sop_id,
        from: form.from,
        until: form.until,
        rows,
        by: user.person(),
        at: now_ms(),
    };
    match state.store.sign_monitoring(sign).await {
        Ok(signed) => Ok((StatusCode::CREATED, Json(view(signed)))),
        Err(StoreError::AlreadyExists(_)) => Err(Problem::conflict("formulir periode ini sudah diparaf")),
        Err(e) => Err(Problem::from(e).rename_fields(monitoring_field)),
    }
}

/// Sets how many months a monitoring period lasts (administrators).
#[utoipa::path(put, path = "/monitoring/period", tag = "laporan", request_body = PeriodLength,
    responses(
        (status = 204, description = "Set"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a length that divides the year", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn set_period(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let given: PeriodLength = json_body(&headers, &body)?;
    let user = &caller.0;
    state.store.set_monitoring_months(user.agency_id(), given.months, user.person(), now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The evaluation checklist's questions.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Questions {
    pub questions: Vec<String>,
}

/// The checklist an SOP is evaluated by (heads, report readers, administrators).
#[utoipa::path(get, path = "/evaluation/questions", tag = "laporan",
    responses(
        (status = 200, description = "The questions", body = Questions),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a report reader nor an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn questions(State(state): State<AppState>, caller: Caller) -> Result<Json<Questions>, Problem> {
    if !caller.0.account.is_admin {
        may_evaluate(&caller.0)?;
    }
    Ok(Json(Questions { questions: state.store.evaluation_questions(caller.0.agency_id()).await? }))
}

/// Replaces the checklist's questions (administrators); evaluations made
/// keep the questions they were asked.
#[utoipa::path(put, path = "/evaluation/questions", tag = "laporan", request_body = Questions,
    responses(
        (status = 200, description = "Saved", body = Questions),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "None, too many, or one too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn set_questions(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Questions>, Problem> {
    caller.require_admin()?;
    let given: Questions = json_body(&headers, &body)?;
    let user = &caller.0;
    let (agency, by) = (user.agency_id(), user.person());
    let saved = state.store.set_evaluation_questions(agency, &given.questions, by, now_ms()).await;
    saved.map_err(|e| Problem::from(e).rename_fields(evaluation_field))?;
    Ok(Json(Questions { questions: state.store.evaluation_questions(user.agency_id()).await? }))
}

/// One question's answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationAnswer {
    /// Absent: not answered (refused).
    #[schema(value_type = bool, required = true)]
    pub yes: Option<bool>,
    #[serde(default)]
    pub note: String,
}

/// An evaluation of an SOP against the checklist.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvaluation {
    /// One per question, in the checklist's order.
    pub answers: Vec<EvaluationAnswer>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub recommendation: String,
    /// Open a revision draft carrying the findings.
    #[serde(default)]
    pub revise: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvaluationDone {
    pub id: String,
    /// The revision draft it opened.
    pub draft: Option<String>,
}

/// Evaluates an SOP of the caller's agency (heads and report readers).
#[utoipa::path(post, path = "/evaluations/{agency}/{slug}", tag = "laporan", request_body = NewEvaluation,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("slug" = String, Path, description = "SOP slug", example = "vpn")),
    responses(
        (status = 201, description = "Recorded", body = EvaluationDone),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not one who reads the agency's reports", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in the caller's agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A question unanswered, a text too long, or not one answer per question", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn evaluate(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<EvaluationDone>), Problem> {
    let user = &caller.0;
    let sop_id = own_sop(user, &agency, &slug)?;
    state.store.sop(&agency, &sop_id, None).await?;
    let given: NewEvaluation = json_body(&headers, &body)?;
    let count = state.store.evaluation_questions(&agency).await?.len();
    if given.answers.len() != count {
        let why = format!("kirim {count} jawaban, satu per pertanyaan, bukan {}", given.answers.len());
        return Err(Problem::field("answers", "answers", why));
    }
    let evaluate = Evaluate {
        agency: &agency,
        sop_id: &sop_id,
        answers: given.answers.into_iter().map(|a| (a.yes, a.note)).collect(),
        notes: &given.notes,
        recommendation: &given.recommendation,
        revise: given.revise,
        by: user.person(),
        at: now_ms(),
    };
    let done = state
        .store
        .evaluate_sop(evaluate)
        .await
        .map_err(|e| Problem::from(e).rename_fields(evaluation_field))?;
    Ok((StatusCode::CREATED, Json(EvaluationDone { id: done.id, draft: done.draft })))
}

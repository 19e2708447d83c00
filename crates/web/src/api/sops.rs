//! SOPs through the API: the agency's live SOPs with what a request needs
//! and when and by whom each was published, one SOP with its steps, its
//! official document (PDF, SVG), and — for administrators — publishing a
//! definition as a new version.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sop::Sop;
use sop::version_diff::{Difference, Group, compare};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::problem::{FieldProblem, Finding, Problem};
use super::replay;
use crate::AppState;
use crate::i18n::Lang;
use crate::pages::services::{may_submit, total_time};
use crate::pages::sop_publishing::{self, Refusal, UPLOADED_FILE};
use crate::pages::sop_versions;

/// A field of a step's form.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FieldSpec {
    pub name: String,
    pub label: String,
    /// text, textarea, number, date, datetime, email, phone, nik, nip, domain, ip or select.
    pub kind: String,
    pub required: bool,
    /// For `select`: the allowed values.
    pub options: Vec<String>,
    /// Personal data: stored encrypted and shown masked.
    pub personal: bool,
    /// Required too when another field of the step has a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<RequiredWhenSpec>,
}

/// The other field of the step, and the value that makes a field required.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RequiredWhenSpec {
    pub field: String,
    pub value: String,
}

/// A file a step asks for.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttachmentSpec {
    pub name: String,
    pub label: String,
    pub required: bool,
    /// File kinds accepted (checked by content): pdf, jpg, png.
    pub accept: Vec<String>,
    pub max_kb: u32,
}

/// A published SOP as listed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SopSummary {
    /// e.g. `lumajang/vpn`.
    pub id: String,
    pub version: u32,
    /// The official number (nomor SOP).
    pub number: String,
    pub name: String,
    /// The sum of the steps' standard times, e.g. "5 hari kerja + 1 jam".
    pub standard_duration: String,
    /// Whether the caller may submit a request of this SOP.
    pub may_submit: bool,
    /// What the requester must bring (persyaratan).
    pub requirements: Vec<String>,
    /// The request form: fields of the first step.
    pub fields: Vec<FieldSpec>,
    pub attachments: Vec<AttachmentSpec>,
    /// The official document: `?format=pdf` or `?format=svg`.
    pub document: String,
    /// When this version was published (RFC 3339).
    pub published_at: String,
    /// The person who published it; absent: the installation (a built-in
    /// SOP, or the server's SOP directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_by: Option<String>,
}

/// One step of an SOP.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StepSpec {
    pub no: u32,
    pub activity: String,
    pub lane: String,
    pub lane_name: String,
    /// submit, dispose, forward, decide, approve, perform, report, receive, draft, review, sign, send, issue-card, escort.
    pub action: String,
    /// The mutu baku time, e.g. "15 menit"; absent when the step has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_time: Option<String>,
    pub fields: Vec<FieldSpec>,
    pub attachments: Vec<AttachmentSpec>,
}

/// An SOP with its steps.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SopDetail {
    #[serde(flatten)]
    pub summary: SopSummary,
    pub steps: Vec<StepSpec>,
}

pub fn fields(step: &sop::Step) -> Vec<FieldSpec> {
    step.fields
        .iter()
        .map(|f| FieldSpec {
            name: f.name.clone(),
            label: f.label.clone(),
            kind: f.kind.key().into(),
            required: f.required,
            options: f.options.clone(),
            personal: f.personal,
            required_when: f
                .required_when
                .as_ref()
                .map(|w| RequiredWhenSpec { field: w.field.clone(), value: w.value.clone() }),
        })
        .collect()
}

fn attachments(step: &sop::Step) -> Vec<AttachmentSpec> {
    step.attachments
        .iter()
        .map(|a| AttachmentSpec {
            name: a.name.clone(),
            label: a.label.clone(),
            required: a.required,
            accept: a.accept.clone(),
            max_kb: a.max_kb,
        })
        .collect()
}

async fn summary(state: &AppState, caller: &Caller, sop: &Sop) -> Result<SopSummary, Problem> {
    let versions = state.store.published_versions(caller.0.agency_id()).await?;
    let published = versions.iter().find(|v| v.sop_id == sop.id && v.version == i64::from(sop.version));
    summary_of(state, caller, sop, published).await
}

async fn summary_of(
    state: &AppState,
    caller: &Caller,
    sop: &Sop,
    published: Option<&store::PublishedVersion>,
) -> Result<SopSummary, Problem> {
    let first = sop.first_step();
    Ok(SopSummary {
        id: sop.id.clone(),
        version: sop.version,
        number: sop.identity.nomor.value.clone(),
        name: sop.identity.nama.value.clone(),
        standard_duration: total_time(sop, Lang::Id),
        may_submit: may_submit(state, &caller.0, sop).await?,
        requirements: first.requirements.clone(),
        fields: fields(first),
        attachments: attachments(first),
        document: format!("/api/v1/sops/{}/document", sop.id),
        published_at: published.map(|p| super::cases::instant(p.published_at)).unwrap_or_default(),
        published_by: published.and_then(|p| p.published_by.clone()),
    })
}

/// The live SOPs of the caller's agency: the newest version of each, with
/// when and by whom it was published.
#[utoipa::path(get, path = "/sops", tag = "sop",
    responses(
        (status = 200, description = "The agency's SOPs", body = Vec<SopSummary>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<SopSummary>>, Problem> {
    let agency = caller.0.agency_id().to_string();
    let versions = state.store.published_versions(&agency).await?;
    let mut out = Vec::new();
    for id in state.store.sop_ids(&agency).await? {
        let sop = state.store.sop(&agency, &id, None).await?;
        let published = versions.iter().find(|v| v.sop_id == id && v.version == i64::from(sop.version));
        out.push(summary_of(&state, &caller, &sop, published).await?);
    }
    Ok(Json(out))
}

/// A definition to publish.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSopVersion {
    /// The definition's TOML text (the format: docs/sop-format.md); its
    /// format is named `sop-toml` for generators of test data.
    #[schema(format = "sop-toml")]
    pub source: String,
    /// The file's name, kept with the version; default `unggahan.toml`.
    #[serde(default)]
    pub filename: Option<String>,
}

/// A definition published (or found published already).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublishedSop {
    /// `false`: this very text was published under this version already;
    /// nothing changed.
    pub new: bool,
    pub sop: SopSummary,
    /// The linter's warnings (a definition with an error is refused).
    pub findings: Vec<Finding>,
}

/// The answer to publishing `text`: the version made (201) or found
/// (200), or the refusal with every finding located.
pub(super) async fn answer(
    state: &AppState,
    caller: &Caller,
    outcome: sop_publishing::Outcome,
    text: &str,
) -> Result<(StatusCode, PublishedSop), Problem> {
    match outcome {
        sop_publishing::Outcome::Published { sop, new, findings } => {
            let published = PublishedSop {
                new,
                sop: summary(state, caller, &sop).await?,
                findings: findings.iter().map(|d| Finding::of(d, text)).collect(),
            };
            Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, published))
        }
        sop_publishing::Outcome::Refused { why, findings } => Err(refused(why, &findings, text)),
    }
}

/// A refusal of a definition with every finding, located.
fn refused(why: Refusal, findings: &[sop::Diagnostic], text: &str) -> Problem {
    let errors = findings
        .iter()
        .filter(|d| d.severity == sop::Severity::Error)
        .map(|d| FieldProblem {
            field: "source".into(),
            label: "Definisi SOP".into(),
            message: format!("baris {}, kolom {}: {}", d.at.line, d.at.column, d.message),
        })
        .collect();
    let mut problem = match why {
        Refusal::Invalid => Problem::invalid(errors),
        Refusal::Version => {
            let mut p = Problem::new(
                StatusCode::CONFLICT,
                "version-conflict",
                "Versi SOP sudah terpakai",
                Some("Nomor versi ini sudah diterbitkan dengan isi lain atau lebih lama daripada versi terbaru; naikkan `version`. Tidak ada yang berubah.".into()),
            );
            p.errors = errors;
            p
        }
    };
    problem.findings = Some(Box::new(findings.iter().map(|d| Finding::of(d, text)).collect()));
    problem
}

/// Publishes a definition as a new version of an SOP of the caller's
/// agency (administrators only). It is checked as the upload page checks
/// it: any error refuses it with every finding located and changes
/// nothing; another text under a published version number is refused.
/// Running cases keep the version they started on.
#[utoipa::path(post, path = "/sops", tag = "sop", request_body = NewSopVersion,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string: a retry with the same key and body gets the first answer")),
    responses(
        (status = 201, description = "Published as a new version", body = PublishedSop),
        (status = 200, description = "This text was published already; nothing changed", body = PublishedSop),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The version is taken by another text or older than the newest (`findings` locates it)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The definition has errors or is another agency's; `findings` has each with its line and column", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (user, state, headers, body, caller) = (&caller.0, &state, &headers, &body, &caller);
    replay::once(
        state,
        user,
        headers,
        "POST /api/v1/sops",
        body,
        replay::Keeping::AfterCall,
        |_| async move {
            if !user.account.is_admin {
                return Err(Problem::forbidden_because(
                    "hanya administrator instansi yang dapat menerbitkan SOP",
                ));
            }
            let request: NewSopVersion = super::cases::json_body(headers, body)?;
            let file =
                request.filename.as_deref().map(str::trim).filter(|f| !f.is_empty()).unwrap_or(UPLOADED_FILE);
            let outcome = sop_publishing::publish(state, user, file, &request.source).await?;
            let (status, published) = answer(state, caller, outcome, &request.source).await?;
            Ok((status, replay::Answer::of(&published)))
        },
    )
    .await
}

/// The SOP `agency/slug` of the caller's own agency.
pub async fn own_sop(
    state: &AppState,
    caller: &Caller,
    agency: &str,
    slug: &str,
) -> Result<Arc<Sop>, Problem> {
    if agency != caller.0.agency_id() {
        // Another agency's SOPs are not the caller's business.
        return Err(Problem::not_found());
    }
    Ok(state.store.sop(agency, &format!("{agency}/{slug}"), None).await?)
}

/// One SOP with its steps.
#[utoipa::path(get, path = "/sops/{agency}/{slug}", tag = "sop",
    params(("agency" = String, Path, description = "Agency id, e.g. `lumajang`", example = "lumajang"), ("slug" = String, Path, description = "SOP slug, e.g. `vpn`", example = "vpn")),
    responses(
        (status = 200, description = "The SOP", body = SopDetail),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
) -> Result<Json<SopDetail>, Problem> {
    let sop = own_sop(&state, &caller, &agency, &slug).await?;
    let steps = sop
        .steps
        .iter()
        .map(|s| StepSpec {
            no: s.no,
            activity: s.activity.clone(),
            lane: s.lane.clone(),
            lane_name: sop.lane(&s.lane).map_or(s.lane.clone(), |l| l.name.clone()),
            action: s.action.key().into(),
            standard_time: s.time.map(|t| t.to_string()),
            fields: fields(s),
            attachments: attachments(s),
        })
        .collect();
    Ok(Json(SopDetail { summary: summary(&state, &caller, &sop).await?, steps }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// `pdf` (default) or `svg`.
    #[param(inline)]
    pub format: Option<DocumentFormat>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    Pdf,
    Svg,
}

/// The SOP's official document: identity page and flowchart matrix.
#[utoipa::path(get, path = "/sops/{agency}/{slug}/document", tag = "sop",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("slug" = String, Path, description = "SOP slug", example = "vpn"), DocumentQuery),
    responses(
        (status = 200, description = "The document", content(("application/pdf"), ("image/svg+xml"))),
        (status = 400, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn document(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
    query: Result<Query<DocumentQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) =
        query.map_err(|e| Problem::bad_request(format!("format harus pdf atau svg ({})", e.body_text())))?;
    let sop = own_sop(&state, &caller, &agency, &slug).await?;
    let profile = &caller.0.agency;
    let (ext, kind, bytes) = match query.format.unwrap_or(DocumentFormat::Pdf) {
        DocumentFormat::Pdf => {
            ("pdf", "application/pdf", documents::sop_document::to_pdf(&sop, Some(profile)))
        }
        DocumentFormat::Svg => ("svg", "image/svg+xml", sop::render::svg(&sop, Some(profile)).into_bytes()),
    };
    let disposition = format!("attachment; filename=\"{agency}-{slug}.{ext}\"");
    Ok(([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

/// One published version of an SOP.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SopVersion {
    pub version: u32,
    /// When it was published (RFC 3339).
    pub published_at: String,
    /// The person who published it; absent: the installation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_by: Option<String>,
    /// The file it was published from.
    pub file: String,
    /// Requests started on this version that are still running (they keep it).
    pub open_cases: i64,
    /// Whether new requests use it (the newest version).
    pub live: bool,
}

/// The SOP `agency/slug`'s published versions, if it is the caller's agency's.
async fn own_versions(
    state: &AppState,
    caller: &Caller,
    agency: &str,
    slug: &str,
) -> Result<(String, Vec<store::PublishedVersion>), Problem> {
    if agency != caller.0.agency_id() {
        return Err(Problem::not_found());
    }
    let id = format!("{agency}/{slug}");
    let versions = sop_versions::published(state, agency, &id).await?;
    Ok((id, versions))
}

/// Every published version of an SOP, newest first: every version is kept,
/// and a running request stays on the version it started on.
#[utoipa::path(get, path = "/sops/{agency}/{slug}/versions", tag = "sop",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("slug" = String, Path, description = "SOP slug", example = "vpn")),
    responses(
        (status = 200, description = "The versions, newest first", body = Vec<SopVersion>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn versions(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
) -> Result<Json<Vec<SopVersion>>, Problem> {
    let (_, versions) = own_versions(&state, &caller, &agency, &slug).await?;
    Ok(Json(
        versions
            .iter()
            .enumerate()
            .map(|(i, v)| SopVersion {
                version: u32::try_from(v.version).unwrap_or_default(),
                published_at: super::cases::instant(v.published_at),
                published_by: v.published_by.clone(),
                file: v.file.clone(),
                open_cases: v.open_cases,
                live: i == 0,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The version compared from (usually the older), e.g. 3.
    #[param(value_type = u32)]
    pub from: Option<String>,
    /// The version compared to (usually the newer), e.g. 4.
    #[param(value_type = u32)]
    pub to: Option<String>,
}

/// One difference: its group, the sentence a reader is shown, and the
/// typed difference (`kind` and its fields).
#[derive(Debug, Serialize, ToSchema)]
pub struct DifferenceView {
    /// identitas, pelaksana, langkah, formulir, surat or lainnya.
    pub group: Group,
    /// The difference said in Bahasa Indonesia, e.g. "Waktu langkah 3: 1 hari → 2 jam."
    pub text: String,
    #[serde(flatten)]
    pub difference: Difference,
}

/// What changed from one version of an SOP to another.
#[derive(Debug, Serialize, ToSchema)]
pub struct SopDiff {
    /// e.g. `lumajang/vpn`.
    pub sop: String,
    pub from: u32,
    pub to: u32,
    /// Grouped (identitas, pelaksana, langkah, formulir, surat, lainnya),
    /// in document order within each group; empty when the contents are the same.
    pub differences: Vec<DifferenceView>,
}

/// The readable difference between two published versions of an SOP:
/// identity fields, lanes, steps added, removed or changed (aligned by
/// what they do, so one inserted step is one step added), standard times,
/// form fields and attachments, the letter and other effects. Step numbers
/// are the `to` version's; a step only `from` has is named by its number there.
#[utoipa::path(get, path = "/sops/{agency}/{slug}/diff", tag = "sop",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("slug" = String, Path, description = "SOP slug", example = "vpn"), DiffQuery),
    responses(
        (status = 200, description = "The differences", body = SopDiff),
        (status = 400, description = "A query string that cannot be read (e.g. `to` given twice)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in the caller's agency, or no such version of it (`detail` names the field)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` or `to` missing or not a version number, or both the same (`errors` names the field)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn diff(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
    query: Result<Query<DiffQuery>, QueryRejection>,
) -> Result<Json<SopDiff>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let (id, versions) = own_versions(&state, &caller, &agency, &slug).await?;
    let (from, to) =
        sop_versions::choose(query.from.as_deref(), query.to.as_deref(), &versions).map_err(|bad| {
            let message = bad.message(("from", "to"), &id, &versions);
            if bad.not_found() {
                Problem::new(StatusCode::NOT_FOUND, "not-found", "Tidak ditemukan", Some(message))
            } else {
                let field = bad.field(("from", "to"));
                Problem::field(field, field, message)
            }
        })?;
    let older = state.store.sop(&agency, &id, Some(from)).await?;
    let newer = state.store.sop(&agency, &id, Some(to)).await?;
    let differences = compare(&older, &newer)
        .into_iter()
        .map(|d| DifferenceView { group: d.group(), text: d.to_string(), difference: d })
        .collect();
    Ok(Json(SopDiff { sop: id, from, to, differences }))
}

/// Withdraws an SOP from use: no new request of it; running cases go on.
#[utoipa::path(post, path = "/sops/{agency}/{slug}/withdraw", tag = "sop",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("slug" = String, Path, description = "SOP slug", example = "vpn")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in use in the caller's agency (or already withdrawn)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    set_in_use(&state, &caller, &agency, &slug, false).await
}

/// Puts a withdrawn SOP back in use.
#[utoipa::path(post, path = "/sops/{agency}/{slug}/restore", tag = "sop",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("slug" = String, Path, description = "SOP slug", example = "vpn")),
    responses(
        (status = 204, description = "In use again"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such withdrawn SOP in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    set_in_use(&state, &caller, &agency, &slug, true).await
}

async fn set_in_use(
    state: &AppState,
    caller: &Caller,
    agency: &str,
    slug: &str,
    in_use: bool,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    if agency != caller.0.agency_id() {
        return Err(Problem::not_found());
    }
    let (id, by, at) = (format!("{agency}/{slug}"), caller.0.person(), crate::now_ms());
    if in_use {
        state.store.restore_sop(agency, &id, by, at).await?;
    } else {
        state.store.withdraw_sop(agency, &id, by, at).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

//! A roster (a CSV of the agency's people from SIMPEG or a spreadsheet)
//! through the API: previewed — who is new, who changed, who is no longer
//! named — and imported, by whoever may use the organisation editor, with
//! the import page's checks. A file with any bad line is refused whole,
//! each line named.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use store::roster::RosterPreview;
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::paging::flag;
use super::problem::{FieldProblem, Problem};
use crate::AppState;
use crate::pages::roster_import::{MAX_ROSTER_BYTES, editable};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RosterPerson {
    /// The person's id in the agency (none for a new one).
    pub person: Option<String>,
    pub nip: Option<String>,
    pub name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RosterChange {
    pub person: String,
    pub nip: String,
    pub name: String,
    /// The columns whose values change, e.g. `Jabatan`, `E-mail`.
    pub fields: Vec<String>,
}

/// What importing the file does (or did).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RosterPlan {
    /// SHA-256 of the file.
    pub sha256: String,
    pub new: Vec<RosterPerson>,
    pub changed: Vec<RosterChange>,
    /// People of the agency with a NIP the file does not name; their
    /// positions end only when asked (`end_gone`).
    pub gone: Vec<RosterPerson>,
    pub unchanged: usize,
    /// New people who get a login named by their NIP.
    pub new_accounts: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportOptions {
    /// Also end today the positions of the people the file no longer names.
    #[param(value_type = Option<bool>)]
    pub end_gone: Option<String>,
}

fn csv_body(headers: &HeaderMap, body: &[u8]) -> Result<(), Problem> {
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/csv"));
    if !csv {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Jenis isi tidak didukung",
            Some("Kirim berkas sebagai `Content-Type: text/csv`.".into()),
        ));
    }
    if body.len() > MAX_ROSTER_BYTES {
        let limit = MAX_ROSTER_BYTES / 1024 / 1024;
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Terlalu besar",
            Some(format!("berkas paling besar {limit} MB")),
        ));
    }
    Ok(())
}

/// The plan, or the file's problems line by line.
fn plan_of(preview: &RosterPreview) -> Result<RosterPlan, Problem> {
    let plan = preview.outcome.as_ref().map_err(|lines| {
        Problem::invalid(
            lines
                .iter()
                .map(|e| FieldProblem {
                    field: format!("line {}", e.line),
                    label: match e.column {
                        Some(column) => format!("baris {}, {}", e.line, column.label()),
                        None => format!("baris {}", e.line),
                    },
                    message: e.message.clone(),
                })
                .collect(),
        )
    })?;
    Ok(RosterPlan {
        sha256: preview.sha256.clone(),
        new: plan
            .new
            .iter()
            .map(|e| RosterPerson { person: None, nip: Some(e.nip.clone()), name: e.name.clone() })
            .collect(),
        changed: plan
            .changed
            .iter()
            .map(|u| RosterChange {
                person: u.person.clone(),
                nip: u.entry.nip.clone(),
                name: u.entry.name.clone(),
                fields: u.fields.iter().map(|c| c.label().to_string()).collect(),
            })
            .collect(),
        gone: plan
            .gone
            .iter()
            .map(|m| RosterPerson { person: Some(m.id.clone()), nip: m.nip.clone(), name: m.name.clone() })
            .collect(),
        unchanged: plan.unchanged,
        new_accounts: preview.new_accounts,
    })
}

/// What importing this roster would change; nothing is written.
#[utoipa::path(post, path = "/agencies/{agency}/roster/preview", tag = "organisasi",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang")),
    request_body(content = String, content_type = "text/csv", description = "Columns NIP, Nama, Jabatan, Unit kerja; optional Gelar, E-mail, Nomor HP"),
    responses(
        (status = 200, description = "The plan", body = RosterPlan),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 6 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not CSV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Each bad line", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RosterPlan>, Problem> {
    let (_, today) = editable(&state, &caller.0, &agency).await?;
    csv_body(&headers, &body)?;
    let preview = state.store.roster_preview(&agency, &body, today).await?;
    Ok(Json(plan_of(&preview)?))
}

/// Imports the roster: adds the new people (with logins named by their
/// NIP), changes the changed, and with `end_gone` ends today the positions
/// of those it no longer names. Answers what was done.
#[utoipa::path(post, path = "/agencies/{agency}/roster", tag = "organisasi",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ImportOptions),
    request_body(content = String, content_type = "text/csv", description = "Columns NIP, Nama, Jabatan, Unit kerja; optional Gelar, E-mail, Nomor HP"),
    responses(
        (status = 200, description = "Imported", body = RosterPlan),
        (status = 400, description = "A malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 6 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not CSV", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Each bad line (nothing was imported), or a bad end_gone", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<String>,
    options: Result<Query<ImportOptions>, QueryRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RosterPlan>, Problem> {
    let (_, today) = editable(&state, &caller.0, &agency).await?;
    let Query(options) = options.map_err(|e| Problem::bad_request(e.body_text()))?;
    let end_gone = flag(options.end_gone.as_deref(), "end_gone")?;
    csv_body(&headers, &body)?;
    // Checked and applied in one pass: a file with problems writes nothing
    // and comes back with them.
    let sha256 = store::roster::fingerprint(&body);
    let by = Some(caller.0.person());
    let applied = state.store.apply_roster(&agency, &body, &sha256, today, end_gone, by).await?;
    Ok(Json(plan_of(&applied)?))
}

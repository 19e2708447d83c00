//! An agency's logins administered through the API — deactivate,
//! reactivate, lift a sign-in wait, reset the password — by the same people and with the same
//! refusals as the organisation editor (never one's own login; an
//! installation administrator's only by another). Each is in the audit chain.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use serde::{Deserialize, Serialize};
use store::password_reset::{ADMIN_LINK_MS, CODE_MS, ResetKind};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::json_body;
use super::problem::Problem;
use crate::pages::accounts::{may_administer, reset_password};
use crate::{AppState, now_ms};

/// What is done to a login.
#[derive(Debug, Clone, Copy)]
enum Change {
    Deactivate,
    Reactivate,
    Unlock,
}

async fn change(
    state: &AppState,
    caller: &Caller,
    agency: &str,
    username: &str,
    what: Change,
) -> Result<StatusCode, Problem> {
    let user = &caller.0;
    may_administer(state, user, agency, username).await?;
    let (by, at) = (user.person(), now_ms());
    match what {
        Change::Deactivate => {
            state.store.deactivate_account(agency, username, by, at).await?;
        }
        Change::Reactivate => state.store.reactivate_account(agency, username, by, at).await?,
        Change::Unlock => state.store.unlock_login(agency, username, by, at).await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivates a login: it can no longer sign in, its sessions and tokens end.
#[utoipa::path(post, path = "/agencies/{agency}/accounts/{username}/deactivate", tag = "organisasi",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("username" = String, Path, description = "The login")),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 400, description = "One's own login", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such login in the agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn deactivate(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, username)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    change(&state, &caller, &agency, &username, Change::Deactivate).await
}

/// Reactivates a deactivated login.
#[utoipa::path(post, path = "/agencies/{agency}/accounts/{username}/reactivate", tag = "organisasi",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("username" = String, Path, description = "The login")),
    responses(
        (status = 204, description = "Reactivated"),
        (status = 400, description = "One's own login", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such login in the agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn reactivate(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, username)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    change(&state, &caller, &agency, &username, Change::Reactivate).await
}

/// Lifts every sign-in wait on a login (after too many wrong passwords).
#[utoipa::path(post, path = "/agencies/{agency}/accounts/{username}/unlock", tag = "organisasi",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("username" = String, Path, description = "The login")),
    responses(
        (status = 204, description = "Unlocked"),
        (status = 400, description = "One's own login", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such login in the agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn unlock(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, username)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    change(&state, &caller, &agency, &username, Change::Unlock).await
}

/// How a password is reset.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(schema_with = reset_kinds)]
    pub how: String,
}

fn reset_kinds() -> utoipa::openapi::Object {
    super::choices::one_of(
        ResetKind::ALL.map(ResetKind::as_str),
        "`code`: a one-time code, answered here once, that the person types (valid for a few hours); `link`: a one-time link mailed to the person.",
    )
}

/// What a reset gave.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ResetDone {
    /// The one-time code (for `code`); only its digest is kept, so it is
    /// never shown again.
    pub code: Option<String>,
    /// When a code or link stops working, ms since the epoch.
    pub expires_at: i64,
}

/// Resets a login's password by a one-time code or a mailed link; the
/// present password and every token of the login stop working.
#[utoipa::path(post, path = "/agencies/{agency}/accounts/{username}/reset", tag = "organisasi", request_body = ResetRequest,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"), ("username" = String, Path, description = "The login")),
    responses(
        (status = 200, description = "Reset", body = ResetDone),
        (status = 400, description = "One's own login, a deactivated one, or no address to mail the link to", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such login in the agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`how` is neither code nor link", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn reset(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, username)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, [(HeaderName, &'static str); 1], Json<ResetDone>), Problem> {
    let user = &caller.0;
    may_administer(&state, user, &agency, &username).await?;
    let given: ResetRequest = json_body(&headers, &body)?;
    let Some(kind) = ResetKind::ALL.into_iter().find(|k| k.as_str() == given.how) else {
        let why = format!("\"{}\" bukan cara; pakai code atau link", given.how);
        return Err(Problem::field("how", "how", why));
    };
    let lasts = match kind {
        ResetKind::Code => CODE_MS,
        ResetKind::Link => ADMIN_LINK_MS,
    };
    let at = now_ms();
    let code = reset_password(&state, user, &agency, &username, kind, at).await?;
    // A code is a secret: no cache keeps the answer.
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    Ok((StatusCode::OK, no_store, Json(ResetDone { code, expires_at: at + lasts })))
}

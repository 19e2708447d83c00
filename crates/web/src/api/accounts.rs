//! An agency's logins administered through the API — deactivate,
//! reactivate, lift a sign-in wait — by the same people and with the same
//! refusals as the organisation editor (never one's own login; an
//! installation administrator's only by another). Each is in the audit chain.

use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::caller::Caller;
use super::problem::Problem;
use crate::pages::accounts::may_administer;
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

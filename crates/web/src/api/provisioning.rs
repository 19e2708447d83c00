//! Provisioning through the API: the connector runs of a registry entry
//! (shown with the entry), and an administrator's task on a failed one —
//! the same rights and refusals as the pages.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use store::provisioning::Run;
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::instant;
use super::problem::Problem;
use crate::{AppState, now_ms};

/// What a connector did, or is to do, with a registry entry.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RunView {
    pub id: String,
    /// dns, ldap, wireguard or webhook.
    pub connector: String,
    /// create, suspend, reactivate or revoke.
    pub operation: String,
    /// menunggu, selesai, gagal, uji-coba, manual or digantikan.
    pub state: String,
    pub attempts: i64,
    /// When a waiting run is tried next.
    pub next_attempt_at: String,
    /// The stable code of the last error (connector_unreachable,
    /// connector_refused, connector_unverified, connector_settings); empty
    /// when none.
    pub error_code: String,
    /// What was done, why it failed, what a dry run would send, or how it
    /// was done by hand. Never a secret.
    pub message: String,
    /// The server's own answer, when kept.
    pub answer: String,
    /// Whether the requester has something to take once (never its content).
    pub handover_waiting: bool,
    pub created_at: String,
    pub updated_at: String,
}

pub fn view(run: Run) -> RunView {
    RunView {
        id: run.id,
        connector: run.connector.key().into(),
        operation: run.operation.key().into(),
        state: run.state.key().into(),
        attempts: run.attempts,
        next_attempt_at: instant(run.next_attempt_at),
        error_code: run.error_code,
        message: run.message,
        answer: run.answer,
        handover_waiting: run.handover.is_some(),
        created_at: instant(run.created_at),
        updated_at: instant(run.updated_at),
    }
}

/// How a failed run's work was done by hand.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ByHand {
    /// What was done (1–1000 characters); kept as the run's message.
    #[schema(pattern = "[^\\s\\u0085]", max_length = 1000)]
    pub note: String,
}

/// The run `run` of the caller's agency, which must belong to entry `entry`.
async fn run_of(state: &AppState, caller: &Caller, entry: &str, run: &str) -> Result<Run, Problem> {
    caller.require_admin()?;
    let found = state.store.run(caller.0.agency_id(), run).await?;
    if found.entry_id != entry {
        return Err(Problem::not_found());
    }
    Ok(found)
}

/// Tries a failed run (or a dry run, once the connector is live) again now.
#[utoipa::path(post, path = "/registries/{kind}/{id}/provisioning/{run}/retry", tag = "registri",
    params(("kind" = String, Path, description = "The registry's kind", example = "subdomain"), ("id" = String, Path, description = "Entry id"), ("run" = String, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run, queued again", body = RunView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such run of this entry", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not failed nor a dry run, or replaced by a later run", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path((_kind, entry, run)): Path<(String, String, String)>,
) -> Result<Json<RunView>, Problem> {
    run_of(&state, &caller, &entry, &run).await?;
    let user = &caller.0;
    state.store.retry_run(user.agency_id(), &run, user.person(), now_ms()).await?;
    Ok(Json(view(state.store.run(user.agency_id(), &run).await?)))
}

/// Records that a failed run's work was done by hand, saying how.
#[utoipa::path(post, path = "/registries/{kind}/{id}/provisioning/{run}/by-hand", tag = "registri", request_body = ByHand,
    params(("kind" = String, Path, description = "The registry's kind", example = "subdomain"), ("id" = String, Path, description = "Entry id"), ("run" = String, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run, closed as done by hand", body = RunView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such run of this entry", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The run is not failed nor a dry run, or was replaced by a later run", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No note, or one too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn by_hand(
    State(state): State<AppState>,
    caller: Caller,
    Path((_kind, entry, run)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RunView>, Problem> {
    run_of(&state, &caller, &entry, &run).await?;
    let given: ByHand = super::cases::json_body(&headers, &body)?;
    let user = &caller.0;
    state
        .store
        .run_done_by_hand(user.agency_id(), &run, user.person(), &given.note, now_ms())
        .await
        .map_err(|e| {
            // The store names the page's field; the API's is `note`.
            let mut problem = Problem::from(e);
            for error in &mut problem.errors {
                if error.field == "catatan" {
                    error.field = "note".into();
                }
            }
            problem
        })?;
    Ok(Json(view(state.store.run(user.agency_id(), &run).await?)))
}

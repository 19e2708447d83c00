//! The one-time handover through the API: what a connector run left for
//! the requester of a case (a WireGuard configuration, an initial
//! password) is listed while it waits and taken once by the requester —
//! then it is gone from the server, as on the case page.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderName, header};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::instant;
use super::problem::Problem;
use crate::{AppState, now_ms};

/// A run's handover as listed: never its content.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HandoverItem {
    /// The run's id, by which it is taken.
    pub run: String,
    /// The file's name while it waits; none once taken.
    pub filename: Option<String>,
    /// When it was taken, if it was.
    pub taken_at: Option<String>,
}

/// What a handover holds, answered once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TakenHandover {
    pub filename: String,
    pub content_type: String,
    pub body: String,
}

/// The case `id` of the caller's agency, if the caller asked for it.
async fn requested(state: &AppState, caller: &Caller, id: &str) -> Result<(), Problem> {
    let user = &caller.0;
    let case = match state.store.case(user.agency_id(), id).await {
        Err(store::StoreError::NotFound(_)) => return Err(Problem::not_found()),
        found => found?,
    };
    if case.requester != user.person() {
        return Err(Problem::forbidden_because("serah terima hanya untuk pemohon"));
    }
    Ok(())
}

/// What the case's connector runs left for its requester.
#[utoipa::path(get, path = "/cases/{id}/handovers", tag = "permohonan",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The handovers", body = Vec<HandoverItem>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the requester", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<HandoverItem>>, Problem> {
    requested(&state, &caller, &id).await?;
    let runs = state.store.runs_of_case(caller.0.agency_id(), &id).await?;
    Ok(Json(
        runs.into_iter()
            .filter(|r| r.handover.is_some() || r.handover_taken_at.is_some())
            .map(|r| HandoverItem {
                run: r.id,
                filename: r.handover,
                taken_at: r.handover_taken_at.map(instant),
            })
            .collect(),
    ))
}

/// Takes a handover: its content, this once.
#[utoipa::path(post, path = "/cases/{id}/handovers/{run}", tag = "permohonan",
    params(("id" = String, Path, description = "Case id"), ("run" = String, Path, description = "The run's id")),
    responses(
        (status = 200, description = "The content; it is no longer kept", body = TakenHandover),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the requester", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case or run, or taken already", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn take(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, run)): Path<(String, String)>,
) -> Result<([(HeaderName, &'static str); 1], Json<TakenHandover>), Problem> {
    requested(&state, &caller, &id).await?;
    let taken = state.store.take_handover(caller.0.agency_id(), &id, &run, now_ms()).await?;
    tracing::info!(case = id, run, "serah terima penyediaan diambil oleh pemohon (API)");
    let body = TakenHandover { filename: taken.filename, content_type: taken.content_type, body: taken.body };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)))
}

//! Sign-ups through the API: an agency administrator lists the confirmed
//! requests waiting for approval and approves or refuses each, with the
//! same refusals as Admin → Pendaftaran.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::{instant, json_body};
use super::problem::Problem;
use crate::{AppState, now_ms};

/// A confirmed sign-up waiting for an administrator.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistrationView {
    pub id: String,
    pub nip: String,
    pub name: String,
    /// The unit the person says they work in.
    pub unit: String,
    pub email: String,
    pub confirmed_at: Option<String>,
    /// When it lapses if nobody decides.
    pub expires_at: String,
}

/// Why a sign-up is refused (told to the person).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    #[schema(pattern = "[^\\s\\u0085]", max_length = 500)]
    pub reason: String,
}

/// The sign-ups waiting for the caller's agency.
#[utoipa::path(get, path = "/registrations", tag = "organisasi",
    responses(
        (status = 200, description = "Waiting sign-ups, oldest first", body = Vec<RegistrationView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RegistrationView>>, Problem> {
    caller.require_admin()?;
    let waiting = state.store.pending_registrations(caller.0.agency_id(), now_ms()).await?;
    Ok(Json(
        waiting
            .into_iter()
            .map(|r| RegistrationView {
                id: r.id,
                nip: r.nip,
                name: r.name,
                unit: r.unit_id,
                email: r.email,
                confirmed_at: r.confirmed_at.map(instant),
                expires_at: instant(r.expires_at),
            })
            .collect(),
    ))
}

/// Approves a sign-up: the person gets a login of the agency.
#[utoipa::path(post, path = "/registrations/{id}/approve", tag = "organisasi",
    params(("id" = String, Path, description = "The sign-up's id")),
    responses(
        (status = 204, description = "Approved"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such waiting sign-up in the caller's agency", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Its NIP or e-mail already has a login, or no position of the agency takes requesters", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let user = &caller.0;
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    match state.store.approve_registration(user.agency_id(), &id, user.person(), today, now_ms()).await {
        Ok(_) => Ok(StatusCode::NO_CONTENT),
        // As the page: the agency has no position a requester may hold.
        Err(store::StoreError::NotPermitted(why)) => Err(Problem::conflict(why)),
        Err(e) => Err(e.into()),
    }
}

/// Refuses a sign-up, saying why.
#[utoipa::path(post, path = "/registrations/{id}/refuse", tag = "organisasi", request_body = Refusal,
    params(("id" = String, Path, description = "The sign-up's id")),
    responses(
        (status = 204, description = "Refused"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such waiting sign-up in the caller's agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn refuse(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let given: Refusal = json_body(&headers, &body)?;
    let user = &caller.0;
    state.store.refuse_registration(user.agency_id(), &id, &given.reason, user.person(), now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    /// The document's length is a literal: kept equal to the store's.
    #[test]
    fn the_documented_reason_length_is_the_stores() {
        let schema = serde_json::to_value(super::Refusal::schema()).unwrap();
        assert_eq!(schema["properties"]["reason"]["maxLength"], store::self_registration::MAX_REASON_CHARS);
    }
}

//! The caller's own API tokens: listed (never their secret) and revoked.
//! A token is made only on the account page, with the password asked
//! again: a token never makes another.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::instant;
use super::problem::Problem;
use crate::{AppState, now_ms};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    pub expires_at: String,
    /// When it was revoked; absent while it works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// The caller's tokens, newest first.
#[utoipa::path(get, path = "/tokens", tag = "akun",
    responses(
        (status = 200, description = "The caller's tokens", body = Vec<TokenView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<TokenView>>, Problem> {
    let tokens = state.store.api_tokens(&caller.0.account.username).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                created_at: instant(t.created_at),
                last_used_at: t.last_used_at.map(instant),
                expires_at: instant(t.expires_at),
                revoked_at: t.revoked_at.map(instant),
            })
            .collect(),
    ))
}

/// Revokes one of the caller's tokens (also the one calling).
#[utoipa::path(delete, path = "/tokens/{id}", tag = "akun",
    params(("id" = String, Path, description = "The token's id (not its secret)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such working token of the caller's", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.store.revoke_api_token(&caller.0.account.username, &id, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

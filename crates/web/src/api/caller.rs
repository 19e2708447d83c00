//! Who calls the API: the person whose personal token is in the
//! `Authorization: Bearer` header, with exactly that person's rights. The API
//! takes no session cookies, so a browser page on another site cannot make
//! a logged-in person's browser call it.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::problem::Problem;
use crate::auth::User;
use crate::{AppState, now_ms};

/// The calling person.
pub struct Caller(pub User);

impl Caller {
    /// Refuses anyone but an administrator of the caller's agency.
    pub fn require_admin(&self) -> Result<(), Problem> {
        if self.0.account.is_admin { Ok(()) } else { Err(Problem::forbidden()) }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, Problem> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(Problem::unauthorized)?;
        let account =
            state.store.account_for_token(token, now_ms()).await?.ok_or_else(Problem::unauthorized)?;
        // API calls carry no form, so no CSRF token: page handlers' checks
        // refuse them. The unread count is read only where it is answered.
        let user = User::of_account(state, account, String::new(), String::new(), false).await?;
        Ok(Caller(user))
    }
}

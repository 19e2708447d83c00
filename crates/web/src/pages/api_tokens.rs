//! Akun → Token API: a person makes tokens for scripts and other systems
//! (shown once; their password asked again, the lifetime chosen up to a
//! year), sees when each was last used and when it expires, and revokes them.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use store::api_tokens::{DEFAULT_DAYS, MAX_DAYS};

use crate::auth::{User, hashing};
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

/// What the page shows besides the list: a new token, or the refused form.
enum Notice {
    None,
    Created(String),
    Revoked,
    /// Messages by field, and what was typed (never the password).
    Refused {
        errors: Vec<(String, String)>,
        name: String,
        days: String,
    },
}

async fn render(state: &AppState, user: &User, notice: Notice) -> Result<Response, WebError> {
    let tokens = state.store.api_tokens(&user.account.username).await?;
    let clock = user.clock();
    let now = now_ms();
    let (errors, name, days) = match &notice {
        Notice::Refused { errors, name, days } => (errors.as_slice(), name.as_str(), days.clone()),
        _ => (&[][..], "", DEFAULT_DAYS.to_string()),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let error = |field: &str| errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone());
    let field_error = |field: &str| {
        html! { @if let Some(e) = error(field) { p.field-error { (e) } } }
    };
    let body = html! {
        h1 { (user.t(Msg::ApiTokens)) }
        p { a href="/akun" { "← " (user.t(Msg::NavAccount)) } }
        p.muted { (user.t(Msg::ApiTokensHelp)) " " a href="/api/docs" { "/api/docs" } }
        @match &notice {
            Notice::Created(token) => div.flash.info role="status" {
                (user.t(Msg::TokenShownOnce)) br;
                code #new-token { (token) }
            },
            Notice::Revoked => p.flash.info role="status" { (user.t(Msg::TokenRevoked)) },
            Notice::Refused { .. } => p.flash.error role="alert" { (user.t(Msg::FixErrors)) },
            Notice::None => {},
        }
        form.card method="post" action="/akun/token" {
            input type="hidden" name="csrf" value=(user.csrf);
            div class=[error("name").map(|_| "has-error")] {
                label for="name" { (user.t(Msg::TokenName)) }
                input #name type="text" name="name" maxlength="80" required value=(name)
                    aria-invalid=[error("name").map(|_| "true")];
                (field_error("name"))
            }
            div class=[error("days").map(|_| "has-error")] {
                label for="days" { (user.t(Msg::TokenDays)) }
                input #days type="number" name="days" min="1" max=(MAX_DAYS) required value=(days)
                    aria-invalid=[error("days").map(|_| "true")];
                (field_error("days"))
            }
            div class=[error("password").map(|_| "has-error")] {
                label for="password" { (user.t(Msg::TokenPassword)) }
                input #password type="password" name="password" autocomplete="current-password" required
                    aria-invalid=[error("password").map(|_| "true")];
                (field_error("password"))
            }
            p.help { (user.t(Msg::TokenEnds)) }
            button.primary type="submit" { (user.t(Msg::TokenCreate)) }
        }
        @if !tokens.is_empty() {
            table #tokens {
                thead { tr { th { (user.t(Msg::Name)) } th { (user.t(Msg::Created)) } th { (user.t(Msg::LastUsed)) } th { (user.t(Msg::ValidUntil)) } th {} } }
                tbody {
                    @for t in &tokens {
                        tr data-token=(t.id) {
                            td { (t.name) }
                            td { (clock.datetime(t.created_at)) }
                            td { (clock.maybe(t.last_used_at)) }
                            td { (clock.datetime(t.expires_at)) }
                            td {
                                @if let Some(at) = t.revoked_at {
                                    span.tag.muted { (user.t(Msg::TokenRevoked)) " " (clock.datetime(at)) }
                                } @else if t.expires_at <= now {
                                    span.tag.muted { (user.t(Msg::TokenExpired)) }
                                } @else {
                                    form method="post" action={"/akun/token/" (t.id) "/cabut"} {
                                        input type="hidden" name="csrf" value=(user.csrf);
                                        button.secondary type="submit" { (user.t(Msg::TokenRevoke)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok((status, layout::page(user, user.t(Msg::ApiTokens), "/akun", body)).into_response())
}

#[derive(serde::Deserialize)]
pub struct Done {
    dicabut: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, WebError> {
    let notice = if done.dicabut.is_some() { Notice::Revoked } else { Notice::None };
    render(&state, &user, notice).await
}

pub async fn create(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (name, days_text, password) = (get("name"), get("days"), get("password"));
    let refused = |errors: Vec<(String, String)>| Notice::Refused {
        errors,
        name: name.clone(),
        days: days_text.clone(),
    };
    // The password again: a borrowed session alone makes no lasting key.
    let hash = user.account.password_hash.clone();
    if password.is_empty() || !hashing(&state, move || store::verify_password(&password, &hash)).await {
        let message = user.t(Msg::TokenPasswordWrong).to_string();
        return render(&state, &user, refused(vec![("password".into(), message)])).await;
    }
    // Not a number is refused as the store refuses one out of range.
    let days = days_text.trim().parse::<i64>().unwrap_or(0);
    match state.store.create_api_token(&user.account.username, &name, days, now_ms()).await {
        Ok((_, token)) => render(&state, &user, Notice::Created(token)).await,
        Err(store::StoreError::Engine(engine::EngineError::Invalid(errors))) => {
            let errors =
                errors.into_iter().map(|e| (e.field, format!("{}: {}", e.label, e.message))).collect();
            render(&state, &user, refused(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    state.store.revoke_api_token(&user.account.username, &id, now_ms()).await?;
    Ok(Redirect::to("/akun/token?dicabut=1").into_response())
}

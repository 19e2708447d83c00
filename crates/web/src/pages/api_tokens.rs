//! Akun → Token API: a person makes tokens for scripts and other systems
//! (shown once), sees when each was last used, and revokes them.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

/// What the page shows besides the list: a new token, or a refusal.
enum Notice {
    None,
    Created(String),
    Revoked,
    Refused(String),
}

async fn render(state: &AppState, user: &User, notice: Notice) -> Result<Response, WebError> {
    let tokens = state.store.api_tokens(&user.account.username).await?;
    let clock = user.clock();
    let status =
        if matches!(notice, Notice::Refused(_)) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
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
            Notice::Refused(why) => p.flash.error role="alert" { (why) },
            Notice::None => {},
        }
        form.card method="post" action="/akun/token" {
            input type="hidden" name="csrf" value=(user.csrf);
            label for="name" { (user.t(Msg::TokenName)) }
            input #name type="text" name="name" maxlength="80" required;
            button.primary type="submit" { (user.t(Msg::TokenCreate)) }
        }
        @if !tokens.is_empty() {
            table #tokens {
                thead { tr { th { (user.t(Msg::Name)) } th { (user.t(Msg::Created)) } th { (user.t(Msg::LastUsed)) } th {} } }
                tbody {
                    @for t in &tokens {
                        tr data-token=(t.id) {
                            td { (t.name) }
                            td { (clock.datetime(t.created_at)) }
                            td { (clock.maybe(t.last_used_at)) }
                            td {
                                @if let Some(at) = t.revoked_at {
                                    span.tag.muted { (user.t(Msg::TokenRevoked)) " " (clock.datetime(at)) }
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
    let name = form.get("name").map(String::as_str).unwrap_or_default();
    match state.store.create_api_token(&user.account.username, name, now_ms()).await {
        Ok((_, token)) => render(&state, &user, Notice::Created(token)).await,
        Err(store::StoreError::Engine(e)) => render(&state, &user, Notice::Refused(e.to_string())).await,
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

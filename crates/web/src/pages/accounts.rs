//! An agency's logins administered from its organisation editor, by its
//! administrators (an installation administrator's login only by another
//! installation administrator): deactivate and reactivate, and reset the
//! password with a one-time code shown once here or a one-time link mailed
//! to the person. Each action is recorded in the audit chain by the store.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use store::password_reset::{CODE_MS, ResetKind, new_code, new_link_secret};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::organisation::editable;
use crate::pages::password_reset::link_base;
use crate::{AppState, layout, now_ms};

/// The account `username` of `agency`, if `user` may administer it, from
/// a form carrying its token.
async fn administered(
    state: &AppState,
    user: &User,
    agency: &str,
    username: &str,
    form: &BTreeMap<String, String>,
) -> Result<store::Account, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    may_administer(state, user, agency, username).await
}

/// The account `username` of `agency`, if `user` may administer it (the
/// page's and the API's rule).
pub(crate) async fn may_administer(
    state: &AppState,
    user: &User,
    agency: &str,
    username: &str,
) -> Result<store::Account, WebError> {
    editable(state, user, agency).await?;
    let account = match state.store.agency_account(agency, username).await {
        Err(store::StoreError::NotFound(_)) => return Err(WebError::NotFound),
        other => other?,
    };
    // An agency administrator resetting an installation administrator's
    // password would become one.
    if account.installation_admin && !user.account.installation_admin {
        return Err(WebError::Forbidden);
    }
    if account.username == user.account.username {
        return Err(WebError::BadRequest(user.t(Msg::NotOwnAccount).into()));
    }
    Ok(account)
}

/// Resets the password of `username` (whom `user` may administer): a
/// one-time link mailed to its person, or a one-time code — answered, to be
/// shown this once, as only its digest is kept.
pub(crate) async fn reset_password(
    state: &AppState,
    user: &User,
    agency: &str,
    username: &str,
    kind: ResetKind,
    at: i64,
) -> Result<Option<String>, WebError> {
    let secret = if kind == ResetKind::Code { new_code() } else { new_link_secret() };
    let base = link_base(state);
    let reset = store::ResetPassword {
        agency,
        username,
        kind,
        secret: &secret,
        link_base: base.as_deref(),
        by: user.person(),
        at,
    };
    match state.store.reset_password_by_admin(reset).await {
        Ok(()) => Ok((kind == ResetKind::Code).then_some(secret)),
        Err(store::StoreError::Engine(e)) => Err(WebError::BadRequest(user.lang.refusal(&e))),
        Err(store::StoreError::NotPermitted(_)) => {
            Err(WebError::BadRequest(user.t(Msg::ResetInactive).into()))
        }
        Err(e) => Err(e.into()),
    }
}

fn back(agency: &str, query: &str) -> Response {
    Redirect::to(&format!("/instansi/{agency}/organisasi?{query}#pegawai")).into_response()
}

pub async fn deactivate(
    State(state): State<AppState>,
    user: User,
    Path((agency, username)): Path<(String, String)>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    administered(&state, &user, &agency, &username, &form).await?;
    let done = state.store.deactivate_account(&agency, &username, user.person(), now_ms()).await?;
    Ok(back(&agency, &format!("ok=nonaktif&tugas={}", done.open_tasks.len())))
}

pub async fn reactivate(
    State(state): State<AppState>,
    user: User,
    Path((agency, username)): Path<(String, String)>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    administered(&state, &user, &agency, &username, &form).await?;
    state.store.reactivate_account(&agency, &username, user.person(), now_ms()).await?;
    Ok(back(&agency, "ok=aktif"))
}

pub async fn reset(
    State(state): State<AppState>,
    user: User,
    Path((agency, username)): Path<(String, String)>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let account = administered(&state, &user, &agency, &username, &form).await?;
    let kind = match form.get("cara").map(String::as_str) {
        Some("kode") => ResetKind::Code,
        Some("tautan") => ResetKind::Link,
        _ => return Err(WebError::BadRequest(user.t(Msg::ResetHowMissing).into())),
    };
    let Some(secret) = reset_password(&state, &user, &agency, &username, kind, now_ms()).await? else {
        return Ok(back(&agency, "ok=tautan"));
    };
    // Shown this once: only its digest is kept.
    let org = state.store.organisation(&agency).await?;
    let name = org.name(&account.person_id);
    let hours = CODE_MS / 3_600_000;
    let body = html! {
        h1 { (user.t(Msg::ResetCodeTitle)) }
        div.card {
            p { (user.t(Msg::ResetCodeFor)) " " strong { (name) } " (" code { (account.username) } ")" }
            p.code-once { code #reset-code style="font-size: 1.6rem; letter-spacing: .1em" { (secret) } }
            p { (user.t(Msg::ResetCodeHelp).replace("{hours}", &hours.to_string())) }
            p.help { (user.t(Msg::ResetCodeOnce)) }
            p { a href={"/instansi/" (agency) "/organisasi#pegawai"} { "← " (user.t(Msg::OrganisationTitle)) } }
        }
    };
    let page = layout::page(&user, user.t(Msg::ResetCodeTitle), "/instansi", body);
    Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], page).into_response())
}

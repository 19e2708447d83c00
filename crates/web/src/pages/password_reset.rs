//! Choosing a new password without knowing the old one: "lupa kata sandi"
//! (a link by e-mail, asked for with a username or an address, answered
//! the same whether or not an account exists, limited per client address
//! and per account), the page a link opens, and the form an
//! administrator's one-time code leads to from the login page. Setting the
//! password spends the link or code, ends every other session of the
//! account and logs its owner in.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use crate::auth::{MIN_PASSWORD_CHARS, anonymous_token, check_anonymous_token, hashing, start_session};
use crate::error::WebError;
use crate::i18n::{self, Lang, Msg};
use crate::{AppState, layout, now_ms};

/// Requests for a link one client address may make in the login
/// throttle's window (a quarter of an hour), whatever names it asks for.
pub const REQUESTS_PER_ADDRESS: u32 = 5;

/// Where links point: the configured public address only — never the
/// request's `Host`, which whoever asks chooses and would then receive
/// someone else's link.
pub(crate) fn link_base(state: &AppState) -> Option<String> {
    state.public_url.as_deref().map(|url| format!("{}/sandi/", url.trim_end_matches('/')))
}

/// The form that sets a new password with `secret` (a link's or a code).
pub(crate) fn choose(
    lang: Lang,
    token: &str,
    secret: &str,
    username: &str,
    errors: &[(&str, &str)],
) -> Response {
    let error_for = |name: &str| errors.iter().find(|(f, _)| *f == name).map(|(_, m)| *m);
    let field = |name: &str, label: Msg, help: Option<&str>| {
        let error = error_for(name);
        html! {
            div class=[error.map(|_| "has-error")] {
                label for=(name) { (lang.t(label)) }
                input id=(name) type="password" name=(name) autocomplete="new-password" required
                    minlength=(MIN_PASSWORD_CHARS) aria-invalid=[error.map(|_| "true")];
                @if let (Some(h), None) = (help, error) { p.help { (h) } }
                @if let Some(e) = error { p.field-error { (e) } }
            }
        }
    };
    let body = html! {
        div.card style="max-width: 26rem" {
            h1 { (lang.t(Msg::ChooseNewPassword)) }
            @if !errors.is_empty() { p.flash.error role="alert" { (lang.t(Msg::FixErrors)) } }
            p { (lang.t(Msg::ChooseNewPasswordHelp)) }
            form method="post" action="/sandi" {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="rahasia" value=(secret);
                label for="username" { (lang.t(Msg::Username)) }
                input #username type="text" name="username" value=(username) autocomplete="username" readonly;
                (field("new", Msg::NewPassword, Some(lang.t(Msg::PasswordRule))))
                (field("confirm", Msg::ConfirmPassword, None))
                button.primary type="submit" { (lang.t(Msg::SavePasswordAndLogin)) }
            }
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    layout::private(status, layout::bare_markup(lang, lang.t(Msg::ChooseNewPassword), body))
}

/// A link or code that is used, expired or never was.
fn gone(lang: Lang) -> Response {
    let body = html! {
        div.card style="max-width: 26rem" {
            h1 { (lang.t(Msg::ResetGoneTitle)) }
            p { (lang.t(Msg::ResetGone)) }
            p { a href="/lupa-sandi" { (lang.t(Msg::ForgotPassword)) } " · " a href="/login" { (lang.t(Msg::LoginTitle)) } }
        }
    };
    layout::private(StatusCode::GONE, layout::bare_markup(lang, lang.t(Msg::ResetGoneTitle), body))
}

fn forgot_form(lang: Lang, token: &str, message: Option<(bool, &str)>) -> Markup {
    let body = html! {
        div.card style="max-width: 26rem" {
            h1 { (lang.t(Msg::ForgotPassword)) }
            @match message {
                Some((true, text)) => { p.flash.info role="status" { (text) } }
                Some((false, text)) => { p.flash.error role="alert" { (text) } }
                None => { p { (lang.t(Msg::ForgotHelp)) } }
            }
            form method="post" action="/lupa-sandi" {
                input type="hidden" name="csrf" value=(token);
                label for="who" { (lang.t(Msg::UsernameOrEmail)) }
                input #who type="text" name="who" autocomplete="username" maxlength="254" required autofocus;
                button.primary type="submit" { (lang.t(Msg::SendResetLink)) }
            }
            p { a href="/login" { "← " (lang.t(Msg::LoginTitle)) } }
        }
        (layout::language_switch(lang, "/lupa-sandi"))
    };
    layout::bare_markup(lang, lang.t(Msg::ForgotPassword), body)
}

pub async fn forgot_page(headers: HeaderMap, State(state): State<AppState>) -> Response {
    let (token, set) = anonymous_token(&state, &headers);
    ([set], forgot_form(i18n::current(), &token, None)).into_response()
}

pub async fn forgot(
    headers: HeaderMap,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let token = check_anonymous_token(&headers, form.get("csrf"))?;
    let now = now_ms();
    let address = state.trusted_proxies.client(peer.ip(), &headers);
    if state.reset_requests.blocked(address, now) {
        let page = forgot_form(lang, &token, Some((false, lang.t(Msg::TooManyResetRequests))));
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    state.reset_requests.failed(address, now);
    let Some(base) = link_base(&state) else {
        // The same for every name: no link can be made for anyone.
        let page = forgot_form(lang, &token, Some((false, lang.t(Msg::ResetLinksUnavailable))));
        return Ok((StatusCode::SERVICE_UNAVAILABLE, page).into_response());
    };
    let who = form.get("who").cloned().unwrap_or_default();
    // Looked up and mailed after the answer has gone, so neither the answer
    // nor the time it takes tells whether the name or address exists.
    let store = state.store.clone();
    tokio::spawn(async move {
        if let Err(e) = store.request_password_reset(&who, &base, now).await {
            tracing::error!("tautan atur ulang kata sandi tidak dibuat: {e}");
        }
    });
    Ok(forgot_form(lang, &token, Some((true, lang.t(Msg::ResetLinkMaybeSent)))).into_response())
}

/// The page a mailed link opens.
pub async fn link_page(
    headers: HeaderMap,
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let pending = state.store.pending_reset(&secret, now_ms()).await?;
    let Some(pending) = pending.filter(|p| p.kind == store::password_reset::ResetKind::Link) else {
        return Ok(gone(lang));
    };
    let (token, set) = anonymous_token(&state, &headers);
    Ok(([set], choose(lang, &token, &secret, &pending.username, &[])).into_response())
}

pub async fn set_password(
    headers: HeaderMap,
    State(state): State<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let token = check_anonymous_token(&headers, form.get("csrf"))?;
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (secret, new, confirm) = (get("rahasia"), get("new"), get("confirm"));
    let now = now_ms();
    let Some(pending) = state.store.pending_reset(&secret, now).await? else {
        return Ok(gone(lang));
    };
    let mut errors = Vec::new();
    if new.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(("new", lang.t(Msg::PasswordRule)));
    } else if new != confirm {
        errors.push(("confirm", lang.t(Msg::PasswordMismatch)));
    }
    if !errors.is_empty() {
        return Ok(choose(lang, &token, &secret, &pending.username, &errors));
    }
    let hash = hashing(&state, move || store::hash_password(&new)).await;
    match state.store.use_password_reset(&secret, &hash, now).await {
        Ok(username) => start_session(&state, &username, None, now).await,
        Err(store::StoreError::NotFound(_)) => Ok(gone(lang)),
        Err(e) => Err(e.into()),
    }
}

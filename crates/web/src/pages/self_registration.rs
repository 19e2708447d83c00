//! Self-registration of OPD staff in the browser: the "Daftar" form before
//! login (answered the same whether or not the NIP or address is known,
//! limited per client address), the page a confirmation link opens, and
//! the agency administrators' list of sign-ups to approve or refuse. Until
//! approved a sign-up has no login at all, so it cannot sign in — the
//! login page refuses it like any unknown name.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use store::StoreError;
use store::self_registration::NewRegistration;

use crate::auth::{MIN_PASSWORD_CHARS, User, anonymous_token, check_anonymous_token, hashing};
use crate::error::WebError;
use crate::i18n::{self, Lang, Msg};
use crate::pages::admin_form::require_admin;
use crate::{AppState, layout, now_ms};

/// Sign-ups one client address may send in a quarter of an hour.
pub const REQUESTS_PER_ADDRESS: u32 = 5;

/// Where confirmation links point: the configured public address only,
/// never the request's `Host`.
fn link_base(state: &AppState) -> Option<String> {
    state.public_url.as_deref().map(|url| format!("{}/daftar/", url.trim_end_matches('/')))
}

/// What the form was filled with, kept to show it again.
#[derive(Default)]
struct Typed {
    agency: String,
    nip: String,
    name: String,
    unit: String,
    email: String,
}

fn typed(form: &HashMap<String, String>) -> Typed {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    Typed {
        agency: get("agency"),
        nip: get("nip"),
        name: get("name"),
        unit: get("unit"),
        email: get("email"),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Chosen {
    instansi: Option<String>,
}

/// The sign-up form for `agency`, or the choice of agency first when there
/// are several and none is chosen.
async fn form_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    agency: Option<&str>,
    typed: &Typed,
    errors: &[(String, String)],
    message: Option<(bool, &str)>,
) -> Result<Markup, WebError> {
    let agencies = state.store.agencies().await?;
    let agency = match agency {
        Some(a) => agencies.iter().find(|x| x.id == a),
        None if agencies.len() == 1 => agencies.first(),
        None => None,
    };
    let units = match agency {
        Some(a) => state.store.units(&a.id).await?,
        None => Vec::new(),
    };
    let error_for = |name: &str| errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone());
    let field = |name: &str, label: Msg, kind: &str, value: &str, auto: &str| {
        let error = error_for(name);
        html! {
            div class=[error.as_ref().map(|_| "has-error")] {
                label for=(name) { (lang.t(label)) }
                input id=(name) type=(kind) name=(name) value=(value) autocomplete=(auto) required
                    aria-invalid=[error.as_ref().map(|_| "true")];
                @if let Some(e) = &error { p.field-error { (e) } }
            }
        }
    };
    let body = html! {
        div.card style="max-width: 30rem" {
            h1 { (lang.t(Msg::SignUpTitle)) }
            @match message {
                Some((true, text)) => { p.flash.info role="status" { (text) } }
                Some((false, text)) => { p.flash.error role="alert" { (text) } }
                None => { p { (lang.t(Msg::SignUpHelp)) } }
            }
            @if !errors.is_empty() { p.flash.error role="alert" { (lang.t(Msg::FixErrors)) } }
            @match agency {
                None => {
                    form method="get" action="/daftar" {
                        label for="instansi" { (lang.t(Msg::SignUpAgency)) }
                        select #instansi name="instansi" required {
                            @for a in &agencies { option value=(a.id) { (a.name) " — " (a.government) } }
                        }
                        button.primary type="submit" { (lang.t(Msg::SignUpNext)) }
                    }
                }
                Some(a) => {
                    form method="post" action="/daftar" {
                        input type="hidden" name="csrf" value=(token);
                        input type="hidden" name="agency" value=(a.id);
                        p { strong { (lang.t(Msg::SignUpAgency)) ": " } (a.name) " — " (a.government) }
                        (field("nip", Msg::SignUpNip, "text", &typed.nip, "username"))
                        (field("name", Msg::SignUpName, "text", &typed.name, "name"))
                        @let unit_error = error_for("unit");
                        div class=[unit_error.as_ref().map(|_| "has-error")] {
                            label for="unit" { (lang.t(Msg::SignUpUnit)) }
                            select #unit name="unit" required aria-invalid=[unit_error.as_ref().map(|_| "true")] {
                                option value="" { "—" }
                                @for u in units.iter().filter(|u| u.kind == sop::organisation::UnitKind::Opd) {
                                    option value=(u.id) selected[u.id == typed.unit] { (u.name) }
                                }
                            }
                            @if let Some(e) = &unit_error { p.field-error { (e) } }
                        }
                        (field("email", Msg::SignUpEmail, "email", &typed.email, "email"))
                        @let password_error = error_for("password");
                        div class=[password_error.as_ref().map(|_| "has-error")] {
                            label for="password" { (lang.t(Msg::Password)) }
                            input #password type="password" name="password" autocomplete="new-password" required
                                minlength=(MIN_PASSWORD_CHARS) aria-invalid=[password_error.as_ref().map(|_| "true")];
                            @match &password_error { Some(e) => { p.field-error { (e) } } None => { p.help { (lang.t(Msg::PasswordRule)) } } }
                        }
                        @let confirm_error = error_for("confirm");
                        div class=[confirm_error.as_ref().map(|_| "has-error")] {
                            label for="confirm" { (lang.t(Msg::ConfirmPassword)) }
                            input #confirm type="password" name="confirm" autocomplete="new-password" required
                                aria-invalid=[confirm_error.as_ref().map(|_| "true")];
                            @if let Some(e) = &confirm_error { p.field-error { (e) } }
                        }
                        button.primary type="submit" { (lang.t(Msg::SignUpButton)) }
                    }
                }
            }
            p { a href="/login" { "← " (lang.t(Msg::LoginTitle)) } }
        }
        (layout::language_switch(lang, "/daftar"))
    };
    Ok(layout::bare_markup(lang, lang.t(Msg::SignUpTitle), body))
}

pub async fn page(
    headers: HeaderMap,
    State(state): State<AppState>,
    Query(chosen): Query<Chosen>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let (token, set) = anonymous_token(&state, &headers);
    let page =
        form_page(&state, lang, &token, chosen.instansi.as_deref(), &Typed::default(), &[], None).await?;
    Ok(([set], page).into_response())
}

pub async fn submit(
    headers: HeaderMap,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let token = check_anonymous_token(&headers, form.get("csrf"))?;
    let typed = typed(&form);
    let now = now_ms();
    let address = state.trusted_proxies.client(peer.ip(), &headers);
    let agency = Some(typed.agency.as_str());
    if state.signup_requests.blocked(address, now) {
        let message = Some((false, lang.t(Msg::TooManySignUps)));
        let page = form_page(&state, lang, &token, agency, &typed, &[], message).await?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    if !state.store.agencies().await?.iter().any(|a| a.id == typed.agency) {
        return Err(WebError::NotFound);
    }
    let Some(base) = link_base(&state) else {
        let message = Some((false, lang.t(Msg::SignUpUnavailable)));
        let page = form_page(&state, lang, &token, agency, &typed, &[], message).await?;
        return Ok((StatusCode::SERVICE_UNAVAILABLE, page).into_response());
    };
    let new = NewRegistration {
        agency: typed.agency.clone(),
        nip: typed.nip.clone(),
        name: typed.name.clone(),
        unit: typed.unit.clone(),
        email: typed.email.clone(),
    };
    let mut errors: Vec<(String, String)> = Vec::new();
    match state.store.check_registration(&new).await {
        Ok(_) => {}
        Err(StoreError::Engine(engine::EngineError::Invalid(fields))) => {
            errors.extend(fields.into_iter().map(|f| (f.field, f.message)));
        }
        Err(e) => return Err(e.into()),
    }
    let password = form.get("password").cloned().unwrap_or_default();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(("password".into(), lang.t(Msg::PasswordRule).into()));
    } else if form.get("confirm") != Some(&password) {
        errors.push(("confirm".into(), lang.t(Msg::PasswordMismatch).into()));
    }
    if !errors.is_empty() {
        let page = form_page(&state, lang, &token, agency, &typed, &errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    state.signup_requests.failed(address, now);
    // Hashed for every sign-up, known or not; whether the NIP or address is
    // known is looked up after the answer has gone, so neither the answer
    // nor its time tells.
    let hash = hashing(&state, move || store::hash_password(&password)).await;
    let store = state.store.clone();
    let secret = store::password_reset::new_link_secret();
    tokio::spawn(async move {
        if let Err(e) = store.register(&new, &hash, &secret, &base, now).await {
            tracing::error!("pendaftaran tidak disimpan: {e}");
        }
    });
    let body = html! {
        div.card style="max-width: 30rem" {
            h1 { (lang.t(Msg::SignUpTitle)) }
            p.flash.info role="status" #signup-sent { (lang.t(Msg::SignUpCheckMail)) }
            p { a href="/login" { "← " (lang.t(Msg::LoginTitle)) } }
        }
    };
    Ok(layout::bare_markup(lang, lang.t(Msg::SignUpTitle), body).into_response())
}

/// A page of its own, kept out of caches: it carries a secret.
fn gone(lang: Lang) -> Response {
    let body = html! {
        div.card style="max-width: 30rem" {
            h1 { (lang.t(Msg::SignUpGoneTitle)) }
            p { (lang.t(Msg::SignUpGone)) }
            p { a href="/daftar" { (lang.t(Msg::SignUpTitle)) } " · " a href="/login" { (lang.t(Msg::LoginTitle)) } }
        }
    };
    layout::private(StatusCode::GONE, layout::bare_markup(lang, lang.t(Msg::SignUpGoneTitle), body))
}

/// The page a confirmation link opens: a button, so that a mail scanner
/// fetching the link confirms nothing.
pub async fn link_page(
    headers: HeaderMap,
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let Some(registration) = state.store.unconfirmed_registration(&secret, now_ms()).await? else {
        return Ok(gone(lang));
    };
    let (token, set) = anonymous_token(&state, &headers);
    let body = html! {
        div.card style="max-width: 30rem" {
            h1 { (lang.t(Msg::SignUpConfirmTitle)) }
            p { (registration.name) " · NIP " (registration.nip) " · " (registration.email) }
            form method="post" action="/daftar/konfirmasi" {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="rahasia" value=(secret);
                button.primary type="submit" { (lang.t(Msg::SignUpConfirmButton)) }
            }
        }
    };
    let page =
        layout::private(StatusCode::OK, layout::bare_markup(lang, lang.t(Msg::SignUpConfirmTitle), body));
    Ok(([set], page).into_response())
}

pub async fn confirm(
    headers: HeaderMap,
    State(state): State<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    check_anonymous_token(&headers, form.get("csrf"))?;
    let secret = form.get("rahasia").cloned().unwrap_or_default();
    match state.store.confirm_registration(&secret, now_ms()).await {
        Ok(_) => {
            let body = html! {
                div.card style="max-width: 30rem" {
                    h1 { (lang.t(Msg::SignUpConfirmTitle)) }
                    p.flash.info role="status" #signup-confirmed { (lang.t(Msg::SignUpAwaitingApproval)) }
                    p { a href="/login" { (lang.t(Msg::LoginTitle)) } }
                }
            };
            Ok(layout::private(
                StatusCode::OK,
                layout::bare_markup(lang, lang.t(Msg::SignUpConfirmTitle), body),
            ))
        }
        Err(StoreError::NotFound(_)) => Ok(gone(lang)),
        Err(e) => Err(e.into()),
    }
}

/// The agency's sign-ups waiting for approval.
async fn list(
    state: &AppState,
    user: &User,
    flash: Option<(bool, String)>,
    errors: &[(String, String, String)],
    status: StatusCode,
) -> Result<Response, WebError> {
    let pending = state.store.pending_registrations(user.agency_id(), now_ms()).await?;
    let units = state.store.units(user.agency_id()).await?;
    let unit_name = |id: &str| units.iter().find(|u| u.id == id).map_or(id.to_string(), |u| u.name.clone());
    let clock = user.clock();
    let body = html! {
        h1 { (user.t(Msg::SignUpsTitle)) }
        @if let Some((ok, text)) = &flash {
            @if *ok { p.flash.info role="status" { (text) } } @else { p.flash.error role="alert" { (text) } }
        }
        p { (user.t(Msg::SignUpsHelp)) }
        @if pending.is_empty() { p #no-signups { (user.t(Msg::SignUpsNone)) } }
        @for r in &pending {
            @let error = errors.iter().find(|(id, _, _)| id == &r.id);
            div.card data-registration=(r.id) {
                h2 { (r.name) }
                p { "NIP " (r.nip) " · " (unit_name(&r.unit_id)) " · " (r.email) }
                p.help { (user.t(Msg::SignUpsConfirmedAt)) " " (clock.datetime(r.confirmed_at.unwrap_or(r.created_at)))
                    " · " (user.t(Msg::SignUpsExpires)) " " (clock.datetime(r.expires_at)) }
                form method="post" action=(format!("/admin/pendaftaran/{}/setujui", r.id)) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    button.primary type="submit" { (user.t(Msg::Approve)) }
                }
                form method="post" action=(format!("/admin/pendaftaran/{}/tolak", r.id)) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    div class=[error.map(|_| "has-error")] {
                        label for=(format!("reason-{}", r.id)) { (user.t(Msg::SignUpsReason)) }
                        input id=(format!("reason-{}", r.id)) type="text" name="reason" maxlength="500" required
                            value=[error.map(|(_, _, typed)| typed.as_str())];
                        @if let Some((_, message, _)) = error { p.field-error { (message) } }
                    }
                    button type="submit" { (user.t(Msg::SignUpsRefuse)) }
                }
            }
        }
    };
    Ok((status, layout::page(user, user.t(Msg::SignUpsTitle), "/admin", body)).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    ok: Option<String>,
}

pub async fn pending(
    State(state): State<AppState>,
    user: User,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    let flash = match done.ok.as_deref() {
        Some("disetujui") => Some((true, user.t(Msg::SignUpsApproved).to_string())),
        Some("ditolak") => Some((true, user.t(Msg::SignUpsRefused).to_string())),
        _ => None,
    };
    list(&state, &user, flash, &[], StatusCode::OK).await
}

pub async fn approve(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    match state.store.approve_registration(user.agency_id(), &id, user.person(), today, now_ms()).await {
        Ok(_) => Ok(Redirect::to("/admin/pendaftaran?ok=disetujui").into_response()),
        Err(StoreError::AlreadyExists(what)) => {
            let text = format!("{} {what}.", user.t(Msg::SignUpsTaken));
            list(&state, &user, Some((false, text)), &[], StatusCode::CONFLICT).await
        }
        Err(StoreError::NotPermitted(why)) => {
            list(&state, &user, Some((false, why)), &[], StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn refuse(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let reason = form.get("reason").cloned().unwrap_or_default();
    match state.store.refuse_registration(user.agency_id(), &id, &reason, user.person(), now_ms()).await {
        Ok(()) => Ok(Redirect::to("/admin/pendaftaran?ok=ditolak").into_response()),
        Err(StoreError::Engine(engine::EngineError::Invalid(fields))) => {
            let errors: Vec<(String, String, String)> =
                fields.into_iter().map(|f| (id.clone(), f.message, reason.clone())).collect();
            let flash = Some((false, user.t(Msg::FixErrors).to_string()));
            list(&state, &user, flash, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

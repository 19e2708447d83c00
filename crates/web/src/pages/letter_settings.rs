//! Admin: what the agency's letters are made with — the letterhead logo
//! and each signing official's PKCS#12 certificate. Files are size-capped
//! and checked by content (the logo must decode as PNG, the certificate
//! must open with the passphrase given, which is then forgotten).

use std::collections::BTreeMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::admin_form;
use crate::{AppState, layout, now_ms};

pub(crate) const MAX_LOGO_BYTES: usize = 512 * 1024;
pub(crate) const MAX_CERTIFICATE_BYTES: usize = 64 * 1024;

async fn render(
    state: &AppState,
    user: &User,
    message: Option<(bool, String)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let agency = user.agency_id();
    let org = state.store.organisation(agency).await?;
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    let mut signers = Vec::new();
    for person in &org.people {
        let signs = org.may(&person.id, engine::organisation::PositionRight::SignsLetters, today);
        let certificate = state.store.signing_certificate(agency, &person.id).await?;
        if signs || certificate.is_some() {
            signers.push((person, certificate));
        }
    }
    let has_logo = state.store.letterhead(&user.agency).await?.logo.is_some();
    let service = state.store.signing_service(agency).await?;
    let mut niks = Vec::new();
    for (person, _) in &signers {
        niks.push(state.store.signer_nik(agency, &person.id).await?.is_some());
    }
    let body = html! {
        h1 { (user.t(Msg::LetterSettings)) }
        p { a href="/admin" { "← " (user.t(Msg::AdminTitle)) } }
        @if let Some((ok, text)) = &message {
            @if *ok { p.flash.info role="status" { (text) } } @else { p.flash.error role="alert" { (text) } }
        }
        form.card method="post" action="/admin/surat/logo" enctype="multipart/form-data" {
            h2 { (user.t(Msg::LogoTitle)) }
            p.muted { @if has_logo { (user.t(Msg::LogoPresent)) } @else { (user.t(Msg::LogoAbsent)) } }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="logo" { "PNG, ≤ 512 KB" }
            input #logo type="file" name="logo" accept="image/png";
            button.primary type="submit" { (user.t(Msg::Upload)) }
        }
        form.card method="post" action="/admin/surat/sertifikat" enctype="multipart/form-data" {
            h2 { (user.t(Msg::CertificateTitle)) }
            table {
                thead { tr { th { (user.t(Msg::Name)) } th { (user.t(Msg::CertificateTitle)) } th { (user.t(Msg::CertificateIssuer)) } th { (user.t(Msg::CertificateValidUntil)) } } }
                tbody {
                    @for (p, c) in &signers {
                        tr {
                            td { (p.name) }
                            @match c {
                                Some(c) => {
                                    td { code { (c.subject) } }
                                    td { @if c.issuer.is_empty() { "-" } @else { code { (c.issuer) } } }
                                    td {
                                        (user.clock().maybe(c.not_after))
                                        @if c.expires_soon(now_ms()) { " " span.tag.bad.expiring { (user.t(Msg::CertificateExpiring)) } }
                                    }
                                }
                                None => { td { span.tag.bad { "—" } } td {} td {} }
                            }
                        }
                    }
                }
            }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="c-person" { (user.t(Msg::Name)) }
            select #c-person name="person" { @for (p, _) in &signers { option value=(p.id) { (p.name) } } }
            label for="c-file" { "PKCS#12 (.p12 / .pfx), ≤ 64 KB" }
            input #c-file type="file" name="sertifikat" accept=".p12,.pfx,application/x-pkcs12";
            label for="c-pass" { (user.t(Msg::Passphrase)) }
            input #c-pass type="password" name="kata_sandi" autocomplete="off";
            p.muted { (user.t(Msg::CertificateHelp)) }
            button.primary type="submit" { (user.t(Msg::Upload)) }
        }
        form.card #layanan-tte method="post" action="/admin/surat/layanan" {
            h2 { (user.t(Msg::SigningServiceTitle)) }
            p.muted { (user.t(Msg::SigningServiceHelp)) }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="s-url" { (user.t(Msg::SigningServiceUrl)) }
            input #s-url type="url" name="url" value=(service.as_ref().map_or("", |s| s.url.as_str())) placeholder="https://esign.contoh.go.id";
            label for="s-user" { (user.t(Msg::Username)) }
            input #s-user type="text" name="username" autocomplete="off" value=(service.as_ref().map_or("", |s| s.username.as_str()));
            label for="s-pass" { (user.t(Msg::SigningServicePassword)) }
            input #s-pass type="password" name="password" autocomplete="new-password"
                placeholder=[service.as_ref().map(|_| user.t(Msg::KeptUnlessReplaced))];
            label for="s-timeout" { (user.t(Msg::SigningServiceTimeout)) }
            input #s-timeout type="number" name="timeout" min="1" max="120" value=(service.as_ref().map_or(30, |s| s.timeout_secs));
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
        form.card #nik-penanda-tangan method="post" action="/admin/surat/nik" {
            h2 { (user.t(Msg::SignerNikTitle)) }
            table {
                thead { tr { th { (user.t(Msg::Name)) } th { "NIK" } } }
                tbody {
                    @for ((p, _), has) in signers.iter().zip(&niks) {
                        tr { td { (p.name) } td { @if *has { span.tag.ok { (user.t(Msg::NikSaved)) } } @else { span.tag.bad { "—" } } } }
                    }
                }
            }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="n-person" { (user.t(Msg::Name)) }
            select #n-person name="person" { @for (p, _) in &signers { option value=(p.id) { (p.name) } } }
            label for="n-nik" { "NIK" }
            input #n-nik type="text" name="nik" inputmode="numeric" maxlength="16" autocomplete="off";
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
    };
    Ok((status, layout::page(user, user.t(Msg::LetterSettings), "/admin", body)).into_response())
}

pub async fn page(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    render(&state, &user, None, StatusCode::OK).await
}

/// The text fields and the one file of a small admin form; a file over
/// `limit` bytes is refused with a message.
pub(crate) async fn read(
    multipart: Result<Multipart, MultipartRejection>,
    file_field: &str,
    limit: usize,
    user: &User,
) -> Result<(BTreeMap<String, String>, Option<Vec<u8>>), WebError> {
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    read_form(multipart, file_field, limit, user).await
}

/// As [`read`], for a caller that has checked who may send the form.
pub(crate) async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
    file_field: &str,
    limit: usize,
    user: &User,
) -> Result<(BTreeMap<String, String>, Option<Vec<u8>>), WebError> {
    let mut multipart = multipart.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut fields = BTreeMap::new();
    let mut file = None;
    while let Some(mut field) =
        multipart.next_field().await.map_err(|e| WebError::BadRequest(e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == file_field {
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| WebError::BadRequest(e.body_text()))? {
                data.extend_from_slice(&chunk);
                if data.len() > limit {
                    return Err(WebError::TooLarge(format!(
                        "{} {} KB",
                        user.t(Msg::FileTooLarge),
                        limit / 1024
                    )));
                }
            }
            file = (!data.is_empty()).then_some(data);
        } else {
            let text = field.text().await.map_err(|e| WebError::BadRequest(e.body_text()))?;
            fields.insert(name, text);
        }
    }
    user.check_csrf(fields.get("csrf").map(String::as_str))?;
    Ok((fields, file))
}

/// The page again with why the upload was refused.
async fn refuse(state: &AppState, user: &User, text: String) -> Result<Response, WebError> {
    render(state, user, Some((false, text)), StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn upload_logo(
    State(state): State<AppState>,
    user: User,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (_, file) = read(multipart, "logo", MAX_LOGO_BYTES, &user).await?;
    let Some(png) = file else {
        return refuse(&state, &user, user.t(Msg::ChooseFile).into()).await;
    };
    match state.store.put_logo(user.agency_id(), png, now_ms(), Some(user.person())).await {
        Ok(()) => Ok(Redirect::to("/admin/surat").into_response()),
        Err(store::StoreError::Engine(e)) => refuse(&state, &user, user.lang.refusal(&e)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn upload_certificate(
    State(state): State<AppState>,
    user: User,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (fields, file) = read(multipart, "sertifikat", MAX_CERTIFICATE_BYTES, &user).await?;
    let Some(p12) = file else {
        return refuse(&state, &user, user.t(Msg::ChooseFile).into()).await;
    };
    let person = fields.get("person").map(String::as_str).unwrap_or_default();
    let passphrase = fields.get("kata_sandi").map(String::as_str).unwrap_or_default();
    match state
        .store
        .put_signing_certificate(user.agency_id(), person, p12, passphrase, now_ms(), Some(user.person()))
        .await
    {
        Ok(subject) => {
            let text = format!("{}: {subject}", user.t(Msg::CertificateSaved));
            render(&state, &user, Some((true, text)), StatusCode::OK).await
        }
        Err(store::StoreError::Engine(e)) => refuse(&state, &user, user.lang.refusal(&e)).await,
        Err(store::StoreError::NotFound(what)) => {
            render(
                &state,
                &user,
                Some((false, format!("{what} tidak ditemukan"))),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The page after a settings form: saved, or why not.
async fn after_save(
    state: &AppState,
    user: &User,
    result: Result<(), store::StoreError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => render(state, user, Some((true, user.t(Msg::SettingsSaved).into())), StatusCode::OK).await,
        Err(store::StoreError::Engine(e)) => refuse(state, user, user.lang.refusal(&e)).await,
        Err(store::StoreError::NotFound(what)) => {
            refuse(state, user, format!("{what} tidak ditemukan")).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Sets where the agency's signing service is.
pub async fn save_service(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let text = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let timeout = text("timeout").trim().parse::<u32>().unwrap_or(0);
    let password = Some(text("password")).filter(|p| !p.is_empty());
    let form = store::signing_queue::ServiceForm {
        url: text("url"),
        username: text("username"),
        password,
        timeout_secs: timeout,
    };
    let saved = state.store.save_signing_service(user.agency_id(), form, user.person(), now_ms()).await;
    after_save(&state, &user, saved).await
}

/// Sets the NIK a signing official is known by at the signing service.
pub async fn save_nik(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let text = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let saved = state
        .store
        .set_signer_nik(user.agency_id(), text("person"), text("nik"), user.person(), now_ms())
        .await;
    after_save(&state, &user, saved).await
}

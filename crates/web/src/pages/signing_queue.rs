//! The signing queue: letters numbered at their signing step that wait for
//! the agency's signing service (BSrE) — because it could not be reached,
//! or the passphrase was wrong — with what went wrong. Their signer signs
//! them from here when the service answers again (the passphrase is asked
//! again: it is never kept); where the agency allows it, a wet-ink signed
//! scan is uploaded instead and recorded as such. Also the two moments of
//! the signing step that talk to the service: the certificate's state
//! before a number is taken, and the signature right after.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use store::signing_queue::{SignedWith, WaitingLetter};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::signing_service::{SigningService, SigningServiceError};
use crate::{AppState, layout, now_ms, upload};

/// Largest wet-ink scan accepted.
pub(crate) const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;

/// The client of `agency`'s signing service and `person`'s NIK there, when
/// the agency signs through one.
async fn service_of(
    state: &AppState,
    agency: &str,
    person: &str,
) -> Result<Option<(SigningService, Option<String>)>, WebError> {
    let Some(settings) = state.store.signing_service(agency).await? else { return Ok(None) };
    let client = SigningService::new(
        &settings.url,
        &settings.username,
        &settings.password,
        std::time::Duration::from_secs(u64::from(settings.timeout_secs)),
    );
    Ok(Some((client, state.store.signer_nik(agency, person).await?)))
}

/// Before a signing step takes a number: a certificate the service knows
/// is not active (or a NIK it does not know) is refused with the service's
/// reason. An unreachable service is no refusal — the letter will wait.
pub(crate) async fn refusal_before_signing(
    state: &AppState,
    agency: &str,
    person: &str,
) -> Result<Option<String>, WebError> {
    let Some((client, Some(nik))) = service_of(state, agency, person).await? else { return Ok(None) };
    Ok(match client.status(&nik).await {
        Ok(status) if status.is_active() => None,
        Ok(status) => Some(SigningServiceError::CertificateNotActive(Some(status)).to_string()),
        Err(SigningServiceError::NotRegistered) => Some(SigningServiceError::NotRegistered.to_string()),
        Err(_) => None,
    })
}

/// What became of signing a waiting letter.
pub(crate) enum Signed {
    /// Signed and out of the queue.
    Done,
    /// Still waiting, for this reason (told to the signer).
    Waiting(String),
}

/// Has the letter `case`'s signing step left waiting signed by the service
/// with `passphrase`, right after the step was kept. `None`: nothing waits
/// (the letter was signed in Sopir).
pub(crate) async fn sign_after_step(
    state: &AppState,
    agency: &str,
    case: &str,
    person: &str,
    passphrase: &str,
) -> Result<Option<Signed>, WebError> {
    let waiting = state.store.waiting_letters(agency).await?;
    let Some(letter) = waiting.iter().find(|l| l.case_id == case && l.signer_id == person) else {
        return Ok(None);
    };
    Ok(Some(sign_waiting(state, agency, &letter.id, person, passphrase).await?))
}

/// Sends waiting letter `id` to the service with `person`'s passphrase.
pub(crate) async fn sign_waiting(
    state: &AppState,
    agency: &str,
    id: &str,
    person: &str,
    passphrase: &str,
) -> Result<Signed, WebError> {
    let Some((letter, pdf)) = state.store.waiting_letter(agency, id).await? else {
        return Err(WebError::NotFound);
    };
    let failed = |reason: String, unreachable: bool| async move {
        state.store.signature_failed(agency, id, &reason, unreachable, now_ms()).await?;
        Ok::<_, WebError>(Signed::Waiting(reason))
    };
    let Some((client, nik)) = service_of(state, agency, person).await? else {
        return failed("instansi belum mengatur layanan tanda tangan elektronik".into(), false).await;
    };
    let Some(nik) = nik else {
        return failed("NIK penanda tangan untuk layanan tanda tangan elektronik belum diatur".into(), false)
            .await;
    };
    let place = state.store.agency(agency).await?.letters.place;
    let reason = format!("Surat {}", letter.number);
    match client.sign(pdf, &nik, passphrase, &reason, &place).await {
        Ok(signed) => {
            match state
                .store
                .finish_signature(agency, id, signed, SignedWith::Service, person, now_ms())
                .await
            {
                // Signed meanwhile (a second click): it is signed all the same.
                Ok(()) | Err(store::StoreError::Engine(_)) => Ok(Signed::Done),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => {
            tracing::warn!(agency, letter = %letter.number, code = e.code(), "signing service refused or unreachable");
            failed(e.to_string().trim_end_matches('.').to_string(), e.is_unreachable()).await
        }
    }
}

/// Whether `user` sees every waiting letter of the agency (register
/// readers and administrators) or only their own.
fn sees_all(user: &User) -> bool {
    user.may_report || user.account.is_admin
}

/// Whether `user` may see waiting letter `l`.
pub(crate) fn may_see(user: &User, l: &WaitingLetter) -> bool {
    sees_all(user) || l.signer_id == user.person()
}

/// The queue as `user` may see it; `acted`: they just signed one of their
/// own (the page then shows even when nothing of theirs waits any more).
async fn render(
    state: &AppState,
    user: &User,
    message: Option<(bool, String)>,
    status: StatusCode,
    acted: bool,
) -> Result<Response, WebError> {
    let mut waiting = state.store.waiting_letters(user.agency_id()).await?;
    waiting.retain(|l| may_see(user, l));
    if waiting.is_empty() && !sees_all(user) && !acted {
        return Err(WebError::Forbidden);
    }
    let org = state.store.organisation(user.agency_id()).await?;
    let wet_ink = user.agency.letters.wet_ink_fallback;
    let clock = user.clock();
    let body = html! {
        h1 { (user.t(Msg::SigningQueue)) }
        p { a href="/agenda" { "← " (user.t(Msg::NavRegisters)) } }
        p.muted { (user.t(Msg::SigningQueueHelp)) }
        @if let Some((ok, text)) = &message {
            @if *ok { p.flash.info role="status" { (text) } } @else { p.flash.error role="alert" { (text) } }
        }
        @if waiting.is_empty() { p #antrean-kosong { (user.t(Msg::SigningQueueEmpty)) } }
        @for l in &waiting {
            section.card.waiting-letter data-letter=(l.id) {
                h2 { (user.t(Msg::Number)) " " (l.number) }
                p { (l.subject) " · " a href={"/permohonan/" (l.case_id)} { (l.case_number) } }
                p.muted { (user.t(Msg::Signer)) ": " (org.name(&l.signer_id)) " · " (clock.datetime(l.dated_at)) }
                @if !l.signing_error.is_empty() { p.flash.error.signing-error { (l.signing_error) } }
                p { a href={"/agenda/antrean/" (l.id) "/cetak.pdf"} { (user.t(Msg::PrintUnsigned)) } }
                @if l.signer_id == user.person() {
                    form method="post" action={"/agenda/antrean/" (l.id) "/tandatangani"} {
                        input type="hidden" name="csrf" value=(user.csrf);
                        label for={"p-" (l.id)} { (user.t(Msg::Passphrase)) }
                        input id={"p-" (l.id)} type="password" name="kata_sandi" autocomplete="off";
                        button.primary type="submit" { (user.t(Msg::SignNow)) }
                    }
                }
                @if wet_ink && (l.signer_id == user.person() || user.account.is_admin) {
                    form method="post" action={"/agenda/antrean/" (l.id) "/basah"} enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(user.csrf);
                        label for={"s-" (l.id)} { (user.t(Msg::WetInkUpload)) }
                        input id={"s-" (l.id)} type="file" name="pindaian" accept="application/pdf";
                        button.secondary type="submit" { (user.t(Msg::Upload)) }
                    }
                }
            }
        }
    };
    Ok((status, layout::page(user, user.t(Msg::SigningQueue), "/agenda", body)).into_response())
}

pub async fn page(State(state): State<AppState>, user: User) -> Result<Response, WebError> {
    render(&state, &user, None, StatusCode::OK, false).await
}

/// The signer signs a waiting letter again through the service.
pub async fn sign(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<std::collections::BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let Some((letter, _)) = state.store.waiting_letter(user.agency_id(), &id).await? else {
        let gone = Some((false, user.t(Msg::NoLongerWaiting).into()));
        return render(&state, &user, gone, StatusCode::CONFLICT, true).await;
    };
    if letter.signer_id != user.person() {
        return Err(WebError::Forbidden);
    }
    let passphrase = form.get("kata_sandi").map(String::as_str).unwrap_or_default();
    if passphrase.is_empty() {
        let text = format!("{}: {}", user.t(Msg::Passphrase), user.t(Msg::Required));
        return render(&state, &user, Some((false, text)), StatusCode::UNPROCESSABLE_ENTITY, true).await;
    }
    match sign_waiting(&state, user.agency_id(), &id, user.person(), passphrase).await? {
        Signed::Done => {
            let text = format!("{} {}", user.t(Msg::LetterSignedNow), letter.number);
            render(&state, &user, Some((true, text)), StatusCode::OK, true).await
        }
        Signed::Waiting(reason) => {
            render(&state, &user, Some((false, reason)), StatusCode::UNPROCESSABLE_ENTITY, true).await
        }
    }
}

/// The letter as it waits, for printing and signing in wet ink.
pub async fn print(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (letter, pdf) = state.store.waiting_letter(user.agency_id(), &id).await?.ok_or(WebError::NotFound)?;
    if !may_see(&user, &letter) {
        return Err(WebError::Forbidden);
    }
    Ok(super::letters::pdf_response(
        &format!("surat-{}-belum-ditandatangani.pdf", letter.number.replace('/', "-")),
        pdf,
    ))
}

/// A wet-ink signed scan replaces the waiting letter, where the agency
/// allows it; it is recorded as signed in wet ink.
pub async fn wet_ink(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    let (_, file) = super::letter_settings::read_form(multipart, "pindaian", MAX_SCAN_BYTES, &user).await?;
    let (letter, _) = state.store.waiting_letter(user.agency_id(), &id).await?.ok_or(WebError::NotFound)?;
    if !user.agency.letters.wet_ink_fallback || !(letter.signer_id == user.person() || user.account.is_admin)
    {
        return Err(WebError::Forbidden);
    }
    let Some(scan) = file else {
        let choose = Some((false, user.t(Msg::ChooseFile).into()));
        return render(&state, &user, choose, StatusCode::UNPROCESSABLE_ENTITY, true).await;
    };
    if upload::sniff(&scan).map(|(kind, _)| kind) != Some("pdf") {
        let text = format!("{}: {}", user.t(Msg::WetInkUpload), user.t(Msg::MustBePdf));
        return render(&state, &user, Some((false, text)), StatusCode::UNPROCESSABLE_ENTITY, true).await;
    }
    state
        .store
        .finish_signature(user.agency_id(), &id, scan, SignedWith::WetInk, user.person(), now_ms())
        .await?;
    let text = format!("{} {}", user.t(Msg::WetInkSaved), letter.number);
    render(&state, &user, Some((true, text)), StatusCode::OK, true).await
}

//! The signing queue through the API: the letters numbered at their
//! signing step that wait for the agency's signing service, signed again by
//! their signer with the certificate's passphrase (never kept), or — where
//! the agency allows it — replaced by a wet-ink signed scan. The queue
//! page's rights and refusals.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use store::signing_queue::{SignedWith, WaitingLetter};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::{instant, json_body};
use super::problem::Problem;
use crate::pages::signing_queue::{MAX_SCAN_BYTES, Signed, may_see, sign_waiting};
use crate::{AppState, now_ms, upload};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WaitingLetterView {
    pub id: String,
    pub case: String,
    pub case_number: String,
    /// Its reserved number.
    pub number: String,
    pub subject: String,
    pub signer: String,
    pub dated_at: String,
    /// Why the last attempt failed; empty before any.
    pub signing_error: String,
}

/// The signer's passphrase.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Passphrase {
    #[schema(min_length = 1)]
    pub passphrase: String,
}

fn view(l: WaitingLetter) -> WaitingLetterView {
    WaitingLetterView {
        id: l.id,
        case: l.case_id,
        case_number: l.case_number,
        number: l.number,
        subject: l.subject,
        signer: l.signer_id,
        dated_at: instant(l.dated_at),
        signing_error: l.signing_error,
    }
}

/// The waiting letter `id` to sign: one signed already is a conflict with
/// what happened before (409), not a letter that is not there — told only
/// to one who may see it.
async fn to_sign(state: &AppState, caller: &Caller, id: &str) -> Result<WaitingLetter, Problem> {
    match waiting(state, caller, id).await {
        Ok((letter, _)) => Ok(letter),
        Err(refused) if refused.status() == StatusCode::NOT_FOUND => {
            match state.store.signed_letter(caller.0.agency_id(), id).await? {
                Some(signed) if may_see(&caller.0, &signed) => {
                    Err(Problem::conflict("surat ini sudah ditandatangani; tidak menunggu lagi"))
                }
                _ => Err(refused),
            }
        }
        Err(refused) => Err(refused),
    }
}

/// The waiting letter `id`, if the caller may see it.
async fn waiting(state: &AppState, caller: &Caller, id: &str) -> Result<(WaitingLetter, Vec<u8>), Problem> {
    let found = state.store.waiting_letter(caller.0.agency_id(), id).await?;
    let (letter, pdf) = found.ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-waiting",
            "Tidak menunggu",
            Some("surat ini tidak (lagi) menunggu tanda tangan".into()),
        )
    })?;
    if !may_see(&caller.0, &letter) {
        return Err(Problem::forbidden());
    }
    Ok((letter, pdf))
}

/// The letters waiting for a signature that the caller may see: their own
/// to sign, or all of them for register readers and administrators.
#[utoipa::path(get, path = "/signing-queue", tag = "agenda",
    responses(
        (status = 200, description = "The waiting letters", body = Vec<WaitingLetterView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WaitingLetterView>>, Problem> {
    let mut letters = state.store.waiting_letters(caller.0.agency_id()).await?;
    letters.retain(|l| may_see(&caller.0, l));
    Ok(Json(letters.into_iter().map(view).collect()))
}

/// The waiting letter as a PDF, unsigned: for printing and signing in wet ink.
#[utoipa::path(get, path = "/signing-queue/{id}/pdf", tag = "agenda",
    params(("id" = String, Path, description = "The waiting letter's id")),
    responses(
        (status = 200, description = "The unsigned letter", content_type = "application/pdf"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither its signer nor one who sees the queue", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not waiting", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let (letter, pdf) = waiting(&state, &caller, &id).await?;
    let name = format!("surat-{}-belum-ditandatangani.pdf", letter.number.replace('/', "-"));
    Ok(crate::pages::letters::pdf_response(&name, pdf))
}

/// Signs a waiting letter through the signing service (its signer). A
/// refusal or an unreachable service leaves it waiting, with the reason.
#[utoipa::path(post, path = "/signing-queue/{id}/sign", tag = "agenda", request_body = Passphrase,
    params(("id" = String, Path, description = "The waiting letter's id")),
    responses(
        (status = 200, description = "Signed and out of the queue", body = WaitingLetterView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not its signer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such letter waiting", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Signed already", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No passphrase, or not signed: the service's reason; it still waits", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn sign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WaitingLetterView>, Problem> {
    let letter = to_sign(&state, &caller, &id).await?;
    let user = &caller.0;
    if letter.signer_id != user.person() {
        return Err(Problem::forbidden_because("hanya penanda tangannya yang menandatangani surat ini"));
    }
    let given: Passphrase = json_body(&headers, &body)?;
    if given.passphrase.is_empty() {
        return Err(Problem::field("passphrase", "passphrase", "wajib diisi"));
    }
    match sign_waiting(&state, user.agency_id(), &id, user.person(), &given.passphrase).await? {
        Signed::Done => Ok(Json(WaitingLetterView { signing_error: String::new(), ..view(letter) })),
        Signed::Waiting(reason) => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-signed",
            "Belum ditandatangani",
            Some(reason),
        )),
    }
}

/// Replaces a waiting letter by its wet-ink signed scan (a PDF), where the
/// agency allows it: its signer or an administrator.
#[utoipa::path(post, path = "/signing-queue/{id}/wet-ink", tag = "agenda",
    params(("id" = String, Path, description = "The waiting letter's id")),
    request_body(content = Vec<u8>, content_type = "application/pdf", description = "The scan: a PDF, at most 10 MB (told by its content, whatever the Content-Type)"),
    responses(
        (status = 200, description = "Recorded as signed in wet ink", body = WaitingLetterView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The agency does not allow it, or neither its signer nor an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such letter waiting", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Signed already", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 10 MB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a PDF", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn wet_ink(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<WaitingLetterView>, Problem> {
    let letter = to_sign(&state, &caller, &id).await?;
    let user = &caller.0;
    if !user.agency.letters.wet_ink_fallback || !(letter.signer_id == user.person() || user.account.is_admin)
    {
        return Err(Problem::forbidden());
    }
    if body.len() > MAX_SCAN_BYTES {
        let why = format!("pindaian paling besar {} MB", MAX_SCAN_BYTES / 1024 / 1024);
        return Err(Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Terlalu besar", Some(why)));
    }
    if upload::sniff(&body).map(|(kind, _)| kind) != Some("pdf") {
        return Err(Problem::field("scan", "Pindaian", "harus berkas PDF"));
    }
    state
        .store
        .finish_signature(user.agency_id(), &id, body.to_vec(), SignedWith::WetInk, user.person(), now_ms())
        .await?;
    Ok(Json(view(letter)))
}

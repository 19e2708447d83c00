//! The letter settings of an agency through the API, for its
//! administrators, with the letters page's checks: the letterhead's logo,
//! a signing official's PKCS#12 certificate, the signing service (BSrE)
//! the agency signs through, and the NIK an official is known by there.
//! The certificate, its passphrase, the service's password and the NIK are
//! written, never read back.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use store::signing_queue::ServiceForm;
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::json_body;
use super::problem::Problem;
use crate::pages::letter_settings::{MAX_CERTIFICATE_BYTES, MAX_LOGO_BYTES};
use crate::{AppState, now_ms};

/// A signing official's certificate.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateUpload {
    /// The PKCS#12 (.p12) file, base64; at most 64 KB.
    pub p12_base64: String,
    /// Its passphrase: checked now, kept sealed for signing.
    pub passphrase: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CertificateSaved {
    /// The certificate's subject.
    pub subject: String,
}

/// The signing service, without its password.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SigningServiceView {
    pub url: String,
    pub username: String,
    pub timeout_secs: u32,
}

/// The signing service to save.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningServiceSettings {
    /// `https://…` (`http://` only for a service on the server's own machine).
    #[schema(
        pattern = "^(https://[^\\s\\u0085/]|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])([:/]|$))[^\\s\\u0085]*$"
    )]
    pub url: String,
    #[serde(default)]
    #[schema(pattern = "[^\\s\\u0085]")]
    pub username: String,
    /// Absent or empty: the saved one stays.
    #[serde(default)]
    pub password: Option<String>,
    #[schema(minimum = 1, maximum = 120)]
    pub timeout_secs: u32,
}

/// A signing official's NIK at the signing service.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignerNik {
    /// 16 digits.
    #[schema(pattern = "^[0-9]{16}$")]
    pub nik: String,
}

fn too_large(limit: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "Terlalu besar",
        Some(format!("paling besar {} KB", limit / 1024)),
    )
}

/// Replaces the letterhead's logo (administrators).
#[utoipa::path(put, path = "/settings/letters/logo", tag = "agenda",
    request_body(content = Vec<u8>, content_type = "image/png", description = "A PNG, at most 512 KB"),
    responses(
        (status = 204, description = "Saved"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 512 KB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a PNG that can be printed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn put_logo(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    if body.len() > MAX_LOGO_BYTES {
        return Err(too_large(MAX_LOGO_BYTES));
    }
    let user = &caller.0;
    state.store.put_logo(user.agency_id(), body.to_vec(), now_ms(), Some(user.person())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives a signing official (a person of the agency) their certificate
/// (administrators).
#[utoipa::path(put, path = "/settings/letters/certificates/{person}", tag = "agenda", request_body = CertificateUpload,
    params(("person" = String, Path, description = "The official's person id", example = "lmj-kadis")),
    responses(
        (status = 200, description = "Saved", body = CertificateSaved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 64 KB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person in the agency", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not base64, or not a certificate this passphrase opens", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn put_certificate(
    State(state): State<AppState>,
    caller: Caller,
    Path(person): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CertificateSaved>, Problem> {
    caller.require_admin()?;
    let given: CertificateUpload = json_body(&headers, &body)?;
    let cleaned: String = given.p12_base64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let p12 = base64::engine::general_purpose::STANDARD
        .decode(cleaned)
        .map_err(|_| Problem::field("p12_base64", "p12_base64", "bukan base64 yang sah"))?;
    if p12.len() > MAX_CERTIFICATE_BYTES {
        return Err(too_large(MAX_CERTIFICATE_BYTES));
    }
    let user = &caller.0;
    let saved = state
        .store
        .put_signing_certificate(
            user.agency_id(),
            &person,
            p12,
            &given.passphrase,
            now_ms(),
            Some(user.person()),
        )
        .await;
    let subject =
        saved.map_err(|e| Problem::from(e).rename_fields(|f| (f == "sertifikat").then_some("p12_base64")))?;
    Ok(Json(CertificateSaved { subject }))
}

async fn service_now(state: &AppState, agency: &str) -> Result<Option<SigningServiceView>, Problem> {
    Ok(state.store.signing_service(agency).await?.map(|s| SigningServiceView {
        url: s.url,
        username: s.username,
        timeout_secs: s.timeout_secs,
    }))
}

/// The signing service the agency signs through; `null` when none.
#[utoipa::path(get, path = "/settings/signing-service", tag = "agenda",
    responses(
        (status = 200, description = "The service, without its password", body = Option<SigningServiceView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn signing_service(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Option<SigningServiceView>>, Problem> {
    caller.require_admin()?;
    Ok(Json(service_now(&state, caller.0.agency_id()).await?))
}

/// Sets the signing service (administrators).
#[utoipa::path(put, path = "/settings/signing-service", tag = "agenda", request_body = SigningServiceSettings,
    responses(
        (status = 200, description = "Saved", body = Option<SigningServiceView>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad address, no username or password, or a timeout out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn save_signing_service(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Option<SigningServiceView>>, Problem> {
    caller.require_admin()?;
    let given: SigningServiceSettings = json_body(&headers, &body)?;
    let form = ServiceForm {
        url: &given.url,
        username: &given.username,
        password: given.password.as_deref().filter(|p| !p.is_empty()),
        timeout_secs: given.timeout_secs,
    };
    let user = &caller.0;
    state.store.save_signing_service(user.agency_id(), form, user.person(), now_ms()).await?;
    Ok(Json(service_now(&state, user.agency_id()).await?))
}

/// Sets the NIK a signing official is known by at the signing service
/// (administrators); it is kept sealed and never read back.
#[utoipa::path(put, path = "/settings/signing-service/signers/{person}", tag = "agenda", request_body = SignerNik,
    params(("person" = String, Path, description = "The official's person id", example = "lmj-kadis")),
    responses(
        (status = 204, description = "Saved"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such person in the agency", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not 16 digits", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn put_signer_nik(
    State(state): State<AppState>,
    caller: Caller,
    Path(person): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let given: SignerNik = json_body(&headers, &body)?;
    let user = &caller.0;
    state.store.set_signer_nik(user.agency_id(), &person, &given.nik, user.person(), now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

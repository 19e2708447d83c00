//! The generic connector: a signed JSON POST of the operation and the
//! approved values to an agency's own endpoint (a script, a hosting panel),
//! for whatever Sopir has no connector of its own. The receiver checks the
//! signature (HMAC-SHA256 over the timestamp and the body, with the secret
//! both sides hold), answers 2xx when done; 408, 429 and 5xx are retried,
//! any other answer is a refusal shown to the administrator.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::{Approved, ConnectorError, Operation, Outcome, Settings};

/// The header carrying `sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub const SIGNATURE_HEADER: &str = "x-sopir-signature";
/// The header carrying the seconds since 1970 the signature covers.
pub const TIMESTAMP_HEADER: &str = "x-sopir-timestamp";
/// The queued run's id: the same for every retry of one run (and only
/// that run), so that a receiver can ignore a delivery it already acted on.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The settings' option keys.
pub mod option {
    pub const TIMEOUT_SECONDS: &str = "timeout_seconds";
}

/// Shortest secret accepted: a signature is only as strong as its key.
pub const MIN_SECRET_CHARS: usize = 16;
const DEFAULT_TIMEOUT_SECS: u64 = 10;
/// How much of the receiver's answer is kept.
const ANSWER_MAX_CHARS: usize = 500;

/// What is posted.
#[derive(Debug, Serialize)]
pub struct Delivery<'a> {
    pub operation: Operation,
    pub approved: &'a Approved,
}

/// The signature of `body` sent at `timestamp` with `secret`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    format!("sha256={}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Whether `address` may carry the approved values and a signature: TLS,
/// or plain HTTP only to this very machine.
fn address_allowed(address: &str) -> bool {
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|l| address.strip_prefix(l).is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/'])));
    (address.starts_with("https://") || loopback) && !address.contains(char::is_whitespace)
}

fn timeout(settings: &Settings) -> Result<Duration, String> {
    match settings.options.get(option::TIMEOUT_SECONDS).map(|t| t.trim()) {
        None | Some("") => Ok(Duration::from_secs(DEFAULT_TIMEOUT_SECS)),
        Some(t) => match t.parse::<u64>() {
            Ok(s @ 1..=120) => Ok(Duration::from_secs(s)),
            _ => Err("1 sampai 120 detik".into()),
        },
    }
}

/// (field, message) for each setting an administrator got wrong.
pub fn check_settings(settings: &Settings) -> Result<(), Vec<(String, String)>> {
    let mut errors = Vec::new();
    if let Err(message) = check_address(&settings.address) {
        errors.push((crate::field::ADDRESS.into(), message));
    }
    if settings.secret.chars().count() < MIN_SECRET_CHARS {
        errors.push((crate::field::SECRET.into(), format!("paling sedikit {MIN_SECRET_CHARS} karakter")));
    }
    if let Err(m) = timeout(settings) {
        errors.push((option::TIMEOUT_SECONDS.into(), m));
    }
    for key in settings.options.keys().filter(|k| k.as_str() != option::TIMEOUT_SECONDS) {
        errors.push((
            key.clone(),
            "pengaturan ini tidak dikenal untuk webhook; yang dikenal: timeout_seconds".into(),
        ));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// What a dry run would post (never the secret).
pub fn describe(
    settings: &Settings,
    operation: Operation,
    approved: &Approved,
) -> Result<String, ConnectorError> {
    let body = serde_json::to_string(&Delivery { operation, approved }).expect("a delivery serialises");
    Ok(format!("POST {} dengan tanda tangan HMAC-SHA256: {body}", shown_address(settings.address.trim())))
}

/// Posts `operation` on `approved` to the agency's endpoint, as run `run`.
pub async fn run(
    settings: &Settings,
    operation: Operation,
    approved: &Approved,
    run: &str,
) -> Result<Outcome, ConnectorError> {
    check_settings(settings).map_err(|errors| {
        ConnectorError::Settings(
            errors.into_iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "),
        )
    })?;
    let timeout = timeout(settings).map_err(ConnectorError::Settings)?;
    let address = settings.address.trim();
    let body = serde_json::to_vec(&Delivery { operation, approved }).expect("a delivery serialises");
    let (status, answer) = post(address, &settings.secret, timeout, run, &[], body).await?;
    let status = reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::BAD_GATEWAY);
    let said = if answer.trim().is_empty() { String::new() } else { format!(": {}", answer.trim()) };
    if status.is_success() {
        return Ok(Outcome {
            summary: format!(
                "{} {} dikirim ke {address} dan diterima (HTTP {})",
                operation.label(),
                approved.name,
                status.as_u16()
            ),
            answer: Some(answer),
            handover: None,
        });
    }
    let told = format!("HTTP {}{said}", status.as_u16());
    if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
        Err(ConnectorError::Unreachable(told))
    } else {
        Err(ConnectorError::Refused(told))
    }
}

/// Posts `body` to `address`, signed with `secret` and carrying
/// `idempotency_key` and the `extra` headers; the receiver's status and
/// (the start of) its answer, or why no answer came.
pub async fn post(
    address: &str,
    secret: &str,
    timeout: Duration,
    idempotency_key: &str,
    extra: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<(u16, String), ConnectorError> {
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ConnectorError::Settings(e.to_string()))?;
    let mut request = client
        .post(address)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature(secret, timestamp, &body))
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(IDEMPOTENCY_HEADER, idempotency_key);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.body(body).send().await.map_err(|e| {
        ConnectorError::Unreachable(format!("{}: {}", shown_address(address), without_url(&e)))
    })?;
    let status = response.status().as_u16();
    let answer: String = response.text().await.unwrap_or_default().chars().take(ANSWER_MAX_CHARS).collect();
    Ok((status, answer))
}

/// Why `address` may not receive signed posts, in the administrator's words.
pub fn check_address(address: &str) -> Result<(), String> {
    if address_allowed(address.trim()) {
        Ok(())
    } else {
        Err("tulis alamat lengkap dengan https://, mis. https://panel.contoh.go.id/sopir (http:// hanya untuk alamat di mesin ini)".into())
    }
}

/// The address as shown on pages and in the chain: without a user, a
/// password or a query, which may carry a token of the receiver's.
pub fn shown_address(address: &str) -> String {
    let Some((scheme, rest)) = address.split_once("://") else { return address.to_string() };
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let rest = match rest.split_once('/') {
        Some((authority, path)) => format!("{}/{path}", authority.rsplit('@').next().unwrap_or(authority)),
        None => rest.rsplit('@').next().unwrap_or(rest).to_string(),
    };
    format!("{scheme}://{rest}")
}

/// A transport error without the URL reqwest repeats in it.
fn without_url(e: &reqwest::Error) -> String {
    let mut e = e.to_string();
    if let Some(at) = e.find(" for url (") {
        e.truncate(at);
    }
    if e.contains("error sending request") {
        "tidak ada jawaban (koneksi ditolak atau habis waktu)".into()
    } else {
        e
    }
}

//! The client of a remote PDF signing service — BSrE's e-sign
//! client-service API v2 as published (docs/signing-service.md): it sends a
//! PDF with its empty signature field and the official's NIK and
//! passphrase, and gets the signed PDF back; it also asks whether an
//! official's certificate is active. It owns the mapping of the service's
//! answers to [`SigningServiceError`], whose messages officials read. The
//! passphrase is borrowed for the one request and appears in no log, error
//! or `Debug` output.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

/// The service's `status_code` for a wrong passphrase.
pub const CODE_WRONG_PASSPHRASE: i64 = 2031;
/// … for a certificate that is not active (expired, revoked, suspended).
pub const CODE_CERTIFICATE_NOT_ACTIVE: i64 = 2021;
/// … for a NIK with no certificate.
pub const CODE_NOT_REGISTERED: i64 = 1110;
/// … for a document that cannot be signed (not a PDF, no signature field).
pub const CODE_DOCUMENT_UNSIGNABLE: i64 = 2000;
/// … for a successful status check.
pub const CODE_STATUS_OK: i64 = 1111;

/// How much of a service's unexpected answer is kept in an error.
const ANSWER_CHARS: usize = 200;

/// The state of an official's certificate at the CA, as the service names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateStatus {
    /// Issued and active: the only state that signs.
    Issue,
    Expired,
    Revoke,
    Suspend,
    /// Applied for, not yet issued.
    New,
    NotRegistered,
}

impl CertificateStatus {
    pub fn is_active(self) -> bool {
        self == CertificateStatus::Issue
    }

    pub const ALL: [CertificateStatus; 6] = [
        CertificateStatus::Issue,
        CertificateStatus::Expired,
        CertificateStatus::Revoke,
        CertificateStatus::Suspend,
        CertificateStatus::New,
        CertificateStatus::NotRegistered,
    ];

    /// The state the service names `name`.
    pub fn from_name(name: &str) -> Option<CertificateStatus> {
        CertificateStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The service's own name of the state (`ISSUE`, `EXPIRED`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateStatus::Issue => "ISSUE",
            CertificateStatus::Expired => "EXPIRED",
            CertificateStatus::Revoke => "REVOKE",
            CertificateStatus::Suspend => "SUSPEND",
            CertificateStatus::New => "NEW",
            CertificateStatus::NotRegistered => "NOT_REGISTERED",
        }
    }

    /// The state in words an official understands.
    pub fn label(self) -> &'static str {
        match self {
            CertificateStatus::Issue => "aktif",
            CertificateStatus::Expired => "sudah kedaluwarsa",
            CertificateStatus::Revoke => "sudah dicabut",
            CertificateStatus::Suspend => "sedang dibekukan",
            CertificateStatus::New => "masih dalam pengajuan, belum diterbitkan",
            CertificateStatus::NotRegistered => "belum terdaftar",
        }
    }
}

impl fmt::Display for CertificateStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why the service did not sign or did not tell a certificate's state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningServiceError {
    #[error("Passphrase tanda tangan elektronik salah. Periksa kembali passphrase Anda lalu coba lagi.")]
    WrongPassphrase,
    #[error(
        "Sertifikat elektronik Anda tidak aktif{}, sehingga surat tidak dapat ditandatangani. \
         Hubungi pengelola tanda tangan elektronik instansi atau BSrE.",
        .0.map(|s| format!(" ({s})")).unwrap_or_default()
    )]
    CertificateNotActive(Option<CertificateStatus>),
    #[error(
        "NIK Anda belum terdaftar sebagai pemilik sertifikat elektronik di layanan tanda tangan elektronik. \
         Ajukan sertifikat elektronik melalui pengelola tanda tangan elektronik instansi."
    )]
    NotRegistered,
    #[error("Layanan tanda tangan elektronik tidak dapat dihubungi: {0}. Coba lagi nanti.")]
    Unreachable(String),
    #[error(
        "Layanan tanda tangan elektronik menolak akun layanan instansi (nama pengguna atau kata sandi \
         client service salah). Minta administrator Sopir memeriksa pengaturan tanda tangan elektronik."
    )]
    Unauthorized,
    #[error("Layanan tanda tangan elektronik menolak permintaan (HTTP {status}{}): {message}", .code.map(|c| format!(", kode {c}")).unwrap_or_default())]
    Rejected { status: u16, code: Option<i64>, message: String },
    #[error("Layanan tanda tangan elektronik memberi jawaban yang tidak dapat dipakai: {0}.")]
    BadAnswer(String),
}

impl SigningServiceError {
    /// A stable code for the API and the UI's translations.
    pub fn code(&self) -> &'static str {
        match self {
            SigningServiceError::WrongPassphrase => "wrong_passphrase",
            SigningServiceError::CertificateNotActive(_) => "certificate_not_active",
            SigningServiceError::NotRegistered => "not_registered",
            SigningServiceError::Unreachable(_) => "unreachable",
            SigningServiceError::Unauthorized => "unauthorized",
            SigningServiceError::Rejected { .. } => "rejected",
            SigningServiceError::BadAnswer(_) => "bad_answer",
        }
    }

    /// The service could not be reached or had a fault of its own: the same
    /// request may succeed later, so the caller may queue it. Every other
    /// error needs someone to change something first.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, SigningServiceError::Unreachable(_))
    }
}

/// An agency's account at the signing service.
#[derive(Clone)]
pub struct SigningService {
    base_url: String,
    username: String,
    password: String,
    timeout: Duration,
    client: reqwest::Client,
}

impl fmt::Debug for SigningService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningService")
            .field("base_url", &self.base_url)
            .field("username", &self.username)
            .field("password", &"***")
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The body of a signing request.
#[derive(Serialize)]
struct SignRequest<'a> {
    nik: &'a str,
    passphrase: &'a str,
    #[serde(rename = "signatureProperties")]
    signature_properties: [SignatureProperties<'a>; 1],
    file: [String; 1],
}

impl fmt::Debug for SignRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignRequest")
            .field("nik", &self.nik)
            .field("passphrase", &"***")
            .field("signature_properties", &self.signature_properties)
            .field("file", &format_args!("<{} base64 characters>", self.file[0].len()))
            .finish()
    }
}

#[derive(Debug, Serialize)]
struct SignatureProperties<'a> {
    /// Sopir's letters print their own verification QR code: the service
    /// adds nothing visible.
    tampilan: &'static str,
    reason: &'a str,
    location: &'a str,
}

/// Any of the service's answers: the fields of a success and of an error.
#[derive(Debug, Default, Deserialize)]
struct Answer {
    #[serde(default)]
    file: Option<Vec<String>>,
    #[serde(default)]
    status_code: Option<i64>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

impl SigningService {
    /// `base_url` is the service's address without `/api/v2/…`;
    /// `username`/`password` the agency's client-service account; `timeout`
    /// bounds each whole request (a signature usually takes seconds).
    pub fn new(base_url: &str, username: &str, password: &str, timeout: Duration) -> SigningService {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client without custom TLS builds");
        SigningService {
            base_url: base_url.trim_end_matches('/').to_string(),
            username: username.to_string(),
            password: password.to_string(),
            timeout,
            client,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Has `pdf` (written with an empty signature field) signed invisibly
    /// with the certificate of `nik`, unlocked by `passphrase`, and returns
    /// the signed PDF. A certificate found not active is looked up once more
    /// to tell the official which state it is in.
    pub async fn sign(
        &self,
        pdf: Vec<u8>,
        nik: &str,
        passphrase: &str,
        reason: &str,
        location: &str,
    ) -> Result<Vec<u8>, SigningServiceError> {
        let request = SignRequest {
            nik,
            passphrase,
            signature_properties: [SignatureProperties { tampilan: "INVISIBLE", reason, location }],
            file: [BASE64.encode(&pdf)],
        };
        drop(pdf);
        let body = serde_json::to_vec(&request).expect("a signing request serialises");
        drop(request);
        let answer = match self.post("/api/v2/sign/pdf", body, passphrase).await {
            Err(SigningServiceError::CertificateNotActive(None)) => {
                let status = self.status(nik).await.ok().filter(|s| !s.is_active());
                return Err(SigningServiceError::CertificateNotActive(status));
            }
            answer => answer?,
        };
        // A 200 that still carries an error, as some gateways answer.
        if answer.error.is_some() || (answer.file.is_none() && answer.status_code.is_some()) {
            return Err(refusal(200, &answer, passphrase));
        }
        let files =
            answer.file.ok_or_else(|| SigningServiceError::BadAnswer("tidak memuat berkas".into()))?;
        let [file] = <[String; 1]>::try_from(files).map_err(|files| {
            SigningServiceError::BadAnswer(format!("memuat {} berkas, bukan satu", files.len()))
        })?;
        let signed = BASE64
            .decode(file.trim())
            .map_err(|_| SigningServiceError::BadAnswer("berkasnya bukan base64".into()))?;
        if !signed.starts_with(b"%PDF-") {
            return Err(SigningServiceError::BadAnswer("berkasnya bukan PDF".into()));
        }
        Ok(signed)
    }

    /// The state of the certificate of `nik` at the CA.
    pub async fn status(&self, nik: &str) -> Result<CertificateStatus, SigningServiceError> {
        let body = serde_json::to_vec(&serde_json::json!({ "nik": nik })).expect("a NIK serialises");
        let answer = match self.post("/api/v2/user/check/status", body, "").await {
            Err(SigningServiceError::NotRegistered) => return Ok(CertificateStatus::NotRegistered),
            answer => answer?,
        };
        if answer.status_code == Some(CODE_NOT_REGISTERED) {
            return Ok(CertificateStatus::NotRegistered);
        }
        match answer.status.as_deref() {
            Some(name) => CertificateStatus::from_name(name).ok_or_else(|| {
                SigningServiceError::BadAnswer(format!("status sertifikat {:?} tidak dikenal", clip(name)))
            }),
            None if answer.error.is_some() || answer.status_code.is_some() => Err(refusal(200, &answer, "")),
            None => Err(SigningServiceError::BadAnswer("tidak memuat status sertifikat".into())),
        }
    }

    /// Posts `body` (JSON) to `path`; a 2xx answer's fields, or the error
    /// the answer means, with `secret` never repeated from the answer.
    async fn post(&self, path: &str, body: Vec<u8>, secret: &str) -> Result<Answer, SigningServiceError> {
        let url = format!("{}{path}", self.base_url);
        let sent = self
            .client
            .post(&url)
            .basic_auth(&self.username, Some(&self.password))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(e) => return Err(self.unreachable(&url, &e)),
        };
        let status = answer.status();
        let text = match answer.text().await {
            Ok(text) => text,
            Err(e) => return Err(self.unreachable(&url, &e)),
        };
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            tracing::warn!(
                "layanan tanda tangan {url} menjawab HTTP {}: {}",
                status.as_u16(),
                clip(&scrubbed(&text, secret))
            );
            let why = if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                "layanan sedang sibuk (HTTP 429)".to_string()
            } else {
                format!("layanan sedang bermasalah (HTTP {})", status.as_u16())
            };
            return Err(SigningServiceError::Unreachable(why));
        }
        if status == reqwest::StatusCode::UNAUTHORIZED {
            tracing::warn!("layanan tanda tangan {url} menolak akun client service {:?}", self.username);
            return Err(SigningServiceError::Unauthorized);
        }
        let parsed = serde_json::from_str::<Answer>(&text);
        if !status.is_success() {
            let answer = parsed.unwrap_or_default();
            let answer = if answer.error.is_none() && answer.message.is_none() {
                Answer { error: Some(text), ..answer }
            } else {
                answer
            };
            return Err(refusal(status.as_u16(), &answer, secret));
        }
        parsed.map_err(|_| SigningServiceError::BadAnswer("jawabannya bukan JSON".into()))
    }

    fn unreachable(&self, url: &str, e: &reqwest::Error) -> SigningServiceError {
        // reqwest's error names the URL and the cause, never the body.
        tracing::warn!("layanan tanda tangan {url} tidak dapat dihubungi: {e}");
        let why = if e.is_timeout() {
            format!("tidak menjawab dalam {} detik", self.timeout.as_secs_f64())
        } else if e.is_connect() {
            "sambungan gagal (alamat tidak ditemukan atau layanan mati)".to_string()
        } else {
            "sambungan terputus".to_string()
        };
        SigningServiceError::Unreachable(why)
    }
}

/// The error an answer's `status_code`/`error` mean, with `secret` taken out
/// of the service's message should it echo it.
fn refusal(status: u16, answer: &Answer, secret: &str) -> SigningServiceError {
    match answer.status_code {
        Some(CODE_WRONG_PASSPHRASE) => SigningServiceError::WrongPassphrase,
        Some(CODE_CERTIFICATE_NOT_ACTIVE) => SigningServiceError::CertificateNotActive(None),
        Some(CODE_NOT_REGISTERED) => SigningServiceError::NotRegistered,
        code => {
            let message = answer.error.as_deref().or(answer.message.as_deref()).unwrap_or_default();
            let message = clip(&scrubbed(message.trim(), secret));
            let message = if message.is_empty() { "tanpa keterangan".to_string() } else { message };
            SigningServiceError::Rejected { status, code, message }
        }
    }
}

/// `text` without `secret` in it, should a service echo it back.
fn scrubbed(text: &str, secret: &str) -> String {
    if secret.is_empty() { text.to_string() } else { text.replace(secret, "***") }
}

fn clip(text: &str) -> String {
    text.chars().take(ANSWER_CHARS).collect()
}

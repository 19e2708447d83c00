//! Errors of the API as RFC 9457 problem details
//! (`application/problem+json`): a stable `type`, a title and detail in
//! Bahasa Indonesia, and for refused input the failing fields.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use engine::EngineError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::WebError;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem with the request or with what it asked for.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// Identifies the kind of problem, e.g. `urn:sopir:problem:validation`.
    /// (This and `code` are boxed `str`s: every handler passes problems by
    /// value, and they are never changed.)
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: Box<str>,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// For a refusal of the workflow engine, its stable code (e.g.
    /// `task-done`, `case-closed`, `segregation-of-duties`): what a client
    /// chooses its own words by; `detail` says it in Bahasa Indonesia.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub code: Option<Box<str>>,
    /// For refused input: each failing field and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// For a refused text (an SOP definition): every finding, located.
    /// Boxed: few problems have any, and every handler passes problems by
    /// value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Finding>>)]
    pub findings: Option<Box<Vec<Finding>>>,
}

/// A finding in a text sent, at its line and column.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// `error` (refuses the text) or `warning`.
    pub severity: String,
    /// Stable code, e.g. `unknown-lane` (listed in docs/sop-format.md).
    pub code: String,
    pub message: String,
    /// The line of the text the finding is about.
    pub text: String,
}

impl Finding {
    pub fn of(finding: &sop::Diagnostic, text: &str) -> Finding {
        Finding {
            line: finding.at.line,
            column: finding.at.column,
            severity: match finding.severity {
                sop::Severity::Error => "error",
                sop::Severity::Warning => "warning",
            }
            .into(),
            code: finding.code.into(),
            message: finding.message.clone(),
            text: sop::diagnostic::source_line(text, finding.at.line).to_string(),
        }
    }
}

/// One refused field.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name as sent (e.g. `nama_pemohon`, `attachments.surat`).
    pub field: String,
    /// The field's label on the form.
    pub label: String,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &str, title: &str, detail: impl Into<Option<String>>) -> Problem {
        Problem {
            kind: format!("urn:sopir:problem:{kind}").into(),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            code: None,
            errors: Vec::new(),
            findings: None,
        }
    }

    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Token API diperlukan",
            Some("Kirim header `Authorization: Bearer <token>` dengan token yang masih berlaku (buat di halaman Akun → Token API).".into()),
        )
    }

    pub fn forbidden() -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Tidak diizinkan",
            Some("Anda tidak berhak atas ini.".into()),
        )
    }

    /// A refusal that says why (who may do this instead).
    pub fn forbidden_because(why: impl Into<String>) -> Problem {
        let why = why.into();
        let mut chars = why.chars();
        let why = chars.next().map_or(String::new(), |c| c.to_uppercase().chain(chars).collect());
        Problem::new(StatusCode::FORBIDDEN, "forbidden", "Tidak diizinkan", Some(format!("{why}.")))
    }

    pub fn not_found() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Tidak ditemukan", None)
    }

    /// What was not found, as the store names it. The store looks only
    /// within the caller's agency and names what the caller asked for, so
    /// the answer is the same whether it exists elsewhere or nowhere.
    pub fn not_found_of(what: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Tidak ditemukan",
            Some(format!("{what} tidak ditemukan")),
        )
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", "Permintaan tidak sah", Some(detail.into()))
    }

    pub fn conflict(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::CONFLICT, "conflict", "Tidak dapat dilakukan sekarang", Some(detail.into()))
    }

    /// Refused input: one entry per failing field.
    pub fn invalid(errors: Vec<FieldProblem>) -> Problem {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Isian tidak sah",
            Some("Perbaiki isian yang disebut di `errors`; tidak ada yang disimpan.".into()),
        );
        p.errors = errors;
        p
    }

    /// One refused field.
    pub fn field(field: &str, label: &str, message: impl Into<String>) -> Problem {
        Problem::invalid(vec![FieldProblem {
            field: field.into(),
            label: label.into(),
            message: message.into(),
        }])
    }

    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Kesalahan internal",
            Some("Terjadi kesalahan di server; sudah dicatat. Coba lagi nanti.".into()),
        )
    }

    /// The database could not store (disk full, I/O error): nothing was kept.
    pub fn storage_unavailable() -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage-unavailable",
            "Penyimpanan data gagal",
            Some("Server tidak dapat menyimpan data saat ini (misalnya disk penuh); tidak ada yang tersimpan. Ulangi permintaan yang sama nanti.".into()),
        )
    }

    /// Renames the refused fields for which `api_name` has another name.
    pub fn rename_fields<S: Into<String>>(mut self, api_name: impl Fn(&str) -> Option<S>) -> Problem {
        for error in &mut self.errors {
            if let Some(name) = api_name(&error.field) {
                error.field = name.into();
            }
        }
        self
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<engine::form::FieldError> for FieldProblem {
    fn from(e: engine::form::FieldError) -> FieldProblem {
        FieldProblem { field: e.field, label: e.label, message: e.message }
    }
}

impl From<Vec<engine::form::FieldError>> for Problem {
    fn from(errors: Vec<engine::form::FieldError>) -> Problem {
        Problem::invalid(errors.into_iter().map(FieldProblem::from).collect())
    }
}

impl From<store::StoreError> for Problem {
    fn from(e: store::StoreError) -> Problem {
        use store::StoreError as S;
        match e {
            S::NotFound(what) => Problem::not_found_of(&what),
            S::NotPermitted(why) => Problem::forbidden_because(why),
            S::AlreadyExists(what) => Problem::conflict(format!("{what} sudah ada")),
            refusal @ (S::VersionConflict { .. } | S::StaleVersion { .. }) => {
                Problem::conflict(refusal.to_string())
            }
            S::DraftChanged { revision, .. } => Problem::new(
                StatusCode::CONFLICT,
                "draft-changed",
                "Konsep sudah berubah",
                Some(format!(
                    "Konsep ini sudah disimpan orang lain (kini revisi {revision}); tidak ada yang berubah. Baca konsepnya lagi dan kirim dengan `revision` terbaru."
                )),
            ),
            S::KeyTaken => Problem::new(
                StatusCode::CONFLICT,
                super::replay::KEY_TAKEN,
                "Idempotency-Key sedang dipakai",
                Some("Panggilan lain dengan Idempotency-Key ini sedang berjalan.".into()),
            ),
            S::Engine(refusal) => {
                let code = Some(refusal.code().into());
                let problem = match refusal {
                    EngineError::Invalid(errors) => errors.into(),
                    // Its own problem type, named by its code.
                    EngineError::OwnDraft { .. } => Problem::new(
                        StatusCode::FORBIDDEN,
                        refusal.code(),
                        "Pemisahan tugas",
                        Some(refusal.to_string()),
                    ),
                    EngineError::NotAllowed { .. } | EngineError::NotRequester { .. } => {
                        Problem::forbidden_because(refusal.to_string())
                    }
                    _ => Problem::conflict(refusal.to_string()),
                };
                Problem { code, ..problem }
            }
            failure if failure.is_storage_failure() => {
                tracing::error!("penyimpanan gagal (API): {failure}");
                Problem::storage_unavailable()
            }
            other => {
                tracing::error!("kesalahan internal (API): {other}");
                Problem::internal()
            }
        }
    }
}

impl From<WebError> for Problem {
    fn from(e: WebError) -> Problem {
        match e {
            WebError::LoginRequired | WebError::SessionExpired(_) => Problem::unauthorized(),
            WebError::Forbidden | WebError::BadToken => Problem::forbidden(),
            WebError::NotFound => Problem::not_found(),
            WebError::NotFoundBecause(m) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", "Tidak ditemukan", Some(m))
            }
            WebError::BadRequest(m) => Problem::bad_request(m),
            WebError::TooLarge(m) => {
                Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Terlalu besar", Some(m))
            }
            WebError::Store(e) => e.into(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).expect("problems serialise");
        let mut response =
            (status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], body).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"sopir\""));
        }
        response
    }
}

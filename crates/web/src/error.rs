//! Errors at the HTTP edge: each becomes a page with a clear message in the
//! visitor's language and the right status; internal details are logged,
//! never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::i18n::{Lang, Msg};
use crate::layout;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not logged in: go to the login page.
    #[error("belum masuk")]
    LoginRequired,
    /// A form sent after the session ran out, from this page of the site
    /// (if known): the login page says why, and leads back there.
    #[error("sesi berakhir")]
    SessionExpired(Option<String>),
    #[error("dilarang")]
    Forbidden,
    #[error("tidak ditemukan")]
    NotFound,
    /// Not found, saying what was looked for (e.g. a version of an SOP).
    #[error("{0}")]
    NotFoundBecause(String),
    /// A form's CSRF token or origin did not match.
    #[error("formulir kedaluwarsa")]
    BadToken,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    TooLarge(String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

impl WebError {
    fn page(&self, lang: Lang) -> Response {
        let (status, title, text) = match self {
            WebError::LoginRequired => return Redirect::to("/login").into_response(),
            WebError::SessionExpired(page) => {
                let back =
                    page.as_deref().map(|p| format!("&kembali={}", crate::pages::registries::urlencode(p)));
                return Redirect::to(&format!("/login?sesi=habis{}", back.unwrap_or_default()))
                    .into_response();
            }
            WebError::Forbidden => {
                (StatusCode::FORBIDDEN, Msg::ForbiddenTitle, lang.t(Msg::ForbiddenText).to_string())
            }
            WebError::NotFound => {
                (StatusCode::NOT_FOUND, Msg::NotFoundTitle, lang.t(Msg::NotFoundText).to_string())
            }
            WebError::BadToken => {
                (StatusCode::FORBIDDEN, Msg::BadTokenTitle, lang.t(Msg::BadTokenText).to_string())
            }
            WebError::NotFoundBecause(m) => (StatusCode::NOT_FOUND, Msg::NotFoundTitle, m.clone()),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, Msg::BadRequestTitle, m.clone()),
            WebError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, Msg::BadRequestTitle, m.clone()),
            WebError::Store(store::StoreError::NotFound(_)) => {
                (StatusCode::NOT_FOUND, Msg::NotFoundTitle, lang.t(Msg::NotFoundText).to_string())
            }
            WebError::Store(store::StoreError::NotPermitted(_)) => {
                (StatusCode::FORBIDDEN, Msg::ForbiddenTitle, lang.t(Msg::ForbiddenText).to_string())
            }
            WebError::Store(
                e @ (store::StoreError::VersionConflict { .. } | store::StoreError::StaleVersion { .. }),
            ) => (StatusCode::CONFLICT, Msg::BadRequestTitle, e.to_string()),
            WebError::Store(store::StoreError::Engine(e)) => {
                (StatusCode::CONFLICT, Msg::BadRequestTitle, lang.refusal(e))
            }
            WebError::Store(e) if e.is_storage_failure() => {
                tracing::error!("penyimpanan gagal: {e}");
                (StatusCode::SERVICE_UNAVAILABLE, Msg::StorageTitle, lang.t(Msg::StorageText).to_string())
            }
            WebError::Store(e) => {
                tracing::error!("kesalahan internal: {e}");
                (StatusCode::INTERNAL_SERVER_ERROR, Msg::InternalTitle, lang.t(Msg::InternalText).to_string())
            }
        };
        (status, layout::bare(lang, lang.t(title), &text)).into_response()
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.page(crate::i18n::current())
    }
}

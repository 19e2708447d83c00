//! The pages, one module per area of the application.

pub mod access_review;
pub mod accounts;
pub mod admin;
pub mod admin_form;
pub mod agencies;
pub mod api_tokens;
pub mod cases;
pub mod connector_settings;
pub mod dashboard;
pub mod evaluation;
pub mod form;
pub mod inbox;
pub mod letter_settings;
pub mod letters;
pub mod library;
pub mod mail_settings;
pub mod message_gateway;
pub mod monitoring;
pub mod notice_settings;
pub mod organisation;
pub mod password_reset;
pub mod provisioning;
pub mod public_sop;
pub mod registries;
pub mod reports;
pub mod roster_import;
pub mod satisfaction;
pub(crate) mod self_registration;
pub mod services;
pub mod sign_in_settings;
pub mod signing_queue;
pub mod sop_editor;
pub mod sop_publishing;
pub mod sop_review;
pub mod sop_versions;
pub mod visits;
pub mod vpn_gateway;
pub mod webhooks;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::WebError;

/// 200 when the database answers and takes writes; 503 with the reason
/// otherwise (e.g. the disk is full), so a monitor sees what users meet.
pub async fn health(State(state): State<AppState>) -> Response {
    match state.store.check_writes().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}")).into_response(),
    }
}

const CSS: &str = include_str!("../static/sopir.css");
const HTMX: &str = include_str!("../static/htmx.min.js");
const FORM_KEEPER: &str = include_str!("../static/form-keeper.js");
const SOP_EDITOR: &str = include_str!("../static/sop-editor.js");

/// The embedded static files.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "sopir.css" => (CSS, "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "form-keeper.js" => (FORM_KEEPER, "text/javascript; charset=utf-8"),
        "sop-editor.js" => (SOP_EDITOR, "text/javascript; charset=utf-8"),
        _ => return WebError::NotFound.into_response(),
    };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

//! The `Idempotency-Key` header of creating and acting calls: a retry with
//! the same key and the same request gets the first call's answer (marked
//! `Idempotent-Replayed: true`) and acts no second time; the same key with a
//! different request is refused. Keys live 24 hours (see
//! `store::idempotency`).

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use store::idempotency::Claim;

use super::problem::{PROBLEM_JSON, Problem};
use crate::auth::User;
use crate::{AppState, now_ms};

pub const KEY_HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// What a call produced: a JSON answer with its status, or a problem.
pub type Outcome = Result<(StatusCode, serde_json::Value), Problem>;

/// How this run of a call came about.
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    /// The id a creating call gives its new case (chosen at the key's claim).
    pub case_id: Option<String>,
    /// An earlier run with this key was cut off; it may have taken effect.
    pub interrupted: bool,
}

fn respond(status: StatusCode, body: Vec<u8>, replayed: bool) -> Response {
    let kind = if status.is_success() { "application/json" } else { PROBLEM_JSON };
    let mut response =
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static(kind))], body).into_response();
    if replayed {
        response.headers_mut().insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    }
    response
}

/// Runs `call` once per idempotency key (every time without a key).
pub async fn once<F, Fut>(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    scope: &str,
    body: &[u8],
    call: F,
) -> Response
where
    F: FnOnce(Attempt) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let Some(key) = headers.get(KEY_HEADER) else {
        return finish(call(Attempt::default()).await);
    };
    let key = match key.to_str().ok().map(str::trim).filter(|k| !k.is_empty() && k.len() <= 255) {
        Some(k) => k.to_string(),
        None => {
            return Problem::field(
                "Idempotency-Key",
                "Idempotency-Key",
                "1–255 karakter ASCII yang terlihat",
            )
            .into_response();
        }
    };
    let mut hash = Sha256::new();
    hash.update(scope.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    let fingerprint: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let username = &user.account.username;
    let claim = match state.store.claim_idempotency_key(username, &key, &fingerprint, now_ms()).await {
        Ok(c) => c,
        Err(e) => return Problem::from(e).into_response(),
    };
    let attempt = match claim {
        Claim::Fresh { case_id } => Attempt { case_id: Some(case_id), interrupted: false },
        Claim::Interrupted { case_id } => Attempt { case_id: Some(case_id), interrupted: true },
        Claim::Answered { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            return respond(status, body.into_bytes(), true);
        }
        Claim::Mismatch => {
            return Problem::field(
                "Idempotency-Key",
                "Idempotency-Key",
                "kunci ini sudah dipakai untuk permintaan yang berbeda; pakai kunci baru",
            )
            .into_response();
        }
        Claim::InProgress => {
            let mut response = Problem::conflict(
                "Permintaan dengan Idempotency-Key ini sedang diproses; ulangi sebentar lagi.",
            )
            .into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
    };
    let (status, body) = match call(attempt).await {
        Ok((status, json)) => (status, serde_json::to_vec(&json).expect("answers serialise")),
        Err(problem) => (problem.status(), serde_json::to_vec(&problem).expect("problems serialise")),
    };
    let kept = if status.is_server_error() {
        // The call may have acted before it failed: a retry runs as after a cut-off.
        state.store.interrupt_idempotency_key(username, &key).await
    } else {
        state
            .store
            .answer_idempotency_key(username, &key, status.as_u16(), &String::from_utf8_lossy(&body))
            .await
    };
    if let Err(e) = kept {
        tracing::warn!("jawaban Idempotency-Key tidak tersimpan: {e}");
    }
    respond(status, body, false)
}

fn finish(outcome: Outcome) -> Response {
    match outcome {
        Ok((status, json)) => respond(status, serde_json::to_vec(&json).expect("answers serialise"), false),
        Err(problem) => problem.into_response(),
    }
}

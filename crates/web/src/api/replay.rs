//! The `Idempotency-Key` header of creating and acting calls: a retry with
//! the same key and the same request gets the first call's answer (marked
//! `Idempotent-Replayed: true`) and acts no second time; the same key with a
//! different request is refused. Keys live 24 hours (see
//! `store::idempotency`).
//!
//! The key is looked up without the write queue. Submitting and completing
//! a task claim it and keep their answer in their own command
//! ([`Keeping::InCommand`]); other calls, idempotent by nature, keep their
//! answer in one command after they ran ([`Keeping::AfterCall`]). A
//! refusal is kept as the key's answer too.

use std::future::Future;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use store::StoreError;
use store::idempotency::{Replay, Seen};

use super::problem::{PROBLEM_JSON, Problem};
use crate::auth::User;
use crate::{AppState, now_ms};

pub const KEY_HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// The problem kind of a call that found its key claimed by another call
/// (which then answers it), so the wrapper reads that answer instead.
pub const KEY_TAKEN: &str = "idempotency-key-taken";

/// How long a call whose key another call holds waits for that answer.
const PATIENCE: Duration = Duration::from_secs(5);

/// What a call produced: a JSON answer with its status, or a problem.
pub type Outcome = Result<(StatusCode, Answer), Problem>;

/// An answer's JSON text, written once: the same text is sent and kept
/// for a retry.
pub struct Answer(String);

impl Answer {
    pub fn of<T: serde::Serialize>(value: &T) -> Answer {
        Answer(serde_json::to_string(value).expect("answers serialise"))
    }

    pub fn text(&self) -> &str {
        &self.0
    }
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

/// Who keeps a call's answer to its idempotency key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keeping {
    /// The call's own command, given the key, keeps its success
    /// (`store::idempotency::Answering`); a call that finds the key taken
    /// answers with [`KEY_TAKEN`], and the first call's answer is given. A
    /// refusal is kept afterwards.
    InCommand,
    /// One command after the call ran, for calls idempotent by nature: two
    /// racing first calls may both run; the second answers as the first.
    AfterCall,
}

/// Runs `call` once per idempotency key (every time without a key), its
/// answer kept as `keeping` says.
pub async fn once<F, Fut>(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    scope: &str,
    body: &[u8],
    keeping: Keeping,
    call: F,
) -> Response
where
    F: Fn(Option<Replay>) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let Some(key) = headers.get(KEY_HEADER) else {
        return finish(call(None).await);
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
    let username = user.account.username.clone();
    let started = Instant::now();
    loop {
        let now = now_ms();
        let seen = match state.store.look_up_idempotency_key(&username, &key, &fingerprint, now).await {
            Ok(seen) => seen,
            Err(e) => return Problem::from(e).into_response(),
        };
        match seen {
            Seen::New => {}
            Seen::Answered { status, body } => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                return respond(status, body.into_bytes(), true);
            }
            Seen::Mismatch => {
                return Problem::field(
                    "Idempotency-Key",
                    "Idempotency-Key",
                    "kunci ini sudah dipakai untuk permintaan yang berbeda; pakai kunci baru",
                )
                .into_response();
            }
            Seen::InProgress => return in_progress(),
        }
        let replay = Replay {
            username: username.clone(),
            key: key.clone(),
            fingerprint: fingerprint.clone(),
            at: now,
        };
        let (status, body, kept) = match call(Some(replay.clone())).await {
            Ok((status, Answer(json))) => (status, json.into_bytes(), keeping == Keeping::InCommand),
            Err(problem) if problem.kind.ends_with(KEY_TAKEN) => {
                // Another call with this key acts now: give its answer once
                // it is committed.
                if started.elapsed() > PATIENCE {
                    return in_progress();
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
            Err(problem) => {
                (problem.status(), serde_json::to_vec(&problem).expect("problems serialise"), false)
            }
        };
        // A failure inside the server is not kept: the call did not act
        // (its command was undone), and a retry runs it afresh.
        if !kept && !status.is_server_error() {
            match state.store.keep_answer(&replay, status.as_u16(), &String::from_utf8_lossy(&body)).await {
                Ok(()) => {}
                // Another call with this key answered first: give its answer.
                Err(StoreError::KeyTaken) if started.elapsed() <= PATIENCE => continue,
                Err(e) => tracing::warn!("jawaban Idempotency-Key tidak tersimpan: {e}"),
            }
        }
        return respond(status, body, false);
    }
}

fn in_progress() -> Response {
    let mut response =
        Problem::conflict("Permintaan dengan Idempotency-Key ini sedang diproses; ulangi sebentar lagi.")
            .into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn finish(outcome: Outcome) -> Response {
    match outcome {
        Ok((status, Answer(json))) => respond(status, json.into_bytes(), false),
        Err(problem) => problem.into_response(),
    }
}

//! Checkpoints of the installation's audit chain for an external witness
//! (the inspectorate, another agency's server): it polls the chain's head
//! (the agency chains' heads are anchored in it first, so the head covers
//! every event written before the call) and keeps each
//! answer where this server's database cannot reach. Asking again for a
//! sequence number it holds shows whether the chain still has that hash
//! there; a chain that no longer reaches it was cut. Each answer carries
//! its signed checkpoint line, which `sopir audit verify --checkpoints`
//! checks with the installation's key.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::problem::Problem;
use crate::AppState;

/// The chain's hash at one sequence number, signed now.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CheckpointView {
    /// Events in the chain up to and including this one (0: the empty chain).
    pub seq: i64,
    /// The chain's hash at `seq`.
    pub hash: String,
    /// When the server read it (RFC 3339, UTC).
    pub at: String,
    /// The chain's length now.
    pub head_seq: i64,
    /// The checkpoint as one signed line (`sopir-audit-checkpoint/1 seq=… hash=… at=… mac=…`):
    /// keep it; `sopir audit verify --checkpoints <file>` checks a file of them.
    pub line: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckpointQuery {
    /// The sequence number whose hash is wanted; the chain's head when absent.
    #[param(minimum = 0)]
    pub seq: Option<i64>,
}

/// The installation chain's head (after anchoring every agency chain's
/// head in it), or its hash at `seq`, as a signed checkpoint.
#[utoipa::path(get, path = "/audit/checkpoint", tag = "audit", params(CheckpointQuery),
    responses(
        (status = 200, description = "The checkpoint", body = CheckpointView),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only administrators", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The chain does not reach `seq` (`beyond-chain-head`: its tail was cut if it once did), or the event is gone (`chain-event-missing`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The server has no data key to sign with", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn checkpoint(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<CheckpointQuery>, QueryRejection>,
) -> Result<Json<CheckpointView>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    if !caller.0.account.is_admin {
        return Err(Problem::forbidden_because("titik periksa audit hanya untuk administrator"));
    }
    let Some(key) = state.store.checkpoint_key() else {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no-checkpoint-key",
            "Titik periksa tidak tersedia",
            Some("Server berjalan tanpa kunci data, jadi tidak dapat menandatangani titik periksa.".into()),
        ));
    };
    let now = jiff::Timestamp::now();
    if query.seq.is_none() {
        // The installation's chain covers the agency chains up to their
        // last anchor: anchored now, the head a witness keeps covers all.
        state.store.anchor_chains(now).await?;
    }
    let head = state.store.audit_head(now).await?;
    let checkpoint = match query.seq {
        None => head.clone(),
        Some(seq) if seq < 0 => return Err(Problem::bad_request("seq tidak boleh negatif")),
        Some(seq) if seq > head.seq => {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "beyond-chain-head",
                "Rantai audit tidak sampai ke event itu",
                Some(format!(
                    "Rantai audit hanya sampai event #{}; event #{seq} tidak ada. Bila titik periksa Anda mencatatnya, ujung rantai telah dipotong.",
                    head.seq
                )),
            ));
        }
        Some(seq) => match state.store.chain_hash_at(seq).await? {
            Some(hash) => store::checkpoint::Checkpoint { seq, hash, at: now },
            None => {
                return Err(Problem::new(
                    StatusCode::NOT_FOUND,
                    "chain-event-missing",
                    "Event tidak ada di rantai audit",
                    Some(format!("Event #{seq} tidak ada lagi di rantai audit: telah dihapus.")),
                ));
            }
        },
    };
    Ok(Json(CheckpointView {
        seq: checkpoint.seq,
        hash: checkpoint.hash.clone(),
        at: checkpoint.at.to_string(),
        head_seq: head.seq,
        line: checkpoint.signed_line(&key),
    }))
}

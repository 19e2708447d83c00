//! The WireGuard gateway pulls its peer list here: the agency's active
//! peers as a `wg syncconf` file, for a request carrying the agency's pull
//! token (`Authorization: Bearer …`, the WireGuard connector's secret).
//! No session: the gateway is a machine, polling (e.g. a systemd timer
//! with curl), and applying the list with its own `[Interface]` section.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use sop::ConnectorKind;

use crate::AppState;
use crate::error::WebError;

/// Whether `given` is `expected`, compared by digest so the time taken
/// says nothing about how much of it matched.
fn same_token(given: &str, expected: &str) -> bool {
    !expected.is_empty() && Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

pub async fn peers(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let token = match state.store.connector_settings(&agency, ConnectorKind::Wireguard).await {
        Ok(Some((settings, _))) => settings.secret,
        Ok(None) | Err(store::StoreError::NotFound(_)) => String::new(),
        Err(e) => return Err(e.into()),
    };
    // An unknown agency and a wrong token look the same.
    if !same_token(given, &token) {
        tracing::warn!(agency, "daftar peer WireGuard diminta tanpa token yang sah");
        return Ok((
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "token gateway tidak sah\n",
        )
            .into_response());
    }
    let list = crate::provisioner::gateway_peer_list(&state.store, &agency).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], list)
        .into_response())
}

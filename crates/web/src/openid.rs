//! Signing in at an agency's OpenID provider (authorization code flow with
//! PKCE S256): the provider's discovery document, the redirect there, the
//! code exchanged at its token endpoint, and the ID token's RS256
//! signature, issuer, audience, expiry and nonce checked against its JWKS.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::{BigUint, RsaPublicKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use store::sign_in::{OIDC_PENDING_MS, OidcSettings, PendingOidc};

use crate::error::WebError;
use crate::i18n::{self, Msg};
use crate::{AppState, auth, now_ms};

const TIMEOUT: Duration = Duration::from_secs(10);
/// Clocks of Sopir and the provider may differ by this much.
const LEEWAY_S: i64 = 60;

/// Why a sign-in at the provider did not give a person.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("penyedia identitas tidak dapat dihubungi: {0}")]
    Unreachable(String),
    #[error("penyedia identitas memberi jawaban yang tidak sah: {0}")]
    Invalid(String),
}

fn unreachable(e: reqwest::Error) -> OidcError {
    OidcError::Unreachable(e.to_string())
}

fn invalid(what: impl Into<String>) -> OidcError {
    OidcError::Invalid(what.into())
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client with rustls")
}

async fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, OidcError> {
    let response = client().get(url).send().await.map_err(unreachable)?;
    if !response.status().is_success() {
        return Err(invalid(format!("{url}: HTTP {}", response.status())));
    }
    let body = response.bytes().await.map_err(unreachable)?;
    serde_json::from_slice(&body).map_err(|e| invalid(format!("{url}: {e}")))
}

async fn discover(settings: &OidcSettings) -> Result<Discovery, OidcError> {
    let issuer = settings.issuer.trim_end_matches('/');
    let found: Discovery = get_json(&format!("{issuer}/.well-known/openid-configuration")).await?;
    if found.issuer.trim_end_matches('/') != issuer {
        return Err(invalid(format!("penerbit {} bukan {issuer}", found.issuer)));
    }
    Ok(found)
}

/// The PKCE challenge of `verifier` (S256).
fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Where to send the browser to sign in at the provider.
pub async fn authorization_url(
    settings: &OidcSettings,
    redirect_uri: &str,
    state: &str,
    nonce: &str,
    verifier: &str,
) -> Result<String, OidcError> {
    let found = discover(settings).await?;
    let mut url = reqwest::Url::parse(&found.authorization_endpoint).map_err(|e| invalid(e.to_string()))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &settings.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", &settings.scopes)
        .append_pair("state", state)
        .append_pair("nonce", nonce)
        .append_pair("code_challenge", &challenge(verifier))
        .append_pair("code_challenge_method", "S256");
    Ok(url.into())
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
}

#[derive(Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

fn decode(part: &str) -> Result<Vec<u8>, OidcError> {
    URL_SAFE_NO_PAD.decode(part).map_err(|_| invalid("ID token bukan base64url"))
}

/// Exchanges `code` and returns the verified ID token's claims.
pub async fn finish(
    settings: &OidcSettings,
    redirect_uri: &str,
    code: &str,
    verifier: &str,
    nonce: &str,
    now_s: i64,
) -> Result<serde_json::Map<String, serde_json::Value>, OidcError> {
    let found = discover(settings).await?;
    let response = client()
        .post(&found.token_endpoint)
        .basic_auth(&settings.client_id, Some(&settings.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    let body = response.bytes().await.map_err(unreachable)?;
    if !status.is_success() {
        // A spent, replayed or forged code: the provider says invalid_grant.
        return Err(invalid(format!("token: HTTP {status}: {}", String::from_utf8_lossy(&body))));
    }
    let token: TokenResponse = serde_json::from_slice(&body).map_err(|e| invalid(format!("token: {e}")))?;
    let parts: Vec<&str> = token.id_token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else { return Err(invalid("ID token bukan JWS")) };
    let head: Header = serde_json::from_slice(&decode(header)?).map_err(|e| invalid(e.to_string()))?;
    if head.alg != "RS256" {
        return Err(invalid(format!("algoritma {} tidak diterima (hanya RS256)", head.alg)));
    }
    let jwks: Jwks = get_json(&found.jwks_uri).await?;
    let key = jwks
        .keys
        .iter()
        .filter(|k| k.kty == "RSA" && k.alg.as_deref().is_none_or(|a| a == "RS256"))
        .find(|k| head.kid.is_none() || k.kid == head.kid)
        .ok_or_else(|| invalid("kunci ID token tidak ada di JWKS"))?;
    let (Some(n), Some(e)) = (&key.n, &key.e) else { return Err(invalid("kunci RSA tanpa n/e")) };
    let public = RsaPublicKey::new(BigUint::from_bytes_be(&decode(n)?), BigUint::from_bytes_be(&decode(e)?))
        .map_err(|e| invalid(e.to_string()))?;
    let signature = Signature::try_from(decode(signature)?.as_slice()).map_err(|e| invalid(e.to_string()))?;
    VerifyingKey::<Sha256>::new(public)
        .verify(format!("{header}.{payload}").as_bytes(), &signature)
        .map_err(|_| invalid("tanda tangan ID token salah"))?;
    let claims: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&decode(payload)?).map_err(|e| invalid(e.to_string()))?;
    let text = |name: &str| claims.get(name).and_then(|v| v.as_str());
    if text("iss").map(|i| i.trim_end_matches('/')) != Some(settings.issuer.trim_end_matches('/')) {
        return Err(invalid("iss ID token bukan penerbit instansi"));
    }
    let audience_ok = match claims.get("aud") {
        Some(serde_json::Value::String(aud)) => *aud == settings.client_id,
        Some(serde_json::Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(&settings.client_id)),
        _ => false,
    };
    if !audience_ok {
        return Err(invalid("aud ID token bukan client Sopir"));
    }
    if claims.get("exp").and_then(serde_json::Value::as_i64).is_none_or(|exp| exp + LEEWAY_S < now_s) {
        return Err(invalid("ID token kedaluwarsa"));
    }
    if text("nonce") != Some(nonce) {
        return Err(invalid("nonce ID token tidak cocok"));
    }
    Ok(claims)
}

/// The cookie that ties the provider's answer to the browser that asked.
const STATE_COOKIE: &str = "sopir_oidc";

fn random_secret() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

fn redirect_uri(state: &AppState) -> Option<String> {
    state.public_url.as_deref().map(|base| format!("{}/login/oidc/kembali", base.trim_end_matches('/')))
}

/// "Masuk dengan <provider>": off to the agency's OpenID provider.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(agency): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let settings = state.store.sign_in_settings(&agency).await?;
    let Some(oidc) = settings.oidc else { return Err(WebError::NotFound) };
    let Some(redirect) = redirect_uri(&state) else {
        return auth::refused_login(
            &state,
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            lang.t(Msg::OidcNoPublicUrl),
        )
        .await;
    };
    let (secret, nonce, verifier) = (random_secret(), random_secret(), random_secret());
    let url = match authorization_url(&oidc, &redirect, &secret, &nonce, &verifier).await {
        Ok(url) => url,
        Err(e) => {
            tracing::warn!(agency = %agency, error = %e, "OpenID provider discovery failed");
            return auth::refused_login(
                &state,
                &headers,
                StatusCode::SERVICE_UNAVAILABLE,
                lang.t(Msg::OidcUnreachable),
            )
            .await;
        }
    };
    let back = query.get("kembali").filter(|b| auth::is_own_path(b)).cloned();
    let pending = PendingOidc { agency, nonce, verifier, back };
    state.store.begin_oidc(&secret, &pending, now_ms() + OIDC_PENDING_MS).await?;
    let cookie = auth::set_cookie(&state, STATE_COOKIE, &secret, OIDC_PENDING_MS / 1000);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&url)).into_response())
}

/// The provider sends the person back here with a code (or an error).
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let now = now_ms();
    let address = state.trusted_proxies.client(peer.ip(), &headers);
    let refuse = |status: StatusCode, msg: Msg| {
        let state = state.clone();
        let headers = headers.clone();
        async move {
            state.login_failures.failed(address, now);
            let mut response = auth::refused_login(&state, &headers, status, lang.t(msg)).await?;
            // The attempt is over, whatever became of it.
            response.headers_mut().append(
                header::SET_COOKIE,
                auth::set_cookie(&state, STATE_COOKIE, "", 0).parse().expect("a header value"),
            );
            Ok(response)
        }
    };
    let sent = query.get("state").map(String::as_str).unwrap_or_default();
    // The state must be the one this browser was given: a code sent to
    // someone else's browser (login CSRF) opens nothing.
    let ours =
        auth::cookie(&headers, STATE_COOKIE).is_some_and(|c| !sent.is_empty() && auth::same_secret(&c, sent));
    let pending = if ours { state.store.take_oidc(sent, now).await? } else { None };
    let Some(pending) = pending else { return refuse(StatusCode::BAD_REQUEST, Msg::OidcExpired).await };
    let (Some(code), Some(oidc)) =
        (query.get("code"), state.store.sign_in_settings(&pending.agency).await?.oidc)
    else {
        return refuse(StatusCode::UNAUTHORIZED, Msg::OidcFailed).await;
    };
    let redirect = redirect_uri(&state).unwrap_or_default();
    let claims = match finish(&oidc, &redirect, code, &pending.verifier, &pending.nonce, now / 1000).await {
        Ok(claims) => claims,
        Err(e) => {
            tracing::warn!(agency = %pending.agency, error = %e, "OpenID sign-in failed");
            let msg = match e {
                OidcError::Unreachable(_) => Msg::OidcUnreachable,
                OidcError::Invalid(_) => Msg::OidcFailed,
            };
            return refuse(StatusCode::UNAUTHORIZED, msg).await;
        }
    };
    let value = claims.get(&oidc.claim).and_then(|v| v.as_str()).unwrap_or_default();
    let account = state.store.account_by_identity(&pending.agency, oidc.maps_to, value).await?;
    let Some(account) = account else { return refuse(StatusCode::UNAUTHORIZED, Msg::OidcNoPerson).await };
    if !account.active() {
        return refuse(StatusCode::FORBIDDEN, Msg::LoginDeactivated).await;
    }
    let mut response = auth::start_session(&state, &account.username, pending.back.as_deref(), now).await?;
    response.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(&state, STATE_COOKIE, "", 0).parse().expect("a header value"),
    );
    Ok(response)
}

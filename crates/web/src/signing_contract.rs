//! A local server that follows the signing-service contract
//! (docs/signing-service.md) and signs with PKCS#12 keys — for testing the
//! [`crate::signing_service`] client and for trials where BSrE's service is
//! not at hand. It owns the contract's server side: Basic auth, the
//! accounts' NIK, passphrase and certificate state, and its error codes.
//! It is not a CA: its certificates are whatever PKCS#12 files it is given.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use documents::DocumentError;
use documents::signature::Pkcs12Signer;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::signing_service::{
    CODE_CERTIFICATE_NOT_ACTIVE, CODE_DOCUMENT_UNSIGNABLE, CODE_NOT_REGISTERED, CODE_STATUS_OK,
    CODE_WRONG_PASSPHRASE, CertificateStatus,
};

/// Largest request accepted: a base64 PDF the size of Sopir's largest body.
const MAX_REQUEST_BYTES: usize = crate::MAX_BODY_BYTES * 2;

/// One official known to the server.
#[derive(Clone)]
pub struct ContractAccount {
    pub nik: String,
    /// What the official types at signing.
    pub passphrase: String,
    pub status: CertificateStatus,
    /// The key and certificate the server signs with for this official.
    pub p12: Vec<u8>,
    pub p12_passphrase: String,
}

impl fmt::Debug for ContractAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContractAccount")
            .field("nik", &self.nik)
            .field("passphrase", &"***")
            .field("status", &self.status)
            .field("p12", &format_args!("<{} bytes>", self.p12.len()))
            .field("p12_passphrase", &"***")
            .finish()
    }
}

struct Contract {
    username: String,
    password: String,
    accounts: Vec<ContractAccount>,
}

impl Contract {
    fn account(&self, nik: &str) -> Option<&ContractAccount> {
        self.accounts.iter().find(|a| a.nik == nik)
    }

    fn authorised(&self, headers: &HeaderMap) -> bool {
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|v| BASE64.decode(v.trim()).ok())
        else {
            return false;
        };
        let expected = format!("{}:{}", self.username, self.password);
        given == expected.as_bytes()
    }
}

/// The contract's routes, answering `username`/`password` for `accounts`.
pub fn router(username: &str, password: &str, accounts: Vec<ContractAccount>) -> Router {
    let contract =
        Arc::new(Contract { username: username.to_string(), password: password.to_string(), accounts });
    Router::new()
        .route("/api/v2/sign/pdf", post(sign))
        .route("/api/v2/user/check/status", post(status))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(contract)
}

/// A running contract server; dropping it leaves it running, [`stop`](Self::stop) ends it.
pub struct ContractServer {
    addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl ContractServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port`, the client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, closes the idle kept-alive connections, waits for
    /// requests under way, and frees the port (so it can be bound again).
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

/// Serves `router` on `listener` until [`ContractServer::stop`].
pub fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<ContractServer> {
    let addr = listener.local_addr()?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let stopped = async {
            let _ = stopped.await;
        };
        if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(stopped).await {
            tracing::warn!("server kontrak tanda tangan berhenti: {e}");
        }
    });
    Ok(ContractServer { addr, shutdown, task })
}

fn refuse(status: StatusCode, code: i64, error: &str) -> Response {
    (status, axum::Json(json!({ "status_code": code, "error": error }))).into_response()
}

fn unauthorised() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"esign\"")],
        axum::Json(json!({ "status_code": 401, "error": "Unauthorized" })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct SignRequest {
    nik: String,
    passphrase: String,
    // `signatureProperties` is read by the real service only: the slot
    // Sopir prepared already carries reason and location.
    file: Vec<String>,
}

async fn sign(State(contract): State<Arc<Contract>>, headers: HeaderMap, body: Bytes) -> Response {
    let started = Instant::now();
    if !contract.authorised(&headers) {
        return unauthorised();
    }
    let Ok(request) = serde_json::from_slice::<SignRequest>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, 400, "Permintaan tidak sesuai format");
    };
    let Some(account) = contract.account(&request.nik) else {
        return refuse(StatusCode::BAD_REQUEST, CODE_NOT_REGISTERED, "NIK tidak terdaftar");
    };
    if !account.status.is_active() {
        return refuse(
            StatusCode::BAD_REQUEST,
            CODE_CERTIFICATE_NOT_ACTIVE,
            &format!("Sertifikat tidak aktif ({})", account.status.as_str()),
        );
    }
    if request.passphrase != account.passphrase {
        return refuse(StatusCode::BAD_REQUEST, CODE_WRONG_PASSPHRASE, "Passphrase anda salah");
    }
    let pdf = match request.file.as_slice() {
        [file] => BASE64.decode(file.trim()).ok().filter(|pdf| pdf.starts_with(b"%PDF-")),
        _ => None,
    };
    let Some(pdf) = pdf else {
        return refuse(StatusCode::BAD_REQUEST, CODE_DOCUMENT_UNSIGNABLE, "Dokumen bukan PDF");
    };
    let (p12, p12_passphrase) = (account.p12.clone(), account.p12_passphrase.clone());
    // Key derivation and RSA are CPU work: off the async threads.
    let signed =
        tokio::task::spawn_blocking(move || Pkcs12Signer::new(p12).unlock(&p12_passphrase)?.sign(pdf)).await;
    match signed {
        Ok(Ok(signed)) => {
            let time = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            axum::Json(json!({ "file": [BASE64.encode(signed)], "time": time })).into_response()
        }
        Ok(Err(DocumentError::Signature(why))) => refuse(
            StatusCode::BAD_REQUEST,
            CODE_DOCUMENT_UNSIGNABLE,
            &format!("Dokumen tidak dapat ditandatangani: {why}"),
        ),
        Ok(Err(e)) => {
            tracing::warn!("server kontrak tanda tangan: sertifikat NIK {} tidak terpakai: {e}", account.nik);
            refuse(StatusCode::INTERNAL_SERVER_ERROR, 500, "Kesalahan internal")
        }
        Err(e) => {
            tracing::warn!("server kontrak tanda tangan: penandatanganan terhenti: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, 500, "Kesalahan internal")
        }
    }
}

#[derive(Deserialize)]
struct StatusRequest {
    nik: String,
}

async fn status(State(contract): State<Arc<Contract>>, headers: HeaderMap, body: Bytes) -> Response {
    if !contract.authorised(&headers) {
        return unauthorised();
    }
    let Ok(request) = serde_json::from_slice::<StatusRequest>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, 400, "Permintaan tidak sesuai format");
    };
    let (code, state) = match contract.account(&request.nik) {
        Some(account) => (CODE_STATUS_OK, account.status),
        None => (CODE_NOT_REGISTERED, CertificateStatus::NotRegistered),
    };
    axum::Json(json!({
        "status_code": code,
        "message": format!("Status sertifikat: {}", state.label()),
        "status": state.as_str(),
    }))
    .into_response()
}

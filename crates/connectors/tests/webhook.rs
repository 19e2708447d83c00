//! The webhook connector against a real HTTP receiver on loopback that
//! checks the signature the way an agency's script would.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use connectors::webhook::{self, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use connectors::{Approved, ConnectorError, Operation, Record, Settings};

const SECRET: &str = "rahasia-webhook-dinas-0123";

#[derive(Default)]
struct Receiver {
    /// The status to answer with next.
    status: Mutex<u16>,
    /// (idempotency key, body) of each delivery whose signature held.
    accepted: Mutex<Vec<(String, serde_json::Value)>>,
}

async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let timestamp: i64 = header(TIMESTAMP_HEADER).parse().unwrap_or_default();
    if header(SIGNATURE_HEADER) != webhook::signature(SECRET, timestamp, &body) {
        return (StatusCode::UNAUTHORIZED, "tanda tangan salah".into());
    }
    let status = *r.status.lock().unwrap();
    if status == 200 {
        let json = serde_json::from_slice(&body).expect("JSON body");
        r.accepted.lock().unwrap().push((header(IDEMPOTENCY_HEADER), json));
    }
    (StatusCode::from_u16(status).unwrap(), format!("jawaban {status}"))
}

async fn receiver() -> (String, Arc<Receiver>) {
    let state = Arc::new(Receiver { status: Mutex::new(200), ..Default::default() });
    let app = axum::Router::new().route("/sopir", axum::routing::post(receive)).with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/sopir", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, state)
}

fn settings(address: &str, secret: &str) -> Settings {
    Settings { address: address.into(), secret: secret.into(), options: BTreeMap::new() }
}

fn approved() -> Approved {
    Approved {
        entry: "entri-1".into(),
        case_number: "SUB/2026/0001".into(),
        kind: "subdomain".into(),
        name: "layanan.contoh.go.id".into(),
        record: Some(Record { rtype: "A".into(), value: "10.1.2.3".into() }),
        person: "Budi Santoso".into(),
        unit: "Dinas Pendidikan".into(),
        fields: BTreeMap::from([("keperluan".into(), "portal".into())]),
    }
}

#[tokio::test]
async fn a_signed_delivery_is_accepted_with_the_approved_values() {
    let (address, receiver) = receiver().await;
    let outcome = webhook::run(&settings(&address, SECRET), Operation::Create, &approved(), "run-1")
        .await
        .expect("delivered");
    assert!(outcome.summary.contains("layanan.contoh.go.id"), "{}", outcome.summary);
    assert_eq!(outcome.answer.as_deref(), Some("jawaban 200"));
    let accepted = receiver.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].0, "run-1", "the run's id: the same for its retries only");
    assert_eq!(accepted[0].1["operation"], "create");
    assert_eq!(accepted[0].1["approved"]["record"]["value"], "10.1.2.3");
    assert!(!accepted[0].1.to_string().contains(SECRET));
}

#[tokio::test]
async fn a_wrong_secret_is_refused_by_the_receiver_and_not_retried() {
    let (address, receiver) = receiver().await;
    let error = webhook::run(
        &settings(&address, "kunci-lain-yang-salah-0000"),
        Operation::Revoke,
        &approved(),
        "run-2",
    )
    .await
    .expect_err("bad signature");
    assert_eq!(error, ConnectorError::Refused("HTTP 401: tanda tangan salah".into()));
    assert!(!error.retryable());
    assert!(receiver.accepted.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_server_error_or_no_server_is_retried_and_the_next_try_is_delivered_once() {
    let (address, receiver) = receiver().await;
    *receiver.status.lock().unwrap() = 503;
    let error = webhook::run(&settings(&address, SECRET), Operation::Create, &approved(), "run-3")
        .await
        .expect_err("503");
    assert_eq!(error, ConnectorError::Unreachable("HTTP 503: jawaban 503".into()));
    assert!(error.retryable());
    *receiver.status.lock().unwrap() = 200;
    webhook::run(&settings(&address, SECRET), Operation::Create, &approved(), "run-3")
        .await
        .expect("retried");
    assert_eq!(receiver.accepted.lock().unwrap().len(), 1);

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let error = webhook::run(
        &settings(&format!("http://{closed}/x"), SECRET),
        Operation::Create,
        &approved(),
        "run-4",
    )
    .await
    .expect_err("nobody listens");
    assert!(matches!(error, ConnectorError::Unreachable(_)), "{error:?}");
}

#[test]
fn settings_are_checked_field_by_field_and_a_dry_run_shows_no_secret() {
    let mut bad = settings("http://panel.contoh.go.id/hook", "pendek");
    bad.options.insert("timeout_seconds".into(), "0".into());
    bad.options.insert("warna".into(), "biru".into());
    let fields: Vec<String> =
        webhook::check_settings(&bad).unwrap_err().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["address", "secret", "timeout_seconds", "warna"]);
    assert!(webhook::check_settings(&settings("https://panel.contoh.go.id/hook", SECRET)).is_ok());
    let told = webhook::describe(
        &settings("https://panel.contoh.go.id/hook", SECRET),
        Operation::Create,
        &approved(),
    )
    .unwrap();
    assert!(told.contains("layanan.contoh.go.id") && !told.contains(SECRET), "{told}");
    assert!(!format!("{:?}", settings("https://x", SECRET)).contains(SECRET));
}

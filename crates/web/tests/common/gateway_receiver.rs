//! A message gateway on a random loopback port: it keeps what it is sent
//! and answers as told, as a WhatsApp or Telegram provider's HTTP API would.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

/// What the receiver was sent: (authorization, content type, body).
pub type Received = Arc<Mutex<Vec<(String, String, String)>>>;

#[derive(Clone)]
struct Receiver {
    received: Received,
    /// The answers to give, in order; then 200.
    answers: Arc<Mutex<VecDeque<(u16, &'static str)>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> (StatusCode, String) {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    r.received.lock().unwrap().push((header("authorization"), header("content-type"), body));
    let (status, text) = r.answers.lock().unwrap().pop_front().unwrap_or((200, "{\"status\":true}"));
    (StatusCode::from_u16(status).unwrap(), text.to_string())
}

/// A gateway on a random loopback port answering `answers` in turn.
pub async fn gateway(answers: &[(u16, &'static str)]) -> (String, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/kirim", listener.local_addr().unwrap());
    let receiver = Receiver {
        received: Arc::default(),
        answers: Arc::new(Mutex::new(answers.iter().copied().collect())),
    };
    let received = receiver.received.clone();
    let app = axum::Router::new().route("/kirim", axum::routing::post(receive)).with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

//! Sending the outbox's message-gateway messages over HTTP to each agency's
//! gateway (WhatsApp, Telegram through a provider). Runs beside the web
//! server, never inside a request, like the [`crate::mailer`]: a 2xx answer
//! is sent; a 5xx, a timeout or a refused connection is retried with the
//! store's backoff; any other answer (a 4xx: a bad number, a bad token) is
//! given up at once with the answer kept for the agency's administrator.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use store::Store;
use store::mail::{Channel, Mail};
use store::message_gateway::{GatewayMessage, GatewayRequest, MessageGateway};

/// Messages sent per round.
const BATCH: i64 = 20;
/// How much of a gateway's answer is kept.
const ANSWER_CHARS: usize = 300;

/// What became of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Worth another try later (5xx, no connection).
    Retry(String),
    /// Refused for good (4xx and the like), with the gateway's answer.
    Refused(String),
}

pub struct GatewaySender {
    client: reqwest::Client,
    /// The address in messages' links (`--public-url`).
    public_url: Option<String>,
}

impl GatewaySender {
    pub fn new(public_url: Option<String>) -> GatewaySender {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client without custom TLS builds");
        GatewaySender { client, public_url }
    }

    /// Posts one request and says what became of it.
    pub async fn post(&self, request: &GatewayRequest) -> Outcome {
        let mut builder = self.client.post(&request.url).body(request.body.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        match builder.send().await {
            Ok(answer) => {
                let status = answer.status();
                let text = answer.text().await.unwrap_or_default();
                let text: String = text.chars().take(ANSWER_CHARS).collect();
                let said = format!("HTTP {}: {}", status.as_u16(), text.trim());
                if status.is_success() {
                    Outcome::Sent
                } else if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                    Outcome::Retry(said)
                } else {
                    Outcome::Refused(said)
                }
            }
            Err(e) => Outcome::Retry(format!("gateway tidak dapat dihubungi: {e}")),
        }
    }

    /// The request for a message from the outbox to `gateway`.
    pub fn request(&self, gateway: &MessageGateway, mail: &Mail) -> GatewayRequest {
        let public = self.public_url.as_deref();
        let message = Mail::linked(&mail.body, public);
        let link = Mail::linked(mail.link.as_deref().unwrap_or_default(), public);
        gateway.request(GatewayMessage {
            message: &message,
            link: &link,
            phone: &mail.to,
            chat_id: mail.chat_id.as_deref().unwrap_or_default(),
        })
    }

    /// Sends what is due at `now`; returns (sent, failed).
    pub async fn deliver_due(&self, store: &Store, now: i64) -> Result<(usize, usize), store::StoreError> {
        let (mut sent, mut failed) = (0, 0);
        let mut gateways: HashMap<String, Option<MessageGateway>> = HashMap::new();
        for mail in store.claim_due_messages(Channel::Gateway, now, BATCH).await? {
            if !gateways.contains_key(&mail.agency) {
                gateways.insert(mail.agency.clone(), store.message_gateway(&mail.agency).await?);
            }
            let outcome = match &gateways[&mail.agency] {
                Some(gateway) => self.post(&self.request(gateway, &mail)).await,
                // Removed since: kept for when one is set up again.
                None => Outcome::Retry("gateway pesan instansi belum diatur".into()),
            };
            match outcome {
                Outcome::Sent => {
                    store.mail_sent(&mail.id, now).await?;
                    sent += 1;
                }
                Outcome::Retry(why) => {
                    tracing::warn!("pesan gateway {} gagal, dicoba lagi: {why}", mail.id);
                    store.mail_failed(&mail, &why, now).await?;
                    failed += 1;
                }
                Outcome::Refused(why) => {
                    tracing::warn!("pesan gateway {} ditolak: {why}", mail.id);
                    store.mail_refused(&mail, &why, now).await?;
                    failed += 1;
                }
            }
        }
        Ok((sent, failed))
    }

    /// Works through the gateway's messages every fifteen seconds, for as
    /// long as the server runs.
    pub async fn run_forever(self, store: Arc<Store>) {
        crate::mailer::every_round("pesan gateway", |now| self.deliver_due(&store, now)).await
    }
}

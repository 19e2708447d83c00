//! Sending the e-mail outbox over SMTP (`--smtp-url`: `smtps://…` for SMTP
//! over TLS, `smtp://…?tls=required` for STARTTLS). Runs beside the web
//! server, never inside a request: a slow or failing mail server delays
//! only the mail, which the store retries with backoff.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use store::Store;
use store::mail::Mail;

/// Messages sent per round.
const BATCH: i64 = 20;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The address in messages' links (`--public-url`).
    public_url: Option<String>,
}

impl Mailer {
    /// A mailer for the SMTP server at `url`, sending as `from`.
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("alamat SMTP tidak sah: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| format!("alamat pengirim \"{from}\" tidak sah: {e}"))?;
        Ok(Mailer { transport, from, public_url: None })
    }

    /// Links in messages point at `public_url` (without one they stay relative).
    pub fn linking_to(mut self, public_url: Option<String>) -> Mailer {
        self.public_url = public_url;
        self
    }

    fn message(&self, mail: &Mail) -> Result<Message, String> {
        let to: Mailbox = mail.to.parse().map_err(|e| format!("alamat tujuan tidak sah: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(Mail::linked(&mail.body, self.public_url.as_deref()))
            .map_err(|e| e.to_string())
    }

    /// Sends what is due at `now`; returns (sent, failed).
    pub async fn deliver_due(&self, store: &Store, now: i64) -> Result<(usize, usize), store::StoreError> {
        let (mut sent, mut failed) = (0, 0);
        for mail in store.claim_due_mail(now, BATCH).await? {
            let result = match self.message(&mail) {
                Ok(message) => self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => {
                    store.mail_sent(&mail.id, now).await?;
                    sent += 1;
                }
                Err(e) => {
                    store.mail_failed(&mail, &e, now).await?;
                    failed += 1;
                }
            }
        }
        Ok((sent, failed))
    }

    /// Works through the outbox every fifteen seconds, for as long as the server runs.
    pub async fn run_forever(self, store: Arc<Store>) {
        every_round("e-mail", |now| self.deliver_due(&store, now)).await
    }
}

/// Runs `round` (one sender's [`Mailer::deliver_due`] or the gateway's)
/// every fifteen seconds, for as long as the server runs; a round that
/// fails is logged and the next one tries again.
pub(crate) async fn every_round<F, R>(what: &str, mut round: F)
where
    F: FnMut(i64) -> R,
    R: Future<Output = Result<(usize, usize), store::StoreError>>,
{
    let mut tick = tokio::time::interval(Duration::from_secs(15));
    loop {
        tick.tick().await;
        if let Err(e) = round(jiff::Timestamp::now().as_millisecond()).await {
            tracing::warn!("pengiriman {what} gagal, dicoba lagi: {e}");
        }
    }
}

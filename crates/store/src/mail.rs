//! The outbox of e-mail and message-gateway messages: messages (in Bahasa
//! Indonesia) are enqueued in the transaction of the action that causes
//! them — for people who gave an address and did not turn mail off — and a
//! sender of each [`Channel`] claims due messages, reporting each as sent
//! or failed; a failure is retried with exponential backoff and given up
//! after [`MAX_ATTEMPTS`], or at once when the receiver refused it for good.

use engine::EngineError;
use engine::form::FieldError;
use sqlx::Row;

use crate::notice_delivery::{Notice, load_recipient};
use crate::record_event::{Change, Owner, append, now};
use crate::{Store, StoreError, WriteTx, new_id};

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i64 = 10;
/// How long a claimed message is left to its sender before another may try.
const CLAIM_MS: i64 = 10 * 60_000;

/// Where the link to Sopir stands in a message, until its sender, who
/// knows the public address, writes that address in.
pub const LINK_BASE: &str = "{sopir}";

/// How a message reaches a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Email,
    /// The agency's HTTP message gateway (WhatsApp, Telegram).
    Gateway,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Gateway];

    /// The code kept in the database and sent in forms.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Gateway => "pesan",
        }
    }

    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A message due to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub id: String,
    pub agency: String,
    /// An e-mail address, or a phone number for the gateway (may be empty
    /// when a chat id is given).
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
    pub chat_id: Option<String>,
    /// The link to act, for a gateway's `{tautan}`.
    pub link: Option<String>,
}

impl Mail {
    /// `text` with [`LINK_BASE`] replaced by the public address (none
    /// configured: the links stay relative).
    pub fn linked(text: &str, public_url: Option<&str>) -> String {
        text.replace(LINK_BASE, public_url.unwrap_or_default())
    }
}

/// A mail to put in the outbox, its address already known.
pub(crate) struct NewMail<'a> {
    pub agency: &'a str,
    pub person: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub at: i64,
}

impl NewMail<'_> {
    /// Puts the mail in the outbox, in `tx`, with the footer every mail
    /// of Sopir carries.
    pub(crate) async fn enqueue(self, tx: &mut WriteTx) -> Result<(), StoreError> {
        let NewMail { agency, person, to, subject, body, at } = self;
        sqlx::query(
            "INSERT INTO outbox (id, agency_id, person_id, to_address, subject, body, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(new_id())
        .bind(agency)
        .bind(person)
        .bind(to)
        .bind(subject)
        .bind(format!("{body}\n\n—\nPesan ini dikirim otomatis oleh Sopir. Notifikasi e-mail dapat dimatikan di halaman Akun."))
        .bind(at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// Where a message stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailState {
    pub to: String,
    pub subject: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub gave_up: bool,
    pub last_error: Option<String>,
    pub channel: Channel,
    pub created_at: i64,
}

/// The wait before attempt `attempts + 1`: one minute, doubling, at most six hours.
pub fn backoff_ms(attempts: i64) -> i64 {
    (60_000_i64 << attempts.clamp(0, 20)).min(6 * 3600 * 1000)
}

/// An address as kept: trimmed and in lower case, `None` for an empty one;
/// refused (field `email`) if it is not an address.
pub fn check_address(email: &str) -> Result<Option<String>, StoreError> {
    let email = email.trim().to_lowercase();
    if !email.is_empty() && engine::form::check_email(&email).is_err() {
        let error = FieldError::new(
            "email",
            "E-mail",
            "bukan alamat e-mail yang sah, misalnya nama@lumajangkab.go.id",
        );
        return Err(StoreError::Engine(EngineError::Invalid(vec![error])));
    }
    Ok((!email.is_empty()).then_some(email))
}

impl Store {
    /// Enqueues a message to `person` if they have an address and want mail
    /// (an unknown person is [`StoreError::NotFound`]).
    pub(crate) async fn enqueue_mail(
        &self,
        tx: &mut WriteTx,
        agency: &str,
        person: &str,
        subject: &str,
        body: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        // Who gets mail is the notices' rule: one reading of the person.
        let to = load_recipient(&mut **tx, agency, person).await?.mail_to;
        match to {
            Some(to) => NewMail { agency, person, to: &to, subject, body, at }.enqueue(tx).await,
            None => Ok(()),
        }
    }

    /// Delivers the notices a command's events cause (who is told is the
    /// engine's rule, [`engine::notice::notices`]).
    pub(crate) async fn notify_about(
        &self,
        tx: &mut WriteTx,
        ctx: &engine::workflow::Context<'_>,
        state: &engine::CaseState,
        events: &[engine::Event],
    ) -> Result<(), StoreError> {
        for notice in engine::notice::notices(ctx, state, events) {
            let told = Notice {
                agency: &state.agency,
                person: &notice.person,
                case: &state.id,
                kind: notice.kind,
                message: &notice.message,
                subject: notice.subject.as_deref(),
                at: notice.at,
            };
            self.notify(tx, told).await?;
        }
        Ok(())
    }

    /// Sets `person`'s address and whether they want mail, as they chose
    /// it; a new address is in the audit chain.
    pub async fn set_mail_preference(
        &self,
        agency: &str,
        person: &str,
        email: &str,
        enabled: bool,
    ) -> Result<(), StoreError> {
        let email = check_address(email)?;
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            // Where password-reset links go: a change is recorded, by the person.
            let changed = sqlx::query(
                "UPDATE people SET email = $1 WHERE id = $2 AND agency_id = $3 AND COALESCE(email, '') <> COALESCE($1, '')",
            )
            .bind(email.clone())
            .bind(person)
            .bind(agency)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if changed > 0 {
                let change = Change::PersonEmailSet { person: person.into(), email };
                append(tx, Owner::Agency(agency), Some(person), change, now()).await?;
            }
            sqlx::query("UPDATE accounts SET email_notifications = $1 WHERE person_id = $2 AND agency_id = $3")
                .bind(i64::from(enabled))
                .bind(person)
                .bind(agency)
                .execute(&mut **tx)
                .await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// An administrator (`by`) sets `person`'s address (empty: none), as
    /// checked by [`check_address`]; recorded when it changes.
    pub async fn set_person_email(
        &self,
        agency: &str,
        person: &str,
        email: &str,
        by: Option<&str>,
    ) -> Result<(), StoreError> {
        let email = check_address(email)?;
        let update = sqlx::query(
            "UPDATE people SET email = $1 WHERE id = $2 AND agency_id = $3 AND COALESCE(email, '') <> COALESCE($1, '')",
        )
        .bind(email.clone())
        .bind(person)
        .bind(agency);
        let change = Change::PersonEmailSet { person: person.into(), email };
        self.write_recorded(update, crate::record_event::Owner::Agency(agency), by, change, now()).await?;
        Ok(())
    }

    /// The address of each person of `agency` who has one.
    pub async fn people_emails(
        &self,
        agency: &str,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, email FROM people WHERE agency_id = $1 AND email IS NOT NULL AND email <> ''",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// `person`'s address and whether they want mail.
    pub async fn mail_preference(
        &self,
        agency: &str,
        person: &str,
    ) -> Result<(Option<String>, bool), StoreError> {
        let row = sqlx::query(
            "SELECT p.email, COALESCE(a.email_notifications, 1) AS enabled FROM people p
             LEFT JOIN accounts a ON a.person_id = p.id WHERE p.id = $1 AND p.agency_id = $2",
        )
        .bind(person)
        .bind(agency)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("pegawai {person}")))?;
        Ok((row.try_get("email")?, row.try_get::<i64, _>("enabled")? == 1))
    }

    /// Claims up to `limit` e-mails due at `now` for this sender.
    pub async fn claim_due_mail(&self, now: i64, limit: i64) -> Result<Vec<Mail>, StoreError> {
        self.claim_due_messages(Channel::Email, now, limit).await
    }

    /// Claims up to `limit` messages of `channel` due at `now` for this
    /// sender; a claim lapses after ten minutes, so a crashed sender's
    /// messages are retried.
    pub async fn claim_due_messages(
        &self,
        channel: Channel,
        now: i64,
        limit: i64,
    ) -> Result<Vec<Mail>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, agency_id, to_address, subject, body, attempts, next_attempt_at, chat_id, link FROM outbox
             WHERE channel = $3 AND sent_at IS NULL AND gave_up = 0 AND next_attempt_at <= $1
             ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .bind(channel.code())
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for row in &rows {
            let id: String = row.try_get("id")?;
            let due: i64 = row.try_get("next_attempt_at")?;
            let taken =
                sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3")
                    .bind(now + CLAIM_MS)
                    .bind(&id)
                    .bind(due)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
            if taken == 1 {
                claimed.push(Mail {
                    id,
                    agency: row.try_get("agency_id")?,
                    to: row.try_get("to_address")?,
                    subject: row.try_get("subject")?,
                    body: row.try_get("body")?,
                    attempts: row.try_get("attempts")?,
                    chat_id: row.try_get("chat_id")?,
                    link: row.try_get("link")?,
                });
            }
        }
        Ok(claimed)
    }

    pub async fn mail_sent(&self, id: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2",
        )
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt; the next waits [`backoff_ms`], and after
    /// [`MAX_ATTEMPTS`] the message is given up.
    pub async fn mail_failed(&self, mail: &Mail, error: &str, at: i64) -> Result<(), StoreError> {
        let attempts = mail.attempts + 1;
        sqlx::query(
            "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3, gave_up = $4 WHERE id = $5",
        )
        .bind(attempts)
        .bind(at + backoff_ms(mail.attempts))
        .bind(error.chars().take(500).collect::<String>())
        .bind(i64::from(attempts >= MAX_ATTEMPTS))
        .bind(&mail.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that the receiver refused the message for good (a gateway's
    /// 4xx): it is given up at once, its answer kept for the administrator.
    pub async fn mail_refused(&self, mail: &Mail, error: &str, at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3, gave_up = 1 WHERE id = $4",
        )
        .bind(mail.attempts + 1)
        .bind(at)
        .bind(error.chars().take(500).collect::<String>())
        .bind(&mail.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every e-mail to `person`, newest first (for administrators and tests).
    pub async fn mail_to(&self, agency: &str, person: &str) -> Result<Vec<MailState>, StoreError> {
        self.outbox_of(agency, Some(person), Channel::Email, i64::MAX).await
    }

    /// The newest `limit` messages of `channel` in `agency`, to `person`
    /// only if given, newest first.
    pub async fn outbox_of(
        &self,
        agency: &str,
        person: Option<&str>,
        channel: Channel,
        limit: i64,
    ) -> Result<Vec<MailState>, StoreError> {
        let rows = sqlx::query(
            "SELECT to_address, subject, attempts, next_attempt_at, sent_at, gave_up, last_error, channel, created_at
             FROM outbox WHERE agency_id = $1 AND ($2 = '' OR person_id = $2) AND channel = $3
             ORDER BY created_at DESC, id LIMIT $4",
        )
        .bind(agency)
        .bind(person.unwrap_or_default())
        .bind(channel.code())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("channel")?;
                Ok(MailState {
                    to: r.try_get("to_address")?,
                    subject: r.try_get("subject")?,
                    attempts: r.try_get("attempts")?,
                    next_attempt_at: r.try_get("next_attempt_at")?,
                    sent_at: r.try_get("sent_at")?,
                    gave_up: r.try_get::<i64, _>("gave_up")? == 1,
                    last_error: r.try_get("last_error")?,
                    channel: Channel::from_code(&code)
                        .ok_or_else(|| StoreError::Corrupt(format!("saluran pesan {code}")))?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }
}

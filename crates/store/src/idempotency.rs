//! Idempotency keys of the API's creating and acting calls: the first call
//! with a key runs and leaves its answer; a retry with the same key and the
//! same request gets that answer again instead of acting twice.
//!
//! Submitting and completing a task keep the key the way that costs least:
//! the claim, the action and the answer are one command on the write queue
//! ([`Store::submit_answering`], [`Store::complete_answering`], answered
//! through [`Answering`]). The claim is the transaction's first write, so
//! two racing retries are told apart by the key's uniqueness: the second
//! finds the key taken ([`StoreError::KeyTaken`]) before it acts, and reads
//! the first one's answer once that is committed. A refusal is kept as the
//! key's answer by a command of its own ([`Store::keep_answer`]), and so
//! is the answer of a call idempotent by nature (publishing an SOP text),
//! after it ran.

use sqlx::{Any, Row};

use crate::letter_reservation::Reservation;
use crate::letters::{IncomingLetter, OutgoingLetter};
use crate::write_queue::Write;
use crate::{Store, StoreError, WriteTx};

/// Keys are remembered this long.
pub const KEEP_MS: i64 = 24 * 60 * 60 * 1000;

/// A claim older than this with no answer belongs to a call that was cut
/// off (claims are kept with their answer now; older versions claimed
/// first): no call takes this long.
pub const STALE_MS: i64 = 60_000;

/// What a call's idempotency key says before the call runs, read without
/// taking the write queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Not used (or forgotten, or left unanswered by a call cut off long
    /// enough ago): run the call, claiming the key in its command.
    New,
    /// Answered before: give this answer again.
    Answered { status: u16, body: String },
    /// The key was used for a different request.
    Mismatch,
    /// A call with this key is running now.
    InProgress,
}

/// The key a command claims as its first write and answers before it
/// commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub username: String,
    pub key: String,
    /// The hash of what was asked: the same key with another request is a
    /// mismatch.
    pub fingerprint: String,
    pub at: i64,
}

/// Claims `replay`'s key inside `tx` (for a creating call, naming `case`):
/// [`StoreError::KeyTaken`] if another call holds or answered it.
pub(crate) async fn claim_in(tx: &mut WriteTx, replay: &Replay, case: &str) -> Result<(), StoreError> {
    // A forgotten key is fresh again, and so is a claim left unanswered by
    // a call cut off before this kind of command existed.
    let claimed = sqlx::query(
        "INSERT INTO api_idempotency (username, idem_key, fingerprint, case_id, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username, idem_key) DO UPDATE
         SET fingerprint = excluded.fingerprint, case_id = excluded.case_id,
             created_at = excluded.created_at, status = NULL, body = NULL
         WHERE api_idempotency.created_at < $6
            OR (api_idempotency.status IS NULL AND api_idempotency.created_at < $7)",
    )
    .bind(&replay.username)
    .bind(&replay.key)
    .bind(&replay.fingerprint)
    .bind(case)
    .bind(replay.at)
    .bind(replay.at - KEEP_MS)
    .bind(replay.at - STALE_MS)
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() == 1 { Ok(()) } else { Err(StoreError::KeyTaken) }
}

/// [`StoreError::KeyTaken`] if another call holds or answered `replay`'s
/// key (as [`Store::look_up_idempotency_key`] would say, but inside `tx`),
/// without claiming it.
pub(crate) async fn refuse_taken(tx: &mut WriteTx, replay: &Replay) -> Result<(), StoreError> {
    match seen(&mut **tx, &replay.username, &replay.key, &replay.fingerprint, replay.at).await? {
        Seen::New => Ok(()),
        _ => Err(StoreError::KeyTaken),
    }
}

/// What `key` of `username` says for a request hashing to `fingerprint`,
/// read through `executor`.
async fn seen<'e, E>(
    executor: E,
    username: &str,
    key: &str,
    fingerprint: &str,
    now: i64,
) -> Result<Seen, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let row = sqlx::query(
        "SELECT fingerprint, status, body, created_at FROM api_idempotency
         WHERE username = $1 AND idem_key = $2",
    )
    .bind(username)
    .bind(key)
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else { return Ok(Seen::New) };
    let claimed_at: i64 = row.try_get("created_at")?;
    if claimed_at < now - KEEP_MS {
        return Ok(Seen::New);
    }
    if row.try_get::<String, _>("fingerprint")? != fingerprint {
        return Ok(Seen::Mismatch);
    }
    match (row.try_get::<Option<i64>, _>("status")?, row.try_get::<Option<String>, _>("body")?) {
        (Some(status), Some(body)) => {
            Ok(Seen::Answered { status: u16::try_from(status).unwrap_or(500), body })
        }
        _ if now - claimed_at < STALE_MS => Ok(Seen::InProgress),
        _ => Ok(Seen::New),
    }
}

/// Keeps the answer of the call that claimed `replay`'s key inside `tx`.
async fn answer_in(tx: &mut WriteTx, replay: &Replay, status: u16, body: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_idempotency SET status = $1, body = $2 WHERE username = $3 AND idem_key = $4")
        .bind(i64::from(status))
        .bind(body)
        .bind(&replay.username)
        .bind(&replay.key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Gives up `replay`'s claim inside `tx`: the command keeps some of its
/// work but the call is refused, and the refusal is kept as the key's
/// answer afterwards.
pub(crate) async fn unclaim_in(tx: &mut WriteTx, replay: &Replay) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM api_idempotency WHERE username = $1 AND idem_key = $2 AND status IS NULL")
        .bind(&replay.username)
        .bind(&replay.key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The letters of a case as a command leaves them.
#[derive(Debug, Clone, Default)]
pub struct CaseLetters {
    pub incoming: Option<IncomingLetter>,
    pub outgoing: Option<OutgoingLetter>,
}

/// A command that acted and claimed its call's key, still holding its turn
/// on the write queue: the caller builds its answer from
/// [`Answering::value`] (and [`Answering::letters`], which sees what the
/// command wrote) and keeps it with [`Answering::answer`], which commits.
/// Dropped without an answer, the command is undone (and a letter number it
/// reserved is released by the periodic work).
pub struct Answering<'s, T> {
    store: &'s Store,
    write: Write,
    replay: Replay,
    agency: String,
    case: String,
    value: T,
    /// A letter number reserved for this command, given back (or voided)
    /// if the command is not kept after all.
    reserved: Option<Reservation>,
}

impl<'s, T> Answering<'s, T> {
    pub(crate) fn new(
        store: &'s Store,
        write: Write,
        replay: Replay,
        (agency, case): (&str, &str),
        value: T,
    ) -> Answering<'s, T> {
        Answering { store, write, replay, agency: agency.into(), case: case.into(), value, reserved: None }
    }

    pub(crate) fn with_reservation(mut self, reserved: Option<Reservation>) -> Answering<'s, T> {
        self.reserved = reserved;
        self
    }

    pub fn value(&self) -> &T {
        &self.value
    }

    /// The case's letters, including what this command wrote.
    pub async fn letters(&mut self) -> Result<CaseLetters, StoreError> {
        let (agency, case) = (self.agency.clone(), self.case.clone());
        let incoming = self.store.incoming_letter_in(&mut **self.write.tx(), &agency, &case).await?;
        let outgoing = self.store.outgoing_letter_in(&mut **self.write.tx(), &agency, &case).await?;
        Ok(CaseLetters { incoming, outgoing })
    }

    /// Keeps `body` as the answer to the key and commits with the command.
    pub async fn answer(mut self, status: u16, body: &str) -> Result<T, StoreError> {
        let kept = answer_in(self.write.tx(), &self.replay, status, body).await;
        let (store, reserved) = (self.store, self.reserved);
        let done = self.write.finish(kept.map(|()| self.value)).await;
        store.settle(reserved, done).await
    }
}

impl Store {
    /// What `key` of `username` says for a request hashing to
    /// `fingerprint`, read without the write queue.
    pub async fn look_up_idempotency_key(
        &self,
        username: &str,
        key: &str,
        fingerprint: &str,
        now: i64,
    ) -> Result<Seen, StoreError> {
        seen(&self.hot, username, key, fingerprint, now).await
    }

    /// Keeps the answer to `replay`'s key, claiming it, in one command: for
    /// a refusal, or a call idempotent by nature. [`StoreError::KeyTaken`]
    /// if another call claimed the key meanwhile.
    pub async fn keep_answer(&self, replay: &Replay, status: u16, body: &str) -> Result<(), StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            claim_in(tx, replay, "").await?;
            answer_in(tx, replay, status, body).await
        }
        .await;
        write.finish(result).await
    }

    /// Replaces the kept answer to `replay`'s key (a letter signed by a
    /// service after the step's command kept the first).
    pub async fn replace_answer(&self, replay: &Replay, status: u16, body: &str) -> Result<(), StoreError> {
        self.write_one(
            sqlx::query(
                "UPDATE api_idempotency SET status = $1, body = $2 WHERE username = $3 AND idem_key = $4",
            )
            .bind(i64::from(status))
            .bind(body)
            .bind(&replay.username)
            .bind(&replay.key),
        )
        .await?;
        Ok(())
    }

    /// Forgets keys older than the keeping time (the daily job).
    pub async fn forget_old_idempotency_keys(&self, now: i64) -> Result<(), StoreError> {
        self.write_one(sqlx::query("DELETE FROM api_idempotency WHERE created_at < $1").bind(now - KEEP_MS))
            .await?;
        Ok(())
    }
}

//! Idempotency keys of the API's creating and acting calls: the first call
//! with a key claims it, runs, and leaves its answer; a retry with the same
//! key and the same request gets that answer again instead of acting twice.
//!
//! The claim is committed before the call runs, so two concurrent retries
//! cannot both run. A creating call's case id is chosen at the claim: if the
//! process dies between acting and recording the answer, the next retry can
//! see whether that case exists. Completing a task cannot happen twice
//! anyway (a done task is no longer open), so rerunning it is safe.

use sqlx::Row;

use crate::{Store, StoreError, new_id};

/// Keys are remembered this long.
pub const KEEP_MS: i64 = 24 * 60 * 60 * 1000;

/// A claim older than this with no answer belongs to a call that was cut
/// off: no call takes this long.
pub const STALE_MS: i64 = 60_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use of the key: run the call; a creating call makes `case_id`.
    Fresh { case_id: String },
    /// The key's call was cut off before answering: run it again (for a
    /// creating call, first look whether `case_id` was made).
    Interrupted { case_id: String },
    /// Answered before: give this answer again.
    Answered { status: u16, body: String },
    /// The key was used for a different request.
    Mismatch,
    /// A call with this key is running now.
    InProgress,
}

impl Store {
    /// Claims `key` of `username` for a request whose content hashes to
    /// `fingerprint`.
    pub async fn claim_idempotency_key(
        &self,
        username: &str,
        key: &str,
        fingerprint: &str,
        now: i64,
    ) -> Result<Claim, StoreError> {
        // Queued behind this process's writers like every write, so waiting
        // for SQLite's lock never holds a pooled connection the writer needs.
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            // A key older than the keeping time is fresh again (the daily
            // job forgets such keys; until then they are overwritten).
            let case_id = new_id();
            let inserted = sqlx::query(
                "INSERT INTO api_idempotency (username, idem_key, fingerprint, case_id, created_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (username, idem_key) DO UPDATE
                 SET fingerprint = excluded.fingerprint, case_id = excluded.case_id,
                     created_at = excluded.created_at, status = NULL, body = NULL
                 WHERE api_idempotency.created_at < $6",
            )
            .bind(username)
            .bind(key)
            .bind(fingerprint)
            .bind(&case_id)
            .bind(now)
            .bind(now - KEEP_MS)
            .execute(&mut **tx)
            .await?;
            if inserted.rows_affected() == 1 {
                return Ok(Claim::Fresh { case_id });
            }
            let row = sqlx::query(
                "SELECT fingerprint, case_id, status, body, created_at FROM api_idempotency
                 WHERE username = $1 AND idem_key = $2",
            )
            .bind(username)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
            // The insert met this row inside this transaction: it is there.
            let row = row.ok_or_else(|| StoreError::Corrupt("idempotency key vanished".into()))?;
            if row.try_get::<String, _>("fingerprint")? != fingerprint {
                return Ok(Claim::Mismatch);
            }
            if let (Some(status), Some(body)) =
                (row.try_get::<Option<i64>, _>("status")?, row.try_get::<Option<String>, _>("body")?)
            {
                return Ok(Claim::Answered { status: u16::try_from(status).unwrap_or(500), body });
            }
            let claimed_at: i64 = row.try_get("created_at")?;
            if now - claimed_at < STALE_MS {
                return Ok(Claim::InProgress);
            }
            // Take the stale claim over, unless another retry just did.
            let taken = sqlx::query(
                "UPDATE api_idempotency SET created_at = $1
                 WHERE username = $2 AND idem_key = $3 AND created_at = $4 AND status IS NULL",
            )
            .bind(now)
            .bind(username)
            .bind(key)
            .bind(claimed_at)
            .execute(&mut **tx)
            .await?;
            if taken.rows_affected() == 1 {
                Ok(Claim::Interrupted { case_id: row.try_get("case_id")? })
            } else {
                Ok(Claim::InProgress)
            }
        }
        .await;
        write.finish(result).await
    }

    /// Keeps the answer given to the call that claimed `key`.
    pub async fn answer_idempotency_key(
        &self,
        username: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        self.write_one(
            sqlx::query(
                "UPDATE api_idempotency SET status = $1, body = $2 WHERE username = $3 AND idem_key = $4",
            )
            .bind(i64::from(status))
            .bind(body)
            .bind(username)
            .bind(key),
        )
        .await?;
        Ok(())
    }

    /// Marks the claim of a call that failed inside the server as cut off:
    /// the failure may have come after the call acted (while building its
    /// answer), so a retry takes the claim over at once as it would a stale
    /// one — with the same case id, and looking first whether the call
    /// took effect — instead of acting afresh a second time.
    pub async fn interrupt_idempotency_key(&self, username: &str, key: &str) -> Result<(), StoreError> {
        self.write_one(
            sqlx::query(
                "UPDATE api_idempotency SET created_at = created_at - $1
                 WHERE username = $2 AND idem_key = $3 AND status IS NULL",
            )
            .bind(STALE_MS)
            .bind(username)
            .bind(key),
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

    /// Whether `agency` has a case with this id.
    pub async fn case_exists(&self, agency: &str, case: &str) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE agency_id = $1 AND id = $2")
            .bind(agency)
            .bind(case)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }
}

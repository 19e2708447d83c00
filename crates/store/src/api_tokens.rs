//! Personal API tokens: made by a person for a script or another system,
//! acting with exactly that person's rights. Only a token's SHA-256 is kept
//! (tokens are long and random, so a fast hash is enough); the token itself
//! is shown once, when made. Every token expires (after at most a year);
//! revoked tokens, and all of a person's tokens when their password
//! changes, stop working at once.

use sqlx::Row;

use crate::accounts::{account_from, secret_digest};
use crate::record_event::{Change, Owner};
use crate::{Account, Store, StoreError, new_id};

/// What every token starts with, so a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "sopir_";

/// Tokens one person may have alive at once.
pub const MAX_TOKENS: i64 = 20;

/// Days a token lasts unless its maker chooses otherwise.
pub const DEFAULT_DAYS: i64 = 90;
/// The longest a token may last.
pub const MAX_DAYS: i64 = 365;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A token as listed to its owner (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub expires_at: i64,
}

/// `last_used_at` is refreshed at most this often, so a busy script does not
/// turn every read into a write.
const USE_RESOLUTION_MS: i64 = 60_000;

impl Store {
    /// Makes a token for `username` that lasts `days` days, returning its
    /// id and the token (shown once). `name` says what it is for. Whoever
    /// calls this has checked who is asking (the password, on the web).
    pub async fn create_api_token(
        &self,
        username: &str,
        name: &str,
        days: i64,
        at: i64,
    ) -> Result<(String, String), StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(StoreError::invalid("name", "Nama token", "wajib diisi, paling banyak 80 karakter"));
        }
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(StoreError::invalid(
                "days",
                "Masa berlaku (hari)",
                format!("isi jumlah hari dari 1 sampai {MAX_DAYS}"),
            ));
        }
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM api_tokens WHERE username = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(username)
        .bind(at)
        .fetch_one(&self.pool)
        .await?;
        if live >= MAX_TOKENS {
            return Err(StoreError::invalid(
                "name",
                "Nama token",
                format!("sudah ada {MAX_TOKENS} token aktif; cabut yang tidak dipakai lagi"),
            ));
        }
        let token =
            format!("{TOKEN_PREFIX}{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let id = new_id();
        let insert = sqlx::query(
            "INSERT INTO api_tokens (id, username, name, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(username)
        .bind(name)
        .bind(secret_digest(&token))
        .bind(at)
        .bind(at + days * DAY_MS);
        self.write_recorded(
            insert,
            Owner::AccountOf(username),
            None,
            Change::ApiTokenCreated { account: username.into(), token: id.clone(), name: name.into() },
            at,
        )
        .await?;
        Ok((id, token))
    }

    /// The tokens of `username`, newest first.
    pub async fn api_tokens(&self, username: &str) -> Result<Vec<ApiToken>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, last_used_at, revoked_at, expires_at FROM api_tokens
             WHERE username = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(username)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    revoked_at: r.try_get("revoked_at")?,
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of `username`'s own tokens; another's token is "not found".
    pub async fn revoke_api_token(&self, username: &str, id: &str, at: i64) -> Result<(), StoreError> {
        let revoke = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND username = $3 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(id)
        .bind(username);
        let done = self
            .write_recorded(
                revoke,
                Owner::AccountOf(username),
                None,
                Change::ApiTokenRevoked { account: username.into(), token: id.into() },
                at,
            )
            .await?;
        if done == 0 {
            return Err(StoreError::NotFound("token".into()));
        }
        Ok(())
    }

    /// The account a live (unrevoked, unexpired) token acts for.
    pub async fn account_for_token(&self, token: &str, now: i64) -> Result<Option<Account>, StoreError> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT a.username, a.person_id, a.agency_id, a.password_hash, a.is_admin, a.installation_admin,
                    a.deactivated_at, t.id AS token_id, t.last_used_at
             FROM api_tokens t JOIN accounts a ON a.username = t.username
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND a.deactivated_at IS NULL",
        )
        .bind(secret_digest(token))
        .bind(now)
        .fetch_optional(&self.hot)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last: Option<i64> = row.try_get("last_used_at")?;
        // Once a minute at most, and skipped rather than kept waiting
        // behind a long write (an escalation round, say). It records
        // nothing in a chain: on PostgreSQL it needs no lane's lock (the
        // installation's would wait for every agency's writers); SQLite's
        // one writer is the queue's.
        if last.is_none_or(|l| now - l >= USE_RESOLUTION_MS) {
            let token_id: String = row.try_get("token_id")?;
            let touch =
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now).bind(token_id);
            if self.backend == crate::Backend::Postgres {
                touch.execute(&self.pool).await?;
            } else if let Some(mut write) = self.try_write().await? {
                let result = touch.execute(&mut **write.tx()).await;
                write.finish(result.map(|_| ()).map_err(StoreError::from)).await?;
            }
        }
        Ok(Some(account_from(&row)?))
    }
}

//! Slowing down password guessing without locking anyone out. Failures are
//! counted per (username as typed, client address): after a few, that
//! address waits before its next try, twice as long after each further
//! failure, at most a few minutes — the owner elsewhere is not held up.
//! Many addresses guessing at one account add up to a short account-wide
//! wait, which the addresses the owner logged in from recently skip.
//! Unknown usernames are counted exactly as known ones, so the answers do
//! not tell which names exist. When guessing at a real account begins to be
//! slowed, and when an administrator lifts it, a record is kept for the
//! agency's administrators.

use sqlx::Row;

use crate::{Store, StoreError, new_id};

/// Failures from one address at one username before it has to wait.
pub const FREE_FAILURES: i64 = 3;
/// The first wait; it doubles with each further failure…
const FIRST_WAIT_MS: i64 = 15_000;
/// …up to this.
pub const MAX_WAIT_MS: i64 = 5 * 60_000;
/// Failures at one username from all addresses before addresses it has not
/// been used from wait too…
pub const ACCOUNT_CEILING: i64 = 10;
/// …this long after the account's latest failure.
pub const ACCOUNT_WAIT_MS: i64 = 60_000;
/// A pair's failures are forgotten this long after its latest.
const FORGET_MS: i64 = 60 * 60_000;
/// An address a person logged in from counts as theirs this long.
const KNOWN_ADDRESS_MS: i64 = 90 * 24 * 60 * 60_000;

/// What a record of the slowing says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockoutKind {
    /// One address failed [`FREE_FAILURES`] times and now waits.
    Address,
    /// The account's failures reached [`ACCOUNT_CEILING`]: new addresses wait.
    Account,
    /// An administrator lifted every wait on the account.
    Unlocked,
}

impl LockoutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LockoutKind::Address => "address",
            LockoutKind::Account => "account",
            LockoutKind::Unlocked => "unlocked",
        }
    }
}

impl TryFrom<String> for LockoutKind {
    type Error = StoreError;
    fn try_from(text: String) -> Result<LockoutKind, StoreError> {
        match text.as_str() {
            "address" => Ok(LockoutKind::Address),
            "account" => Ok(LockoutKind::Account),
            "unlocked" => Ok(LockoutKind::Unlocked),
            other => Err(StoreError::Corrupt(format!("jenis penguncian login \"{other}\""))),
        }
    }
}

/// One record of the slowing, as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LoginLockout {
    pub username: String,
    #[sqlx(try_from = "String")]
    pub kind: LockoutKind,
    /// The guessing address (for [`LockoutKind::Address`]).
    pub address: Option<String>,
    pub failures: i64,
    pub at: i64,
    pub slowed_until: Option<i64>,
    /// The administrator who unlocked (for [`LockoutKind::Unlocked`]).
    pub by_person: Option<String>,
}

/// A wait in force now on one of the agency's accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowedLogin {
    pub username: String,
    /// The address that waits; `None`: every address the owner has not
    /// logged in from.
    pub address: Option<String>,
    pub failures: i64,
    pub until: i64,
}

/// Whether a login may be tried now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginGate {
    /// Go on; the attempt is already counted as a failure (so parallel
    /// guesses cannot slip past the count) until [`Store::login_succeeded`].
    Open(Attempt),
    /// Not before this time (epoch ms); nothing was checked or counted.
    Wait { until: i64 },
}

/// An attempt let through, with the counts it brought about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    username: String,
    address: String,
    at: i64,
    /// This address's failures at this username, this attempt included.
    pair_failures: i64,
    /// The username's failures from all addresses, this attempt included.
    account_failures: i64,
}

/// How long an address waits after its `failures`-th failure.
fn wait_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20);
    (FIRST_WAIT_MS << doublings).min(MAX_WAIT_MS)
}

impl Store {
    /// Lets a login of `username` from `address` be tried at `now`, or says
    /// until when it must wait.
    pub async fn login_attempt(
        &self,
        username: &str,
        address: &str,
        now: i64,
    ) -> Result<LoginGate, StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let pair: Option<(i64, i64)> = sqlx::query_as(
                "SELECT failures, last_failed_at FROM login_failures
                 WHERE username = $1 AND address = $2 AND last_failed_at > $3",
            )
            .bind(username)
            .bind(address)
            .bind(now - FORGET_MS)
            .fetch_optional(&mut **tx)
            .await?;
            let (account_failures, account_last): (i64, i64) = sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(failures), 0) AS BIGINT), CAST(COALESCE(MAX(last_failed_at), 0) AS BIGINT)
                 FROM login_failures WHERE username = $1 AND last_failed_at > $2",
            )
            .bind(username)
            .bind(now - FORGET_MS)
            .fetch_one(&mut **tx)
            .await?;
            let known: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_addresses WHERE username = $1 AND address = $2 AND last_success_at > $3",
            )
            .bind(username)
            .bind(address)
            .bind(now - KNOWN_ADDRESS_MS)
            .fetch_one(&mut **tx)
            .await?;
            let (pair_failures, pair_last) = pair.unwrap_or((0, 0));
            let pair_until = if pair_failures >= FREE_FAILURES { pair_last + wait_after(pair_failures) } else { 0 };
            let account_until =
                if known == 0 && account_failures >= ACCOUNT_CEILING { account_last + ACCOUNT_WAIT_MS } else { 0 };
            let until = pair_until.max(account_until);
            if until > now {
                return Ok(LoginGate::Wait { until });
            }
            sqlx::query(
                "INSERT INTO login_failures (username, address, failures, last_failed_at) VALUES ($1, $2, 1, $3)
                 ON CONFLICT (username, address) DO UPDATE
                 SET failures = CASE WHEN login_failures.last_failed_at > $4 THEN login_failures.failures + 1 ELSE 1 END,
                     last_failed_at = excluded.last_failed_at",
            )
            .bind(username)
            .bind(address)
            .bind(now)
            .bind(now - FORGET_MS)
            .execute(&mut **tx)
            .await?;
            Ok(LoginGate::Open(Attempt {
                username: username.to_string(),
                address: address.to_string(),
                at: now,
                pair_failures: pair_failures + 1,
                account_failures: account_failures + 1,
            }))
        }
        .await;
        write.finish(result).await
    }

    /// The attempt's password was wrong (or its username unknown): if it is
    /// the one that set off a wait, that is recorded for a real account.
    /// Unknown usernames go through the same statements, recording nothing.
    pub async fn login_failed(&self, attempt: &Attempt) -> Result<(), StoreError> {
        let mut started = Vec::new();
        if attempt.pair_failures == FREE_FAILURES {
            started.push((
                LockoutKind::Address,
                Some(attempt.address.as_str()),
                attempt.pair_failures,
                wait_after(FREE_FAILURES),
            ));
        }
        if attempt.account_failures == ACCOUNT_CEILING {
            started.push((LockoutKind::Account, None, attempt.account_failures, ACCOUNT_WAIT_MS));
        }
        for (kind, address, failures, wait) in started {
            self.write_one(
                sqlx::query(
                    "INSERT INTO login_lockouts (id, agency_id, username, kind, address, failures, at, slowed_until)
                     SELECT $1, agency_id, username, $2, $3, $4, $5, $6 FROM accounts WHERE username = $7",
                )
                .bind(new_id())
                .bind(kind.as_str())
                .bind(address)
                .bind(failures)
                .bind(attempt.at)
                .bind(attempt.at + wait)
                .bind(&attempt.username),
            )
            .await?;
        }
        Ok(())
    }

    /// The attempt logged in: its address's failures are forgotten, and the
    /// address becomes one the account's owner uses.
    pub async fn login_succeeded(&self, attempt: &Attempt) -> Result<(), StoreError> {
        self.login_succeeded_as(attempt, &attempt.username).await
    }

    /// As [`Store::login_succeeded`], for an attempt under a name that is
    /// not the account's (a directory's username): the failures counted
    /// under the name typed are forgotten, the address is known to `account`.
    pub async fn login_succeeded_as(&self, attempt: &Attempt, account: &str) -> Result<(), StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            sqlx::query("DELETE FROM login_failures WHERE username = $1 AND address = $2")
                .bind(&attempt.username)
                .bind(&attempt.address)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO login_addresses (username, address, last_success_at) VALUES ($1, $2, $3)
                 ON CONFLICT (username, address) DO UPDATE SET last_success_at = excluded.last_success_at",
            )
            .bind(account)
            .bind(&attempt.address)
            .bind(attempt.at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// Lifts every wait on `username`, an account of `agency`, and records
    /// who did.
    pub async fn unlock_login(
        &self,
        agency: &str,
        username: &str,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let failures: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(f.failures), 0) AS BIGINT) FROM accounts a
                 LEFT JOIN login_failures f ON f.username = a.username AND f.last_failed_at > $3
                 WHERE a.username = $1 AND a.agency_id = $2 GROUP BY a.username",
            )
            .bind(username)
            .bind(agency)
            .bind(at - FORGET_MS)
            .fetch_optional(&mut **tx)
            .await?;
            let failures = failures.ok_or_else(|| StoreError::NotFound(format!("akun {username}")))?;
            sqlx::query("DELETE FROM login_failures WHERE username = $1")
                .bind(username)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO login_lockouts (id, agency_id, username, kind, failures, at, by_person)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(agency)
            .bind(username)
            .bind(LockoutKind::Unlocked.as_str())
            .bind(failures)
            .bind(at)
            .bind(by)
            .execute(&mut **tx)
            .await?;
            let change = crate::record_event::Change::LoginUnlocked { account: username.into() };
            crate::record_event::append(tx, crate::record_event::Owner::Agency(agency), Some(by), change, at)
                .await
        }
        .await;
        write.finish(result).await
    }

    /// The agency's latest records of slowed logins and unlocks, newest first.
    pub async fn login_lockouts(&self, agency: &str, limit: i64) -> Result<Vec<LoginLockout>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT username, kind, address, failures, at, slowed_until, by_person FROM login_lockouts
             WHERE agency_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(agency)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The waits in force at `now` on the agency's accounts.
    pub async fn slowed_logins(&self, agency: &str, now: i64) -> Result<Vec<SlowedLogin>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.username, f.address, f.failures, f.last_failed_at FROM login_failures f
             JOIN accounts a ON a.username = f.username
             WHERE a.agency_id = $1 AND f.last_failed_at > $2 ORDER BY f.username, f.address",
        )
        .bind(agency)
        .bind(now - FORGET_MS)
        .fetch_all(&self.pool)
        .await?;
        let mut slowed = Vec::new();
        let mut accounts: Vec<SlowedLogin> = Vec::new();
        for row in &rows {
            let username: String = row.try_get("username")?;
            let failures: i64 = row.try_get("failures")?;
            let last: i64 = row.try_get("last_failed_at")?;
            let until = last + wait_after(failures);
            if failures >= FREE_FAILURES && until > now {
                slowed.push(SlowedLogin {
                    username: username.clone(),
                    address: Some(row.try_get("address")?),
                    failures,
                    until,
                });
            }
            match accounts.last_mut() {
                Some(account) if account.username == username => {
                    account.failures += failures;
                    account.until = account.until.max(last + ACCOUNT_WAIT_MS);
                }
                _ => accounts.push(SlowedLogin {
                    username,
                    address: None,
                    failures,
                    until: last + ACCOUNT_WAIT_MS,
                }),
            }
        }
        slowed.extend(accounts.into_iter().filter(|a| a.failures >= ACCOUNT_CEILING && a.until > now));
        slowed.sort_by(|a, b| (&a.username, &a.address).cmp(&(&b.username, &b.address)));
        Ok(slowed)
    }

    /// Forgets failures past counting and addresses long unused (the daily job).
    pub async fn forget_old_login_failures(&self, now: i64) -> Result<(), StoreError> {
        self.write_one(
            sqlx::query("DELETE FROM login_failures WHERE last_failed_at <= $1").bind(now - FORGET_MS),
        )
        .await?;
        self.write_one(
            sqlx::query("DELETE FROM login_addresses WHERE last_success_at <= $1")
                .bind(now - KNOWN_ADDRESS_MS),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_start_after_the_free_failures_double_and_are_capped() {
        let waits: Vec<i64> = (1..=9).map(wait_after).collect();
        assert_eq!(waits, [0, 0, 15_000, 30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
        assert_eq!(wait_after(i64::MAX), MAX_WAIT_MS);
    }
}

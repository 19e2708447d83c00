//! Logins and what hangs off them: accounts with argon2id password hashes,
//! sessions (kept as the SHA-256 of their id, so a copy of the database
//! opens none), and uploaded files (kept in the database, so every Sopir
//! process sharing a PostgreSQL sees them). Slowing down password guessing
//! is [`crate::login_throttle`]'s.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use engine::notice::NoticeKind;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::notice_delivery::Notice;
use crate::record_event::{Change, Owner};
use crate::{Store, StoreError, WriteTx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub person_id: String,
    pub agency_id: String,
    pub password_hash: String,
    /// Administers its agency in Sopir (people, positions, calendar, …).
    pub is_admin: bool,
    /// Creates and edits agencies, and the structure of each, across the
    /// installation.
    pub installation_admin: bool,
    /// When an administrator deactivated it: it signs in no more, and its
    /// sessions and API tokens stop (the person and their history stay).
    pub deactivated_at: Option<i64>,
}

impl Account {
    pub fn active(&self) -> bool {
        self.deactivated_at.is_none()
    }

    /// Whether it has a password at all: an account made by an import has
    /// none ([`NO_PASSWORD`]) until a reset gives it one.
    pub fn has_password(&self) -> bool {
        PasswordHash::new(&self.password_hash).is_ok()
    }
}

/// The password hash of an account that has no password yet (made by an
/// import, or reset by an administrator and not yet chosen): no password
/// matches it.
pub const NO_PASSWORD: &str = "!";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: String,
    /// The case it was submitted with.
    pub case: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub data: Vec<u8>,
    pub uploaded_by: String,
}

/// Checks a new username: lowercase letters, digits, `.`, `_` and `-`.
pub fn check_username(username: &str) -> Result<(), String> {
    let ok = !username.is_empty()
        && username.len() <= 64
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err("pakai huruf kecil, angka, titik, garis bawah atau tanda hubung (paling banyak 64)".into())
    }
}

/// argon2id with a random salt, PHC string.
pub fn hash_password(password: &str) -> String {
    // argon2id with the crate's recommended parameters and a random salt.
    let hash: PasswordHash =
        Argon2::default().hash_password(password.as_bytes()).expect("argon2 hashes any input");
    hash.to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// What a password is checked against for a username that does not exist:
/// a hash made with the same parameters as every new one (a test keeps them
/// equal), of a password nobody is told.
const NOBODY: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$e3zp+Tpube6Fm99bCLIJCg$da09UBCoKvkq0TEn8rliwv00tYQnmJvqDFp9rZxVZJ8";

/// Checks `password` against `hash`, or — for a username that does not
/// exist (`None`) — does the same work and says no, so the time taken does
/// not tell which names exist.
/// An account without a password ([`NO_PASSWORD`]) is checked the same
/// way, so neither does the time tell that it has none.
pub fn verify_password_or_dummy(password: &str, hash: Option<&str>) -> bool {
    let usable = hash.filter(|h| PasswordHash::new(h).is_ok());
    let matched = verify_password(password, usable.unwrap_or(NOBODY));
    matched && usable.is_some()
}

/// The SHA-256 of a long random secret (a session id, an API token), as
/// kept instead of the secret: a fast hash suffices, as nothing short can
/// be guessed from it.
pub(crate) fn secret_digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What deactivating an account brought about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deactivation {
    /// The open tasks the person could act on.
    pub open_tasks: Vec<String>,
    /// Who was told of them (person ids).
    pub told: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct WaitingTask {
    task: String,
    case_id: String,
    number: String,
    step: i64,
    position: String,
    others: i64,
}

/// Ends everything that lets `username` in without its password — its
/// sessions, API tokens and pending password resets — inside `tx`.
pub(crate) async fn end_access(tx: &mut WriteTx, username: &str, at: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE username = $1").bind(username).execute(&mut **tx).await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE username = $2 AND revoked_at IS NULL")
        .bind(at)
        .bind(username)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE password_resets SET spent_at = $1 WHERE username = $2 AND spent_at IS NULL")
        .bind(at)
        .bind(username)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts one uploaded file.
pub(crate) async fn insert_attachment<'e, E>(
    executor: E,
    id: &str,
    agency: &str,
    case: Option<&str>,
    by: &str,
    upload: &crate::cases::Upload,
    at: i64,
) -> Result<(), StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sha: String = Sha256::digest(&upload.data).iter().map(|b| format!("{b:02x}")).collect();
    sqlx::query(
        "INSERT INTO attachments (id, agency_id, uploaded_by, case_id, filename, content_type, size, sha256, data, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(agency)
    .bind(by)
    .bind(case)
    .bind(&upload.filename)
    .bind(&upload.content_type)
    .bind(upload.data.len() as i64)
    .bind(&sha)
    .bind(upload.data.clone())
    .bind(at)
    .execute(executor)
    .await?;
    Ok(())
}

pub(crate) fn account_from(row: &sqlx::any::AnyRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        username: row.try_get("username")?,
        person_id: row.try_get("person_id")?,
        agency_id: row.try_get("agency_id")?,
        password_hash: row.try_get("password_hash")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        installation_admin: row.try_get::<i64, _>("installation_admin")? != 0,
        deactivated_at: row.try_get("deactivated_at")?,
    })
}

impl Store {
    /// Creates a login for a person of `agency`.
    pub async fn add_account(
        &self,
        agency: &str,
        username: &str,
        person: &str,
        password_hash: &str,
        is_admin: bool,
        at: i64,
    ) -> Result<(), StoreError> {
        if self.account(username).await?.is_some() {
            return Err(StoreError::AlreadyExists(format!("nama pengguna {username}")));
        }
        let insert = sqlx::query(
            "INSERT INTO accounts (username, person_id, agency_id, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(username)
        .bind(person)
        .bind(agency)
        .bind(password_hash)
        .bind(i64::from(is_admin))
        .bind(at);
        self.write_recorded(
            insert,
            Owner::Agency(agency),
            None,
            Change::AccountAdded { account: username.into(), person: person.into(), admin: is_admin },
            at,
        )
        .await?;
        Ok(())
    }

    /// Lets `username` create and edit agencies across the installation;
    /// `by`: who says so (`None`: the operator at the command line).
    pub async fn grant_installation_admin(
        &self,
        username: &str,
        by: Option<&str>,
        at: i64,
    ) -> Result<(), StoreError> {
        if self.account(username).await?.is_none() {
            return Err(StoreError::NotFound(format!("akun {username}")));
        }
        let update = sqlx::query(
            "UPDATE accounts SET installation_admin = 1 WHERE username = $1 AND installation_admin = 0",
        )
        .bind(username);
        let change = Change::InstallationAdminGranted { account: username.into() };
        self.write_recorded(update, Owner::AccountOf(username), by, change, at).await?;
        Ok(())
    }

    /// The logins of `agency`'s people, by username.
    pub async fn accounts(&self, agency: &str) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query(
            "SELECT username, person_id, agency_id, password_hash, is_admin, installation_admin, deactivated_at FROM accounts
             WHERE agency_id = $1 ORDER BY username",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(account_from).collect::<Result<_, _>>()?)
    }

    pub async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(
            "SELECT username, person_id, agency_id, password_hash, is_admin, installation_admin, deactivated_at FROM accounts WHERE username = $1",
        )
        .bind(username).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(account_from).transpose()?)
    }

    /// Sets a new password hash and ends every session and API token of
    /// the account: whoever knew the old password keeps nothing made with it.
    pub async fn set_password(&self, username: &str, password_hash: &str, at: i64) -> Result<(), StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            sqlx::query("UPDATE accounts SET password_hash = $1 WHERE username = $2")
                .bind(password_hash)
                .bind(username)
                .execute(&mut **tx)
                .await?;
            end_access(tx, username, at).await?;
            let change = Change::PasswordChanged { account: username.into() };
            crate::record_event::append(tx, Owner::AccountOf(username), None, change, at).await
        }
        .await;
        write.finish(result).await
    }

    /// Deactivates `username`, an account of `agency`, for `by` (an
    /// administrator's person id): it signs in no more, its sessions end,
    /// its API tokens and pending resets are revoked; the person, their
    /// cases and events stay. Each open task the person may act on is told
    /// to the holders of the position theirs reports to (the head of their
    /// unit, by the organisation's chain; the agency's head where the chain
    /// ends; `by` when the head is the one deactivated), since it may now
    /// wait for nobody. Deactivating an inactive
    /// account changes nothing.
    pub async fn deactivate_account(
        &self,
        agency: &str,
        username: &str,
        by: &str,
        at: i64,
    ) -> Result<Deactivation, StoreError> {
        let account = self.agency_account(agency, username).await?;
        if !account.active() {
            return Ok(Deactivation::default());
        }
        let org = self.organisation(agency).await?;
        let profile = self.agency(agency).await?;
        let today = jiff::Timestamp::from_millisecond(at)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .to_zoned(crate::report_months::zone_of(&profile.timezone))
            .date();
        let person = account.person_id.clone();
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let changed = sqlx::query(
                "UPDATE accounts SET deactivated_at = $1 WHERE username = $2 AND agency_id = $3 AND deactivated_at IS NULL",
            )
            .bind(at)
            .bind(username)
            .bind(agency)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Ok(Deactivation::default());
            }
            end_access(tx, username, at).await?;
            let change = Change::AccountDeactivated { account: username.into(), person: person.clone() };
            crate::record_event::append(tx, Owner::Agency(agency), Some(by), change, at).await?;
            let waiting: Vec<WaitingTask> = sqlx::query_as(
                "SELECT t.id AS task, t.case_id, c.number, t.step, k.position,
                        (SELECT COUNT(DISTINCT k2.person_id) FROM task_candidates k2
                         WHERE k2.task_id = t.id AND k2.person_id <> $2) AS others
                 FROM task_candidates k JOIN tasks t ON t.id = k.task_id JOIN cases c ON c.id = t.case_id
                 WHERE k.person_id = $2 AND k.is_open = 1 AND t.status = 'open' AND t.agency_id = $1
                 ORDER BY c.number, t.step, k.position",
            )
            .bind(agency)
            .bind(&person)
            .fetch_all(&mut **tx)
            .await?;
            let mut outcome = Deactivation::default();
            let name = org.name(&person);
            for task in &waiting {
                // A person holding two positions on one task is one candidate.
                if outcome.open_tasks.iter().any(|t| t == &task.task) {
                    continue;
                }
                outcome.open_tasks.push(task.task.clone());
                let candidate = engine::Candidate {
                    person: person.clone(),
                    position: task.position.clone(),
                    acting: None,
                    acting_for: None,
                };
                let others = if task.others > 0 {
                    "Pelaksana lain masih dapat menyelesaikannya."
                } else {
                    "Tidak ada pelaksana lain: tugas ini menunggu sampai ditangani."
                };
                let message = format!(
                    "Akun {name} dinonaktifkan, padahal langkah {} permohonan {} menunggunya. {others}",
                    task.step, task.number
                );
                let mut heads = org.escalation_chain(std::slice::from_ref(&candidate), 1, today);
                if heads.is_empty() {
                    // The agency's head themself: nobody is above, so the
                    // administrator who deactivated them hears of it.
                    heads.push(by.to_string());
                }
                for head in heads {
                    let notice = Notice::new(agency, &head, &task.case_id, NoticeKind::Oversight, &message, at);
                    self.notify(tx, notice).await?;
                    if !outcome.told.contains(&head) {
                        outcome.told.push(head);
                    }
                }
            }
            Ok(outcome)
        }
        .await;
        write.finish(result).await
    }

    /// Lets a deactivated account of `agency` sign in again (with the
    /// password it had; its ended sessions and tokens stay ended).
    pub async fn reactivate_account(
        &self,
        agency: &str,
        username: &str,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        self.agency_account(agency, username).await?;
        let update = sqlx::query(
            "UPDATE accounts SET deactivated_at = NULL WHERE username = $1 AND agency_id = $2 AND deactivated_at IS NOT NULL",
        )
        .bind(username)
        .bind(agency);
        let change = Change::AccountReactivated { account: username.into() };
        self.write_recorded(update, Owner::Agency(agency), Some(by), change, at).await?;
        Ok(())
    }

    /// The account `username` if it is `agency`'s.
    pub async fn agency_account(&self, agency: &str, username: &str) -> Result<Account, StoreError> {
        self.account(username)
            .await?
            .filter(|a| a.agency_id == agency)
            .ok_or_else(|| StoreError::NotFound(format!("akun {username}")))
    }

    /// Opens a session whose id (the cookie's value) is `id`; only its
    /// SHA-256 is kept.
    pub async fn create_session(
        &self,
        id: &str,
        username: &str,
        at: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(at).execute(&self.pool).await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(secret_digest(id))
        .bind(username)
        .bind(at)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account of the live session whose id is `id`.
    pub async fn session(&self, id: &str, now: i64) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(
            "SELECT a.username, a.person_id, a.agency_id, a.password_hash, a.is_admin, a.installation_admin, a.deactivated_at
             FROM sessions s JOIN accounts a ON a.username = s.username
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND a.deactivated_at IS NULL",
        )
        .bind(secret_digest(id))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(account_from).transpose()?)
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(secret_digest(id))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A file of `agency`.
    pub async fn attachment(&self, agency: &str, id: &str) -> Result<Option<Attachment>, StoreError> {
        let row = sqlx::query(
            "SELECT id, case_id, filename, content_type, size, sha256, data, uploaded_by FROM attachments WHERE agency_id = $1 AND id = $2",
        )
        .bind(agency)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(Attachment {
                id: r.try_get("id")?,
                case: r.try_get("case_id")?,
                filename: r.try_get("filename")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                sha256: r.try_get("sha256")?,
                data: r.try_get("data")?,
                uploaded_by: r.try_get("uploaded_by")?,
            }),
            None => None,
        })
    }

    /// Whether `person` may see `case`: its requester or the employee it was filed for, anyone a task of it
    /// was ever assigned to, or an administrator of the agency. (Only the
    /// case row is matched on the agency: its tasks are found by the case
    /// alone, so the planner cannot choose to walk the agency's tasks.)
    /// Where the case is read anyway, [`Store::case_seen_by`] answers the
    /// same from the case itself.
    pub async fn may_see_case(
        &self,
        agency: &str,
        case: &str,
        person: &str,
        is_admin: bool,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM cases WHERE id = $1 AND agency_id = $2) AS exists_here,
                    (SELECT COUNT(*) FROM cases WHERE id = $1 AND agency_id = $2
                       AND (requester_id = $3 OR on_behalf_id = $3)) AS own,
                    (SELECT COUNT(*) FROM tasks t WHERE t.case_id = $1
                       AND EXISTS (SELECT 1 FROM task_candidates k WHERE k.task_id = t.id AND k.person_id = $3))
                      AS assigned",
        )
        .bind(case)
        .bind(agency)
        .bind(person)
        .fetch_one(&self.hot)
        .await?;
        let exists: i64 = row.try_get("exists_here")?;
        let own: i64 = row.try_get("own")?;
        let assigned: i64 = row.try_get("assigned")?;
        Ok(exists > 0 && (is_admin || own > 0 || assigned > 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_are_checked_with_the_parameters_of_new_hashes() {
        let params = |hash: &str| hash.rsplitn(3, '$').nth(2).map(str::to_string);
        assert_eq!(params(NOBODY), params(&hash_password("x")));
        assert!(PasswordHash::new(NOBODY).is_ok());
        assert!(!verify_password_or_dummy("sopir: no account has this password", None));
        assert!(verify_password_or_dummy("x", Some(&hash_password("x"))));
    }

    /// An account without a password ("!", as an import makes it) takes a
    /// password check's time like any other, or the time would tell that
    /// the account exists and has none.
    #[test]
    fn an_account_without_a_password_costs_a_whole_check() {
        let hash = hash_password("rahasia-123");
        let fastest = |hash: &str| {
            (0..3)
                .map(|_| {
                    let started = std::time::Instant::now();
                    assert!(!verify_password_or_dummy("tebakan", Some(hash)));
                    started.elapsed()
                })
                .min()
                .unwrap()
        };
        let (real, none) = (fastest(&hash), fastest(NO_PASSWORD));
        assert!(none * 4 > real, "no password: {none:?}, a real hash: {real:?}");
    }
}

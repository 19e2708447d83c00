//! One-time password resets: a link sent by e-mail (asked for by the
//! account's owner — "lupa kata sandi" — or by an administrator) or a code
//! an administrator is shown once and passes on. Only the SHA-256 of each
//! secret is kept; a reset is spent when used, when a newer one replaces
//! it, or when the account's access ends, and it expires. An owner's
//! request never ends the old password (anyone may ask in their name); an
//! administrator's does, with every session and token.

use sqlx::Row;

use crate::accounts::{end_access, secret_digest};
use crate::record_event::{Change, Owner, append};
use crate::{Account, NO_PASSWORD, Store, StoreError, WriteTx};

/// How long a link an administrator had sent stays usable.
pub const ADMIN_LINK_MS: i64 = 24 * 60 * 60_000;
/// How long a code an administrator was shown stays usable.
pub const CODE_MS: i64 = 24 * 60 * 60_000;
/// How long a link the owner asked for stays usable: they are waiting for it.
pub const OWNER_LINK_MS: i64 = 60 * 60_000;
/// Links an owner may ask for per account in [`OWNER_WINDOW_MS`]; further
/// requests are answered the same and send nothing.
pub const OWNER_LINKS_PER_WINDOW: i64 = 3;
pub const OWNER_WINDOW_MS: i64 = 60 * 60_000;
/// Accounts one request may reach (people sharing an address).
const ACCOUNTS_PER_REQUEST: i64 = 5;

/// How a reset reaches its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetKind {
    /// A link sent by e-mail.
    Link,
    /// A code shown once to an administrator.
    Code,
}

impl ResetKind {
    pub const ALL: [ResetKind; 2] = [ResetKind::Code, ResetKind::Link];

    pub fn as_str(self) -> &'static str {
        match self {
            ResetKind::Link => "link",
            ResetKind::Code => "code",
        }
    }
}

impl TryFrom<String> for ResetKind {
    type Error = StoreError;
    fn try_from(text: String) -> Result<ResetKind, StoreError> {
        match text.as_str() {
            "link" => Ok(ResetKind::Link),
            "code" => Ok(ResetKind::Code),
            other => Err(StoreError::Corrupt(format!("jenis pemulihan kata sandi \"{other}\""))),
        }
    }
}

/// A reset that may still be used.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingReset {
    pub username: String,
    #[sqlx(try_from = "String")]
    pub kind: ResetKind,
    pub expires_at: i64,
}

/// A secret long enough that its SHA-256 need not be slow: 256 random bits.
pub fn new_link_secret() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Letters of a code: no 0/O, 1/I/L or U, so it is read out and typed without doubt.
const CODE_LETTERS: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
/// Characters of a code: 16 of 30 letters, some 78 random bits.
const CODE_CHARS: usize = 16;

/// A new one-time code, in groups of four (`ABCD-EFGH-…`).
pub fn new_code() -> String {
    // 122 random bits (6 of the 128 are the version's): far more than the
    // code's 78, so its letters come out evenly.
    let mut left = uuid::Uuid::new_v4().as_u128();
    let mut code = String::new();
    for i in 0..CODE_CHARS {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(CODE_LETTERS[(left % CODE_LETTERS.len() as u128) as usize]));
        left /= CODE_LETTERS.len() as u128;
    }
    code
}

/// A code as typed — any case, with or without dashes and spaces — in the
/// form its digest was made of; `None` if it cannot be a code.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == CODE_CHARS && code.bytes().all(|b| CODE_LETTERS.contains(&b))).then_some(code)
}

/// The mail that carries a link.
fn link_mail(account: &Account, name: &str, url: &str, valid_ms: i64, by_admin: bool) -> (String, String) {
    let hours = valid_ms / 3_600_000;
    let why = if by_admin {
        "Administrator Sopir instansi Anda mengatur ulang kata sandi akun Anda."
    } else {
        "Seseorang (semoga Anda) meminta tautan untuk mengatur ulang kata sandi Sopir Anda."
    };
    let ignore = if by_admin {
        "Kata sandi lama tidak berlaku lagi."
    } else {
        "Jika Anda tidak memintanya, abaikan pesan ini: kata sandi Anda tidak berubah."
    };
    (
        "Sopir: atur kata sandi baru".to_string(),
        format!(
            "Yth. {name},\n\n{why}\n\nNama pengguna: {}\nBuka tautan ini untuk memilih kata sandi baru (berlaku {hours} jam, sekali pakai):\n{url}\n\n{ignore}",
            account.username
        ),
    )
}

/// An administrator `by` resets `username`, an account of `agency`, at
/// `at`, with the one-time `secret` of `kind`; a link is `link_base` +
/// `secret` (the public address; without one, only a code can be given).
#[derive(Debug, Clone, Copy)]
pub struct ResetPassword<'a> {
    pub agency: &'a str,
    pub username: &'a str,
    pub kind: ResetKind,
    pub secret: &'a str,
    pub link_base: Option<&'a str>,
    pub by: &'a str,
    pub at: i64,
}

impl Store {
    /// Enqueues `subject`/`body` to the person's address whatever their
    /// notification choice (they asked for it, or must know); `false` if
    /// they have no address.
    async fn enqueue_account_mail(
        &self,
        tx: &mut WriteTx,
        account: &Account,
        subject: &str,
        body: &str,
        at: i64,
    ) -> Result<bool, StoreError> {
        let to: Option<Option<String>> =
            sqlx::query_scalar("SELECT email FROM people WHERE id = $1 AND agency_id = $2")
                .bind(&account.person_id)
                .bind(&account.agency_id)
                .fetch_optional(&mut **tx)
                .await?;
        let Some(to) = to.flatten().filter(|e| !e.is_empty()) else { return Ok(false) };
        sqlx::query(
            "INSERT INTO outbox (id, agency_id, person_id, to_address, subject, body, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(crate::new_id())
        .bind(&account.agency_id)
        .bind(&account.person_id)
        .bind(to)
        .bind(subject)
        .bind(format!("{body}\n\n—\nPesan ini dikirim otomatis oleh Sopir."))
        .bind(at)
        .execute(&mut **tx)
        .await?;
        Ok(true)
    }

    /// An administrator resets an account (see [`ResetPassword`]):
    /// its password, sessions, tokens and earlier resets end, and a
    /// one-time `secret` is kept — a code the administrator is shown
    /// ([`ResetKind::Code`]), or a link `link_base` + secret mailed to the
    /// person ([`ResetKind::Link`], refused if they have no address).
    /// Refused for a deactivated account.
    pub async fn reset_password_by_admin(&self, reset: ResetPassword<'_>) -> Result<(), StoreError> {
        let ResetPassword { agency, username, kind, secret, link_base, by, at } = reset;
        let account = self.agency_account(agency, username).await?;
        if !account.active() {
            return Err(StoreError::NotPermitted(format!("akun {username} nonaktif; aktifkan dulu")));
        }
        let name = self.organisation(agency).await?.name(&account.person_id);
        let (digest, valid_ms) = match kind {
            ResetKind::Code => {
                let code = normalise_code(secret)
                    .ok_or_else(|| StoreError::Corrupt("kode pemulihan tidak sah".into()))?;
                (secret_digest(&code), CODE_MS)
            }
            ResetKind::Link => (secret_digest(secret), ADMIN_LINK_MS),
        };
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            if kind == ResetKind::Link {
                let base = link_base.ok_or_else(|| {
                    StoreError::invalid(
                        "kind",
                        "Cara",
                        "alamat publik Sopir belum diatur (--public-url), jadi tautan tidak dapat dikirim; pakai kode sekali pakai",
                    )
                })?;
                let (subject, body) =
                    link_mail(&account, &name, &format!("{base}{secret}"), valid_ms, true);
                if !self.enqueue_account_mail(tx, &account, &subject, &body, at).await? {
                    return Err(StoreError::invalid(
                        "kind",
                        "Cara",
                        "pegawai ini belum punya alamat e-mail; isi e-mailnya dulu atau pakai kode sekali pakai",
                    ));
                }
            }
            end_access(tx, username, at).await?;
            sqlx::query("UPDATE accounts SET password_hash = $1 WHERE username = $2")
                .bind(NO_PASSWORD)
                .bind(username)
                .execute(&mut **tx)
                .await?;
            insert_reset(tx, &digest, username, kind, Some(by), at, at + valid_ms).await?;
            let change = Change::PasswordResetIssued { account: username.into(), kind: kind.as_str().into() };
            append(tx, Owner::Agency(agency), Some(by), change, at).await
        }
        .await;
        write.finish(result).await
    }

    /// "Lupa kata sandi": mails a link (`link_base` + a new secret) to every
    /// active account whose username is `who` or whose person's address is
    /// `who`, unless that account had [`OWNER_LINKS_PER_WINDOW`] links
    /// lately or is an installation administrator's. The old password keeps working until a link is used. Returns
    /// how many links were mailed — for tests and logs only: the asker is
    /// told the same whatever it is.
    pub async fn request_password_reset(
        &self,
        who: &str,
        link_base: &str,
        at: i64,
    ) -> Result<usize, StoreError> {
        let who = who.trim();
        if who.is_empty() || who.len() > 254 {
            return Ok(0);
        }
        let rows = sqlx::query(
            "SELECT a.username FROM accounts a JOIN people p ON p.id = a.person_id
             WHERE (a.username = $1 OR p.email = $1) AND a.deactivated_at IS NULL
               AND p.email IS NOT NULL AND p.email <> ''
             ORDER BY a.username LIMIT $2",
        )
        .bind(who.to_lowercase())
        .bind(ACCOUNTS_PER_REQUEST)
        .fetch_all(&self.pool)
        .await?;
        let mut sent = 0;
        for row in rows {
            let username: String = row.try_get("username")?;
            let Some(account) = self.account(&username).await? else { continue };
            // An agency's administrators may change its people's addresses,
            // so a link mailed there could make one of them the
            // installation's administrator: that login is reset by another
            // installation administrator instead.
            if account.installation_admin {
                continue;
            }
            let name = self.organisation(&account.agency_id).await?.name(&account.person_id);
            let secret = new_link_secret();
            let (subject, body) =
                link_mail(&account, &name, &format!("{link_base}{secret}"), OWNER_LINK_MS, false);
            let mut write = self.write().await?;
            let tx = write.tx();
            let result = async {
                let recent: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM password_resets
                     WHERE username = $1 AND requested_by IS NULL AND created_at > $2",
                )
                .bind(&username)
                .bind(at - OWNER_WINDOW_MS)
                .fetch_one(&mut **tx)
                .await?;
                if recent >= OWNER_LINKS_PER_WINDOW
                    || !self.enqueue_account_mail(tx, &account, &subject, &body, at).await?
                {
                    return Ok(false);
                }
                // The newest link is the one that works.
                sqlx::query(
                    "UPDATE password_resets SET spent_at = $1 WHERE username = $2 AND spent_at IS NULL AND requested_by IS NULL",
                )
                .bind(at)
                .bind(&username)
                .execute(&mut **tx)
                .await?;
                insert_reset(tx, &secret_digest(&secret), &username, ResetKind::Link, None, at, at + OWNER_LINK_MS)
                    .await?;
                let change =
                    Change::PasswordResetIssued { account: username.clone(), kind: ResetKind::Link.as_str().into() };
                append(tx, Owner::AccountOf(&username), None, change, at).await?;
                Ok(true)
            }
            .await;
            if write.finish(result).await? {
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// The reset whose secret is `secret` (a link's, or a code as typed), if
    /// it is unspent, unexpired and its account active.
    pub async fn pending_reset(&self, secret: &str, now: i64) -> Result<Option<PendingReset>, StoreError> {
        let secret = normalise_code(secret).unwrap_or_else(|| secret.to_string());
        Ok(sqlx::query_as(
            "SELECT r.username, r.kind, r.expires_at FROM password_resets r JOIN accounts a ON a.username = r.username
             WHERE r.token_hash = $1 AND r.spent_at IS NULL AND r.expires_at > $2 AND a.deactivated_at IS NULL",
        )
        .bind(secret_digest(&secret))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Uses the reset whose secret is `secret` to set `password_hash`: the
    /// reset is spent, and every session, token and other reset of the
    /// account ends. Returns the account's username; refused (not found)
    /// if the reset is spent, expired or its account inactive — of two
    /// uses at once, one wins.
    pub async fn use_password_reset(
        &self,
        secret: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let gone = || StoreError::NotFound("tautan atau kode pemulihan".into());
        let pending = self.pending_reset(secret, now).await?.ok_or_else(gone)?;
        let secret = normalise_code(secret).unwrap_or_else(|| secret.to_string());
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let spent = sqlx::query(
                "UPDATE password_resets SET spent_at = $1
                 WHERE token_hash = $2 AND spent_at IS NULL AND expires_at > $1
                   AND EXISTS (SELECT 1 FROM accounts a WHERE a.username = password_resets.username AND a.deactivated_at IS NULL)",
            )
            .bind(now)
            .bind(secret_digest(&secret))
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if spent != 1 {
                return Err(gone());
            }
            end_access(tx, &pending.username, now).await?;
            sqlx::query("UPDATE accounts SET password_hash = $1 WHERE username = $2")
                .bind(password_hash)
                .bind(&pending.username)
                .execute(&mut **tx)
                .await?;
            let change =
                Change::PasswordResetUsed { account: pending.username.clone(), kind: pending.kind.as_str().into() };
            append(tx, Owner::AccountOf(&pending.username), None, change, now).await?;
            Ok(pending.username.clone())
        }
        .await;
        write.finish(result).await
    }
}

async fn insert_reset(
    tx: &mut WriteTx,
    digest: &str,
    username: &str,
    kind: ResetKind,
    by: Option<&str>,
    at: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO password_resets (token_hash, username, kind, requested_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(digest)
    .bind(username)
    .bind(kind.as_str())
    .bind(by)
    .bind(at)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_unambiguous_letters_in_groups_and_read_back_however_typed() {
        let code = new_code();
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(code.matches('-').count(), 3);
        let bare = normalise_code(&code).unwrap();
        assert_eq!(normalise_code(&code.to_lowercase().replace('-', " ")), Some(bare.clone()));
        assert!(!bare.contains(['0', 'O', '1', 'I', 'L', 'U']));
        assert_ne!(new_code(), code);
        assert_eq!(normalise_code("sopir-demo"), None);
        assert_eq!(normalise_code(&new_link_secret()), None);
    }
}

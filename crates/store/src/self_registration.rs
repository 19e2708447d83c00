//! Self-registration of OPD staff: a sign-up (NIP, name, OPD unit, e-mail,
//! password) is held apart from the organisation until its e-mail is
//! confirmed by a single-use, expiring link and an administrator of the
//! agency approves it; only then does it become a person, a login (the NIP
//! is the username) and holdings of the positions the agency's SOPs let
//! request a service. A refused or never-approved sign-up expires. Nothing
//! here tells whoever signs up whether a NIP or address is already known:
//! that is said only by mail, to the address.

use engine::form::FieldError;
use engine::organisation::Holding;
use sop::organisation::UnitKind;

use crate::accounts::secret_digest;
use crate::record_event::{Change, Owner, append};
use crate::{Store, StoreError, WriteTx, new_id};

/// How long a confirmation link stays usable.
pub const CONFIRM_MS: i64 = 48 * 60 * 60_000;
/// How long a confirmed sign-up waits for approval before it expires.
pub const APPROVAL_MS: i64 = 14 * 24 * 60 * 60_000;
/// Longest reason for a refusal.
pub const MAX_REASON_CHARS: usize = 500;

/// What someone typed to sign up, checked by [`Store::check_registration`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    pub agency: String,
    pub nip: String,
    pub name: String,
    pub unit: String,
    pub email: String,
}

/// A sign-up waiting for its e-mail or for approval.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Registration {
    pub id: String,
    pub agency_id: String,
    pub nip: String,
    pub name: String,
    pub unit_id: String,
    pub email: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub expires_at: i64,
}

/// What became of a sign-up's request — for tests and logs only: whoever
/// signed up is told the same whatever it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    /// A confirmation link was mailed.
    LinkMailed,
    /// The NIP or address is already known; the address was told so.
    AlreadyKnown,
}

/// What approving a sign-up made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approved {
    pub person: String,
    pub username: String,
    pub positions: Vec<String>,
}

fn footer(body: &str) -> String {
    format!("{body}\n\n—\nPesan ini dikirim otomatis oleh Sopir.")
}

impl Store {
    /// Checks a sign-up field by field, as typed; returns it cleaned (the
    /// NIP's digits, the address in lower case). Refused with every field's
    /// problem at once.
    pub async fn check_registration(&self, typed: &NewRegistration) -> Result<NewRegistration, StoreError> {
        let mut errors = Vec::new();
        let nip = match engine::form::check_nip(&typed.nip) {
            Ok(nip) => nip,
            Err(e) => {
                errors.push(FieldError::new("nip", "NIP", e));
                String::new()
            }
        };
        let name = typed.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new("name", "Nama lengkap", "wajib diisi"));
        } else if name.chars().count() > crate::organisation::MAX_PERSON_NAME_CHARS {
            errors.push(FieldError::new(
                "name",
                "Nama lengkap",
                format!("paling banyak {} karakter", crate::organisation::MAX_PERSON_NAME_CHARS),
            ));
        }
        let opd = self
            .units(&typed.agency)
            .await?
            .into_iter()
            .any(|u| u.id == typed.unit && u.kind == UnitKind::Opd);
        if !opd {
            errors.push(FieldError::new("unit", "Unit kerja", "pilih OPD Anda dari daftar"));
        }
        let email = typed.email.trim().to_lowercase();
        if email.is_empty() {
            errors.push(FieldError::new("email", "E-mail", "wajib diisi"));
        } else if let Err(e) = engine::form::check_email(&email) {
            errors.push(FieldError::new("email", "E-mail", e));
        }
        if !errors.is_empty() {
            return Err(StoreError::Engine(engine::EngineError::Invalid(errors)));
        }
        Ok(NewRegistration { agency: typed.agency.clone(), nip, name, unit: typed.unit.clone(), email })
    }

    /// Holds a checked sign-up and mails `link_base` + `secret` to its
    /// address to confirm it — unless its NIP or address is already a
    /// person's, a login's or another live sign-up's of the agency: then
    /// nothing is held and the address is told so (with the way to a new
    /// password), so only its owner learns it.
    pub async fn register(
        &self,
        new: &NewRegistration,
        password_hash: &str,
        secret: &str,
        link_base: &str,
        at: i64,
    ) -> Result<Registered, StoreError> {
        let new = self.check_registration(new).await?;
        let agency = self.agency(&new.agency).await?;
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let known: i64 = sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM people WHERE agency_id = $1 AND (nip = $2 OR email = $3))
                      + (SELECT COUNT(*) FROM accounts WHERE username = $2)
                      + (SELECT COUNT(*) FROM registrations WHERE agency_id = $1 AND (nip = $2 OR email = $3) AND expires_at > $4)",
            )
            .bind(&new.agency)
            .bind(&new.nip)
            .bind(&new.email)
            .bind(at)
            .fetch_one(&mut **tx)
            .await?;
            let (outcome, subject, body) = if known > 0 {
                let body = format!(
                    "Seseorang (semoga Anda) mendaftar di Sopir {} dengan NIP {} atau alamat ini, yang sudah terdaftar atau sedang menunggu.\n\nJika Anda sudah punya akun, masuk dengan NIP Anda sebagai nama pengguna, atau pilih \"Lupa kata sandi\" di halaman masuk. Jika Anda tidak mendaftar, abaikan pesan ini.",
                    agency.name, new.nip
                );
                (Registered::AlreadyKnown, "Sopir: pendaftaran tidak diteruskan", body)
            } else {
                sqlx::query(
                    "INSERT INTO registrations (id, agency_id, nip, name, unit_id, email, password_hash, token_hash, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(new_id())
                .bind(&new.agency)
                .bind(&new.nip)
                .bind(&new.name)
                .bind(&new.unit)
                .bind(&new.email)
                .bind(password_hash)
                .bind(secret_digest(secret))
                .bind(at)
                .bind(at + CONFIRM_MS)
                .execute(&mut **tx)
                .await?;
                let body = format!(
                    "Yth. {},\n\nAnda mendaftar di Sopir {} untuk mengajukan layanan. Buka tautan ini untuk memastikan alamat e-mail Anda (berlaku {} jam, sekali pakai):\n{link_base}{secret}\n\nSetelah itu pendaftaran Anda menunggu persetujuan administrator. Jika Anda tidak mendaftar, abaikan pesan ini.",
                    new.name,
                    agency.name,
                    CONFIRM_MS / 3_600_000
                );
                (Registered::LinkMailed, "Sopir: pastikan alamat e-mail Anda", body)
            };
            enqueue_to_address(tx, &new.agency, &new.email, subject, &body, at).await?;
            Ok(outcome)
        }
        .await;
        write.finish(result).await
    }

    /// The unconfirmed sign-up whose link's secret is `secret`, if its link
    /// is unused and unexpired.
    pub async fn unconfirmed_registration(
        &self,
        secret: &str,
        now: i64,
    ) -> Result<Option<Registration>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, agency_id, nip, name, unit_id, email, created_at, confirmed_at, expires_at FROM registrations
             WHERE token_hash = $1 AND confirmed_at IS NULL AND expires_at > $2",
        )
        .bind(secret_digest(secret))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Confirms the address of the sign-up whose link's secret is
    /// `secret`: the link is spent, the sign-up waits [`APPROVAL_MS`] for
    /// approval, and the agency's administrators are told by mail. Refused
    /// (not found) for a used, expired or unknown link — of two uses at
    /// once, one wins.
    pub async fn confirm_registration(&self, secret: &str, now: i64) -> Result<Registration, StoreError> {
        let gone = || StoreError::NotFound("tautan pendaftaran".into());
        let registration = self.unconfirmed_registration(secret, now).await?.ok_or_else(gone)?;
        let unit_name = self
            .units(&registration.agency_id)
            .await?
            .into_iter()
            .find(|u| u.id == registration.unit_id)
            .map_or_else(|| registration.unit_id.clone(), |u| u.name);
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let spent = sqlx::query(
                "UPDATE registrations SET token_hash = NULL, confirmed_at = $1, expires_at = $2
                 WHERE token_hash = $3 AND confirmed_at IS NULL AND expires_at > $1",
            )
            .bind(now)
            .bind(now + APPROVAL_MS)
            .bind(secret_digest(secret))
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if spent == 0 {
                return Err(gone());
            }
            let admins: Vec<String> = sqlx::query_scalar(
                "SELECT person_id FROM accounts WHERE agency_id = $1 AND is_admin = 1 AND deactivated_at IS NULL ORDER BY username",
            )
            .bind(&registration.agency_id)
            .fetch_all(&mut **tx)
            .await?;
            let message = format!(
                "Pendaftaran baru menunggu persetujuan: {} (NIP {}), {}. Setujui atau tolak di halaman Pendaftaran (/admin/pendaftaran) sebelum {} hari.",
                registration.name,
                registration.nip,
                unit_name,
                APPROVAL_MS / 86_400_000
            );
            for admin in admins {
                self.enqueue_mail(tx, &registration.agency_id, &admin, "Sopir: pendaftaran baru", &message, now)
                    .await?;
            }
            Ok(())
        }
        .await;
        write.finish(result).await?;
        Ok(Registration { confirmed_at: Some(now), expires_at: now + APPROVAL_MS, ..registration })
    }

    /// `agency`'s confirmed sign-ups waiting for approval, oldest first.
    pub async fn pending_registrations(
        &self,
        agency: &str,
        now: i64,
    ) -> Result<Vec<Registration>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, agency_id, nip, name, unit_id, email, created_at, confirmed_at, expires_at FROM registrations
             WHERE agency_id = $1 AND confirmed_at IS NOT NULL AND expires_at > $2 ORDER BY confirmed_at, id",
        )
        .bind(agency)
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn pending_registration(
        &self,
        agency: &str,
        id: &str,
        now: i64,
    ) -> Result<Registration, StoreError> {
        self.pending_registrations(agency, now)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| StoreError::NotFound(format!("pendaftaran {id}")))
    }

    /// An administrator of `agency` (`by`, a person id) approves a
    /// confirmed sign-up: it becomes a person of its unit with its address,
    /// a login named by its NIP with the password it chose, and holdings
    /// (from `today`) of every position a requester lane of the agency's
    /// SOPs names that is not a position of the Dinas's own units — so they
    /// may request those services. Refused if no SOP names such a position,
    /// or if the NIP became a person or login meanwhile.
    pub async fn approve_registration(
        &self,
        agency: &str,
        id: &str,
        by: &str,
        today: jiff::civil::Date,
        now: i64,
    ) -> Result<Approved, StoreError> {
        let registration = self.pending_registration(agency, id, now).await?;
        let positions = self.requester_positions(agency).await?;
        if positions.is_empty() {
            return Err(StoreError::NotPermitted(
                "tidak ada SOP instansi ini yang lajur pemohonnya menyebut jabatan di luar Dinas; tambahkan pegawai ini lewat editor organisasi".into(),
            ));
        }
        let taken: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM people WHERE agency_id = $1 AND nip = $2)
                  + (SELECT COUNT(*) FROM accounts WHERE username = $2)",
        )
        .bind(agency)
        .bind(&registration.nip)
        .fetch_one(&self.pool)
        .await?;
        if taken > 0 {
            return Err(StoreError::AlreadyExists(format!(
                "pegawai atau akun dengan NIP {}",
                registration.nip
            )));
        }
        let password_hash: String =
            sqlx::query_scalar("SELECT password_hash FROM registrations WHERE id = $1")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        let person = new_id();
        let username = registration.nip.clone();
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            take_registration(tx, agency, id).await?;
            sqlx::query("INSERT INTO people (id, agency_id, name, nip, unit_id, email) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&person)
                .bind(agency)
                .bind(&registration.name)
                .bind(&registration.nip)
                .bind(&registration.unit_id)
                .bind(&registration.email)
                .execute(&mut **tx)
                .await?;
            let saved = Change::PersonSaved {
                person: person.clone(),
                name: registration.name.clone(),
                nip: Some(registration.nip.clone()),
                unit: registration.unit_id.clone(),
            };
            append(tx, Owner::Agency(agency), Some(by), saved, now).await?;
            sqlx::query(
                "INSERT INTO accounts (username, person_id, agency_id, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, 0, $5)",
            )
            .bind(&username)
            .bind(&person)
            .bind(agency)
            .bind(&password_hash)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            let added = Change::AccountAdded { account: username.clone(), person: person.clone(), admin: false };
            append(tx, Owner::Agency(agency), Some(by), added, now).await?;
            for position in &positions {
                let holding = Holding {
                    person: person.clone(),
                    position: position.clone(),
                    from: today,
                    until: None,
                    acting: None,
                };
                sqlx::query(
                    "INSERT INTO holdings (id, agency_id, person_id, position, from_date) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(new_id())
                .bind(agency)
                .bind(&holding.person)
                .bind(&holding.position)
                .bind(holding.from.to_string())
                .execute(&mut **tx)
                .await?;
                let change = Change::HoldingAdded {
                    person: person.clone(),
                    position: position.clone(),
                    from: today.to_string(),
                    until: None,
                    acting: None,
                    acting_for: None,
                };
                append(tx, Owner::Agency(agency), Some(by), change, now).await?;
            }
            let change = Change::RegistrationApproved {
                registration: id.to_string(),
                person: person.clone(),
                account: username.clone(),
            };
            append(tx, Owner::Agency(agency), Some(by), change, now).await?;
            let body = format!(
                "Yth. {},\n\nPendaftaran Anda di Sopir disetujui. Masuk dengan NIP Anda ({username}) sebagai nama pengguna dan kata sandi yang Anda pilih saat mendaftar; Anda sekarang dapat mengajukan layanan.",
                registration.name
            );
            self.enqueue_mail(tx, agency, &person, "Sopir: pendaftaran disetujui", &body, now).await
        }
        .await;
        write.finish(result).await?;
        self.agency_changed(agency).await?;
        Ok(Approved { person, username, positions })
    }

    /// An administrator of `agency` (`by`) refuses a confirmed sign-up with
    /// `reason`, which is mailed to its address; the sign-up is removed.
    pub async fn refuse_registration(
        &self,
        agency: &str,
        id: &str,
        reason: &str,
        by: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid(
                "reason",
                "Alasan",
                "tuliskan alasan penolakan; pendaftar menerimanya",
            ));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(StoreError::invalid(
                "reason",
                "Alasan",
                format!("paling banyak {MAX_REASON_CHARS} karakter"),
            ));
        }
        let registration = self.pending_registration(agency, id, now).await?;
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            take_registration(tx, agency, id).await?;
            let change = Change::RegistrationRefused {
                registration: id.to_string(),
                nip: registration.nip.clone(),
                reason: reason.to_string(),
            };
            append(tx, Owner::Agency(agency), Some(by), change, now).await?;
            let body = format!(
                "Yth. {},\n\nPendaftaran Anda di Sopir tidak disetujui.\n\nAlasan: {reason}\n\nHubungi administrator Sopir instansi jika ada pertanyaan.",
                registration.name
            );
            enqueue_to_address(tx, agency, &registration.email, "Sopir: pendaftaran ditolak", &body, now).await
        }
        .await;
        write.finish(result).await
    }

    /// Removes the sign-ups whose link or wait for approval has expired;
    /// returns how many.
    pub async fn expire_registrations(&self, now: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM registrations WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// The positions [`engine::workflow::requester_positions`] of the
    /// agency's SOPs names, less those of the Dinas's own units.
    async fn requester_positions(&self, agency: &str) -> Result<Vec<String>, StoreError> {
        let org = self.organisation(agency).await?;
        let units = self.units(agency).await?;
        let mut found: Vec<String> = Vec::new();
        for id in self.sop_ids(agency).await? {
            let sop = self.sop(agency, &id, None).await?;
            for position in engine::workflow::requester_positions(&sop) {
                let outside = org.position(&position).is_some_and(|p| {
                    p.unit
                        .as_ref()
                        .is_none_or(|u| units.iter().any(|unit| &unit.id == u && unit.kind == UnitKind::Opd))
                });
                if outside && !found.contains(&position) {
                    found.push(position);
                }
            }
        }
        found.sort();
        Ok(found)
    }
}

/// Removes `agency`'s confirmed sign-up `id` as it is approved or refused:
/// not found when another administrator (or the expiry) took it first.
async fn take_registration(tx: &mut WriteTx, agency: &str, id: &str) -> Result<(), StoreError> {
    let gone = sqlx::query(
        "DELETE FROM registrations WHERE id = $1 AND agency_id = $2 AND confirmed_at IS NOT NULL",
    )
    .bind(id)
    .bind(agency)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if gone == 0 {
        return Err(StoreError::NotFound(format!("pendaftaran {id}")));
    }
    Ok(())
}

/// Enqueues a mail to an address that is nobody's yet (a sign-up's).
async fn enqueue_to_address(
    tx: &mut WriteTx,
    agency: &str,
    to: &str,
    subject: &str,
    body: &str,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (id, agency_id, person_id, to_address, subject, body, created_at, next_attempt_at)
         VALUES ($1, $2, NULL, $3, $4, $5, $6, $6)",
    )
    .bind(new_id())
    .bind(agency)
    .bind(to)
    .bind(subject)
    .bind(footer(body))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

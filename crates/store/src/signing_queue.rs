//! Signing through a remote service, and the letters waiting for it. An
//! agency that signs through its certificate authority's service (BSrE)
//! keeps here where the service is, the client credentials (the password
//! sealed) and each official's NIK (sealed: personal data). A letter signed
//! that way is numbered and rendered inside the signing task, then waits
//! here — the signing queue — until the service has signed it, or, where
//! the agency allows it, until a wet-ink signed scan is uploaded. Nothing
//! waiting is lost: its number stays reserved, and the send step refuses
//! until it is signed.

use engine::EngineError;
use engine::form::FieldError;
use engine::notice::NoticeKind;
use sqlx::Row;

use crate::notice_delivery::Notice;
use crate::personal_data::required;
use crate::record_event::{Change, Owner, append, sha256};
use crate::{Store, StoreError};

/// Longest wait for the service's answer an agency may set.
pub const MAX_TIMEOUT_SECS: u32 = 120;

/// Where an agency's signing service is and how Sopir signs in to it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningService {
    /// e.g. `https://esign.lumajangkab.go.id`.
    pub url: String,
    pub username: String,
    pub password: String,
    pub timeout_secs: u32,
}

impl std::fmt::Debug for SigningService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningService")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &"***")
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// The signing service as an administrator sets it. A `password` of
/// `None` keeps the one saved before (it is never shown back).
#[derive(Clone, Copy)]
pub struct ServiceForm<'a> {
    pub url: &'a str,
    pub username: &'a str,
    pub password: Option<&'a str>,
    pub timeout_secs: u32,
}

/// How a letter came to be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedWith {
    /// The official's PKCS#12 certificate kept in Sopir.
    Certificate,
    /// The agency's signing service.
    Service,
    /// Printed, signed in wet ink, scanned and uploaded.
    WetInk,
    /// Finalised and signed in SRIKANDI, its signed PDF taken back.
    Srikandi,
}

impl SignedWith {
    pub const ALL: [SignedWith; 4] =
        [SignedWith::Certificate, SignedWith::Service, SignedWith::WetInk, SignedWith::Srikandi];

    /// As stored.
    pub const fn key(self) -> &'static str {
        match self {
            SignedWith::Certificate => "sertifikat",
            SignedWith::Service => "layanan",
            SignedWith::WetInk => "basah",
            SignedWith::Srikandi => "srikandi",
        }
    }

    pub fn parse(key: &str) -> Option<SignedWith> {
        SignedWith::ALL.into_iter().find(|s| s.key() == key)
    }

    /// As the verification page says it.
    pub const fn label(self) -> &'static str {
        match self {
            SignedWith::Certificate => "tanda tangan elektronik (sertifikat di Sopir)",
            SignedWith::Service => "tanda tangan elektronik tersertifikasi (layanan tanda tangan)",
            SignedWith::WetInk => "tanda tangan basah, berkas hasil pindai",
            SignedWith::Srikandi => "tanda tangan elektronik di SRIKANDI",
        }
    }
}

/// A letter numbered and waiting for its signature.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WaitingLetter {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    /// Its reserved number.
    pub number: String,
    pub subject: String,
    pub signer_id: String,
    pub dated_at: i64,
    /// Why the last attempt failed; empty before any.
    pub signing_error: String,
}

impl Store {
    /// Sets where `agency`'s signing service is, as `form` gives it.
    pub async fn save_signing_service(
        &self,
        agency: &str,
        form: ServiceForm<'_>,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let ServiceForm { url, username, password, timeout_secs } = form;
        let url = url.trim().trim_end_matches('/');
        let username = username.trim();
        let mut errors: Vec<FieldError> = Vec::new();
        let mut refuse =
            |field: &str, label: &str, message: &str| errors.push(FieldError::new(field, label, message));
        // The password, the NIK and the passphrase travel to it: only over
        // TLS, but for a service on this very machine.
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|l| url.strip_prefix(l).is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/'])));
        if !(url.starts_with("https://") || loopback) || url.contains(char::is_whitespace) {
            refuse(
                "url",
                "Alamat layanan",
                "tulis alamat lengkap dengan https://, mis. https://esign.contoh.go.id (http:// hanya untuk layanan di mesin ini)",
            );
        }
        if username.is_empty() {
            refuse("username", "Nama pengguna layanan", "wajib diisi");
        }
        if !(1..=MAX_TIMEOUT_SECS).contains(&timeout_secs) {
            refuse("timeout", "Batas tunggu", "1 sampai 120 detik");
        }
        let kept = match password {
            Some(p) if !p.is_empty() => None,
            _ => sqlx::query("SELECT password FROM signing_services WHERE agency_id = $1")
                .bind(agency)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get::<String, _>("password"))
                .transpose()?,
        };
        if kept.is_none() && password.is_none_or(str::is_empty) {
            refuse("password", "Kata sandi layanan", "wajib diisi");
        }
        if !errors.is_empty() {
            return Err(StoreError::Engine(EngineError::Invalid(errors)));
        }
        let sealed = match kept {
            Some(kept) => kept,
            None => required(self.key.as_ref())?.seal(password.unwrap_or_default()),
        };
        let statement = sqlx::query(
            "INSERT INTO signing_services (agency_id, url, username, password, timeout_secs, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (agency_id) DO UPDATE SET url = $2, username = $3, password = $4, timeout_secs = $5, updated_at = $6",
        )
        .bind(agency)
        .bind(url.to_string())
        .bind(username.to_string())
        .bind(sealed)
        .bind(i64::from(timeout_secs))
        .bind(at);
        let change = Change::SigningServiceSet { url: url.to_string(), username: username.to_string() };
        self.write_recorded(statement, Owner::Agency(agency), Some(by), change, at).await?;
        Ok(())
    }

    /// `agency`'s signing service, if it signs through one.
    pub async fn signing_service(&self, agency: &str) -> Result<Option<SigningService>, StoreError> {
        let row = sqlx::query(
            "SELECT url, username, password, timeout_secs FROM signing_services WHERE agency_id = $1",
        )
        .bind(agency)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let sealed: String = row.try_get("password")?;
        Ok(Some(SigningService {
            url: row.try_get("url")?,
            username: row.try_get("username")?,
            password: required(self.key.as_ref())?.open(&sealed)?,
            timeout_secs: u32::try_from(row.try_get::<i64, _>("timeout_secs")?).unwrap_or(30),
        }))
    }

    /// Sets the NIK `person` is known by at the signing service.
    pub async fn set_signer_nik(
        &self,
        agency: &str,
        person: &str,
        nik: &str,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let nik = nik.trim();
        if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
            return Err(StoreError::invalid("nik", "NIK penanda tangan", "16 angka"));
        }
        if self.organisation(agency).await?.person(person).is_none() {
            return Err(StoreError::NotFound(format!("pegawai {person}")));
        }
        let statement = sqlx::query(
            "INSERT INTO signer_identities (person_id, agency_id, nik, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (person_id) DO UPDATE SET nik = $3, updated_at = $4",
        )
        .bind(person)
        .bind(agency)
        .bind(required(self.key.as_ref())?.seal(nik))
        .bind(at);
        let change = Change::SignerNikSet { person: person.to_string() };
        self.write_recorded(statement, Owner::Agency(agency), Some(by), change, at).await?;
        Ok(())
    }

    /// The NIK `person` signs with at the service, if set.
    pub async fn signer_nik(&self, agency: &str, person: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT nik FROM signer_identities WHERE agency_id = $1 AND person_id = $2")
            .bind(agency)
            .bind(person)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| required(self.key.as_ref())?.open(&r.try_get::<String, _>("nik")?)).transpose()
    }

    /// The letters of `agency` waiting for their signature, oldest first.
    pub async fn waiting_letters(&self, agency: &str) -> Result<Vec<WaitingLetter>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT o.id, o.case_id, c.number AS case_number, o.number, o.subject, o.signer_id, o.dated_at, o.signing_error
             FROM outgoing_letters o JOIN cases c ON c.id = o.case_id
             WHERE o.agency_id = $1 AND o.signed_with IS NULL ORDER BY o.dated_at, o.number",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One waiting letter of `agency` and its unsigned PDF.
    pub async fn waiting_letter(
        &self,
        agency: &str,
        id: &str,
    ) -> Result<Option<(WaitingLetter, Vec<u8>)>, StoreError> {
        let row = sqlx::query(
            "SELECT o.id, o.case_id, c.number AS case_number, o.number, o.subject, o.signer_id, o.dated_at,
                    o.signing_error, o.pdf
             FROM outgoing_letters o JOIN cases c ON c.id = o.case_id
             WHERE o.agency_id = $1 AND o.id = $2 AND o.signed_with IS NULL",
        )
        .bind(agency)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let letter = <WaitingLetter as sqlx::FromRow<_>>::from_row(&row)?;
        Ok(Some((letter, row.try_get("pdf")?)))
    }

    /// `agency`'s letter `id` if it waited and is signed now (no longer in
    /// the queue, rather than never was).
    pub async fn signed_letter(&self, agency: &str, id: &str) -> Result<Option<WaitingLetter>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT o.id, o.case_id, c.number AS case_number, o.number, o.subject, o.signer_id, o.dated_at, o.signing_error
             FROM outgoing_letters o JOIN cases c ON c.id = o.case_id
             WHERE o.agency_id = $1 AND o.id = $2 AND o.signed_with IS NOT NULL",
        )
        .bind(agency)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Keeps the signed file of waiting letter `id`: it leaves the queue,
    /// and the record says how and by whom it was signed. Refused when it
    /// no longer waits (signed meanwhile).
    pub async fn finish_signature(
        &self,
        agency: &str,
        id: &str,
        signed: Vec<u8>,
        with: SignedWith,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let digest = sha256(&signed);
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let row = sqlx::query(
                "SELECT number FROM outgoing_letters WHERE agency_id = $1 AND id = $2 AND signed_with IS NULL",
            )
            .bind(agency)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
            let Some(row) = row else {
                return Err(StoreError::not_now(
                    "surat ini tidak lagi menunggu tanda tangan — mungkin sudah ditandatangani",
                ));
            };
            let number: String = row.try_get("number")?;
            sqlx::query(
                "UPDATE outgoing_letters SET pdf = $1, sha256 = $2, signed_with = $3, signing_error = ''
                 WHERE agency_id = $4 AND id = $5",
            )
            .bind(signed)
            .bind(&digest)
            .bind(with.key())
            .bind(agency)
            .bind(id)
            .execute(&mut **tx)
            .await?;
            let change = Change::LetterSigned { number, with: with.key().to_string(), sha256: digest.clone() };
            append(tx, Owner::Agency(agency), Some(by), change, at).await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// Records why signing waiting letter `id` failed and tells its signer,
    /// once per distinct reason; `unreachable`: the service could not be
    /// reached (its return will be told).
    pub async fn signature_failed(
        &self,
        agency: &str,
        id: &str,
        reason: &str,
        unreachable: bool,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let row = sqlx::query(
                "SELECT case_id, number, signer_id, signing_error FROM outgoing_letters
                 WHERE agency_id = $1 AND id = $2 AND signed_with IS NULL",
            )
            .bind(agency)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
            let Some(row) = row else { return Ok(()) };
            if row.try_get::<String, _>("signing_error")? == reason {
                return Ok(());
            }
            sqlx::query(
                "UPDATE outgoing_letters SET signing_error = $1, signing_unreachable = $2, back_told_at = NULL WHERE id = $3",
            )
            .bind(reason)
            .bind(i64::from(unreachable))
            .bind(id)
                .execute(&mut **tx)
                .await?;
            let (case, number, signer): (String, String, String) =
                (row.try_get("case_id")?, row.try_get("number")?, row.try_get("signer_id")?);
            let message = format!(
                "Surat nomor {number} belum bertanda tangan: {reason}. Surat menunggu di antrean tanda tangan \
                 (menu Agenda surat → Antrean tanda tangan) dengan nomornya tetap; tandatangani dari sana \
                 setelah masalahnya teratasi."
            );
            self.notify(tx, Notice::new(agency, &signer, &case, NoticeKind::Letter, &message, at)).await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// Tells the signers of letters waiting because the service could not
    /// be reached that it answers again, once per outage. Returns how many
    /// were told.
    pub async fn signing_service_back(&self, agency: &str, at: i64) -> Result<usize, StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let rows = sqlx::query(
                "SELECT id, case_id, number, signer_id FROM outgoing_letters
                 WHERE agency_id = $1 AND signed_with IS NULL AND signing_unreachable = 1 AND back_told_at IS NULL",
            )
            .bind(agency)
            .fetch_all(&mut **tx)
            .await?;
            for row in &rows {
                let (id, case, number, signer): (String, String, String, String) =
                    (row.try_get("id")?, row.try_get("case_id")?, row.try_get("number")?, row.try_get("signer_id")?);
                let message = format!(
                    "Layanan tanda tangan elektronik dapat dihubungi lagi. Surat nomor {number} masih menunggu \
                     tanda tangan Anda di antrean tanda tangan."
                );
                self.notify(tx, Notice::new(agency, &signer, &case, NoticeKind::Letter, &message, at)).await?;
                sqlx::query("UPDATE outgoing_letters SET back_told_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(rows.len())
        }
        .await;
        write.finish(result).await
    }

    /// The agencies with letters waiting for their signing service.
    pub async fn agencies_waiting_for_signatures(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT o.agency_id FROM outgoing_letters o JOIN signing_services s ON s.agency_id = o.agency_id
             WHERE o.signed_with IS NULL AND o.signing_unreachable = 1 AND o.back_told_at IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("agency_id")?)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_signing_reads_back_from_its_key() {
        for with in SignedWith::ALL {
            assert_eq!(SignedWith::parse(with.key()), Some(with));
        }
        assert_eq!(SignedWith::parse("pena"), None);
    }
}

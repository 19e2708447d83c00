//! Numbers of outgoing letters reserved before their signing step's
//! command. Rendering a letter and its RSA signature are most of a signing
//! step's work, and the number is printed in the signed PDF: so the number
//! is reserved by a small command of its own, the letter is rendered and
//! signed outside the write queue ([`Store::sign_ahead`]), and the step's
//! command files it under the reserved number ([`file_under`]).
//!
//! A reserved number the step's command does not keep (the signature
//! failed, the step was refused, the server stopped) is given back when it
//! is still the last of its sequence, so the next letter takes it, and
//! otherwise voided: the register shows it with the reason, and the void
//! is a change in the audit chain. Never a gap without explanation, never
//! a number twice.

use sqlx::{Any, Row, Transaction};

use crate::record_event::{self, Change, Owner};
use crate::{Store, StoreError};

/// A reserved number not filed after this long is given back or voided
/// (the step's command takes milliseconds; this covers a server that
/// stopped between the reservation and the command).
pub const LAPSES_AFTER_MS: i64 = 10 * 60_000;

/// The register letter numbers come from.
const OUTGOING: &str = "keluar";

/// A number taken from an agency's outgoing sequence for one letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reservation {
    pub agency: String,
    pub scope: String,
    pub year: i64,
    pub seq: i64,
    pub number: String,
}

/// A voided number, as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidNumber {
    pub number: String,
    pub case_id: String,
    pub voided_at: i64,
    pub reason: String,
}

/// Files a letter under `reservation` inside the step's transaction: the
/// reservation ends. Refused if it lapsed (voided meanwhile).
pub(crate) async fn file_under(
    tx: &mut Transaction<'static, Any>,
    reservation: &Reservation,
) -> Result<(), StoreError> {
    let ended = sqlx::query(
        "DELETE FROM letter_reservations
         WHERE agency_id = $1 AND register = $2 AND scope = $3 AND year = $4 AND seq = $5 AND voided_at IS NULL",
    )
    .bind(&reservation.agency)
    .bind(OUTGOING)
    .bind(&reservation.scope)
    .bind(reservation.year)
    .bind(reservation.seq)
    .execute(&mut **tx)
    .await?;
    if ended.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "kata_sandi",
            "Tanda tangan",
            format!(
                "nomor {} yang disiapkan untuk surat ini sudah dibatalkan; kirim ulang",
                reservation.number
            ),
        ))
    }
}

impl Store {
    /// Takes the next number of `agency`'s outgoing sequence `scope` of
    /// `year` for the letter of `case`, formatted by `number`: one command.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn reserve_number(
        &self,
        agency: &str,
        scope: &str,
        year: i64,
        number: impl Fn(i64) -> String,
        case: &str,
        by: &str,
        at: i64,
    ) -> Result<Reservation, StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let seq = crate::letters::next_in_sequence(tx, agency, OUTGOING, scope, year).await?;
            let number = number(seq);
            sqlx::query(
                "INSERT INTO letter_reservations (agency_id, register, scope, year, seq, number, case_id, reserved_by, reserved_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(agency)
            .bind(OUTGOING)
            .bind(scope)
            .bind(year)
            .bind(seq)
            .bind(&number)
            .bind(case)
            .bind(by)
            .bind(at)
            .execute(&mut **tx)
            .await?;
            Ok(Reservation { agency: agency.into(), scope: scope.into(), year, seq, number })
        }
        .await;
        write.finish(result).await
    }

    /// Ends `reservation`, whose letter was not filed, because of `reason`:
    /// the number goes back to its sequence if it is still the last one,
    /// and is voided otherwise. Nothing happens if the letter was filed.
    pub(crate) async fn release_reservation(
        &self,
        reservation: &Reservation,
        reason: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut write = self.write().await?;
        let result = release_in(write.tx(), reservation, reason, at).await;
        write.finish(result).await
    }

    /// Ends the reservations older than [`LAPSES_AFTER_MS`] whose letter was
    /// never filed (the periodic work); how many.
    pub async fn release_lapsed_reservations(&self, now: i64) -> Result<usize, StoreError> {
        let lapsed = sqlx::query(
            "SELECT agency_id, scope, year, seq, number FROM letter_reservations
             WHERE voided_at IS NULL AND reserved_at < $1 ORDER BY reserved_at",
        )
        .bind(now - LAPSES_AFTER_MS)
        .fetch_all(&self.pool)
        .await?;
        for row in &lapsed {
            let reservation = Reservation {
                agency: row.try_get("agency_id")?,
                scope: row.try_get("scope")?,
                year: row.try_get("year")?,
                seq: row.try_get("seq")?,
                number: row.try_get("number")?,
            };
            let reason = "surat tidak jadi ditandatangani: langkahnya tidak tersimpan (server berhenti atau permintaan terputus)";
            self.release_reservation(&reservation, reason, now).await?;
        }
        Ok(lapsed.len())
    }

    /// The numbers of `agency`'s outgoing register voided in `year`, in
    /// number order.
    pub async fn void_numbers(&self, agency: &str, year: i64) -> Result<Vec<VoidNumber>, StoreError> {
        let rows = sqlx::query(
            "SELECT number, case_id, voided_at, void_reason FROM letter_reservations
             WHERE agency_id = $1 AND register = $2 AND year = $3 AND voided_at IS NOT NULL ORDER BY seq",
        )
        .bind(agency)
        .bind(OUTGOING)
        .bind(year)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(VoidNumber {
                    number: r.try_get("number")?,
                    case_id: r.try_get("case_id")?,
                    voided_at: r.try_get("voided_at")?,
                    reason: r.try_get("void_reason")?,
                })
            })
            .collect()
    }
}

async fn release_in(
    tx: &mut Transaction<'static, Any>,
    reservation: &Reservation,
    reason: &str,
    at: i64,
) -> Result<(), StoreError> {
    let Reservation { agency, scope, year, seq, number } = reservation;
    let open = sqlx::query(
        "SELECT case_id FROM letter_reservations
         WHERE agency_id = $1 AND register = $2 AND scope = $3 AND year = $4 AND seq = $5 AND voided_at IS NULL",
    )
    .bind(agency)
    .bind(OUTGOING)
    .bind(scope)
    .bind(year)
    .bind(seq)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(open) = open else { return Ok(()) };
    let given_back = sqlx::query(
        "UPDATE letter_sequences SET last = last - 1
         WHERE agency_id = $1 AND register = $2 AND scope = $3 AND year = $4 AND last = $5",
    )
    .bind(agency)
    .bind(OUTGOING)
    .bind(scope)
    .bind(year)
    .bind(seq)
    .execute(&mut **tx)
    .await?;
    let key = "agency_id = $1 AND register = $2 AND scope = $3 AND year = $4 AND seq = $5";
    if given_back.rows_affected() == 1 {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM letter_reservations WHERE {key}")))
            .bind(agency)
            .bind(OUTGOING)
            .bind(scope)
            .bind(year)
            .bind(seq)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE letter_reservations SET void_reason = $6, voided_at = $7 WHERE {key}"
    )))
    .bind(agency)
    .bind(OUTGOING)
    .bind(scope)
    .bind(year)
    .bind(seq)
    .bind(reason)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let case: String = open.try_get("case_id")?;
    let change = Change::LetterNumberVoided { number: number.clone(), case, reason: reason.into() };
    record_event::append(tx, Owner::Agency(agency), None, change, at).await
}

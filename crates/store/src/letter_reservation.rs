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

use sqlx::{Any, Row};

use crate::idempotency::Replay;
use crate::record_event::{self, Change, Owner};
use crate::{Store, StoreError, WriteTx};

/// A reserved number not filed after this long is given back or voided
/// (the step's command takes milliseconds; this covers a server that
/// stopped between the reservation and the command).
pub const LAPSES_AFTER_MS: i64 = 10 * 60_000;

/// Why a reserved number was not used, as the register shows it: fixed
/// words, never an error's text (which may name people or hold input).
pub(crate) const VOID_SIGNATURE_FAILED: &str = "tanda tangan elektronik gagal dibuat";
pub(crate) const VOID_REFUSED: &str = "langkah tanda tangan ditolak atau tidak tersimpan";
pub(crate) const VOID_RETRY: &str = "permintaan yang sama sedang diproses (Idempotency-Key)";
const VOID_LAPSED: &str =
    "surat tidak jadi ditandatangani: langkahnya tidak tersimpan (server berhenti atau permintaan terputus)";

/// The register letter numbers come from.
const OUTGOING: &str = "keluar";

/// Where a reservation's sequence is, as `$1`–`$4` of a statement bound
/// by [`keyed`] (whose `$5` is the reservation's place in it).
const KEY: &str = "agency_id = $1 AND register = $2 AND scope = $3 AND year = $4";

/// This reservation's own row, `$1`–`$7` of a statement bound by [`keyed`]
/// and [`Reservation`]'s holder: a number given back and reserved again is
/// another reservation.
const ROW: &str = "agency_id = $1 AND register = $2 AND scope = $3 AND year = $4 AND seq = $5
                   AND case_id = $6 AND reserved_at = $7";

type Statement<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>;

/// `sql` (whose `$5` is the reservation's place in its sequence) bound to
/// `reservation`'s key.
fn keyed<'q>(sql: String, reservation: &'q Reservation) -> Statement<'q> {
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&reservation.agency)
        .bind(OUTGOING)
        .bind(&reservation.scope)
        .bind(reservation.year)
        .bind(reservation.seq)
}

/// A number taken from an agency's outgoing sequence for one letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reservation {
    pub agency: String,
    pub scope: String,
    pub year: i64,
    pub seq: i64,
    pub number: String,
    /// The case whose letter it is for, and when it was reserved.
    pub case: String,
    pub at: i64,
}

impl Reservation {
    /// `sql` over this reservation's own row ([`ROW`]).
    fn row(&self, sql: String) -> Statement<'_> {
        keyed(sql, self).bind(&self.case).bind(self.at)
    }
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
pub(crate) async fn file_under(tx: &mut WriteTx, reservation: &Reservation) -> Result<(), StoreError> {
    let ended = reservation
        .row(format!("DELETE FROM letter_reservations WHERE {ROW} AND voided_at IS NULL"))
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
    /// With `replay`, refused ([`StoreError::KeyTaken`]) when another call
    /// holds that idempotency key: a racing retry takes no number.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn reserve_number(
        &self,
        agency: &str,
        scope: &str,
        year: i64,
        number: impl Fn(i64) -> String,
        (case, by, at): (&str, &str, i64),
        replay: Option<&Replay>,
    ) -> Result<Reservation, StoreError> {
        let mut write = self.write_in(agency).await?;
        let tx = write.tx();
        let result = async {
            if let Some(replay) = replay {
                crate::idempotency::refuse_taken(tx, replay).await?;
            }
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
            Ok(Reservation { agency: agency.into(), scope: scope.into(), year, seq, number, case: case.into(), at })
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
        let mut write = self.write_in(&reservation.agency).await?;
        let result = release_in(write.tx(), reservation, reason, at).await;
        write.finish(result).await
    }

    /// A command that reserved a letter number and was not kept gives the
    /// number back (or voids it) at once; `done` passes through.
    pub(crate) async fn settle<T>(
        &self,
        reserved: Option<Reservation>,
        done: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if let (Some(reservation), Err(e)) = (&reserved, &done) {
            let reason = if matches!(e, StoreError::KeyTaken) { VOID_RETRY } else { VOID_REFUSED };
            let now = jiff::Timestamp::now().as_millisecond();
            if let Err(release) = self.release_reservation(reservation, reason, now).await {
                tracing::warn!(
                    "nomor surat {} belum dilepas (dicoba lagi nanti): {release}",
                    reservation.number
                );
            }
        }
        done
    }

    /// Ends the reservations older than [`LAPSES_AFTER_MS`] whose letter was
    /// never filed (the periodic work); how many.
    pub async fn release_lapsed_reservations(&self, now: i64) -> Result<usize, StoreError> {
        let lapsed = sqlx::query(
            "SELECT agency_id, scope, year, seq, number, case_id, reserved_at FROM letter_reservations
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
                case: row.try_get("case_id")?,
                at: row.try_get("reserved_at")?,
            };
            self.release_reservation(&reservation, VOID_LAPSED, now).await?;
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
    tx: &mut WriteTx,
    reservation: &Reservation,
    reason: &str,
    at: i64,
) -> Result<(), StoreError> {
    let open = reservation
        .row(format!("SELECT 1 FROM letter_reservations WHERE {ROW} AND voided_at IS NULL"))
        .fetch_optional(&mut **tx)
        .await?;
    if open.is_none() {
        return Ok(());
    }
    let given_back =
        keyed(format!("UPDATE letter_sequences SET last = last - 1 WHERE {KEY} AND last = $5"), reservation)
            .execute(&mut **tx)
            .await?;
    if given_back.rows_affected() == 1 {
        reservation.row(format!("DELETE FROM letter_reservations WHERE {ROW}")).execute(&mut **tx).await?;
        return Ok(());
    }
    reservation
        .row(format!("UPDATE letter_reservations SET void_reason = $8, voided_at = $9 WHERE {ROW}"))
        .bind(reason)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    let change = Change::LetterNumberVoided {
        number: reservation.number.clone(),
        case: reservation.case.clone(),
        reason: reason.into(),
    };
    record_event::append(tx, Owner::Agency(&reservation.agency), None, change, at).await
}

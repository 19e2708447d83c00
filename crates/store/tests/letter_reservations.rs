//! Letter numbers reserved before the signing step's command, on SQLite and
//! (when available) PostgreSQL: a signing refused after its letter was
//! signed gives its number back; a reservation whose step never got kept
//! (the server stopped) is given back when it is still the last number and
//! voided — shown in the register with its reason, and in the audit chain —
//! when later numbers were taken. Never a gap without explanation, never a
//! number twice.

mod common;

use common::{MINUTE, backends, wib};
use engine::{CaseState, Verdict};
use store::demo::{CERTIFICATE_PASSPHRASE, sample_input, sample_paperwork};
use store::idempotency::Replay;
use store::letter_reservation::LAPSES_AFTER_MS;
use store::{Store, StoreError};

/// Submits an e-mail request and completes tasks until its signing step
/// (11) is open.
async fn at_signing(store: &Store, n: u32, mut at: i64) -> CaseState {
    let sop = store.sop("lumajang", "lumajang/email", None).await.unwrap();
    let mut input = sample_input(sop.first_step(), Verdict::Ya);
    input.fields.insert("unit_kerja".into(), "Badan Perencanaan Pembangunan Daerah".into());
    let mut state = store
        .submit(store::Submit::new("lumajang", "lumajang/email", "lmj-pemohon", input, at))
        .await
        .unwrap();
    loop {
        let task = state.open_tasks().next().cloned().unwrap();
        if task.step == 11 {
            return state;
        }
        let step = sop.step(task.step).unwrap();
        at += MINUTE;
        let mut input = sample_input(step, Verdict::Ya);
        if step.no == 6 {
            input.fields.insert("alamat_email".into(), format!("bappeda.{n}@lumajangkab.go.id"));
        }
        let by = &task.candidates[0].person;
        state = store
            .complete(
                store::Complete::new("lumajang", &state.id, &task.id, by, input, at)
                    .with_paperwork(sample_paperwork(step)),
            )
            .await
            .unwrap();
    }
}

/// The Kepala Dinas's signing of `state`'s letter with `input`.
async fn signing(store: &Store, state: &CaseState, input: engine::ActionInput, at: i64) -> store::Complete {
    let sop = store.sop("lumajang", "lumajang/email", None).await.unwrap();
    let task = state.open_tasks().next().unwrap();
    let mut paperwork = sample_paperwork(sop.step(11).unwrap());
    paperwork.signing.as_mut().unwrap().passphrase = CERTIFICATE_PASSPHRASE.into();
    store::Complete::new("lumajang", &state.id, &task.id, "lmj-kadis", input, at).with_paperwork(paperwork)
}

/// The Kepala Dinas signs `state`'s letter with `input`.
async fn sign(
    store: &Store,
    state: &CaseState,
    input: engine::ActionInput,
    at: i64,
) -> Result<CaseState, StoreError> {
    store.complete(signing(store, state, input, at).await).await
}

async fn signed(store: &Store, state: &CaseState, at: i64) -> String {
    let sop = store.sop("lumajang", "lumajang/email", None).await.unwrap();
    sign(store, state, sample_input(sop.step(11).unwrap(), Verdict::Ya), at).await.unwrap();
    store.outgoing_letter("lumajang", &state.id).await.unwrap().unwrap().number
}

/// The outgoing sequence's last number and its scope.
async fn last(store: &Store) -> (i64, String) {
    sqlx::query_as(
        "SELECT last, scope FROM letter_sequences WHERE agency_id = 'lumajang' AND register = 'keluar'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn open_reservations(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM letter_reservations WHERE voided_at IS NULL")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// What a server that stopped right after reserving number `seq` for
/// `case` leaves behind.
async fn stopped_after_reserving(store: &Store, case: &str, seq: i64, at: i64) -> String {
    let (_, scope) = last(store).await;
    let number = format!("000.1/{seq}/427.45/2026");
    sqlx::query("UPDATE letter_sequences SET last = $1 WHERE agency_id = 'lumajang' AND register = 'keluar'")
        .bind(seq)
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO letter_reservations (agency_id, register, scope, year, seq, number, case_id, reserved_by, reserved_at)
         VALUES ('lumajang', 'keluar', $1, 2026, $2, $3, $4, 'lmj-kadis', $5)",
    )
    .bind(&scope)
    .bind(seq)
    .bind(&number)
    .bind(case)
    .bind(at)
    .execute(store.pool())
    .await
    .unwrap();
    number
}

#[tokio::test]
async fn a_signing_refused_after_its_letter_was_signed_gives_its_number_back() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 0);
        let first = at_signing(s, 1, at).await;
        let second = at_signing(s, 2, at).await;
        let later = at + 60 * MINUTE;
        let one = signed(s, &first, later).await;

        // The letter is numbered and signed before the step's command,
        // which then refuses the step (the note is far too long).
        let sop = s.sop("lumajang", "lumajang/email", None).await.unwrap();
        let mut input = sample_input(sop.step(11).unwrap(), Verdict::Ya);
        input.note = Some("x".repeat(100_000));
        let (kept, _) = s.write_counts().await;
        let refused = sign(s, &second, input, later).await;
        let commands = s.write_counts().await.0 - kept;
        assert_eq!(commands, 2, "{}: the number reserved ahead, then given back", db.label);
        assert!(
            matches!(refused, Err(StoreError::Engine(engine::EngineError::Invalid(_)))),
            "{}: {refused:?}",
            db.label
        );
        assert_eq!(last(s).await.0, 1, "{}: the number went back", db.label);
        assert_eq!(open_reservations(s).await, 0, "{}", db.label);
        assert!(s.outgoing_letter("lumajang", &second.id).await.unwrap().is_none());

        // The next letter takes it; nothing was voided.
        let two = signed(s, &second, later + MINUTE).await;
        let seqs: Vec<i64> =
            s.outgoing_register("lumajang", 2026).await.unwrap().iter().map(|l| l.seq.unwrap()).collect();
        assert_eq!(seqs, [1, 2], "{}: {one}, {two}", db.label);
        assert!(s.void_numbers("lumajang", 2026).await.unwrap().is_empty(), "{}", db.label);
    }
}

#[tokio::test]
async fn a_number_reserved_by_a_stopped_server_is_voided_with_its_reason_or_given_back() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 0);
        let cases = [at_signing(s, 1, at).await, at_signing(s, 2, at).await, at_signing(s, 3, at).await];
        let later = at + 60 * MINUTE;
        signed(s, &cases[0], later).await;

        // Number 2 reserved for the second case; the server stopped before
        // its step was kept. The third case signs meanwhile (number 3).
        let lost = stopped_after_reserving(s, &cases[1].id, 2, later).await;
        signed(s, &cases[2], later + MINUTE).await;
        assert_eq!(
            s.release_lapsed_reservations(later + MINUTE).await.unwrap(),
            0,
            "{}: not lapsed yet",
            db.label
        );
        let released = s.release_lapsed_reservations(later + LAPSES_AFTER_MS + 1).await.unwrap();
        assert_eq!(released, 1, "{}", db.label);

        // Number 2 is voided, with its reason, in the register and the chain.
        let voided = s.void_numbers("lumajang", 2026).await.unwrap();
        assert_eq!(voided.len(), 1, "{}", db.label);
        assert_eq!(
            (voided[0].number.as_str(), voided[0].case_id.as_str()),
            (lost.as_str(), cases[1].id.as_str())
        );
        assert!(voided[0].reason.contains("tidak jadi ditandatangani"), "{}", voided[0].reason);
        let records = s.record_events("lumajang", 10).await.unwrap();
        assert!(records.iter().any(|(e, _)| e.kind == "letter-number-voided"), "{}", db.label);
        assert!(s.verify_audit().await.unwrap().first_break.is_none());

        // The second case signs after all: a new number, never the void one.
        signed(s, &cases[1], later + LAPSES_AFTER_MS + 2).await;
        let mut seqs: Vec<i64> =
            s.outgoing_register("lumajang", 2026).await.unwrap().iter().map(|l| l.seq.unwrap()).collect();
        seqs.sort();
        assert_eq!(seqs, [1, 3, 4], "{}: 2 is void", db.label);

        // A lapsed reservation that is still the last number goes back.
        let fourth = at_signing(s, 4, at).await;
        stopped_after_reserving(s, &fourth.id, 5, later).await;
        s.release_lapsed_reservations(later + LAPSES_AFTER_MS + 3).await.unwrap();
        assert_eq!(last(s).await.0, 4, "{}", db.label);
        assert_eq!(s.void_numbers("lumajang", 2026).await.unwrap().len(), 1, "{}", db.label);
        assert_eq!(open_reservations(s).await, 0, "{}", db.label);
        signed(s, &fourth, later + LAPSES_AFTER_MS + 4).await;
        assert_eq!(s.outgoing_letter("lumajang", &fourth.id).await.unwrap().unwrap().seq, Some(5));
    }
}

#[tokio::test]
async fn a_retry_racing_its_first_call_takes_no_number() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 0);
        let (first, second) = (at_signing(s, 1, at).await, at_signing(s, 2, at).await);
        let later = at + 60 * MINUTE;
        signed(s, &first, later).await;

        // The first call with this key has kept its answer; its retry
        // finds the key taken before a number is reserved.
        let replay =
            Replay { username: "lmj-kadis".into(), key: "ttd-2".into(), fingerprint: "f".into(), at: later };
        s.keep_answer(&replay, 200, "{}").await.unwrap();
        let (kept, _) = s.write_counts().await;
        let sop = s.sop("lumajang", "lumajang/email", None).await.unwrap();
        let input = sample_input(sop.step(11).unwrap(), Verdict::Ya);
        let retry = s.complete_answering(signing(s, &second, input, later).await, replay).await;
        assert!(matches!(retry, Err(StoreError::KeyTaken)), "{}", db.label);
        assert_eq!(s.write_counts().await.0, kept, "{}: nothing kept", db.label);
        assert_eq!((last(s).await.0, open_reservations(s).await), (1, 0), "{}: no number taken", db.label);
    }
}

//! Lumajang's escorted visits on SQLite and (when available) PostgreSQL:
//! a visit from request to check-out with its duration, a visit refused by
//! the Kasi, and a visitor still inside past the planned end flagged.

mod common;

use common::{MINUTE, backends, wib};
use engine::{CaseState, CaseStatus, EngineError, Verdict};
use store::demo::sample_input;
use store::{Store, StoreError};

#[tokio::test]
async fn a_visit_must_end_after_it_starts() {
    let db = common::sqlite().await;
    store::demo::install(&db.store, &sop::Catalog::builtin(), wib(2026, 11, 2, 8, 0)).await.unwrap();
    let sop = db.store.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
    let mut input = sample_input(sop.first_step(), Verdict::Ya);
    input.fields.insert("rencana_mulai".into(), "2026-11-23T10:00".into());
    input.fields.insert("rencana_selesai".into(), "2026-11-23T09:00".into());
    let r = db
        .store
        .submit(store::Submit::new(
            "lumajang",
            "lumajang/ruang-server",
            "lmj-petugas",
            input,
            wib(2026, 11, 23, 9, 0),
        ))
        .await;
    assert_eq!(message(r), "harus sesudah rencana masuk");
    assert!(db.store.cases("lumajang").await.unwrap().is_empty(), "nothing stored");
}

/// A visit request by the officer, taken to the Kasi's decision.
async fn requested(s: &Store, planned_end: &str, at: i64) -> CaseState {
    let sop = s.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
    let mut input = sample_input(sop.first_step(), Verdict::Ya);
    input.fields.insert("nama_pengunjung".into(), "Andi Wijaya".into());
    input.fields.insert("instansi".into(), "PT Jaringan Nusantara".into());
    input.fields.insert("rencana_mulai".into(), "2026-11-23T10:00".into());
    input.fields.insert("rencana_selesai".into(), planned_end.into());
    let mut state = s
        .submit(store::Submit::new("lumajang", "lumajang/ruang-server", "lmj-petugas", input, at))
        .await
        .unwrap();
    for step in [2, 3] {
        let task = state.open_tasks().next().unwrap().clone();
        assert_eq!(task.step, step);
        let input = sample_input(sop.step(step).unwrap(), Verdict::Ya);
        state = s
            .complete(store::Complete::new(
                "lumajang",
                &state.id,
                &task.id,
                "lmj-petugas",
                input,
                at + MINUTE,
            ))
            .await
            .unwrap();
    }
    state
}

async fn decide(s: &Store, state: &CaseState, verdict: Verdict, at: i64) -> CaseState {
    let sop = s.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
    let task = state.open_tasks().next().unwrap().clone();
    let input = sample_input(sop.step(5).unwrap(), verdict);
    s.complete(store::Complete::new("lumajang", &state.id, &task.id, "lmj-kasi", input, at)).await.unwrap()
}

fn message<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Engine(EngineError::Invalid(e))) => e[0].message.clone(),
        Err(StoreError::Engine(EngineError::NotNow(m))) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_visit_from_request_to_check_out_with_its_duration() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 30);
        let state = requested(s, "2099-01-01T12:00", at).await;
        let visit = s.visit("lumajang", &state.id).await.unwrap().unwrap();
        assert_eq!(
            (visit.visitor.as_str(), visit.institution.as_str(), visit.state.key()),
            ("Andi Wijaya", "PT Jaringan Nusantara", "diajukan")
        );
        assert_eq!(
            message(s.check_in("lumajang", &state.id, "lmj-petugas", "TP-07", at).await),
            "kunjungan belum diizinkan atau sudah selesai"
        );

        let state = decide(s, &state, Verdict::Ya, at + 10 * MINUTE).await;
        let escort = state.open_tasks().next().unwrap().clone();
        let sop = s.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
        let out = sample_input(sop.step(6).unwrap(), Verdict::Ya);
        // Out before in is refused and writes nothing.
        let events = s.case_events("lumajang", &state.id).await.unwrap().len();
        let early = s
            .complete(store::Complete::new(
                "lumajang",
                &state.id,
                &escort.id,
                "lmj-petugas",
                out.clone(),
                at + 11 * MINUTE,
            ))
            .await;
        assert_eq!(
            message(early),
            "pengunjung belum dicatat masuk — catat masuk dulu dengan nomor tanda pengenal"
        );
        assert_eq!(s.case_events("lumajang", &state.id).await.unwrap().len(), events);

        assert_eq!(message(s.check_in("lumajang", &state.id, "lmj-petugas", "  ", at).await), "wajib diisi");
        let other = s.check_in("lumajang", &state.id, "lmj-kasi", "TP-07", at).await;
        assert!(matches!(other, Err(StoreError::NotPermitted(_))), "only the escorting officer: {other:?}");
        let inside = at + 12 * MINUTE;
        s.check_in("lumajang", &state.id, "lmj-petugas", "TP-07", inside).await.unwrap();
        assert_eq!(
            message(s.check_in("lumajang", &state.id, "lmj-petugas", "TP-08", inside).await),
            "pengunjung sudah tercatat masuk"
        );
        let visit = s.visit("lumajang", &state.id).await.unwrap().unwrap();
        assert_eq!(
            (visit.state.key(), visit.badge.as_deref(), visit.escort.as_deref()),
            ("masuk", Some("TP-07"), Some("Yusuf Maulana"))
        );
        assert!(!visit.overdue);

        let closed = s
            .complete(store::Complete::new(
                "lumajang",
                &state.id,
                &escort.id,
                "lmj-petugas",
                out,
                inside + 40 * MINUTE,
            ))
            .await
            .unwrap();
        assert_eq!(closed.status, CaseStatus::Completed);
        let log = s.visit_log("lumajang").await.unwrap();
        assert_eq!(log.len(), 1, "{}", db.label);
        assert_eq!(
            (log[0].state.key(), log[0].minutes, log[0].checked_in_at, log[0].checked_out_at),
            ("selesai", Some(40), Some(inside), Some(inside + 40 * MINUTE))
        );
        let kinds: Vec<String> =
            s.case_events("lumajang", &state.id).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert!(kinds.contains(&"visitor-checked-in".to_string()), "{kinds:?}");
        assert!(s.visit_log("trenggalek").await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_refused_visit_never_enters_and_a_late_one_is_flagged() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 30);
        let refused = requested(s, "2099-01-01T12:00", at).await;
        let refused = decide(s, &refused, Verdict::Tidak, at + 10 * MINUTE).await;
        assert_eq!(refused.status, CaseStatus::Rejected);
        assert_eq!(s.visit("lumajang", &refused.id).await.unwrap().unwrap().state.key(), "ditolak");
        assert_eq!(
            message(s.check_in("lumajang", &refused.id, "lmj-petugas", "TP-01", at).await),
            "kunjungan belum diizinkan atau sudah selesai"
        );

        // Planned to end on 23 November 2026 at 10:30, still inside since.
        let late = requested(s, "2026-11-23T10:30", at).await;
        let late = decide(s, &late, Verdict::Ya, at + 10 * MINUTE).await;
        s.check_in("lumajang", &late.id, "lmj-petugas", "TP-02", at + 15 * MINUTE).await.unwrap();
        let visit = s.visit("lumajang", &late.id).await.unwrap().unwrap();
        assert!(visit.overdue, "{}", db.label);
        assert!(visit.minutes.unwrap() > 0);
    }
}

#[tokio::test]
async fn personal_data_is_erased_after_the_retention_period_leaving_the_anonymous_record() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 30);
        let nik = "3508014508900001";
        let sop = s.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
        let mut input = sample_input(sop.first_step(), Verdict::Ya);
        input.fields.insert("nama_pengunjung".into(), "Andi Wijaya".into());
        input.fields.insert("nik_pengunjung".into(), nik.into());
        input.fields.insert("instansi".into(), "PT Jaringan Nusantara".into());
        let mut state = s
            .submit(store::Submit::new("lumajang", "lumajang/ruang-server", "lmj-petugas", input, at))
            .await
            .unwrap();
        while state.status == CaseStatus::Open {
            state = common::advance(s, "lumajang", &state, at + MINUTE).await;
        }
        let closed = state.closed_at.unwrap();
        let still_open = requested(s, "2099-01-01T12:00", at).await;
        let shown =
            |state: &CaseState, field: &str| state.tasks[0].input.as_ref().unwrap().fields[field].clone();
        assert_eq!(shown(&s.case("lumajang", &state.id).await.unwrap(), "nik_pengunjung"), nik);

        // A year (the agency's retention) is not yet past on day 364.
        let day = 24 * 60 * MINUTE;
        assert_eq!(s.purge_personal_data(closed + 364 * day).await.unwrap(), 0, "{}", db.label);
        assert_eq!(s.purge_personal_data(closed + 366 * day).await.unwrap(), 1);
        let erased = s.case("lumajang", &state.id).await.unwrap();
        assert_eq!(shown(&erased, "nik_pengunjung"), "(dihapus)");
        assert_eq!(shown(&erased, "nama_pengunjung"), "(dihapus)");
        assert_eq!(shown(&erased, "instansi"), "PT Jaringan Nusantara", "non-personal fields stay");
        let log = s.visit_log("lumajang").await.unwrap();
        let anonymous = log.iter().find(|v| v.case_id == state.id).unwrap();
        assert_eq!((anonymous.visitor.as_str(), anonymous.state.key()), ("(dihapus)", "selesai"));
        assert!(anonymous.minutes.is_some(), "the anonymous record keeps its times");
        let open = log.iter().find(|v| v.case_id == still_open.id).unwrap();
        assert_eq!(open.visitor, "Andi Wijaya", "an open case keeps its data");
        assert!(s.verify_audit().await.unwrap().first_break.is_none(), "the chain is untouched");

        if db.label == "sqlite" {
            // Nothing in the database file reads as the visitor's name or NIK.
            drop(log);
            let mut bytes = std::fs::read(db.path()).unwrap();
            bytes.extend(std::fs::read(db.path().with_extension("db-wal")).unwrap_or_default());
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(nik) && !text.contains("Andi Wijaya"),
                "personal data in clear in the file"
            );
        }
    }
}

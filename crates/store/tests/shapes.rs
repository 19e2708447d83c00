//! What the new shapes of SOPs store (issue 17, point 4), on SQLite and
//! PostgreSQL: parallel tasks and their join, a loop's rounds and its end,
//! the whole procedure's deadline (due time, escalation, breach), a joint
//! step's two tasks, a request filed for another employee, and routines
//! started once per period however many servers try.

mod common;

use common::{MINUTE, backends, wib};
use engine::{ActionInput, CaseStatus, Verdict};
use store::Store;

const FIXTURES: [&str; 6] = [
    include_str!("../../sop/tests/fixtures/shapes/instalasi-jaringan.toml"),
    include_str!("../../sop/tests/fixtures/shapes/informasi-publik.toml"),
    include_str!("../../sop/tests/fixtures/shapes/cuti-pegawai.toml"),
    include_str!("../../sop/tests/fixtures/shapes/cuti-atas-nama.toml"),
    include_str!("../../sop/tests/fixtures/shapes/cek-backup-bulanan.toml"),
    include_str!("../../sop/tests/fixtures/shapes/laporan-harian.toml"),
];

/// Agency "contoh" with one demo person per position of the fixtures.
async fn staffed(s: &Store) {
    for text in FIXTURES {
        let sop = sop::parse_sop("fixture.toml", text).unwrap();
        store::demo::staff_for(s, &sop, None, wib(2026, 11, 2, 8, 0)).await.unwrap();
    }
}

fn person(position: &str) -> String {
    format!("contoh-demo-{position}")
}

fn fields(pairs: &[(&str, &str)]) -> ActionInput {
    ActionInput {
        fields: pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
        ..Default::default()
    }
}

fn note() -> ActionInput {
    ActionInput { note: Some("Sudah dilaksanakan.".into()), ..Default::default() }
}

fn verdict(v: Verdict) -> ActionInput {
    ActionInput { verdict: Some(v), ..note() }
}

/// `by` completes their open task of `step` in `case`.
async fn act(s: &Store, case: &str, step: u32, by: &str, input: ActionInput, at: i64) -> engine::CaseState {
    let tasks = s.open_tasks("contoh", by).await.unwrap();
    let task = tasks
        .iter()
        .find(|t| t.case == case && t.step == step)
        .unwrap_or_else(|| panic!("{by}: no task {step}"));
    s.complete(store::Complete::new("contoh", case, &task.task, by, input, at))
        .await
        .unwrap_or_else(|e| panic!("step {step}: {e}"))
}

async fn kinds(s: &Store, case: &str) -> Vec<String> {
    common::kinds(s, "contoh", case).await
}

#[tokio::test]
async fn parallel_tasks_join_and_a_loop_ends_at_its_bound() {
    for db in backends().await {
        let s = &db.store;
        staffed(s).await;
        let t = wib(2026, 11, 23, 9, 0);
        let case = s
            .submit(store::Submit::new(
                "contoh",
                "contoh/instalasi-jaringan",
                &person("pemohon"),
                fields(&[("lokasi", "Aula")]),
                t,
            ))
            .await
            .unwrap();
        act(s, &case.id, 2, &person("kasi-infrastruktur"), note(), t + MINUTE).await;
        // Both branches are open at once, each in its lane's inbox.
        for (who, step) in [("teknisi-jaringan", 3), ("administrator-server", 4)] {
            let open = s.open_tasks("contoh", &person(who)).await.unwrap();
            assert_eq!(open.iter().map(|t| t.step).collect::<Vec<_>>(), [step], "{}: {who}", db.label);
        }
        act(s, &case.id, 3, &person("teknisi-jaringan"), note(), t + 2 * MINUTE).await;
        assert!(
            s.open_tasks("contoh", &person("kasi-infrastruktur")).await.unwrap().is_empty(),
            "the join waits"
        );
        act(s, &case.id, 4, &person("administrator-server"), note(), t + 3 * MINUTE).await;
        let mut at = t + 4 * MINUTE;
        for _ in 0..2 {
            act(s, &case.id, 5, &person("kasi-infrastruktur"), verdict(Verdict::Tidak), at).await;
            act(s, &case.id, 6, &person("teknisi-jaringan"), note(), at + MINUTE).await;
            at += 2 * MINUTE;
        }
        let ended = act(s, &case.id, 5, &person("kasi-infrastruktur"), verdict(Verdict::Tidak), at).await;
        assert_eq!(ended.status, CaseStatus::Rejected);
        let kinds = kinds(s, &case.id).await;
        assert_eq!(kinds.iter().filter(|k| *k == "branch-waiting").count(), 4, "{kinds:?}");
        assert_eq!(kinds.iter().rev().take(2).collect::<Vec<_>>(), ["case-closed", "rounds-exhausted"]);
        let listed = s.cases("contoh").await.unwrap();
        assert_eq!(listed[0].status, CaseStatus::Rejected, "the view says ditolak");
        assert_eq!(s.verify_audit().await.unwrap().first_break, None);
    }
}

#[tokio::test]
async fn the_whole_procedure_deadline_is_kept_escalated_and_its_breach_recorded() {
    for db in backends().await {
        let s = &db.store;
        staffed(s).await;
        let t = wib(2026, 11, 23, 9, 0);
        let input = fields(&[("rincian_informasi", "Data anggaran"), ("tujuan", "Penelitian")]);
        let case = s
            .submit(store::Submit::new("contoh", "contoh/informasi-publik", &person("pemohon"), input, t))
            .await
            .unwrap();
        let due = wib(2026, 12, 7, 9, 0);
        assert_eq!(s.case("contoh", &case.id).await.unwrap().due_at, Some(due), "{}", db.label);
        // Step 2 (1 hari) is late too: count only the procedure's warning.
        s.escalate(due - MINUTE, 60 * MINUTE).await.unwrap();
        assert!(procedure(s, &person("petugas-ppid")).await.is_empty(), "not due yet");
        s.escalate(due + MINUTE, 60 * MINUTE).await.unwrap();
        s.escalate(due + 2 * MINUTE, 60 * MINUTE).await.unwrap();
        let told = procedure(s, &person("petugas-ppid")).await;
        assert_eq!(told.len(), 1, "once per interval: {told:?}");
        assert!(told[0].starts_with(&format!(
            "Permohonan {} melewati batas waktu seluruh prosedur (07-12-2026 09:00 WIB); peringatan ke-1.",
            case.number
        )));
        let at = due + 60 * MINUTE;
        act(s, &case.id, 2, &person("petugas-ppid"), note(), at).await;
        act(s, &case.id, 3, &person("ppid"), verdict(Verdict::Tidak), at).await;
        act(s, &case.id, 5, &person("ppid"), note(), at).await;
        act(s, &case.id, 6, &person("petugas-ppid"), note(), at).await;
        let done = act(s, &case.id, 7, &person("pemohon"), note(), at).await;
        assert_eq!((done.status, done.late_minutes), (CaseStatus::Rejected, Some(60)));
        let kinds = kinds(s, &case.id).await;
        assert!(
            kinds.contains(&"case-overdue".to_string()) && kinds.contains(&"outcome-decided".to_string())
        );
        use sqlx::Row;
        let row = sqlx::query("SELECT due_at, late_minutes, escalations FROM cases WHERE id = $1")
            .bind(&case.id)
            .fetch_one(s.pool())
            .await
            .unwrap();
        let stored: (Option<i64>, Option<i64>, i64) =
            (row.get("due_at"), row.get("late_minutes"), row.get("escalations"));
        assert_eq!(stored, (Some(due), Some(60), 1));
        let report = s.report("contoh", t, at + MINUTE).await.unwrap();
        let figures: Vec<(&str, i64, i64, i64)> =
            report.procedures.iter().map(|p| (p.sop_id.as_str(), p.ended, p.late, p.late_minutes)).collect();
        assert_eq!(figures, [("contoh/informasi-publik", 1, 1, 60)], "the report counts the breach");
    }
}

/// The whole-procedure warnings `who` got.
async fn procedure(s: &Store, who: &str) -> Vec<String> {
    let told = s.notifications("contoh", who).await.unwrap();
    told.into_iter().filter(|n| n.contains("seluruh prosedur")).collect()
}

#[tokio::test]
async fn a_joint_step_gives_each_lane_its_task_and_a_request_may_be_filed_for_another() {
    for db in backends().await {
        let s = &db.store;
        staffed(s).await;
        let t = wib(2026, 11, 23, 9, 0);
        // Any employee requests leave; Staf UK confirms its part.
        let employee = person("ppid");
        let leave =
            fields(&[("jenis_cuti", "Cuti tahunan"), ("tanggal_mulai", "2026-12-01"), ("lama_hari", "3")]);
        let case =
            s.submit(store::Submit::new("contoh", "contoh/cuti-pegawai", &employee, leave, t)).await.unwrap();
        assert!(s.open_tasks("contoh", &person("kasubag-umum-kepegawaian")).await.unwrap().is_empty());
        act(s, &case.id, 1, &person("staf-umum-kepegawaian"), note(), t + MINUTE).await;
        let open = s.open_tasks("contoh", &person("kasubag-umum-kepegawaian")).await.unwrap();
        assert_eq!(open.iter().map(|t| t.step).collect::<Vec<_>>(), [2], "{}", db.label);

        // The Kepala Tata Usaha files for an employee, who sees it as theirs.
        let pns = person("staf-tata-usaha");
        let input = fields(&[("pegawai", pns.as_str()), ("lama_hari", "5")]);
        let filed = s
            .submit(store::Submit::new(
                "contoh",
                "contoh/cuti-atas-nama",
                &person("kepala-tata-usaha"),
                input,
                t,
            ))
            .await
            .unwrap();
        assert_eq!(filed.on_behalf_of.as_deref(), Some(pns.as_str()));
        let theirs = s.cases_after("contoh", Some(&pns), None, 100).await.unwrap();
        assert!(theirs.iter().any(|c| c.id == filed.id), "{}: the employee's own list", db.label);
        let told = s.notifications("contoh", &pns).await.unwrap();
        assert!(told.iter().any(|n| n.contains("atas nama Anda")), "{told:?}");
        let nobody = fields(&[("pegawai", "tidak-ada"), ("lama_hari", "5")]);
        let refused = s
            .submit(store::Submit::new(
                "contoh",
                "contoh/cuti-atas-nama",
                &person("kepala-tata-usaha"),
                nobody,
                t,
            ))
            .await;
        assert!(
            matches!(refused, Err(store::StoreError::Engine(engine::EngineError::Invalid(_)))),
            "{refused:?}"
        );
    }
}

#[tokio::test]
async fn a_routine_starts_once_per_period_whoever_asks() {
    for db in backends().await {
        let s = &db.store;
        staffed(s).await;
        // Monday 23 November, before the daily 14:00 start: November's
        // backup check (due since Monday 2 November 08:00; the 1st was a
        // Sunday) starts, the daily report not yet.
        let first = s.start_due_routines(wib(2026, 11, 23, 13, 59)).await.unwrap();
        assert_eq!(first.started, ["CEK-BACKUP-BULANAN-2026-000001"], "{}", db.label);
        let daily = s.start_due_routines(wib(2026, 11, 23, 14, 1)).await.unwrap();
        assert_eq!(daily.started, ["LAPORAN-HARIAN-2026-000001"]);
        // Another server on the same database, at the same time: nothing more.
        let other = Store::open(&db.url).await.unwrap();
        let (a, b) = tokio::join!(
            s.start_due_routines(wib(2026, 11, 23, 14, 2)),
            other.start_due_routines(wib(2026, 11, 23, 14, 2))
        );
        assert_eq!((a.unwrap().started.len(), b.unwrap().started.len()), (0, 0));
        let runs = s.routine_runs("contoh", "contoh/laporan-harian").await.unwrap();
        assert_eq!(runs.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), ["2026-11-23"]);
        // The report is the operator's task; nobody may withdraw it.
        let case = s.case("contoh", &runs[0].1).await.unwrap();
        assert_eq!(case.routine.as_deref(), Some("2026-11-23"));
        let open = s.open_tasks("contoh", &person("operator-pengaduan")).await.unwrap();
        assert_eq!(open.len(), 1);
        let withdrawn = s.withdraw("contoh", &case.id, &case.requester, None, wib(2026, 11, 23, 14, 3)).await;
        assert!(withdrawn.is_err());
        // Saturday: no daily report; Monday next: the next one.
        assert!(s.start_due_routines(wib(2026, 11, 28, 15, 0)).await.unwrap().started.is_empty());
        assert_eq!(s.start_due_routines(wib(2026, 11, 30, 15, 0)).await.unwrap().started.len(), 1);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None);
    }
}

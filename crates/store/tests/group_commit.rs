//! Group commit: commands that arrive together share one commit, a command
//! that fails half-way undoes only itself, and a command whose caller goes
//! away half-way leaves nothing half-applied — on SQLite and PostgreSQL.

mod common;

use std::time::Duration;

use common::{backends, wib};
use engine::Verdict;
use sqlx::Row;
use store::Store;
use store::demo::sample_input;

async fn submit_vpn(s: &Store, at: i64) -> Result<engine::CaseState, store::StoreError> {
    let sop = s.sop("lumajang", "lumajang/vpn", None).await?;
    s.submit(store::Submit::new(
        "lumajang",
        "lumajang/vpn",
        "lmj-pemohon",
        sample_input(sop.first_step(), Verdict::Ya),
        at,
    ))
    .await
}

async fn count(s: &Store, sql: &'static str) -> i64 {
    sqlx::query(sql).fetch_one(s.pool()).await.unwrap().get::<i64, _>(0)
}

/// The VPN counter's value: every number handed out belongs to a case.
async fn vpn_counter(s: &Store) -> i64 {
    sqlx::query("SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = 'lumajang/vpn'")
        .fetch_one(s.pool())
        .await
        .unwrap()
        .get::<i64, _>(0)
}

#[tokio::test]
async fn commands_arriving_together_share_commits_and_a_failure_undoes_only_itself() {
    for db in backends().await {
        // Without the personal-data key, a visit request naming a NIK fails
        // after it has taken a case number: its savepoint must give it back.
        let keyless = &Store::open(&db.url).await.unwrap();
        let at = wib(2026, 11, 23, 9, 0);
        let visit = keyless.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
        let visit = &visit;
        let failing = move || {
            let mut input = sample_input(visit.first_step(), Verdict::Ya);
            input.fields.insert("nik_pengunjung".into(), "3508014508900001".into());
            keyless.submit(store::Submit::new("lumajang", "lumajang/ruang-server", "lmj-petugas", input, at))
        };
        let (kept_before, commits_before) = keyless.write_counts().await;
        let mut calls = Vec::new();
        for i in 0..40 {
            let failing = &failing;
            calls.push(Box::pin(async move {
                if i % 3 == 2 {
                    failing().await.map(|_| false)
                } else {
                    submit_vpn(keyless, at).await.map(|_| true)
                }
            }) as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>);
        }
        let results = futures_util::future::join_all(calls).await;
        let ok = results.iter().filter(|r| matches!(r, Ok(true))).count();
        let failed = results.iter().filter(|r| r.is_err()).count();
        assert_eq!((ok, failed), (27, 13), "{}: {results:?}", db.label);

        let (kept, commits) = keyless.write_counts().await;
        assert_eq!(kept - kept_before, 27, "{}", db.label);
        assert!(
            commits - commits_before < 27,
            "{}: {} commits for 27 commands",
            db.label,
            commits - commits_before
        );
        let visits: i64 = sqlx::query("SELECT COUNT(*) FROM counters WHERE name = 'lumajang/ruang-server'")
            .fetch_one(keyless.pool())
            .await
            .unwrap()
            .get(0);
        assert_eq!(visits, 0, "{}: the failed requests took no number", db.label);
        assert_eq!(vpn_counter(keyless).await, 27, "{}", db.label);
        assert_eq!(count(keyless, "SELECT COUNT(*) FROM cases").await, 27, "{}", db.label);
        assert_eq!(keyless.verify_audit().await.unwrap().first_break, None, "{}", db.label);
        keyless.close().await;
    }
}

/// The server's runtime has several threads, and there the SQLite queue
/// waits for the disk on the committing thread: commands of other tasks
/// still queue meanwhile and share the next commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_of_separate_tasks_share_commits_on_a_multi_threaded_runtime() {
    for db in backends().await {
        let s = std::sync::Arc::new(Store::open(&db.url).await.unwrap());
        let at = wib(2026, 11, 23, 9, 0);
        let (kept_before, commits_before) = s.write_counts().await;
        let calls: Vec<_> = (0..40)
            .map(|_| {
                let s = s.clone();
                tokio::spawn(async move { submit_vpn(&s, at).await })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        let (kept, commits) = s.write_counts().await;
        assert_eq!(kept - kept_before, 40, "{}", db.label);
        assert!(
            commits - commits_before < 40,
            "{}: {} commits for 40 commands",
            db.label,
            commits - commits_before
        );
        assert_eq!(count(&s, "SELECT COUNT(*) FROM cases").await, 40, "{}", db.label);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);
        std::sync::Arc::into_inner(s).expect("every call is done").close().await;
    }
}

#[tokio::test]
async fn commands_dropped_half_way_leave_nothing_half_applied() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 0);
        let mut calls = Vec::new();
        for i in 0..60u64 {
            // Callers that give up after a few hundred microseconds, at
            // different points of their command, beside patient ones.
            let patience =
                if i % 2 == 0 { Duration::from_secs(60) } else { Duration::from_micros(100 + 97 * i) };
            calls.push(async move { tokio::time::timeout(patience, submit_vpn(s, at)).await });
        }
        let results = futures_util::future::join_all(calls).await;
        let answered: Vec<engine::CaseState> =
            results.into_iter().filter_map(|r| r.ok()).map(|r| r.unwrap()).collect();
        assert!(answered.len() >= 30, "{}: the patient ones are answered", db.label);
        assert!(answered.len() < 60, "{}: some callers gave up half-way", db.label);

        // Later commands run normally after the abandoned ones.
        let after = submit_vpn(s, at).await.unwrap();
        for case in answered.iter().chain([&after]) {
            s.case("lumajang", &case.id).await.unwrap();
        }
        let cases = count(s, "SELECT COUNT(*) FROM cases").await;
        assert!(cases as usize > answered.len(), "{}", db.label);
        assert_eq!(vpn_counter(s).await, cases, "{}: every number taken belongs to a case", db.label);
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM events WHERE kind = 'case-opened'").await,
            cases,
            "{}: every case has its events, no events without a case",
            db.label
        );
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.status = 'open')").await,
            0,
            "{}: every case has its next task",
            db.label
        );
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);
    }
}

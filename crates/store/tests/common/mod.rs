//! Test databases: a fresh SQLite file per test, and a fresh PostgreSQL
//! database per test when `TEST_DATABASE_URL` is set (as `.ci/run` does).

#![allow(dead_code)]

use jiff::civil::date;
use jiff::tz::TimeZone;
use store::Store;

pub struct TestDb {
    pub store: Store,
    pub label: &'static str,
    /// The database URL (to open it again, as a second process would).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// The SQLite file (SQLite databases only).
    pub fn path(&self) -> std::path::PathBuf {
        self._dir.as_ref().expect("a SQLite test database").path().join("sopir.db")
    }
}

/// Every backend available here, each with the demo data installed.
pub async fn backends() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    if let Some(db) = postgres().await {
        dbs.push(db);
    }
    for db in &dbs {
        store::demo::install(&db.store, &sop::Catalog::builtin(), wib(2026, 11, 2, 8, 0)).await.unwrap();
    }
    dbs
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sopir.db").display());
    let store = Store::open(&url).await.unwrap().with_key(store::DataKey::random());
    TestDb { store, label: "sqlite", url, _dir: Some(dir) }
}

pub async fn postgres() -> Option<TestDb> {
    let url = empty_postgres().await?;
    let store = Store::open(&url).await.unwrap().with_key(store::DataKey::random());
    Some(TestDb { store, label: "postgres", url, _dir: None })
}

/// A new, empty PostgreSQL database of its own (no tables), when
/// `TEST_DATABASE_URL` names a server.
pub async fn empty_postgres() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&url).await.expect("TEST_DATABASE_URL reachable");
    sweep_old_databases(&admin).await;
    let name = format!("sopir_test_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
    admin.close().await;
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

async fn sweep_old_databases(admin: &sqlx::AnyPool) {
    use sqlx::Row;
    let names = sqlx::query(
        "SELECT CAST(datname AS TEXT) AS datname FROM pg_database WHERE datname LIKE 'sopir_test_%'",
    )
    .fetch_all(admin)
    .await
    .unwrap_or_default();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let hour_ago = hour_ago.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    for row in names {
        let Ok(name) = row.try_get::<String, _>("datname") else { continue };
        let Ok(id) = uuid::Uuid::parse_str(name.trim_start_matches("sopir_test_")) else { continue };
        if id.get_timestamp().is_some_and(|t| t.to_unix().0 < hour_ago) {
            // Another test process may be dropping it too: either is fine.
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(admin).await;
        }
    }
}

/// Epoch milliseconds of a WIB wall-clock time.
pub fn wib(y: i16, m: i8, d: i8, h: i8, min: i8) -> i64 {
    date(y, m, d)
        .at(h, min, 0, 0)
        .to_zoned(TimeZone::get("Asia/Jakarta").unwrap())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

pub const MINUTE: i64 = 60_000;

/// Now on Lumajang's clock (WIB): its date is the agency's "today", which
/// from 17:00 UTC is already the next day.
pub fn wib_now() -> jiff::Zoned {
    jiff::Timestamp::now().to_zoned(TimeZone::get("Asia/Jakarta").unwrap())
}

/// Kinds of all events of a case, oldest first.
pub async fn kinds(store: &Store, agency: &str, case: &str) -> Vec<String> {
    store.case_events(agency, case).await.unwrap().into_iter().map(|e| e.kind).collect()
}

/// Completes the open task of a case by its first candidate with the
/// sample input, at `at`.
pub async fn advance(store: &Store, agency: &str, state: &engine::CaseState, at: i64) -> engine::CaseState {
    let sop = store.sop(agency, &state.sop_id, Some(state.sop_version)).await.unwrap();
    let task = state.open_tasks().next().expect("an open task");
    let step = sop.step(task.step).unwrap();
    let input = store::demo::sample_input(step, engine::Verdict::Ya);
    let paperwork = store::demo::sample_paperwork(step);
    let by = &task.candidates[0].person;
    store::demo::prepare_step(store, agency, &sop, &state.id, step, by, at).await.unwrap();
    store
        .complete(store::Complete::new(agency, &state.id, &task.id, by, input, at).with_paperwork(paperwork))
        .await
        .unwrap()
}

/// Lumajang's requester asks for a VPN account at `at`.
pub async fn submit_vpn(store: &Store, at: i64) -> engine::CaseState {
    let sop = store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    store.submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, at)).await.unwrap()
}

/// Runs a case to its end, each task a minute after the last (see [`advance`]).
pub async fn run_to_end(
    store: &Store,
    agency: &str,
    mut state: engine::CaseState,
    mut at: i64,
) -> engine::CaseState {
    while state.status == engine::CaseStatus::Open {
        at += MINUTE;
        state = advance(store, agency, &state, at).await;
    }
    state
}

/// Two VPN requests of 23 November 2026 with known timings: dispositions a
/// minute apart, then the administrator's step 6 (5 minutes) takes 3
/// minutes in the first and 20 (15 late) in the second, which also reports
/// in 2. Both are still open.
pub async fn two_timed_vpn_cases(store: &Store) -> (engine::CaseState, engine::CaseState) {
    let t = wib(2026, 11, 23, 9, 0);
    let mut a = submit_vpn(store, t).await;
    for at in [t + MINUTE, t + 2 * MINUTE, t + 3 * MINUTE, t + 6 * MINUTE] {
        a = advance(store, "lumajang", &a, at).await;
    }
    let t = wib(2026, 11, 23, 9, 10);
    let mut b = submit_vpn(store, t).await;
    for at in [t + MINUTE, t + 2 * MINUTE, t + 3 * MINUTE, t + 23 * MINUTE, t + 25 * MINUTE] {
        b = advance(store, "lumajang", &b, at).await;
    }
    (a, b)
}

/// The changes recorded for `agency` after the first `before` ones, oldest
/// first: each change's kind and who made it.
pub async fn recorded_since(store: &Store, agency: &str, before: usize) -> Vec<(String, Option<String>)> {
    let records = store.record_events(agency, 1000).await.unwrap();
    records[..records.len() - before]
        .iter()
        .rev()
        .map(|(event, record)| (event.kind.clone(), record.by.clone()))
        .collect()
}

/// Runs a case of `sop_id` until its registry step is done (or refused),
/// entering `overrides` wherever a step asks for those fields.
pub async fn run_to_registry(
    s: &Store,
    agency: &str,
    sop_id: &str,
    requester: &str,
    overrides: &[(&str, &str)],
) -> Result<engine::CaseState, store::StoreError> {
    let sop = s.sop(agency, sop_id, None).await.unwrap();
    let registry_step = sop.registry.as_ref().unwrap().step;
    let fill = |step: &sop::Step| {
        let mut input = store::demo::sample_input(step, engine::Verdict::Ya);
        for (k, v) in overrides {
            if step.fields.iter().any(|f| f.name == *k) {
                input.fields.insert(k.to_string(), v.to_string());
            }
        }
        input
    };
    let mut at = wib(2026, 11, 23, 9, 0);
    let mut state =
        s.submit(store::Submit::new(agency, sop_id, requester, fill(sop.first_step()), at)).await?;
    loop {
        let task = state.open_tasks().next().cloned().expect("an open task before the registry step");
        let step = sop.step(task.step).unwrap();
        at += MINUTE;
        let paper = store::demo::sample_paperwork(step);
        let by = task.candidates[0].person.clone();
        state = s
            .complete(
                store::Complete::new(agency, &state.id, &task.id, &by, fill(step), at).with_paperwork(paper),
            )
            .await?;
        if step.no == registry_step {
            return Ok(state);
        }
    }
}

//! The hash-chained audit log, one chain per agency: a direct edit of an
//! event row, a deleted row, a deleted newest row and two swapped rows are
//! each named by `verify_audit`, on every backend, with their chain; a
//! chain rewritten whole (hashes recomputed, tail cut, anchors forged) is
//! caught by the checkpoints kept outside the database; a chain removed
//! whole or cut below its anchor is caught by the installation's anchors;
//! changes outside cases are links of their agency's chain; a database of
//! the single chain of before verifies before and after the split.

mod common;

use common::{MINUTE, advance, backends, wib};
use engine::Verdict;
use engine::calendar::{DayOff, DayOffKind};
use engine::organisation::{ActingKind, Holding};
use jiff::civil::date;
use store::audit::{Break, INSTALLATION, StoredEvent};
use store::checkpoint::{self, Mismatch, Problem};
use store::demo::sample_input;
use store::forgery;
use store::record_event::{Change, RecordEvent};
use store::registry::Filter;
use store::{Backend, Store, StoreError};

/// The installation chain's length now.
async fn head(s: &Store) -> i64 {
    s.audit_head(jiff::Timestamp::now()).await.unwrap().seq
}

/// The length of `agency`'s chain now.
async fn chain_len(s: &Store, agency: &str) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(MAX(chain_seq), 0) FROM events WHERE agency_id = $1")
        .bind(agency)
        .fetch_one(s.pool())
        .await
        .unwrap()
}

/// Every event stored, in every chain.
async fn events(s: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(s.pool()).await.unwrap()
}

/// The events a walk checks before it reaches `agency`'s chain: the
/// installation's, and those of the agencies named before it.
async fn walked_before(s: &Store, agency: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE chain_seq IS NULL OR agency_id < $1")
        .bind(agency)
        .fetch_one(s.pool())
        .await
        .unwrap()
}

/// A case's worth of events (ten) in Lumajang's chain, after the `base`
/// events already in it (the demo installation's records), which it returns.
async fn history(s: &Store) -> i64 {
    let base = chain_len(s, "lumajang").await;
    let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let mut state = s
        .submit(store::Submit::new(
            "lumajang",
            "lumajang/vpn",
            "lmj-pemohon",
            sample_input(sop.first_step(), Verdict::Ya),
            wib(2026, 11, 23, 9, 0),
        ))
        .await
        .unwrap();
    for i in 1..4 {
        state = advance(s, "lumajang", &state, wib(2026, 11, 23, 9, 0) + i * MINUTE).await;
    }
    base
}

/// Runs SQL as someone with direct database access would, past the
/// append-only trigger.
async fn tamper(s: &Store, sql: &str) {
    let mut tx = s.pool().begin().await.unwrap();
    match s.backend() {
        Backend::Sqlite => {
            for trigger in [
                "events_append_only_update",
                "events_append_only_delete",
                "audit_chains_forward_only",
                "audit_chains_kept",
            ] {
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER IF EXISTS {trigger}")))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
        }
        Backend::Postgres => {
            for table in ["events", "audit_chains"] {
                sqlx::query(sqlx::AssertSqlSafe(format!("ALTER TABLE {table} DISABLE TRIGGER USER")))
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
        }
    }
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_log_refuses_updates_and_deletes() {
    for db in backends().await {
        history(&db.store).await;
        let update =
            sqlx::query("UPDATE events SET payload = '{}' WHERE seq = 1").execute(db.store.pool()).await;
        let delete = sqlx::query("DELETE FROM events WHERE seq = 1").execute(db.store.pool()).await;
        for result in [update, delete] {
            let message = result.unwrap_err().to_string();
            assert!(message.contains("events are append-only"), "{}: {message}", db.label);
        }
        let report = db.store.verify_audit().await.unwrap();
        assert_eq!(report.first_break, None);
        assert_eq!(report.checked, events(&db.store).await);
        assert_eq!(report.records, report.checked - 10, "the installation's records, then the case's events");
        assert_eq!(report.chains, 2, "{}: Lumajang's and Trenggalek's", db.label);
    }
}

/// The event at place `position` of Lumajang's chain.
fn lumajang_at(position: i64) -> String {
    format!("agency_id = 'lumajang' AND chain_seq = {position}")
}

#[tokio::test]
async fn an_edited_event_is_named() {
    for db in backends().await {
        let base = history(&db.store).await;
        let third = base + 3;
        tamper(&db.store, &format!("UPDATE events SET payload = REPLACE(payload, 'Sudah dilaksanakan.', 'Tidak pernah.') WHERE {}", lumajang_at(third))).await;
        let report = db.store.verify_audit().await.unwrap();
        let Some(Break::Modified { chain, seq, kind, .. }) = &report.first_break else {
            panic!("{:?}", report)
        };
        assert_eq!(
            (chain.as_str(), *seq, kind.as_str()),
            ("lumajang", third, "task-completed"),
            "{}",
            db.label
        );
        assert_eq!(report.checked, walked_before(&db.store, "lumajang").await + third - 1);
        let said = report.first_break.unwrap().to_string();
        assert!(
            said.starts_with(&format!(
                "rantai instansi lumajang: event #{third} (task-completed, permohonan "
            )),
            "{said}"
        );
    }
}

#[tokio::test]
async fn a_deleted_event_is_named() {
    for db in backends().await {
        let base = history(&db.store).await;
        tamper(&db.store, &format!("DELETE FROM events WHERE {}", lumajang_at(base + 5))).await;
        let report = db.store.verify_audit().await.unwrap();
        let removed = Break::Removed { chain: "lumajang".into(), seq: base + 5 };
        assert_eq!(report.first_break, Some(removed), "{}", db.label);
        assert_eq!(
            report.first_break.unwrap().to_string(),
            format!(
                "rantai instansi lumajang: event #{} telah dihapus: nomor urut itu hilang dari rantai",
                base + 5
            )
        );
    }
}

#[tokio::test]
async fn deleting_the_newest_event_is_named_too() {
    for db in backends().await {
        let base = history(&db.store).await;
        tamper(&db.store, &format!("DELETE FROM events WHERE {}", lumajang_at(base + 10))).await;
        let report = db.store.verify_audit().await.unwrap();
        let removed = Break::Removed { chain: "lumajang".into(), seq: base + 10 };
        assert_eq!(report.first_break, Some(removed), "{}", db.label);
    }
}

#[tokio::test]
async fn swapped_events_are_named() {
    for db in backends().await {
        let base = history(&db.store).await;
        let (six, seven) = (base + 6, base + 7);
        // Swap the places of rows 6 and 7 in the chain, hashes included.
        tamper(&db.store, &format!("UPDATE events SET chain_seq = 100000 WHERE {}", lumajang_at(six))).await;
        tamper(&db.store, &format!("UPDATE events SET chain_seq = {six} WHERE {}", lumajang_at(seven))).await;
        tamper(&db.store, &format!("UPDATE events SET chain_seq = {seven} WHERE {}", lumajang_at(100000)))
            .await;
        let report = db.store.verify_audit().await.unwrap();
        let Some(Break::Reordered { chain, seq, .. }) = report.first_break else { panic!("{report:?}") };
        assert_eq!((chain.as_str(), seq), ("lumajang", six), "{}", db.label);
    }
}

#[tokio::test]
async fn a_chain_removed_whole_or_cut_below_its_anchor_is_found() {
    for db in backends().await {
        let s = &db.store;
        let base = history(s).await;
        assert!(s.anchor_chains(jiff::Timestamp::now()).await.unwrap(), "{}: the heads moved", db.label);
        assert!(!s.anchor_chains(jiff::Timestamp::now()).await.unwrap(), "{}: nothing moved since", db.label);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);

        // Trenggalek's chain removed whole, head and all.
        tamper(s, "DELETE FROM events WHERE agency_id = 'trenggalek'").await;
        tamper(s, "DELETE FROM audit_chains WHERE agency_id = 'trenggalek'").await;
        let report = s.verify_audit().await.unwrap();
        let removed = Break::Removed { chain: "trenggalek".into(), seq: 1 };
        assert_eq!(report.first_break, Some(removed), "{}", db.label);

        // Lumajang's newest event gone and its head moved back with it: the
        // chain links up to its head, but not to where it was anchored.
        let newest = lumajang_at(base + 10);
        let prev: String =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT prev_hash FROM events WHERE {newest}")))
                .fetch_one(s.pool())
                .await
                .unwrap();
        tamper(s, &format!("DELETE FROM events WHERE {newest}")).await;
        let back = format!(
            "UPDATE audit_chains SET seq = {}, hash = '{prev}' WHERE agency_id = 'lumajang'",
            base + 9
        );
        tamper(s, &back).await;
        let report = s.verify_audit().await.unwrap();
        let removed = Break::Removed { chain: "lumajang".into(), seq: base + 10 };
        assert_eq!(report.first_break, Some(removed), "{}", db.label);
        assert!(report.first_break.unwrap().to_string().starts_with("rantai instansi lumajang: event #"));
    }
}

fn at(text: &str) -> jiff::Timestamp {
    text.parse().unwrap()
}

#[tokio::test]
async fn a_rewritten_chain_checks_out_alone_but_not_against_its_checkpoints() {
    for db in backends().await {
        let s = &db.store;
        let key = s.checkpoint_key().expect("the store has the data key");
        let dir = tempfile::tempdir().unwrap();
        let read = || checkpoint::read(&[dir.path().to_path_buf()], &key).unwrap();
        let base = history(s).await;
        s.anchor_chains(at("2026-11-23T03:00:00Z")).await.unwrap();
        let early = s.audit_head(at("2026-11-23T03:00:00Z")).await.unwrap();
        checkpoint::append(dir.path(), &early, &key).unwrap();
        history(s).await;
        s.anchor_chains(at("2026-11-23T04:00:00Z")).await.unwrap();
        let late = s.audit_head(at("2026-11-23T04:00:00Z")).await.unwrap();
        checkpoint::append(dir.path(), &late, &key).unwrap();
        assert_eq!(late.seq, early.seq + 1, "{}: one anchor of the agency chains each", db.label);

        let untouched = s.anchor(read()).await.unwrap();
        assert_eq!(untouched.matching, 2, "{}", db.label);
        assert!(untouched.problems.is_empty(), "{:?}", untouched.problems);
        assert_eq!(untouched.newest_match.unwrap().1, late);

        // Someone with write access: an officer's report in Lumajang's
        // chain rewritten, every hash after it recomputed, the newest five
        // events cut off, and the anchors of the chain forged to match.
        let stored = events(s).await;
        forgery::rewrite(s, "lumajang", base + 3, |p| p.replace("Sudah dilaksanakan.", "Tidak pernah."), 5)
            .await
            .unwrap();
        let alone = s.verify_audit().await.unwrap();
        assert_eq!(alone.first_break, None, "{}: the chains alone still check out", db.label);
        assert_eq!(alone.checked, stored - 5);

        let file = dir.path().join("2026-11.log");
        let anchored = s.anchor(read()).await.unwrap();
        assert_eq!(anchored.matching, 0, "{}", db.label);
        let [rewritten, _] = &anchored.problems[..] else { panic!("{:?}", anchored.problems) };
        let rewritten_ones = anchored
            .problems
            .iter()
            .filter(|p| matches!(p, Problem::Mismatch { mismatch: Mismatch::Rewritten { .. }, .. }))
            .count();
        assert_eq!(rewritten_ones, 2, "{:?}", anchored.problems);
        let said = rewritten.to_string();
        assert!(
            said.starts_with(&format!(
                "{} baris 1: titik periksa 2026-11-23T03:00:00Z mencatat event #{} dengan hash {}…, tetapi di basis data event #{} ber-hash ",
                file.display(),
                early.seq,
                &early.hash[..16],
                early.seq
            )),
            "{said}"
        );
        assert!(
            said.ends_with(&format!("event sampai #{} telah diubah dan hash-nya dihitung ulang", early.seq))
        );

        // The installation's newest anchor cut too: the later checkpoint
        // is beyond the chain's end.
        forgery::rewrite(s, INSTALLATION, early.seq, |p| p.to_string(), 1).await.unwrap();
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);
        let anchored = s.anchor(read()).await.unwrap();
        let [_, shortened] = &anchored.problems[..] else { panic!("{:?}", anchored.problems) };
        assert_eq!(
            shortened.to_string(),
            format!(
                "{} baris 2: titik periksa 2026-11-23T04:00:00Z mencatat event #{}, tetapi rantai di basis data hanya sampai event #{}: ujung rantai telah dipotong",
                file.display(),
                late.seq,
                early.seq
            )
        );
    }
}

#[tokio::test]
async fn a_checkpoint_line_changed_or_signed_with_another_key_is_refused() {
    let db = common::sqlite().await;
    let key = db.store.checkpoint_key().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let head = db.store.audit_head(at("2026-11-23T03:00:00Z")).await.unwrap();
    checkpoint::append(dir.path(), &head, &key).unwrap();
    let other = checkpoint::CheckpointKey::from_data_key(&store::DataKey::random());
    checkpoint::append(dir.path(), &head, &other).unwrap();
    let file = dir.path().join("2026-11.log");
    let text = std::fs::read_to_string(&file).unwrap();
    let first = text.lines().next().unwrap().to_string();
    std::fs::write(&file, format!("{text}{}\n", first.replace("seq=0", "seq=7"))).unwrap();
    let anchored =
        db.store.anchor(checkpoint::read(std::slice::from_ref(&file), &key).unwrap()).await.unwrap();
    assert_eq!(anchored.matching, 1);
    let said: Vec<String> = anchored.problems.iter().map(ToString::to_string).collect();
    let forged = "tanda tangan titik periksa tidak sah: baris ini diubah, atau dibuat dengan kunci lain";
    assert_eq!(said, [2, 3].map(|line| format!("{} baris {line}: {forged}", file.display())));
}

/// Runs a Lumajang VPN case until its account is in the registry.
async fn vpn_account(s: &Store) -> (String, store::registry::Entry) {
    let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let start = wib(2026, 11, 24, 9, 0);
    let mut state = s
        .submit(store::Submit::new(
            "lumajang",
            "lumajang/vpn",
            "lmj-pemohon",
            sample_input(sop.first_step(), Verdict::Ya),
            start,
        ))
        .await
        .unwrap();
    for i in 1.. {
        let entries = s.registry("lumajang", "vpn", &Filter::default()).await.unwrap();
        if let Some(entry) = entries.into_iter().next() {
            return (state.id, entry);
        }
        state = advance(s, "lumajang", &state, start + i * MINUTE).await;
    }
    unreachable!()
}

#[tokio::test]
async fn changes_outside_cases_are_links_of_their_agency_chain() {
    for db in backends().await {
        let s = &db.store;
        let installed = s.verify_audit().await.unwrap();
        assert!(installed.records > 0, "{}: the installation itself is recorded", db.label);
        let (case, entry) = vpn_account(s).await;
        let t = wib(2026, 11, 25, 9, 0);
        s.change_entry_state("lumajang", &entry.id, "lmj-admin-jaringan", "ditangguhkan", "Diperiksa", t)
            .await
            .unwrap();
        let plh = Holding {
            person: "lmj-kasi".into(),
            position: "kabid-aptika".into(),
            from: date(2026, 11, 23),
            until: Some(date(2026, 11, 27)),
            acting: Some((ActingKind::Plh, Some("lmj-kabid".into()))),
        };
        s.add_holding("lumajang", &plh, Some("lmj-kasi")).await.unwrap();
        let day = date(2026, 12, 8);
        let off =
            DayOff { date: day, name: "Libur daerah".into(), kind: DayOffKind::Libur, source: "SK".into() };
        s.put_day_off("lumajang", &off, Some("lmj-kasi")).await.unwrap();
        s.put_day_off("lumajang", &off, Some("lmj-kasi")).await.unwrap();
        assert!(s.remove_day_off("lumajang", day, Some("lmj-kasi")).await.unwrap());
        assert!(!s.remove_day_off("lumajang", day, Some("lmj-kasi")).await.unwrap());
        s.add_account("lumajang", "siti", "lmj-pemohon", &store::hash_password("x"), false, t).await.unwrap();
        let (token, _) = s.create_api_token("siti", "portal", 30, t).await.unwrap();
        assert!(s.revoke_api_token("lmj-pemohon", &token, t).await.is_err(), "not another's token");
        s.revoke_api_token("siti", &token, t).await.unwrap();
        s.set_password("siti", &store::hash_password("y"), t).await.unwrap();

        let records = s.record_events("lumajang", 8).await.unwrap();
        let kinds: Vec<&str> = records.iter().map(|(row, _)| row.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "password-changed",
                "api-token-revoked",
                "api-token-created",
                "account-added",
                "day-off-removed",
                "day-off-set",
                "holding-added",
                "registry-state-changed"
            ],
            "{}: an unchanged day off, a refused revocation and removing nothing record nothing",
            db.label
        );
        let (row, registry) = records.last().unwrap();
        assert_eq!(row.case, "", "no case's event");
        assert_eq!(
            *registry,
            RecordEvent {
                change: Change::RegistryStateChanged {
                    entry: entry.id.clone(),
                    from: "aktif".into(),
                    to: "ditangguhkan".into(),
                    reason: "Diperiksa".into()
                },
                by: Some("lmj-admin-jaringan".into()),
            }
        );
        assert_eq!(records[6].1.by.as_deref(), Some("lmj-kasi"), "who named the Plh");
        assert_eq!(
            records[2].1.change,
            Change::ApiTokenCreated { account: "siti".into(), token: token.clone(), name: "portal".into() }
        );

        let report = s.verify_audit().await.unwrap();
        assert_eq!(report.first_break, None, "{}", db.label);
        assert_eq!(report.records, installed.records + 8);
        // Case histories hold none of them.
        let kinds = common::kinds(s, "lumajang", &case).await;
        assert!(kinds.iter().all(|k| !k.contains("registry") && !k.contains("holding")), "{kinds:?}");
        s.case("lumajang", &case).await.unwrap();
        assert!(matches!(s.case("lumajang", "").await, Err(StoreError::NotFound(_))));
        // Installing again changes nothing, so records nothing.
        let before = events(s).await;
        store::demo::install(s, &sop::Catalog::builtin(), wib(2026, 11, 26, 8, 0)).await.unwrap();
        assert_eq!(events(s).await, before, "{}", db.label);
    }
}

#[tokio::test]
async fn a_store_opened_read_only_verifies_and_writes_nothing() {
    for db in backends().await {
        history(&db.store).await;
        let (copy, _) = Store::open_read_only(&db.url).await.unwrap();
        let report = copy.verify_audit().await.unwrap();
        assert_eq!((report.checked, report.first_break), (events(&db.store).await, None), "{}", db.label);
        let versions = copy.schema_versions().await.unwrap();
        assert_eq!(versions.database, versions.program);
        let write = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(copy.pool()).await;
        assert!(write.is_err(), "{}: a read-only store cannot write", db.label);
    }
}

#[tokio::test]
async fn the_head_only_moves_forward_and_the_log_is_never_emptied() {
    for db in backends().await {
        history(&db.store).await;
        let mut refused = vec![
            "UPDATE audit_head SET seq = seq - 1, hash = 'x' WHERE id = 1",
            "UPDATE audit_head SET hash = 'x' WHERE id = 1",
            "DELETE FROM audit_head",
            "DELETE FROM events",
            "UPDATE audit_chains SET seq = seq - 1, hash = 'x' WHERE agency_id = 'lumajang'",
            "UPDATE audit_chains SET hash = 'x' WHERE agency_id = 'lumajang'",
            "DELETE FROM audit_chains",
            "UPDATE audit_split SET legacy_end = legacy_end + 1",
            "DELETE FROM audit_split",
        ];
        if db.store.backend() == Backend::Postgres {
            refused.extend(["TRUNCATE events", "TRUNCATE audit_head", "TRUNCATE audit_chains"]);
        }
        for sql in refused {
            let message = sqlx::query(sql).execute(db.store.pool()).await.unwrap_err().to_string();
            assert!(
                ["only moves forward", "append-only", "is fixed"].iter().any(|m| message.contains(m)),
                "{}: {sql}: {message}",
                db.label
            );
        }
        let report = db.store.verify_audit().await.unwrap();
        assert_eq!(report.first_break, None, "{}", db.label);
        // The lock every write takes rewrites the head unchanged.
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(db.store.pool()).await.unwrap();
    }
}

#[tokio::test]
async fn an_edited_change_outside_cases_is_named_as_such() {
    for db in backends().await {
        // The first event is the installation's first record, the first
        // of its agency's chain.
        tamper(&db.store, "UPDATE events SET payload = payload || ' ' WHERE seq = 1").await;
        let report = db.store.verify_audit().await.unwrap();
        let broken = report.first_break.unwrap().to_string();
        assert!(
            broken.starts_with("rantai instansi ")
                && broken.contains(": event #1 (")
                && broken.ends_with(", di luar permohonan) telah diubah: isinya tidak cocok dengan hash-nya"),
            "{}: {broken}",
            db.label
        );
    }
}

/// A database at `url` with the migrations before the split into agency
/// chains, and three events of the single chain of before.
async fn database_before_the_split(url: &str, backend: &str) -> String {
    let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    let before = tempfile::tempdir().unwrap();
    for file in std::fs::read_dir(&all).unwrap() {
        let file = file.unwrap();
        if file.file_name().to_str().unwrap() < "0045" {
            std::fs::copy(file.path(), before.path().join(file.file_name())).unwrap();
        }
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::migrate::Migrator::new(before.path()).await.unwrap().run(&pool).await.unwrap();
    let mut prev = store::audit::GENESIS.to_string();
    for seq in 1..=3 {
        let change = Change::DayOffRemoved { day: format!("2025-12-0{seq}") };
        let payload = serde_json::to_string(&RecordEvent { change, by: None }).unwrap();
        let row = StoredEvent {
            seq,
            agency: "lumajang".into(),
            case: String::new(),
            kind: "day-off-removed".into(),
            at: seq,
            payload,
            prev_hash: prev,
            hash: String::new(),
            chain_seq: None,
        };
        let row = StoredEvent { hash: row.expected_hash(), ..row };
        sqlx::query(
            "INSERT INTO events (seq, agency_id, case_id, kind, at, payload, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.seq)
        .bind(&row.agency)
        .bind(&row.case)
        .bind(&row.kind)
        .bind(row.at)
        .bind(&row.payload)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .execute(&pool)
        .await
        .unwrap();
        prev = row.hash;
    }
    sqlx::query("UPDATE audit_head SET seq = 3, hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    prev
}

#[tokio::test]
async fn a_database_of_one_chain_verifies_before_and_after_the_split() {
    let dir = tempfile::tempdir().unwrap();
    let mut urls = vec![(format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display()), "sqlite")];
    if let Some(url) = common::empty_postgres().await {
        urls.push((url, "postgres"));
    }
    for (url, backend) in urls {
        let legacy_head = database_before_the_split(&url, backend).await;
        // Opening migrates it: no event is rewritten, and it verifies.
        let s = Store::open(&url).await.unwrap();
        let report = s.verify_audit().await.unwrap();
        assert_eq!((report.checked, report.chains, report.first_break), (3, 0, None), "{backend}");
        assert_eq!(s.audit_head(jiff::Timestamp::now()).await.unwrap().hash, legacy_head);

        // New events go to agency chains; the installation's chain goes on
        // with their anchors after the three of before.
        store::demo::install(&s, &sop::Catalog::builtin(), wib(2026, 11, 2, 8, 0)).await.unwrap();
        assert!(s.anchor_chains(jiff::Timestamp::now()).await.unwrap());
        let report = s.verify_audit().await.unwrap();
        assert_eq!(report.first_break, None, "{backend}");
        assert_eq!((report.checked, report.chains), (events(&s).await, 2), "{backend}");
        let seqs: Vec<i64> =
            sqlx::query_scalar("SELECT seq FROM events WHERE chain_seq IS NOT NULL ORDER BY seq")
                .fetch_all(s.pool())
                .await
                .unwrap();
        assert!(seqs[0] > 3, "{backend}: new arrival numbers follow the old ones: {seqs:?}");
        assert_eq!(head(&s).await, 4, "{backend}: three events of before, one anchor");
        let anchor = s.chain_hash_at(4).await.unwrap().unwrap();
        assert_eq!(s.audit_head(jiff::Timestamp::now()).await.unwrap().hash, anchor);

        // An event of before, edited, is named in the installation's chain.
        tamper(&s, "UPDATE events SET payload = payload || ' ' WHERE seq = 2").await;
        let broken = s.verify_audit().await.unwrap().first_break.unwrap();
        assert!(matches!(&broken, Break::Modified { chain, seq: 2, .. } if chain.is_empty()), "{broken:?}");
        assert!(
            broken
                .to_string()
                .starts_with("rantai instalasi: event #2 (day-off-removed, di luar permohonan)")
        );
        s.close().await;
    }
}

#[tokio::test]
async fn a_row_slipped_in_beside_the_chains_is_named_and_a_case_keeps_its_chain_order() {
    for db in backends().await {
        let s = &db.store;
        let base = history(s).await;
        // Arrival numbers are not hashed: swapped, the case's history keeps
        // its chain's order, and the chains still verify.
        let (first, second) = (lumajang_at(base + 1), lumajang_at(base + 2));
        let seq_of = |place: String| async move {
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT seq FROM events WHERE {place}")))
                .fetch_one(s.pool())
                .await
                .unwrap()
        };
        let (a, b) = (seq_of(first.clone()).await, seq_of(second.clone()).await);
        let case: String =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT case_id FROM events WHERE {first}")))
                .fetch_one(s.pool())
                .await
                .unwrap();
        let before = common::kinds(s, "lumajang", &case).await;
        tamper(s, &format!("UPDATE events SET seq = -1 WHERE {first}")).await;
        tamper(s, &format!("UPDATE events SET seq = {a} WHERE {second}")).await;
        tamper(s, &format!("UPDATE events SET seq = {b} WHERE {first}")).await;
        assert_eq!(common::kinds(s, "lumajang", &case).await, before, "{}", db.label);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);

        // A row that carries no place in any chain is found.
        let slipped = events(s).await * 10;
        sqlx::query(
            "INSERT INTO events (seq, agency_id, case_id, kind, at, payload, prev_hash, hash)
             VALUES ($1, 'lumajang', $2, 'task-completed', 0, '{}', 'x', 'x')",
        )
        .bind(slipped)
        .bind(&case)
        .execute(s.pool())
        .await
        .unwrap();
        let report = s.verify_audit().await.unwrap();
        assert_eq!(report.first_break, Some(Break::Stray { seq: slipped }), "{}", db.label);
        assert!(report.first_break.unwrap().to_string().contains("tidak termasuk rantai mana pun"));
    }
}

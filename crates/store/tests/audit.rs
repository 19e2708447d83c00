//! The hash-chained audit log: a direct edit of an event row, a deleted
//! row, a deleted newest row and two swapped rows are each named by
//! `verify_audit`, on every backend; a chain rewritten whole (hashes
//! recomputed, tail cut) is caught by the checkpoints kept outside the
//! database; changes outside cases are links of the same chain.

mod common;

use common::{MINUTE, advance, backends, wib};
use engine::Verdict;
use engine::calendar::{DayOff, DayOffKind};
use engine::organisation::{ActingKind, Holding};
use jiff::civil::date;
use store::audit::Break;
use store::checkpoint::{self, Mismatch, Problem};
use store::demo::sample_input;
use store::forgery;
use store::record_event::{Change, RecordEvent};
use store::registry::Filter;
use store::{Backend, Store, StoreError};

/// The chain's length now.
async fn head(s: &Store) -> i64 {
    s.audit_head(jiff::Timestamp::now()).await.unwrap().seq
}

/// A case's worth of events (ten), after the `base` events already in the
/// chain (the demo installation's records), which it returns.
async fn history(s: &Store) -> i64 {
    let base = head(s).await;
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
            sqlx::query("DROP TRIGGER IF EXISTS events_append_only_update").execute(&mut *tx).await.unwrap();
            sqlx::query("DROP TRIGGER IF EXISTS events_append_only_delete").execute(&mut *tx).await.unwrap();
        }
        Backend::Postgres => {
            sqlx::query("ALTER TABLE events DISABLE TRIGGER events_append_only")
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_log_refuses_updates_and_deletes() {
    for db in backends().await {
        let base = history(&db.store).await;
        let update =
            sqlx::query("UPDATE events SET payload = '{}' WHERE seq = 1").execute(db.store.pool()).await;
        let delete = sqlx::query("DELETE FROM events WHERE seq = 1").execute(db.store.pool()).await;
        for result in [update, delete] {
            let message = result.unwrap_err().to_string();
            assert!(message.contains("events are append-only"), "{}: {message}", db.label);
        }
        let report = db.store.verify_audit().await.unwrap();
        assert_eq!(report.first_break, None);
        assert_eq!(report.checked, base + 10);
        assert_eq!(report.records, base, "the installation's records, then the case's events");
    }
}

#[tokio::test]
async fn an_edited_event_is_named() {
    for db in backends().await {
        let base = history(&db.store).await;
        let third = base + 3;
        tamper(&db.store, &format!("UPDATE events SET payload = REPLACE(payload, 'Sudah dilaksanakan.', 'Tidak pernah.') WHERE seq = {third}")).await;
        let report = db.store.verify_audit().await.unwrap();
        let Some(Break::Modified { seq, kind, .. }) = &report.first_break else { panic!("{:?}", report) };
        assert_eq!((*seq, kind.as_str()), (third, "task-completed"), "{}", db.label);
        assert_eq!(report.checked, third - 1);
        let said = report.first_break.unwrap().to_string();
        assert!(said.starts_with(&format!("event #{third} (task-completed, permohonan ")), "{said}");
    }
}

#[tokio::test]
async fn a_deleted_event_is_named() {
    for db in backends().await {
        let base = history(&db.store).await;
        tamper(&db.store, &format!("DELETE FROM events WHERE seq = {}", base + 5)).await;
        let report = db.store.verify_audit().await.unwrap();
        assert_eq!(report.first_break, Some(Break::Removed { seq: base + 5 }), "{}", db.label);
        assert_eq!(
            report.first_break.unwrap().to_string(),
            format!("event #{} telah dihapus: nomor urut itu hilang dari rantai", base + 5)
        );
    }
}

#[tokio::test]
async fn deleting_the_newest_event_is_named_too() {
    for db in backends().await {
        let base = history(&db.store).await;
        tamper(&db.store, &format!("DELETE FROM events WHERE seq = {}", base + 10)).await;
        let report = db.store.verify_audit().await.unwrap();
        assert_eq!(report.first_break, Some(Break::Removed { seq: base + 10 }), "{}", db.label);
    }
}

#[tokio::test]
async fn swapped_events_are_named() {
    for db in backends().await {
        let base = history(&db.store).await;
        let (six, seven) = (base + 6, base + 7);
        // Swap the content of rows 6 and 7, hashes included.
        tamper(&db.store, &format!("UPDATE events SET seq = 100000 WHERE seq = {six}")).await;
        tamper(&db.store, &format!("UPDATE events SET seq = {six} WHERE seq = {seven}")).await;
        tamper(&db.store, &format!("UPDATE events SET seq = {seven} WHERE seq = 100000")).await;
        let report = db.store.verify_audit().await.unwrap();
        let Some(Break::Reordered { seq, .. }) = report.first_break else { panic!("{report:?}") };
        assert_eq!(seq, six, "{}", db.label);
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
        let early = s.audit_head(at("2026-11-23T03:00:00Z")).await.unwrap();
        checkpoint::append(dir.path(), &early, &key).unwrap();
        history(s).await;
        let late = s.audit_head(at("2026-11-23T04:00:00Z")).await.unwrap();
        checkpoint::append(dir.path(), &late, &key).unwrap();
        assert_eq!((early.seq, late.seq), (base + 10, base + 20));

        let untouched = s.anchor(read()).await.unwrap();
        assert_eq!(untouched.matching, 2, "{}", db.label);
        assert!(untouched.problems.is_empty(), "{:?}", untouched.problems);
        assert_eq!(untouched.newest_match.unwrap().1, late);

        // Someone with write access: an officer's report rewritten, every
        // hash after it recomputed, the newest five events cut off.
        forgery::rewrite(s, base + 3, |p| p.replace("Sudah dilaksanakan.", "Tidak pernah."), late.seq - 5)
            .await
            .unwrap();
        let alone = s.verify_audit().await.unwrap();
        assert_eq!(alone.first_break, None, "{}: the chain alone still checks out", db.label);
        assert_eq!(alone.checked, late.seq - 5);

        let anchored = s.anchor(read()).await.unwrap();
        assert_eq!(anchored.matching, 0, "{}", db.label);
        let [rewritten, shortened] = &anchored.problems[..] else { panic!("{:?}", anchored.problems) };
        let file = dir.path().join("2026-11.log");
        assert!(
            matches!(rewritten, Problem::Mismatch { checkpoint, mismatch: Mismatch::Rewritten { .. }, .. } if *checkpoint == early),
            "{rewritten:?}"
        );
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
        assert_eq!(
            shortened.to_string(),
            format!(
                "{} baris 2: titik periksa 2026-11-23T04:00:00Z mencatat event #{}, tetapi rantai di basis data hanya sampai event #{}: ujung rantai telah dipotong",
                file.display(),
                late.seq,
                late.seq - 5
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
async fn changes_outside_cases_are_links_of_the_same_chain() {
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
        let before = head(s).await;
        store::demo::install(s, &sop::Catalog::builtin(), wib(2026, 11, 26, 8, 0)).await.unwrap();
        assert_eq!(head(s).await, before, "{}", db.label);
    }
}

#[tokio::test]
async fn a_store_opened_read_only_verifies_and_writes_nothing() {
    for db in backends().await {
        let base = history(&db.store).await;
        let (copy, _) = Store::open_read_only(&db.url).await.unwrap();
        let report = copy.verify_audit().await.unwrap();
        assert_eq!((report.checked, report.first_break), (base + 10, None), "{}", db.label);
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
        ];
        if db.store.backend() == Backend::Postgres {
            refused.extend(["TRUNCATE events", "TRUNCATE audit_head"]);
        }
        for sql in refused {
            let message = sqlx::query(sql).execute(db.store.pool()).await.unwrap_err().to_string();
            assert!(
                message.contains("only moves forward") || message.contains("append-only"),
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
        // The first event is the installation's first record.
        tamper(&db.store, "UPDATE events SET payload = payload || ' ' WHERE seq = 1").await;
        let report = db.store.verify_audit().await.unwrap();
        let broken = report.first_break.unwrap().to_string();
        assert!(
            broken.starts_with("event #1 (")
                && broken.ends_with(", di luar permohonan) telah diubah: isinya tidak cocok dengan hash-nya"),
            "{}: {broken}",
            db.label
        );
    }
}

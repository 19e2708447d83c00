//! The hash-chained audit log: a direct edit of an event row, a deleted
//! row, a deleted newest row and two swapped rows are each named by
//! `verify_audit`, on every backend.

mod common;

use common::{MINUTE, advance, backends, wib};
use engine::Verdict;
use store::audit::Break;
use store::demo::sample_input;
use store::{Backend, Store};

/// A few cases' worth of events.
async fn history(s: &Store) {
    let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let mut state = s
        .submit(
            "lumajang",
            "lumajang/vpn",
            "lmj-pemohon",
            sample_input(sop.first_step(), Verdict::Ya),
            wib(2026, 11, 23, 9, 0),
        )
        .await
        .unwrap();
    for i in 1..4 {
        state = advance(s, "lumajang", &state, wib(2026, 11, 23, 9, 0) + i * MINUTE).await;
    }
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
        assert_eq!(report.checked, 10);
    }
}

#[tokio::test]
async fn an_edited_event_is_named() {
    for db in backends().await {
        history(&db.store).await;
        tamper(&db.store, "UPDATE events SET payload = REPLACE(payload, 'Sudah dilaksanakan.', 'Tidak pernah.') WHERE seq = 3").await;
        let report = db.store.verify_audit().await.unwrap();
        let Some(Break::Modified { seq, kind, .. }) = &report.first_break else { panic!("{:?}", report) };
        assert_eq!((*seq, kind.as_str()), (3, "task-completed"), "{}", db.label);
        assert_eq!(report.checked, 2);
        assert!(report.first_break.unwrap().to_string().starts_with("event #3 (task-completed, permohonan "));
    }
}

#[tokio::test]
async fn a_deleted_event_is_named() {
    for db in backends().await {
        history(&db.store).await;
        tamper(&db.store, "DELETE FROM events WHERE seq = 5").await;
        let report = db.store.verify_audit().await.unwrap();
        assert_eq!(report.first_break, Some(Break::Removed { seq: 5 }), "{}", db.label);
        assert_eq!(
            report.first_break.unwrap().to_string(),
            "event #5 telah dihapus: nomor urut itu hilang dari rantai"
        );
    }
}

#[tokio::test]
async fn deleting_the_newest_event_is_named_too() {
    for db in backends().await {
        history(&db.store).await;
        tamper(&db.store, "DELETE FROM events WHERE seq = 10").await;
        let report = db.store.verify_audit().await.unwrap();
        assert_eq!(report.first_break, Some(Break::Removed { seq: 10 }), "{}", db.label);
    }
}

#[tokio::test]
async fn swapped_events_are_named() {
    for db in backends().await {
        history(&db.store).await;
        // Swap the content of rows 6 and 7, hashes included.
        tamper(&db.store, "UPDATE events SET seq = 1000 WHERE seq = 6").await;
        tamper(&db.store, "UPDATE events SET seq = 6 WHERE seq = 7").await;
        tamper(&db.store, "UPDATE events SET seq = 7 WHERE seq = 1000").await;
        let report = db.store.verify_audit().await.unwrap();
        let Some(Break::Reordered { seq, .. }) = report.first_break else { panic!("{report:?}") };
        assert_eq!(seq, 6, "{}", db.label);
    }
}

//! What someone with write access to the database can do to the hash
//! chain, for the tests that show `audit verify` still catches it. Built
//! only with the `test-support` feature.

use sqlx::Row;

use crate::audit::StoredEvent;
use crate::{Backend, Store, StoreError};

/// Rewrites history as an intruder with write access would: lets the
/// append-only and forward-only triggers go, deletes every event after `keep` (cuts the
/// tail), replaces event `seq`'s payload with `edit` of it, and recomputes
/// the hash of every event from `seq` on and the head's, so the chain
/// links up again and checks out on its own.
pub async fn rewrite(
    store: &Store,
    seq: i64,
    edit: impl Fn(&str) -> String,
    keep: i64,
) -> Result<(), StoreError> {
    let mut tx = store.pool.begin().await?;
    let disable: &[&str] = match store.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER IF EXISTS events_append_only_update",
            "DROP TRIGGER IF EXISTS events_append_only_delete",
            "DROP TRIGGER IF EXISTS audit_head_forward_only",
        ],
        Backend::Postgres => {
            &["ALTER TABLE events DISABLE TRIGGER USER", "ALTER TABLE audit_head DISABLE TRIGGER USER"]
        }
    };
    for statement in disable {
        sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM events WHERE seq > $1").bind(keep).execute(&mut *tx).await?;
    let rows = sqlx::query(
        "SELECT seq, agency_id, case_id, kind, at, payload, prev_hash, hash FROM events WHERE seq >= $1 ORDER BY seq",
    )
    .bind(seq)
    .fetch_all(&mut *tx)
    .await?;
    let mut prev: Option<String> = None;
    let mut head = None;
    for row in rows {
        let mut event = StoredEvent {
            seq: row.try_get("seq")?,
            agency: row.try_get("agency_id")?,
            case: row.try_get("case_id")?,
            kind: row.try_get("kind")?,
            at: row.try_get("at")?,
            payload: row.try_get("payload")?,
            prev_hash: row.try_get("prev_hash")?,
            hash: String::new(),
        };
        if event.seq == seq {
            event.payload = edit(&event.payload);
        }
        if let Some(prev) = prev.take() {
            event.prev_hash = prev;
        }
        event.hash = event.expected_hash();
        sqlx::query("UPDATE events SET payload = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&event.payload)
            .bind(&event.prev_hash)
            .bind(&event.hash)
            .bind(event.seq)
            .execute(&mut *tx)
            .await?;
        prev = Some(event.hash.clone());
        head = Some((event.seq, event.hash));
    }
    if let Some((seq, hash)) = head {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(hash)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

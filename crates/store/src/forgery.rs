//! What someone with write access to the database can do to the hash
//! chains, for the tests that show `audit verify` and the checkpoints
//! still catch it. Built only with the `test-support` feature.

use crate::audit::{INSTALLATION, StoredEvent, select_events};
use crate::record_event::{Change, RecordEvent};
use crate::{Backend, Store, StoreError, WriteTx};

/// Rewrites history as a thorough intruder with write access would: lets
/// the append-only and forward-only triggers go, cuts the newest `cut`
/// events of `chain` (an agency, or [`INSTALLATION`]), replaces the payload
/// of its event at place `position` with `edit` of it, recomputes every hash of its chain
/// from there on and the chain's head — and, for an agency's chain, the
/// anchors of it in the installation's chain and every hash of that chain
/// from the first anchor changed — so every chain links up again and
/// checks out on its own.
pub async fn rewrite(
    store: &Store,
    chain: &str,
    position: i64,
    edit: impl Fn(&str) -> String,
    cut: usize,
) -> Result<(), StoreError> {
    let mut tx = WriteTx::from(store.pool.begin().await?);
    let disable: &[&str] = match store.backend {
        Backend::Sqlite => &[
            "DROP TRIGGER IF EXISTS events_append_only_update",
            "DROP TRIGGER IF EXISTS events_append_only_delete",
            "DROP TRIGGER IF EXISTS audit_head_forward_only",
            "DROP TRIGGER IF EXISTS audit_chains_forward_only",
        ],
        Backend::Postgres => &[
            "ALTER TABLE events DISABLE TRIGGER USER",
            "ALTER TABLE audit_head DISABLE TRIGGER USER",
            "ALTER TABLE audit_chains DISABLE TRIGGER USER",
        ],
    };
    for statement in disable {
        sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&mut *tx).await?;
    }
    let mut rows = chain_rows(&mut tx, chain).await?;
    for row in rows.split_off(rows.len().saturating_sub(cut)) {
        sqlx::query("DELETE FROM events WHERE seq = $1").bind(row.seq).execute(&mut *tx).await?;
    }
    let from = usize::try_from(position - 1).expect("a place in the chain");
    assert!(from < rows.len(), "the event edited is not cut");
    rows[from].payload = edit(&rows[from].payload);
    relink(&mut tx, chain, &mut rows, from).await?;
    if chain == INSTALLATION {
        return Ok(tx.commit().await?);
    }
    let mut installation = chain_rows(&mut tx, INSTALLATION).await?;
    let mut first_changed = None;
    for (i, row) in installation.iter_mut().enumerate().filter(|(_, r)| r.kind == "chains-anchored") {
        let mut record: RecordEvent = serde_json::from_str(&row.payload).expect("an anchor");
        let Change::ChainsAnchored { heads } = &mut record.change else { continue };
        for head in heads.iter_mut().filter(|h| h.agency == chain) {
            head.seq = head.seq.min(rows.len() as i64);
            head.hash = match head.seq {
                0 => crate::audit::GENESIS.to_string(),
                seq => rows[seq as usize - 1].hash.clone(),
            };
        }
        let payload = serde_json::to_string(&record).expect("serialises");
        if payload != row.payload {
            row.payload = payload;
            first_changed.get_or_insert(i);
        }
    }
    if let Some(from) = first_changed {
        relink(&mut tx, INSTALLATION, &mut installation, from).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every row of `chain`, in its order.
async fn chain_rows(tx: &mut WriteTx, chain: &str) -> Result<Vec<StoredEvent>, StoreError> {
    let mut rows: Vec<StoredEvent> = if chain == INSTALLATION {
        sqlx::query_as(select_events!("WHERE chain_seq IS NULL ORDER BY seq")).fetch_all(&mut **tx).await?
    } else {
        Vec::new()
    };
    let after: Vec<StoredEvent> =
        sqlx::query_as(select_events!("WHERE agency_id = $1 AND chain_seq IS NOT NULL ORDER BY chain_seq"))
            .bind(chain)
            .fetch_all(&mut **tx)
            .await?;
    rows.extend(after);
    Ok(rows)
}

/// Recomputes the hashes of `rows` (one chain's, in order) from `from` on,
/// writes them, and moves the chain's head to the last.
async fn relink(
    tx: &mut WriteTx,
    chain: &str,
    rows: &mut [StoredEvent],
    from: usize,
) -> Result<(), StoreError> {
    for i in from..rows.len() {
        if i > 0 {
            rows[i].prev_hash = rows[i - 1].hash.clone();
        }
        rows[i].hash = rows[i].expected_hash();
        let row = &rows[i];
        sqlx::query("UPDATE events SET payload = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&row.payload)
            .bind(&row.prev_hash)
            .bind(&row.hash)
            .bind(row.seq)
            .execute(&mut **tx)
            .await?;
    }
    let (seq, hash) =
        rows.last().map(|r| (r.position(), r.hash.clone())).unwrap_or((0, crate::audit::GENESIS.into()));
    let head = if chain == INSTALLATION {
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(seq).bind(hash)
    } else {
        sqlx::query("UPDATE audit_chains SET seq = $1, hash = $2 WHERE agency_id = $3")
            .bind(seq)
            .bind(hash)
            .bind(chain)
    };
    head.execute(&mut **tx).await?;
    Ok(())
}

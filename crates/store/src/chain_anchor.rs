//! Anchors of the agency chains: from time to time the installation's
//! chain records the head (length and last hash) of every agency's chain.
//! An agency chain is written without the installation's lock, so its
//! events are not links of the installation's chain; the anchors are what
//! ties them to it, and to the checkpoints kept outside the database. A
//! chain cut below, rewritten before, or removed whole after its last
//! anchor no longer shows the anchored head, and `audit verify` says so.

use std::collections::BTreeMap;

use crate::audit::{INSTALLATION, last_anchor};
use crate::record_event::{ChainHead, Change, Owner, append};
use crate::{Store, StoreError};

impl Store {
    /// Records every agency chain's head in the installation's chain when
    /// one moved since the last anchor. Whether it recorded one.
    pub async fn anchor_chains(&self, at: jiff::Timestamp) -> Result<bool, StoreError> {
        // Looked at first without the installation's lane, which holds up
        // every agency's writers while it runs.
        let (last, heads) = (last_anchor(&self.pool).await?, chain_heads(&self.pool).await?);
        if unmoved(&last, &heads) {
            return Ok(false);
        }
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let (last, heads) = (last_anchor(&mut **tx).await?, chain_heads(&mut **tx).await?);
            if unmoved(&last, &heads) {
                return Ok(false);
            }
            let change = Change::ChainsAnchored { heads };
            append(tx, Owner::Agency(INSTALLATION), None, change, at.as_millisecond()).await?;
            Ok(true)
        }
        .await;
        write.finish(result).await
    }
}

/// Every agency chain's head, in the order of their agencies.
async fn chain_heads<'e, E>(executor: E) -> Result<Vec<ChainHead>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as("SELECT agency_id, seq, hash FROM audit_chains WHERE seq > 0 ORDER BY agency_id")
        .fetch_all(executor)
        .await?)
}

/// Whether every agency chain's head is where the last anchor put it.
fn unmoved(last: &BTreeMap<String, (i64, String)>, heads: &[ChainHead]) -> bool {
    heads.len() == last.len()
        && heads
            .iter()
            .all(|h| last.get(&h.agency).is_some_and(|(seq, hash)| *seq == h.seq && *hash == h.hash))
}

//! The WireGuard gateway's peer list, kept by Sopir: a provisioning run of
//! the WireGuard connector adds, suspends, reactivates or removes the peer
//! of one registry entry in the same transaction that records the run as
//! done, so the list the gateway pulls is always what the registry holds.

use sqlx::Row;

use crate::provisioning::DueRun;
use crate::record_event::{Owner, append};
use crate::{Store, StoreError};

/// A peer of the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpnPeer {
    pub entry_id: String,
    /// The registry name.
    pub name: String,
    pub public_key: String,
    pub address: String,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct PeerRow {
    entry_id: String,
    name: String,
    public_key: String,
    address: String,
    active: i64,
}

/// What a WireGuard run does to the entry's peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerChange {
    Add {
        public_key: String,
        address: String,
    },
    /// In (`true`) or out of the gateway's list, keeping its address.
    SetActive(bool),
    Remove,
}

impl Store {
    /// `agency`'s peers, in and out of the gateway's list.
    pub async fn vpn_peers(&self, agency: &str) -> Result<Vec<VpnPeer>, StoreError> {
        let rows: Vec<PeerRow> = sqlx::query_as(
            "SELECT entry_id, name, public_key, address, active FROM vpn_peers WHERE agency_id = $1 ORDER BY address",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| VpnPeer {
                entry_id: r.entry_id,
                name: r.name,
                public_key: r.public_key,
                address: r.address,
                active: r.active == 1,
            })
            .collect())
    }

    /// Records WireGuard run `run` as done, changing its entry's peer as
    /// `change` says, in one transaction: an address another peer took
    /// meanwhile refuses it (the worker tries again with a fresh one).
    pub async fn run_done_with_peer(
        &self,
        run: &DueRun,
        outcome: &connectors::Outcome,
        change: PeerChange,
        at: i64,
    ) -> Result<(), StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            // The run first: a run another worker already recorded changes
            // no peer (its key pair would replace the one handed over).
            let (statement, recorded) = self.done_statement(run, outcome, at)?;
            if statement.execute(&mut **tx).await?.rows_affected() == 0 {
                return Err(StoreError::AlreadyExists(format!("hasil penyediaan {}", run.id)));
            }
            append(tx, Owner::Agency(&run.agency), None, recorded, at).await?;
            match &change {
                PeerChange::Add { public_key, address } => {
                    let taken = sqlx::query("SELECT entry_id FROM vpn_peers WHERE agency_id = $1 AND address = $2")
                        .bind(&run.agency)
                        .bind(address)
                        .fetch_optional(&mut **tx)
                        .await?;
                    if let Some(row) = taken {
                        let holder: String = row.try_get("entry_id")?;
                        if holder != run.entry {
                            return Err(StoreError::AlreadyExists(format!("alamat VPN {address}")));
                        }
                    }
                    sqlx::query("DELETE FROM vpn_peers WHERE entry_id = $1").bind(&run.entry).execute(&mut **tx).await?;
                    sqlx::query(
                        "INSERT INTO vpn_peers (entry_id, agency_id, name, public_key, address, active, updated_at)
                         VALUES ($1, $2, $3, $4, $5, 1, $6)",
                    )
                    .bind(&run.entry)
                    .bind(&run.agency)
                    .bind(&run.approved.name)
                    .bind(public_key)
                    .bind(address)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                }
                PeerChange::SetActive(active) => {
                    sqlx::query("UPDATE vpn_peers SET active = $1, updated_at = $2 WHERE entry_id = $3")
                        .bind(i64::from(*active))
                        .bind(at)
                        .bind(&run.entry)
                        .execute(&mut **tx)
                        .await?;
                }
                PeerChange::Remove => {
                    sqlx::query("DELETE FROM vpn_peers WHERE entry_id = $1").bind(&run.entry).execute(&mut **tx).await?;
                }
            }
            Ok(())
        }
        .await;
        write.finish(result).await
    }
}

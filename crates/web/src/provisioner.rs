//! The worker that runs queued provisioning ([`store::provisioning`]):
//! every round it claims the runs that are due, unseals the agency's
//! settings for each run's connector, and runs it — or, in dry-run mode,
//! only records what it would send — reporting each as done or failed
//! (the store retries or leaves it to an administrator). Every ten minutes
//! it also queues the undo of provisioned entries past their valid-until
//! date.

use std::sync::Arc;
use std::time::Duration;

use std::net::IpAddr;

use connectors::wireguard::{self, GatewaySettings};
use connectors::{ConnectorError, ConnectorKind, Operation, Outcome};
use store::Store;
use store::provisioning::DueRun;
use store::vpn_peers::PeerChange;

/// How often queued runs are looked for: a subdomain approved answers in
/// DNS within seconds.
const EVERY: Duration = Duration::from_secs(2);
/// How often expired entries are looked for, in rounds.
const EXPIRY_ROUNDS: u32 = 300;
/// Runs taken per round, each claimed just before it runs (a claim lapses
/// after five minutes; a batch claimed at once could lapse while the
/// runs before it wait for their servers, and another server take them).
const BATCH: usize = 20;

/// Runs what is due at `now`; returns (done or dry run, failed).
pub async fn round(store: &Store, now: i64) -> Result<(usize, usize), store::StoreError> {
    let (mut done, mut failed) = (0, 0);
    for _ in 0..BATCH {
        let Some(run) = store.claim_due_runs(now, 1).await?.pop() else { break };
        match run_one(store, &run, now).await {
            Ok(true) => done += 1,
            Ok(false) => failed += 1,
            // A storage failure leaves the run claimed: tried again once its
            // claim lapses. Anything else (a settings secret that no longer
            // opens, a corrupt row) is an administrator's task, not a loop.
            Err(e) if e.is_storage_failure() => return Err(e),
            Err(e) => {
                tracing::error!(run = run.id, "penyediaan tidak dapat dijalankan: {e}");
                store.run_failed(&run, &ConnectorError::Settings(e.to_string()), now).await?;
                failed += 1;
            }
        }
    }
    Ok((done, failed))
}

/// Runs one claimed run; whether it succeeded.
async fn run_one(store: &Store, run: &DueRun, now: i64) -> Result<bool, store::StoreError> {
    let settings = store.connector_settings(&run.agency, run.connector).await?;
    if let (ConnectorKind::Wireguard, Some((settings, dry_run))) = (run.connector, &settings) {
        return match peer_change(store, run, settings).await? {
            Ok((_, outcome)) if *dry_run => {
                store.run_dry(run, &outcome.summary, now).await?;
                Ok(true)
            }
            Ok((change, outcome)) => match store.run_done_with_peer(run, &outcome, change, now).await {
                Ok(()) => Ok(true),
                // Another peer took the address meanwhile: tried again shortly.
                Err(store::StoreError::AlreadyExists(what)) => {
                    let error = ConnectorError::Unverified(format!("{what} baru saja dipakai peer lain"));
                    store.run_failed(run, &error, now).await?;
                    Ok(false)
                }
                Err(e) => Err(e),
            },
            Err(error) => {
                store.run_failed(run, &error, now).await?;
                Ok(false)
            }
        };
    }
    let result = match settings {
        None => Err(ConnectorError::Settings(format!(
            "konektor {} tidak lagi diatur untuk instansi ini (Admin → Konektor)",
            run.connector.label()
        ))),
        Some((settings, true)) => {
            match connectors::describe(run.connector, &settings, run.operation, &run.approved) {
                Ok(text) => {
                    store.run_dry(run, &text, now).await?;
                    return Ok(true);
                }
                Err(e) => Err(e),
            }
        }
        Some((settings, false)) => {
            connectors::run(run.connector, &settings, run.operation, &run.approved, &run.id).await
        }
    };
    match result {
        Ok(outcome) => {
            tracing::info!(
                run = run.id,
                connector = run.connector.key(),
                "penyediaan selesai: {}",
                outcome.summary
            );
            store.run_done(run, &outcome, now).await?;
            Ok(true)
        }
        Err(error) => {
            tracing::warn!(run = run.id, connector = run.connector.key(), "penyediaan gagal: {error}");
            store.run_failed(run, &error, now).await?;
            Ok(false)
        }
    }
}

/// What a WireGuard run does to its entry's peer, and what it says: the
/// gateway's list is Sopir's own, so nothing is sent anywhere — a new peer
/// gets its address and a key pair whose private half leaves only in the
/// requester's one-time handover. A dry run's outcome says what would be
/// done (its key pair is dropped unused).
async fn peer_change(
    store: &Store,
    run: &DueRun,
    settings: &connectors::Settings,
) -> Result<Result<(PeerChange, Outcome), ConnectorError>, store::StoreError> {
    let gateway = match GatewaySettings::from_settings(settings) {
        Ok(g) => g,
        Err(e) => return Ok(Err(e)),
    };
    let peers = store.vpn_peers(&run.agency).await?;
    let own = peers.iter().find(|p| p.entry_id == run.entry);
    let address = match (run.operation, own) {
        (_, Some(peer)) => {
            peer.address.parse().map_err(|_| store::StoreError::Corrupt(peer.address.clone()))?
        }
        (Operation::Create, None) => {
            let taken: Vec<IpAddr> = peers.iter().filter_map(|p| p.address.parse().ok()).collect();
            match wireguard::address_for(&gateway, settings, &run.approved, &taken) {
                Ok(a) => a,
                Err(e) => return Ok(Err(e)),
            }
        }
        // Nothing to suspend or remove: the peer was never made (or is gone).
        (_, None) => {
            let summary = format!(
                "peer WireGuard {} tidak ada di daftar gateway; tidak ada yang diubah",
                run.approved.name
            );
            let change = PeerChange::Remove;
            return Ok(Ok((change, Outcome { summary, answer: None, handover: None })));
        }
    };
    let summary = wireguard::describe(&gateway, run.operation, &run.approved.name, address);
    let (change, handover) = match run.operation {
        Operation::Create => {
            let keys = wireguard::KeyPair::generate();
            let handover = wireguard::handover(&gateway, &keys, address, &run.approved.name);
            (
                PeerChange::Add { public_key: keys.public().to_string(), address: address.to_string() },
                Some(handover),
            )
        }
        Operation::Suspend => (PeerChange::SetActive(false), None),
        Operation::Reactivate => (PeerChange::SetActive(true), None),
        Operation::Revoke => (PeerChange::Remove, None),
    };
    Ok(Ok((change, Outcome { summary, answer: None, handover })))
}

/// The gateway's peer list, as `wg syncconf` reads it (with the gateway's
/// own `[Interface]` section, see the connector's documentation): the
/// active peers of `agency`.
pub async fn gateway_peer_list(store: &Store, agency: &str) -> Result<String, store::StoreError> {
    let peers: Vec<wireguard::Peer> = match store.connector_settings(agency, ConnectorKind::Wireguard).await?
    {
        Some((settings, _)) => {
            let gateway = GatewaySettings::from_settings(&settings).ok();
            store
                .vpn_peers(agency)
                .await?
                .into_iter()
                .filter(|p| p.active)
                .filter_map(|p| {
                    let address: IpAddr = p.address.parse().ok()?;
                    Some(wireguard::Peer {
                        address6: gateway.as_ref().and_then(|g| g.address6_of(address)),
                        name: p.name,
                        public_key: p.public_key,
                        address,
                    })
                })
                .collect()
        }
        None => Vec::new(),
    };
    Ok(wireguard::gateway_peers(&peers))
}

/// Queues the undo of every provisioned entry past its valid-until date,
/// each agency by its own calendar day.
pub async fn sweep_expired(store: &Store, now: i64) -> Result<usize, store::StoreError> {
    let mut queued = 0;
    for agency in store.agencies_provisioning().await? {
        let zone = store.calendar(&agency).await?.zone;
        let today =
            jiff::Timestamp::from_millisecond(now).unwrap_or_default().to_zoned(zone).date().to_string();
        queued += store.queue_expired_undos(&agency, &today, now).await?;
    }
    Ok(queued)
}

/// Works through the queue for as long as the server runs; a round that
/// fails is logged and the next one tries again.
pub async fn run_forever(store: Arc<Store>) {
    let mut tick = tokio::time::interval(EVERY);
    let mut rounds = 0_u32;
    loop {
        tick.tick().await;
        let now = jiff::Timestamp::now().as_millisecond();
        if rounds.is_multiple_of(EXPIRY_ROUNDS) {
            if let Err(e) = sweep_expired(&store, now).await {
                tracing::warn!("entri kedaluwarsa tidak dapat diperiksa: {e}");
            }
        }
        rounds = rounds.wrapping_add(1);
        if let Err(e) = round(&store, now).await {
            tracing::warn!("penyediaan gagal dijalankan, dicoba lagi: {e}");
        }
    }
}

//! The worker that runs queued provisioning ([`store::provisioning`]):
//! every round it claims the runs that are due, unseals the agency's
//! settings for each run's connector, and runs it — or, in dry-run mode,
//! only records what it would send — reporting each as done or failed
//! (the store retries or leaves it to an administrator). Every ten minutes
//! it also queues the undo of provisioned entries past their valid-until
//! date.

use std::sync::Arc;
use std::time::Duration;

use connectors::ConnectorError;
use store::Store;
use store::provisioning::DueRun;

/// How often queued runs are looked for: a subdomain approved answers in
/// DNS within seconds.
const EVERY: Duration = Duration::from_secs(2);
/// How often expired entries are looked for, in rounds.
const EXPIRY_ROUNDS: u32 = 300;
/// Runs claimed per round.
const BATCH: i64 = 20;

/// Runs what is due at `now`; returns (done or dry run, failed).
pub async fn round(store: &Store, now: i64) -> Result<(usize, usize), store::StoreError> {
    let (mut done, mut failed) = (0, 0);
    for run in store.claim_due_runs(now, BATCH).await? {
        match run_one(store, &run, now).await? {
            true => done += 1,
            false => failed += 1,
        }
    }
    Ok((done, failed))
}

/// Runs one claimed run; whether it succeeded.
async fn run_one(store: &Store, run: &DueRun, now: i64) -> Result<bool, store::StoreError> {
    let result = match store.connector_settings(&run.agency, run.connector).await? {
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
            connectors::run(run.connector, &settings, run.operation, &run.approved).await
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
        if rounds % EXPIRY_ROUNDS == 0 {
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

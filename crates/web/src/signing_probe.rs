//! Watching a signing service that could not be reached: every round,
//! for each agency with letters waiting because of it, asks the service
//! for one waiting signer's certificate state; once it answers at all, the
//! signers are told (once per outage) that they can sign from the queue.
//! Signing itself waits for them: the passphrase is never kept.

use std::sync::Arc;
use std::time::Duration;

use store::Store;

use crate::signing_service::SigningService;

/// How often the services are asked.
const EVERY: Duration = Duration::from_secs(60);

/// One round over the agencies waiting for their service; returns how
/// many signers were told it is back.
pub async fn round(store: &Store) -> usize {
    let mut told = 0;
    let agencies = match store.agencies_waiting_for_signatures().await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!("antrean tanda tangan tidak terbaca: {e}");
            return 0;
        }
    };
    for agency in agencies {
        match answers(store, &agency).await {
            Ok(true) => {
                match store.signing_service_back(&agency, jiff::Timestamp::now().as_millisecond()).await {
                    Ok(n) => told += n,
                    Err(e) => tracing::warn!(agency, "pemberitahuan layanan tanda tangan gagal: {e}"),
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(agency, "layanan tanda tangan tidak dapat diperiksa: {e}"),
        }
    }
    told
}

/// Whether `agency`'s service answers (any answer but "unreachable").
async fn answers(store: &Store, agency: &str) -> Result<bool, store::StoreError> {
    let Some(settings) = store.signing_service(agency).await? else { return Ok(false) };
    let waiting = store.waiting_letters(agency).await?;
    let mut nik = None;
    for letter in &waiting {
        nik = store.signer_nik(agency, &letter.signer_id).await?;
        if nik.is_some() {
            break;
        }
    }
    let Some(nik) = nik else { return Ok(false) };
    let client = SigningService::new(
        &settings.url,
        &settings.username,
        &settings.password,
        Duration::from_secs(u64::from(settings.timeout_secs)),
    );
    Ok(client.status(&nik).await.map_or_else(|e| !e.is_unreachable(), |_| true))
}

pub async fn run_forever(store: Arc<Store>) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        round(&store).await;
    }
}

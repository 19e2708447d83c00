//! The server's schedule of routine SOPs: each minute, beside the
//! escalation, the routine cases whose period has begun are started (the
//! store claims each period once, so several servers may all ask).

use store::Store;

/// Starts the routine cases due at `now`; a failure or a routine that
/// cannot start is reported and tried again at the next minute.
pub async fn start_due(store: &Store, now: i64) {
    match store.start_due_routines(now).await {
        Ok(starts) => {
            for refused in starts.refused {
                tracing::warn!("pekerjaan rutin belum dapat dimulai, dicoba lagi: {refused}");
            }
        }
        Err(e) => tracing::warn!("jadwal pekerjaan rutin gagal, dicoba lagi: {e}"),
    }
}

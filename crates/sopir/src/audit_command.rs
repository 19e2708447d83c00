//! Keeping the record honest: `sopir audit verify` walks the hash chain of
//! the event log; `sopir retention purge` erases personal data past the
//! retention period (the log itself is never touched).

use std::path::Path;

use store::Store;

use crate::CliError;

/// Refuses a SQLite URL whose file does not exist (opening would create it).
fn require_existing(url: &str) -> Result<(), CliError> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        if !Path::new(file).exists() {
            return Err(CliError::NoDatabase(file.to_string()));
        }
    }
    Ok(())
}

pub fn purge(url: &str) -> Result<(), CliError> {
    require_existing(url)?;
    crate::runtime()?.block_on(async {
        let store = Store::open(url).await?;
        let erased = store.purge_personal_data(jiff::Timestamp::now().as_millisecond()).await?;
        store.close().await;
        println!(
            "Data pribadi {erased} permohonan yang lewat masa retensi dihapus; catatan anonimnya tetap."
        );
        Ok(())
    })
}

pub fn verify(url: &str) -> Result<(), CliError> {
    require_existing(url)?;
    crate::runtime()?.block_on(async {
        let store = Store::open(url).await?;
        let report = store.verify_audit().await?;
        store.close().await;
        match report.first_break {
            None => {
                println!("Rantai audit utuh: {} event diperiksa.", report.checked);
                Ok(())
            }
            Some(broken) => {
                println!("Rantai audit PUTUS setelah {} event yang utuh: {broken}", report.checked);
                Err(CliError::AuditBroken)
            }
        }
    })
}

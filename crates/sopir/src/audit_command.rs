//! `sopir audit verify`: walks the hash chain of the event log.

use std::path::Path;

use store::Store;

use crate::CliError;

pub fn verify(url: &str) -> Result<(), CliError> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        if !Path::new(file).exists() {
            return Err(CliError::NoDatabase(file.to_string()));
        }
    }
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
